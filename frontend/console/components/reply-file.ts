// A canned reply's saved file: attached, replaced or removed from the replies' table (the
// admin page for a service's replies, the console's "My canned replies" for one's own), and
// sent in a contact when the agent inserts the reply.

import { localized, msg, str } from "@lit/localize";
import { LitElement, css, html, nothing } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { api } from "../api";
import { icons } from "../icons";
import { shared } from "../styles";
import { newId } from "../store/model";
import type { Message } from "../types";
import { sayError } from "../../shared/errors";

export interface ReplyFile {
  name: string;
  content_type: string;
  size: number;
}

/** Send the reply's file in the contact: a file message like an upload (the stream shows
 * it). The key makes a retry one message. Returns the error's words, or "" when sent. */
export async function sendReplyFile(contactId: number, replyId: number): Promise<string> {
  const key = newId();
  try {
    await api<Message>("POST", `/api/contacts/${contactId}/canned-replies/${replyId}/file?client_id=${key}`);
    return "";
  } catch (err) {
    return sayError(err, msg("The reply's file could not be sent."));
  }
}

function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

@customElement("sp-reply-file")
@localized()
export class SpReplyFile extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: inline-flex;
        align-items: center;
        gap: 6px;
        flex-wrap: wrap;
        font-size: 12.5px;
      }
      .name {
        display: inline-flex;
        align-items: center;
        gap: 3px;
        max-width: 16em;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .error {
        color: var(--red, #b42318);
        flex-basis: 100%;
      }
      button.link {
        background: none;
        border: 0;
        padding: 0;
        color: var(--primary);
        text-decoration: underline;
        cursor: pointer;
        font: inherit;
      }
    `,
  ];

  /** The reply's address (e.g. /api/me/canned-replies/7). */
  @property() base = "";
  @property({ attribute: false }) file: ReplyFile | null = null;
  @property() shortcut = "";
  @state() private busy = false;
  @state() private error = "";

  private async put(file: File): Promise<void> {
    this.busy = true;
    this.error = "";
    try {
      const reply = await api<{ file: ReplyFile | null }>("PUT", `${this.base}/file?name=${encodeURIComponent(file.name)}`, file);
      this.file = reply.file;
    } catch (err) {
      this.error = sayError(err, msg("The file could not be saved."));
    }
    this.busy = false;
  }

  private async clear(): Promise<void> {
    this.busy = true;
    this.error = "";
    try {
      this.file = (await api<{ file: ReplyFile | null }>("DELETE", `${this.base}/file`)).file;
    } catch (err) {
      this.error = sayError(err, msg("The file could not be removed."));
    }
    this.busy = false;
  }

  override render() {
    const input = html`<input type="file" hidden data-testid="reply-file-input" aria-label=${msg(str`File for /${this.shortcut}`)}
      @change=${(e: Event) => {
        const el = e.target as HTMLInputElement;
        const file = el.files?.[0];
        el.value = "";
        if (file) void this.put(file);
      }} />`;
    const choose = () => this.renderRoot.querySelector<HTMLInputElement>("input[type=file]")?.click();
    return html`${input}
      ${this.file
        ? html`<span class="name" data-testid="reply-file-name" title=${this.file.name}>${icons.file()} ${this.file.name}</span>
            <span class="muted">${size(this.file.size)}</span>
            <button class="link" data-testid="reply-file-replace" ?disabled=${this.busy} @click=${choose}>${msg("Replace")}</button>
            <button class="link" data-testid="reply-file-remove" ?disabled=${this.busy} @click=${() => void this.clear()}>${msg("Remove")}</button>`
        : html`<button class="link" data-testid="reply-file-attach" ?disabled=${this.busy} @click=${choose}>${msg("Attach a file")}</button>`}
      ${this.busy ? html`<span class="muted" role="status">${msg("Saving…")}</span>` : nothing}
      ${this.error ? html`<span class="error" role="alert" data-testid="reply-file-error">${this.error}</span>` : nothing}`;
  }
}
