// The notes that named this agent: a bell in the top bar with the count not seen yet, a
// list to pick from, and the contact opened read-only (transcript and notes; the agent may
// answer with a note, never write to the visitor) — docs/protocol.md, Private notes.

import { localized, msg, str } from "@lit/localize";
import { LitElement, css, html, nothing } from "lit";
import { customElement, query, state } from "lit/decorators.js";
import { api } from "../api";
import { StoreController } from "../controller";
import { clock, linkify } from "../format";
import { icons } from "../icons";
import { store } from "../store";
import { shared } from "../styles";
import type { Contact, Mention, Message, Note } from "../types";
import { noteCard, noteStyles } from "./notes";
import { sayError } from "../../shared/errors";

type Line = { at: number; order: number } & ({ message: Message } | { note: Note });

@customElement("sp-mentions")
@localized()
export class SpMentions extends LitElement {
  static override styles = [
    shared,
    noteStyles,
    css`
      :host {
        position: relative;
      }
      .bell {
        position: relative;
      }
      .count {
        position: absolute;
        top: -2px;
        right: -4px;
        min-width: 16px;
        height: 16px;
        padding: 0 4px;
        border-radius: 8px;
        background: var(--amber);
        color: #fff;
        font-size: 10px;
        font-weight: 700;
        line-height: 16px;
        text-align: center;
      }
      .list {
        position: absolute;
        right: 0;
        top: 40px;
        width: 340px;
        max-height: 60vh;
        overflow: auto;
        background: var(--surface);
        border: 1px solid var(--border);
        border-radius: 10px;
        box-shadow: var(--shadow-lg);
        z-index: 40;
        padding: 6px;
      }
      .list h2 {
        font-size: 13px;
        margin: 4px 8px 6px;
      }
      .entry {
        display: grid;
        gap: 2px;
        width: 100%;
        text-align: left;
        font: inherit;
        background: none;
        border: none;
        border-radius: 8px;
        padding: 8px;
        cursor: pointer;
        color: var(--text);
      }
      .entry:hover,
      .entry:focus-visible {
        background: var(--hover);
      }
      .entry .who {
        font-size: 12px;
        font-weight: 600;
      }
      .entry .what {
        font-size: 12px;
        color: var(--muted);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .entry.new .who::before {
        content: "";
        display: inline-block;
        width: 7px;
        height: 7px;
        border-radius: 50%;
        background: var(--amber);
        margin-right: 6px;
      }
      .confirm.page .box.reader {
        width: min(640px, 94%);
        max-height: 86vh;
        grid-template-rows: auto auto 1fr auto auto;
      }
      .reader ol {
        list-style: none;
        margin: 0;
        padding: 0;
        display: flex;
        flex-direction: column;
        gap: 6px;
        overflow: auto;
        min-height: 120px;
      }
      .line {
        display: grid;
        grid-template-columns: 64px 110px 1fr;
        gap: 8px;
        font-size: 13px;
      }
      .line time,
      .line .who {
        color: var(--muted);
      }
      .line.agent .who {
        color: var(--primary-strong);
        font-weight: 600;
      }
      .line .text {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .read-only {
        padding: 8px 12px;
        border-radius: 8px;
        background: var(--primary-soft);
        color: var(--primary-strong);
        font-size: 13px;
        margin: 0;
      }
      textarea {
        font: inherit;
        width: 100%;
        box-sizing: border-box;
        border: 1px solid var(--amber);
        background: #fffdf2;
        border-radius: 10px;
        padding: 8px 10px;
        resize: vertical;
        min-height: 56px;
      }
    `,
  ];

  protected readonly storeCtl = new StoreController(this);
  @state() private open = false;
  @state() private reading: Contact | null = null;
  @state() private answer = "";
  /** The newest mention the open contact was read again for (once each). */
  private refreshedFor = 0;
  @query(".box.reader h3") private readerTitle?: HTMLElement;

  protected override willUpdate(): void {
    // A newer note naming this agent on the contact being read: read it again.
    const c = this.reading;
    const newer = c && store.mentions.find((m) => m.contact.id === c.id && !(c.notes ?? []).some((n) => n.id === m.note.id));
    if (c && newer && newer.note.id !== this.refreshedFor) {
      this.refreshedFor = newer.note.id;
      void this.read(c.id, false);
    }
  }

  private toggle(): void {
    this.open = !this.open;
    if (this.open) store.markMentionsSeen();
  }

  private async read(contactId: number, focus = true): Promise<void> {
    this.open = false;
    try {
      this.reading = await api<Contact>("GET", `/api/contacts/${contactId}`);
      await this.updateComplete;
      if (focus) this.readerTitle?.focus();
    } catch (err) {
      store.notify(sayError(err, msg("This conversation could not be loaded. Please try again.")));
    }
  }

