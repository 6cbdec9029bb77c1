// Stepping into a contact in progress from supervision: join the conversation (the visitor
// and the agent see it), write to the visitor while joined, leave, or take the contact over
// (it moves to this supervisor's console at once). Kept apart from the read-only transcript.

import { localized, msg, str } from "@lit/localize";
import { LitElement, css, html, nothing } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { api } from "../api";
import { shared } from "../styles";
import type { Contact, EventFrame } from "../types";
import { sayError } from "../../shared/errors";

type Card = { id: number; display_name: string };

@customElement("sp-intervene")
@localized()
export class SpIntervene extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
        max-width: 860px;
        margin-bottom: 12px;
      }
      .bar {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 8px;
        background: var(--surface);
        border: 1px solid var(--border);
        border-radius: var(--radius);
        padding: 10px 14px;
      }
      .bar .say {
        flex: 1;
        font-size: 13px;
      }
      .joined {
        color: var(--amber);
        font-weight: 600;
      }
      form {
        display: flex;
        gap: 8px;
        margin-top: 8px;
      }
      textarea {
        flex: 1;
        min-height: 44px;
        resize: vertical;
        font: inherit;
        padding: 8px 10px;
        border: 1px solid var(--border-strong);
        border-radius: 8px;
      }
      .error {
        color: var(--red);
        font-size: 13px;
        margin: 6px 0 0;
      }
    `,
  ];

  @property({ type: Number }) contactId = 0;
  /** The supervisor reading this page. */
  @property({ type: Number }) me = 0;
  @state() private contact: Contact | null = null;
  @state() private joined = false;
  @state() private holding = false;
  @state() private ended = false;
  @state() private busy = false;
  @state() private error = "";
  @state() private draft = "";

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const c = await api<Contact>("GET", `/api/contacts/${this.contactId}`);
      this.contact = c;
      this.joined = (c.supervisors ?? []).some((s) => s.id === this.me);
      this.holding = c.agent?.id === this.me;
      this.ended = !["assigned", "transferring"].includes(c.state);
    } catch {
      /* the transcript beside says why it cannot be read */
    }
  }

  /** An event of the supervision stream about this contact. */
  apply(frame: EventFrame): void {
    if (frame.contact_id !== this.contactId) return;
    const who = frame.data["supervisor"] as Card | undefined;
    if (frame.kind === "contact.supervisor_joined" && who?.id === this.me) this.joined = true;
    else if (frame.kind === "contact.supervisor_left" && who?.id === this.me) this.joined = false;
    else if (frame.kind === "contact.joined") void this.load();
    else if (["contact.closed", "contact.requeued"].includes(frame.kind)) this.ended = true;
  }

  private async act(method: string, what: string, body?: unknown): Promise<boolean> {
    this.busy = true;
    this.error = "";
    try {
      await api(method, `/api/supervision/contacts/${this.contactId}/${what}`, body);
      return true;
    } catch (err) {
      this.error = sayError(err, msg("That did not work. Please try again."));
      return false;
    } finally {
      this.busy = false;
    }
  }

  private async join(): Promise<void> {
    if (await this.act("POST", "join")) this.joined = true;
  }

  private async leave(): Promise<void> {
    if (await this.act("DELETE", "join")) this.joined = false;
  }

  private async takeOver(): Promise<void> {
    const agent = this.contact?.agent?.id;
    if (await this.act("POST", "take-over", agent ? { agent_id: agent } : {})) {
      this.holding = true;
      this.joined = false;
    }
  }

  private async send(e: Event): Promise<void> {
    e.preventDefault();
    const text = this.draft.trim();
    if (!text) return;
    if (await this.act("POST", "messages", { text, client_msg_id: crypto.randomUUID() })) this.draft = "";
  }

  override render() {
    const c = this.contact;
    if (!c || this.ended) return nothing;
    if (this.holding) {
      return html`<div class="bar" data-testid="intervene" role="status">
        <span class="say" data-testid="taken-over">${msg("You hold this conversation now: continue it in your console.")}</span>
        <a class="btn primary" href="/console">${msg("Open the console")}</a>
      </div>`;
    }
    const agent = c.agent?.display_name ?? msg("the agent");
    return html`<div class="bar" data-testid="intervene">
        <span class="say">${this.joined
          ? html`<span class="joined" data-testid="joined-note">${msg(str`You are in the conversation: the visitor and ${agent} see your messages.`)}</span>`
          : msg(str`Watching. ${agent} and the visitor do not see you.`)}</span>
        ${this.joined
          ? html`<button class="btn" data-testid="leave" ?disabled=${this.busy} @click=${() => void this.leave()}>${msg("Leave the conversation")}</button>`
          : html`<button class="btn" data-testid="join" ?disabled=${this.busy} @click=${() => void this.join()}>${msg("Join the conversation")}</button>`}
        <button class="btn danger" data-testid="take-over" ?disabled=${this.busy || c.state !== "assigned"} @click=${() => void this.takeOver()}
          title=${msg(str`The contact becomes yours at once; ${agent} is told why.`)}>${msg("Take over")}</button>
      </div>
      ${this.joined
        ? html`<form @submit=${(e: Event) => void this.send(e)} data-testid="supervisor-composer">
            <textarea aria-label=${msg("Your message to the visitor")} placeholder=${msg("Your message to the visitor")} .value=${this.draft} data-testid="supervisor-input"
              @input=${(e: InputEvent) => (this.draft = (e.target as HTMLTextAreaElement).value)}
              @keydown=${(e: KeyboardEvent) => {
                if (e.key === "Enter" && !e.shiftKey && !e.isComposing) void this.send(e);
              }}></textarea>
            <button class="btn primary" type="submit" data-testid="supervisor-send" ?disabled=${this.busy || !this.draft.trim()}>${msg("Send")}</button>
          </form>`
        : nothing}
      ${this.error ? html`<p class="error" role="alert" data-testid="intervene-error">${this.error}</p>` : nothing}`;
  }
}
