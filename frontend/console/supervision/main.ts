// Supervision: the live view of the reader's services, a contact in progress read-only, and
// the messages visitors left. A page of its own (/supervision), signed in with the console's
// session; roles supervisor and admin.

import { useLanguage } from "../i18n";
import { localized, msg } from "@lit/localize";
import { LitElement, css, html, nothing } from "lit";
import { customElement, state } from "lit/decorators.js";
import { api, ApiError } from "../api";
import { pageStyles, shared } from "../styles";
import type { AgentState, EventFrame } from "../types";
import "./left";
import type { SpLeftMessages } from "./left";
import "./live";
import { SupervisionStream } from "./stream";
import "./intervene";
import type { SpIntervene } from "./intervene";
import "./transcript";
import type { SpLiveTranscript } from "./transcript";
import type { LiveView } from "./types";
import { sayError } from "../../shared/errors";

// The browser's language until /api/me gives the agent's profile.
void useLanguage(null);

type Route = { name: "live" } | { name: "contact"; id: number } | { name: "left" };

function parseHash(): Route {
  const contact = /^#contact\/(\d+)$/.exec(location.hash);
  if (contact) return { name: "contact", id: Number(contact[1]) };
  if (location.hash === "#left-messages") return { name: "left" };
  return { name: "live" };
}

@customElement("sp-supervision")
@localized()
export class SpSupervision extends LitElement {
  static override styles = [
    shared,
    pageStyles,
    css`
      :host {
        display: block;
        max-width: 1280px;
        margin: 0 auto;
        padding: 16px 20px 40px;
      }
      .link {
        font-size: 12px;
        font-weight: 600;
        display: inline-flex;
        align-items: center;
        gap: 6px;
      }
      .link::before {
        content: "";
        width: 8px;
        height: 8px;
        border-radius: 50%;
        background: var(--green);
      }
      .link.off {
        color: var(--red);
      }
      .link.off::before {
        background: var(--red);
      }
      .back {
        margin-bottom: 12px;
        display: inline-block;
        color: var(--primary);
      }
      .empty {
        padding: 20px;
        text-align: center;
        color: var(--muted);
      }
    `,
  ];

  @state() private me: AgentState | null = null;
  @state() private refusal = "";
  @state() private route: Route = parseHash();
  @state() private view: LiveView | null = null;
  @state() private offset = 0;
  @state() private online = false;
  @state() private tick = 0;
  private stream: SupervisionStream | null = null;
  private timer = 0;

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener("hashchange", () => (this.route = parseHash()));
    this.timer = window.setInterval(() => (this.tick += 1), 1000);
    void this.boot();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.clearInterval(this.timer);
    this.stream?.stop();
  }

  private async boot(): Promise<void> {
    try {
      this.me = await api<AgentState>("GET", "/api/me");
      await useLanguage(this.me.ui_language);
    } catch (err) {
      this.refusal =
        err instanceof ApiError && err.status === 401 ? "signed-out" : sayError(err, msg("Supervision could not be loaded. Please reload the page."));
      return;
    }
    if (this.me.role === "agent") {
      this.refusal = "forbidden";
      return;
    }
    this.stream = new SupervisionStream({
      view: (view) => {
        this.offset = view.server_time - Date.now() / 1000;
        this.view = view;
      },
      event: (frame: EventFrame) => {
        if (frame.kind.startsWith("left_message.")) {
          this.renderRoot.querySelector<SpLeftMessages>("sp-left-messages")?.apply(frame);
        } else {
          this.renderRoot.querySelector<SpLiveTranscript>("sp-live-transcript")?.apply(frame);
          this.renderRoot.querySelector<SpIntervene>("sp-intervene")?.apply(frame);
        }
      },
      connected: (online) => (this.online = online),
      refused: (code) => (this.refusal = code === "forbidden" ? "forbidden" : "signed-out"),
    });
    this.stream.start();
  }

  protected override willUpdate(): void {
    document.title = msg("Sportello supervision");
  }

  override render() {
    if (this.refusal === "signed-out") {
      return html`<p class="empty" role="alert">${msg(html`Sign in to the <a href="/console">console</a> first, then come back.`)}</p>`;
    }
    if (this.refusal === "forbidden") {
      return html`<p class="empty" role="alert" data-testid="supervision-forbidden">${msg("Supervision is for supervisors and admins.")} <a href="/console">${msg("Back to the console")}</a></p>`;
    }
    if (this.refusal) return html`<p class="empty" role="alert">${this.refusal}</p>`;
    const r = this.route;
    return html`<header>
        <h1>${msg("Supervision")}</h1>
        <nav aria-label=${msg("Supervision")}>
          <a href="#live" data-testid="nav-live" aria-current=${r.name !== "left" ? "page" : "false"}>${msg("Live")}</a>
          <a href="#left-messages" data-testid="nav-left" aria-current=${r.name === "left" ? "page" : "false"}>${msg("Left messages")}</a>
        </nav>
        <span class="spacer"></span>
        <span class="link ${this.online ? "" : "off"}" role="status" data-testid="stream-status">${this.online ? msg("Live") : msg("Reconnecting…")}</span>
        <a class="btn" href="/console">${msg("Back to the console")}</a>
      </header>
      <main>
        ${r.name === "live" ? html`<sp-live-view .view=${this.view} .offset=${this.offset} .tick=${this.tick}></sp-live-view>` : nothing}
        ${r.name === "contact"
          ? html`<a class="back" href="#live" data-testid="back-to-live">← ${msg("Live view")}</a>
              <sp-intervene .contactId=${r.id} .me=${this.me?.id ?? 0}></sp-intervene>
              <sp-live-transcript .contactId=${r.id}></sp-live-transcript>`
          : nothing}
        ${r.name === "left" ? html`<sp-left-messages .services=${this.view?.services ?? []}></sp-left-messages>` : nothing}
      </main>`;
  }
}