  private async reply(): Promise<void> {
    const c = this.reading;
    const text = this.answer;
    if (!c || !text.trim()) return;
    const note = await store.addNote(c.id, text);
    if (note && this.reading?.id === c.id) {
      this.reading = { ...this.reading, notes: [...(this.reading.notes ?? []), note] };
      this.answer = "";
    }
  }

  private lines(c: Contact): Line[] {
    const lines: Line[] = [
      ...c.messages.map((message, i) => ({ at: message.created_at, order: i, message })),
      ...(c.notes ?? []).map((note, i) => ({ at: note.created_at, order: 100000 + i, note })),
    ];
    return lines.sort((a, b) => a.at - b.at || a.order - b.order);
  }

  private who(c: Contact, m: Message): string {
    if (m.sender === "visitor") return c.visitor.name || msg("Visitor");
    if (m.sender === "agent") return c.agent?.display_name ?? msg("Agent");
    return "";
  }

  private renderEntry(m: Mention, seen: number) {
    const c = m.contact;
    return html`<button class="entry ${m.note.id > seen ? "new" : ""}" data-testid="mention" data-contact-id=${c.id}
      @click=${() => void this.read(c.id)}>
      <span class="who">${msg(str`${m.note.author.display_name} on ${c.visitor_name} (${c.service_name})`)} · ${clock(m.note.created_at)}</span>
      <span class="what">${m.note.text}</span>
    </button>`;
  }

  private renderReader(c: Contact) {
    const close = () => (this.reading = null);
    return html`<div class="confirm page" role="dialog" aria-modal="true" aria-labelledby="reader-title"
      @keydown=${(e: KeyboardEvent) => e.key === "Escape" && close()}>
      <div class="box reader" data-testid="mention-reader">
        <h3 id="reader-title" tabindex="-1">${c.visitor.name || msg("Visitor")} · ${c.service.name}</h3>
        <p class="read-only" data-testid="read-only">${c.agent
          ? msg(str`Read-only: ${c.agent.display_name} handles this contact. You can answer with a private note.`)
          : msg("Read-only: you can answer with a private note.")}</p>
        <ol aria-label=${msg("Conversation")} data-testid="reader-transcript">
          ${this.lines(c).map((line) =>
            "note" in line
              ? html`<li>${noteCard(line.note, store.agent?.id)}</li>`
              : html`<li class="line ${line.message.sender}" data-testid="reader-line">
                  <time>${clock(line.message.created_at)}</time><span class="who">${this.who(c, line.message)}</span>
                  <span class="text">${line.message.file ? html`<span class="muted">${msg("File:")}</span> ${line.message.file.name} ` : nothing}${linkify(line.message.text)}</span>
                </li>`,
          )}
        </ol>
        <textarea data-testid="reader-note" aria-label=${msg("Private note")} .value=${this.answer}
          placeholder=${msg("Private note: only agents and supervisors read it. Type @login to ask a colleague.")}
          @input=${(e: InputEvent) => (this.answer = (e.target as HTMLTextAreaElement).value)}></textarea>
        <div class="actions">
          <button class="btn" data-testid="reader-close" @click=${close}>${msg("Close")}</button>
          <button class="btn note-btn" data-testid="reader-add-note" ?disabled=${!this.answer.trim()} @click=${() => void this.reply()}>
            ${icons.lock()} ${msg("Add note")}</button>
        </div>
      </div>
    </div>`;
  }

  override render() {
    const unseen = store.unseenMentions;
    const seen = store.mentionsSeen ?? 0;
    const label = unseen ? msg(str`Mentions: ${unseen} new`) : msg("Mentions");
    return html`<button class="icon-btn bell" data-testid="mentions" aria-haspopup="true" aria-expanded=${this.open ? "true" : "false"}
        aria-label=${label} title=${label} @click=${() => this.toggle()}>${icons.at()}${unseen
        ? html`<span class="count" data-testid="mentions-count" aria-hidden="true">${unseen}</span>`
        : nothing}</button>
      ${this.open
        ? html`<div class="list" data-testid="mentions-list" @keydown=${(e: KeyboardEvent) => e.key === "Escape" && (this.open = false)}>
            <h2>${msg("Notes that mention you")}</h2>
            ${store.mentions.length
              ? store.mentions.map((m) => this.renderEntry(m, seen))
              : html`<p class="muted" style="margin: 8px">${msg("No colleague has mentioned you yet. When one writes @your-login in a private note, it shows here.")}</p>`}
          </div>`
        : nothing}
      ${this.reading ? this.renderReader(this.reading) : nothing}`;
  }
}
