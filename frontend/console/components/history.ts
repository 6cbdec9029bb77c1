// The visitor's history in the details drawer: their earlier contacts (date, service, agent,
// outcome, first line), each opening its transcript read-only in a dialog.

import { localized, msg, str } from "@lit/localize";
import { LitElement, css, html, nothing, type PropertyValues } from "lit";
import { customElement, property, query, state } from "lit/decorators.js";
import { api } from "../api";
import { clock, dateTime, linkify } from "../format";
import { outcomeName } from "../labels";
import { shared } from "../styles";
import type { Contact, Message } from "../types";
import { sayError } from "../../shared/errors";

export interface EarlierContact {
  id: number;
  created_at: number;
  closed_at: number | null;
  state: string;
  outcome: string | null;
  service: { id: number; name: string };
  agent: { id: number; name: string } | null;
  first_line: string;
  verified: boolean;
  /** "identity": from another browser, linked by the same verified user id. */
  linked_by: "visitor" | "identity";
}

@customElement("sp-visitor-history")
@localized()
export class SpVisitorHistory extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0 12px 12px;
        display: grid;
        gap: 6px;
      }
      li button {
        width: 100%;
        text-align: left;
        border: 1px solid var(--border);
        border-radius: 8px;
        background: var(--surface);
        padding: 6px 10px;
        font-size: 12px;
        display: grid;
        gap: 2px;
        cursor: pointer;
      }
      li button:hover {
        background: var(--hover);
      }
      .when {
        font-weight: 600;
        font-size: 12px;
      }
      .meta,
      .none {
        color: var(--muted);
      }
      .first {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        font-style: italic;
      }
      .none {
        padding: 0 16px 12px;
        font-size: 13px;
        margin: 0;
      }
      dialog {
        width: min(640px, 92vw);
        max-height: 80vh;
        border: 1px solid var(--border);
        border-radius: var(--radius);
        padding: 0;
        box-shadow: var(--shadow);
      }
      dialog header {
        display: flex;
        align-items: baseline;
        gap: 10px;
        padding: 14px 18px 8px;
        border-bottom: 1px solid var(--border);
      }
      dialog h3 {
        margin: 0;
        font-size: 15px;
        flex: 1;
      }
      .ro {
        margin: 10px 18px 0;
        font-size: 12px;
        color: var(--muted);
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 10px 18px 18px;
        display: grid;
        gap: 8px;
        overflow: auto;
        max-height: 60vh;
      }
      ol li {
        display: grid;
        grid-template-columns: 72px 120px 1fr;
        gap: 8px;
        font-size: 13px;
      }
      ol li time,
      ol li .who {
        color: var(--muted);
      }
      ol li.agent .who {
        color: var(--primary-strong);
        font-weight: 600;
      }
      .text {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
    `,
  ];

  /** The contact in the drawer: its visitor's earlier contacts are listed. */
  @property({ type: Number }) contactId = 0;
  @state() private items: EarlierContact[] | null = null;
  @state() private error = "";
  @state() private open: Contact | null = null;
  @query("dialog") private dialog!: HTMLDialogElement;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("contactId")) void this.load();
  }

  private async load(): Promise<void> {
    const id = this.contactId;
    this.items = null;
    this.error = "";
    try {
      const items = await api<EarlierContact[]>("GET", `/api/contacts/${id}/history`);
      if (id === this.contactId) this.items = items;
    } catch (err) {
      if (id === this.contactId) this.error = sayError(err, msg("The visitor's earlier contacts could not be loaded."));
    }
  }

  private async show(item: EarlierContact): Promise<void> {
    try {
      this.open = await api<Contact>("GET", `/api/contacts/${this.contactId}/history/${item.id}`);
      await this.updateComplete;
      this.dialog.showModal();
    } catch (err) {
      this.error = sayError(err, msg("This conversation could not be loaded. Please try again."));
    }
  }

  private who(c: Contact, m: Message): string {
    if (m.sender === "visitor") return c.visitor.name || msg("Visitor");
    return c.agent?.id === m.agent_id ? c.agent.display_name : msg("Agent");
  }

  override render() {
    if (this.error) return html`<p class="none" role="alert">${this.error}</p>`;
    if (this.items === null) return html`<p class="none">${msg("Loading…")}</p>`;
    if (this.items.length === 0) return html`<p class="none" data-testid="history-empty">${msg("No earlier contact with this visitor.")}</p>`;
    return html`<ul data-testid="visitor-history" aria-label=${msg("Earlier contacts")}>
        ${this.items.map(
          (item) => html`<li>
            <button data-testid="history-entry" data-contact-id=${item.id} @click=${() => void this.show(item)}
              aria-label=${msg(str`Open the conversation of ${dateTime(item.created_at)}, read-only`)}>
              <span class="when">${dateTime(item.created_at)}
                ${item.verified ? html`<span class="verified" data-testid="history-verified">✓ ${msg("verified")}</span>` : nothing}
                ${item.linked_by === "identity" ? html`<span class="chip" data-testid="history-other-device" title=${msg("The same signed-in user, from another browser or device")}>${msg("other device")}</span>` : nothing}</span>
              <span class="meta">${item.service.name} · ${item.agent?.name ?? msg("no agent")} · ${item.outcome ? outcomeName(item.outcome) : msg("in progress")}</span>
              ${item.first_line ? html`<span class="first" data-testid="history-first-line">“${item.first_line}”</span>` : nothing}
            </button>
          </li>`,
        )}
      </ul>
      <dialog data-testid="history-transcript" aria-labelledby="history-h" @close=${() => (this.open = null)}>
        ${this.open ? this.renderOpen(this.open) : nothing}
      </dialog>`;
  }

  private renderOpen(c: Contact) {
    return html`<header>
        <h3 id="history-h">${dateTime(c.created_at)} · ${c.service.name}</h3>
        <button class="btn" data-testid="history-close" @click=${() => this.dialog.close()}>${msg("Close")}</button>
      </header>
      <p class="ro" data-testid="history-read-only">${msg("An earlier conversation, read-only.")}</p>
      <ol aria-label=${msg("Conversation")}>
        ${c.messages.map(
          (m) => html`<li class=${m.sender} data-testid="history-line">
            <time>${clock(m.created_at)}</time><span class="who">${this.who(c, m)}</span>
            <span class="text">${m.file ? html`<span class="meta">${msg("File:")}</span> ${m.file.name} ` : nothing}${linkify(m.text)}</span>
          </li>`,
        )}
      </ol>`;
  }
}
