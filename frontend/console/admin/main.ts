// Administration: services, tags, agents, transfer groups, canned replies, webhooks, API
// tokens and the audit. A page of its own (/admin), signed in with the console's session, for
// admins only.

import { roleName } from "../labels";
import { useLanguage } from "../i18n";
import { localized, msg, str } from "@lit/localize";
import { LitElement, css, html } from "lit";
import { customElement, state } from "lit/decorators.js";
import { keyed } from "lit/directives/keyed.js";
import { api, ApiError } from "../api";
import { pageStyles, shared } from "../styles";
import type { AgentState } from "../types";
import "./audit";
import "./crud";
import { agents, cannedReplies, groups, services, tags } from "./resources";
import { allTokens } from "./tokens";
import { webhooks } from "./webhooks";

const PAGES = {
  services: { label: () => msg("Services"), resource: services },
  tags: { label: () => msg("Tags"), resource: tags },
  agents: { label: () => msg("Agents"), resource: agents },
  groups: { label: () => msg("Transfer groups"), resource: groups },
  replies: { label: () => msg("Canned replies"), resource: cannedReplies },
  webhooks: { label: () => msg("Webhooks"), resource: webhooks },
  tokens: { label: () => msg("API tokens"), resource: allTokens },
  audit: { label: () => msg("Audit"), resource: null },
} as const;
type Page = keyof typeof PAGES;

// The browser's language until /api/me gives the agent's profile.
void useLanguage(null);

const pageOf = (hash: string): Page => {
  const name = hash.replace(/^#/, "");
  return name in PAGES ? (name as Page) : "services";
};

@customElement("sp-admin")
@localized()
export class SpAdmin extends LitElement {
  static override styles = [
    shared,
    pageStyles,
    css`
      :host {
        display: block;
        max-width: 1200px;
        margin: 0 auto;
        padding: 16px 20px 40px;
      }
      .notice {
        max-width: 480px;
        margin: 80px auto;
        background: var(--surface);
        border: 1px solid var(--border);
        border-radius: var(--radius);
        padding: 24px;
        text-align: center;
        box-shadow: var(--shadow);
      }
      .notice a {
        color: var(--primary);
        font-weight: 600;
      }
    `,
  ];

  @state() private me: AgentState | null = null;
  @state() private problem: "" | "signed-out" | "not-allowed" | "error" = "";
  @state() private page: Page = pageOf(location.hash);

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener("hashchange", () => (this.page = pageOf(location.hash)));
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.me = await api<AgentState>("GET", "/api/me");
      await useLanguage(this.me.ui_language);
      this.problem = this.me.role === "admin" ? "" : "not-allowed";
    } catch (err) {
      this.problem = err instanceof ApiError && err.status === 401 ? "signed-out" : "error";
    }
  }

  protected override willUpdate(): void {
    document.title = msg("Sportello administration");
  }

  override render() {
    if (this.problem === "signed-out") {
      return html`<div class="notice" role="alert" data-testid="admin-signed-out">
        <h1>${msg("Sign in first")}</h1><p>${msg(html`Sign in to the <a href="/console">console</a>, then come back.`)}</p></div>`;
    }
    if (this.problem === "not-allowed") {
      return html`<div class="notice" role="alert" data-testid="not-allowed">
        <h1>${msg("Not allowed")}</h1>
        <p>${msg(str`Administration is for admins. You are signed in as ${this.me?.login} (${roleName(this.me?.role ?? "")}).`)}</p>
        <p><a href="/console">${msg("Back to the console")}</a></p></div>`;
    }
    if (this.problem === "error") {
      return html`<div class="notice" role="alert"><h1>${msg("The server cannot be reached")}</h1><p>${msg("Reload the page to try again.")}</p></div>`;
    }
    if (this.me === null) return html`<p class="muted">${msg("Loading…")}</p>`;
    const current = PAGES[this.page];
    return html`<header>
        <h1>${msg("Administration")}</h1>
        <nav aria-label=${msg("Administration")}>
          ${Object.entries(PAGES).map(
            ([key, p]) => html`<a href="#${key}" data-testid="nav-${key}" aria-current=${key === this.page ? "page" : "false"}>${p.label()}</a>`,
          )}
        </nav>
        <span class="spacer"></span>
        <a class="btn" href="/console">${msg("Back to the console")}</a>
      </header>
      <main>
        ${current.resource
          ? keyed(this.page, html`<sp-admin-crud data-page=${this.page} .resource=${current.resource()}></sp-admin-crud>`)
          : html`<sp-admin-audit></sp-admin-audit>`}
      </main>`;
  }
}
