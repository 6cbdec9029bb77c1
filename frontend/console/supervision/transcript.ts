// A contact in progress, read-only: the transcript as the agent sees it, updated live by
// the supervision stream's events. There is no composer: supervisors cannot write.

import { localized, msg, str } from "@lit/localize";
import { LitElement, css, html, nothing } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { api } from "../api";
import { clock, linkify } from "../format";
import { shared } from "../styles";
import type { Contact, EventFrame, Message, Note } from "../types";
import { noteCard, noteStyles } from "../components/notes";
import "./whisper";
import { sayError } from "../../shared/errors";

@customElement("sp-live-transcript")
@localized()
export class SpLiveTranscript extends LitElement {
  static override styles = [
    shared,
    noteStyles,
    css`
      :host {
        display: block;
      }
      article {
        background: var(--surface);
        border: 1px solid var(--border);
        border-radius: var(--radius);
        padding: 16px 20px;
        max-width: 860px;
      }
      header {
        display: flex;
        align-items: baseline;
        gap: 10px;
        flex-wrap: wrap;
      }
      h2 {
        margin: 0;
        font-size: 17px;
      }
      h2:focus {
        outline: none;
      }
      .notice {
        margin: 10px 0;
        padding: 8px 12px;
        border-radius: 8px;
        background: var(--primary-soft);
        color: var(--primary-strong);
        font-size: 13px;
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 8px;
      }
      li.note-line {
        display: block;
      }
      li {
        display: grid;
        grid-template-columns: 76px 130px 1fr;
        gap: 8px;
        font-size: 13px;
      }
      li time,
      li .who {
        color: var(--muted);
      }
      li.agent .who {
        color: var(--primary-strong);
        font-weight: 600;
      }
      li.system {
        font-style: italic;
        color: var(--muted);
      }
      .text {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .ended {
        margin-top: 12px;
        font-weight: 600;
        color: var(--muted);
      }
    `,
  ];

  @property({ type: Number }) contactId = 0;
  @state() private contact: Contact | null = null;
  @state() private error = "";
  @state() private ended = false;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.contact = await api<Contact>("GET", `/api/contacts/${this.contactId}`);
      this.ended = !["pending", "assigned", "transferring"].includes(this.contact.state);
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>("#transcript-h")?.focus();
    } catch (err) {
      this.error = sayError(err, msg("This conversation could not be loaded. Please try again."));
    }
  }

  /** An event of the stream: keep what concerns this contact. */
  apply(frame: EventFrame): void {
    if (frame.contact_id !== this.contactId || !this.contact) return;
    const data = frame.data as { message?: Message; note?: Note; state?: string };
    if (frame.kind === "note.created" && data.note) {
      this.addNote(data.note);
      return;
    }
    if (frame.kind === "message.created" && data.message) {
      const message = data.message;
      if (this.contact.messages.some((m) => m.id === message.id)) return;
      this.contact = { ...this.contact, messages: [...this.contact.messages, message] };
      void this.updateComplete.then(() => this.renderRoot.querySelector("li:last-child")?.scrollIntoView({ block: "nearest" }));
    } else if (["contact.closed", "contact.requeued", "contact.abandoned", "contact.cancelled", "contact.dissuaded"].includes(frame.kind)) {
      this.ended = true;
    }
  }

  private addNote(note: Note): void {
    if (!this.contact || (this.contact.notes ?? []).some((n) => n.id === note.id)) return;
    this.contact = { ...this.contact, notes: [...(this.contact.notes ?? []), note] };
  }

  /** Messages and notes in the order they were written. */
  private lines(c: Contact): ({ at: number; message: Message } | { at: number; note: Note })[] {
    const all = [...c.messages.map((message) => ({ at: message.created_at, message })), ...(c.notes ?? []).map((note) => ({ at: note.created_at, note }))];
    return all.sort((a, b) => a.at - b.at);
  }

  private who(m: Message): string {
    if (m.sender === "visitor") return this.contact?.visitor.name ?? msg("Visitor");
    if (m.sender === "agent") return agentName(this.contact, m.agent_id) ?? msg("Supervisor");
    return "";
  }

  override render() {
    if (this.error) return html`<p class="error" role="alert">${this.error}</p>`;
    const c = this.contact;
    if (!c) return html`<p class="muted">${msg("Loading…")}</p>`;
    return html`<article aria-labelledby="transcript-h" data-testid="live-transcript">
      <header>
        <h2 id="transcript-h" tabindex="-1">${c.visitor.name}</h2>
        <span class="muted">${c.service.name} · ${c.agent ? msg(str`with ${c.agent.display_name}`) : msg("waiting")}</span>
      </header>
      <p class="notice" data-testid="read-only">${msg("Read-only: you are watching this conversation; the visitor and the agent do not see you.")}</p>
      <ol aria-label=${msg("Conversation")} aria-live="polite" data-testid="transcript">
        ${this.lines(c).map((line) =>
          "note" in line
            ? html`<li class="note-line">${noteCard(line.note, undefined)}</li>`
            : html`<li class=${line.message.sender} data-testid="transcript-line">
                <time>${clock(line.message.created_at)}</time><span class="who">${this.who(line.message)}</span>
                <span class="text">${line.message.file ? html`<span class="muted">${msg("File:")}</span> ${line.message.file.name} ` : nothing}${linkify(line.message.text)}</span>
              </li>`,
        )}
      </ol>
      ${c.agent && !this.ended
        ? html`<sp-whisper .contactId=${c.id} .agentName=${c.agent.display_name} @whispered=${(e: CustomEvent<Note>) => this.addNote(e.detail)}></sp-whisper>`
        : nothing}
      ${this.ended ? html`<p class="ended" data-testid="transcript-ended" role="status">${msg("This conversation has ended.")}</p>` : nothing}
    </article>`;
  }
}

/** An agent who held the contact (now or before a transfer), by id; null for a supervisor. */
function agentName(c: Contact | null, id: number | null): string | null {
  if (!c || id === null) return null;
  if (c.agent?.id === id) return c.agent.display_name;
  for (const leg of c.transfers ?? []) {
    if (leg.from_agent?.id === id) return leg.from_agent.display_name;
    if (leg.accepted_by?.id === id) return leg.accepted_by.display_name;
  }
  return null;
}
