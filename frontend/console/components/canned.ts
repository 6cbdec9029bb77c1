// Canned replies in the composer: typing "/" at the start of an empty draft opens the
// contact's replies (its service's, then the agent's own), filtered by what follows.
// Arrows move, Enter inserts the reply (placeholders filled by the server), Escape closes.

import { msg, str } from "@lit/localize";
import { css, html, nothing, type ReactiveController, type ReactiveControllerHost } from "lit";
import { api } from "../api";
import { icons } from "../icons";
import { sayError } from "../../shared/errors";

export interface CannedReply {
  id: number;
  shortcut: string;
  title: string;
  personal: boolean;
  /** The text with the contact's placeholders filled, its link on the last line. */
  filled: string;
  /** A saved file, sent in the contact when the reply is inserted. */
  file?: { name: string } | null;
}

const OPENER = /^\/(\S*)$/;

export class CannedPicker implements ReactiveController {
  private replies: CannedReply[] | null = null;
  private loading = false;
  private error = "";
  /** What follows "/" while the list is open; null when it is closed. */
  query: string | null = null;
  private index = 0;
  /** The draft the agent closed the list on: it stays closed until the draft changes. */
  private dismissed: string | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly contactId: () => number,
    private readonly listId: () => string,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** Follow the draft: open, filter or close. */
  follow(draft: string): void {
    const opened = OPENER.exec(draft);
    if (draft !== this.dismissed) this.dismissed = null;
    const query = opened && this.dismissed === null ? opened[1].toLowerCase() : null;
    if (query !== this.query) this.index = 0;
    // Loaded afresh each time the list opens: the agent may have changed their own replies.
    if (query !== null && this.query === null && !this.loading) void this.load();
    this.query = query;
    this.host.requestUpdate();
  }

  /** The replies the list would show. */
  get matches(): CannedReply[] {
    const q = this.query;
    if (q === null || this.replies === null) return [];
    return this.replies.filter((r) => r.shortcut.includes(q) || r.title.toLowerCase().includes(q));
  }

  get open(): boolean {
    return this.query !== null;
  }

  /** The option the arrows point at, for aria-activedescendant. */
  get activeId(): string {
    return this.open && this.matches.length ? `${this.listId()}-${this.index}` : "";
  }

  /** Handle a composer key; returns the reply to insert on Enter, "handled" when the key
   * was the list's, or null when the composer should handle it. */
  key(e: KeyboardEvent, draft: string): CannedReply | "handled" | null {
    if (!this.open) return null;
    const found = this.matches;
    if (e.key === "Escape") {
      this.dismissed = draft;
      this.query = null;
      this.host.requestUpdate();
      return "handled";
    }
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (found.length) this.index = (this.index + (e.key === "ArrowDown" ? 1 : found.length - 1)) % found.length;
      this.host.requestUpdate();
      return "handled";
    }
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      const chosen = found[this.index];
      if (!chosen) return "handled"; // nothing to insert: Enter does not send "/xyz"
      this.query = null;
      this.host.requestUpdate();
      return chosen;
    }
    return null;
  }

  private async load(): Promise<void> {
    this.loading = true;
    this.error = "";
    try {
      this.replies = await api<CannedReply[]>("GET", `/api/contacts/${this.contactId()}/canned-replies`);
    } catch (err) {
      this.error = sayError(err, msg("The canned replies could not be loaded."));
    }
    this.loading = false;
    this.host.requestUpdate();
  }

  render(pick: (reply: CannedReply) => void) {
    if (!this.open) return nothing;
    const found = this.matches;
    const status = this.error
      ? this.error
      : this.replies === null
        ? msg("Loading…")
        : found.length === 0
          ? this.replies.length === 0
            ? msg("No canned replies yet: admins add the service's, and you can add your own from the menu.")
            : msg(str`No canned reply matches “${this.query ?? ""}”.`)
          : "";
    return html`<div class="canned" data-testid="canned-picker">
      <ul id=${this.listId()} role="listbox" aria-label=${msg("Canned replies")}>
        ${found.map(
          (r, i) => html`<li id="${this.listId()}-${i}" role="option" aria-selected=${i === this.index ? "true" : "false"}
              data-testid="canned-option" data-shortcut=${r.shortcut}
              @mousedown=${(e: Event) => e.preventDefault()} @click=${() => pick(r)}>
              <span class="canned-shortcut">/${r.shortcut}</span>
              <span class="canned-title">${r.title}${r.personal ? html` <span class="canned-mine">${msg("yours")}</span>` : nothing}</span>
              <span class="canned-preview">${r.filled}</span>
              ${r.file ? html`<span class="canned-preview" data-testid="canned-option-file">${icons.file()} ${r.file.name} — ${msg("sent when you insert the reply")}</span>` : nothing}
            </li>`,
        )}
      </ul>
      ${status ? html`<p class="status" role="status" data-testid="canned-status">${status}</p>` : nothing}
      <p class="keys" aria-hidden="true">${msg("↑↓ to choose · Enter to insert · Esc to close")}</p>
    </div>`;
  }
}

export const cannedStyles = css`
  .canned {
    border-top: 1px solid var(--border);
    background: var(--surface);
    max-height: 240px;
    overflow-y: auto;
    padding: 6px 8px 4px;
  }
  .canned ul {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .canned li {
    display: grid;
    grid-template-columns: minmax(6em, auto) 1fr;
    gap: 0 10px;
    padding: 6px 8px;
    border-radius: 8px;
    cursor: pointer;
  }
  .canned li[aria-selected="true"] {
    background: var(--hover);
    outline: 2px solid var(--focus);
    outline-offset: -2px;
  }
  .canned-shortcut {
    font-weight: 600;
    color: var(--primary);
  }
  .canned-title {
    font-weight: 600;
  }
  .canned-mine {
    font-weight: 400;
    font-size: 0.85em;
    color: var(--muted);
    border: 1px solid var(--border);
    border-radius: 999px;
    padding: 0 6px;
  }
  .canned-preview {
    grid-column: 2;
    color: var(--muted);
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .canned .status,
  .canned .keys {
    margin: 4px 8px;
    color: var(--muted);
    font-size: 0.85em;
  }
`;
