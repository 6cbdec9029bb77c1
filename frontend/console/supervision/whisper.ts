// A supervisor's whisper to the agent handling a contact: only that agent (and
// supervisors) read it, never the visitor; audited (docs/protocol.md, Private notes).

import { newId } from "../store/model";
import { localized, msg, str } from "@lit/localize";
import { LitElement, css, html } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { api } from "../api";
import { icons } from "../icons";
import { shared } from "../styles";
import type { Note } from "../types";
import { sayError } from "../../shared/errors";

@customElement("sp-whisper")
@localized()
export class SpWhisper extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
        margin-top: 12px;
      }
      form {
        display: grid;
        gap: 6px;
        padding: 10px 12px;
        border-radius: 10px;
        border: 1px solid #c9b6f2;
        border-left: 4px solid #7c4ddb;
        background: #f4efff;
      }
      label {
        font-size: 13px;
        font-weight: 600;
        color: #2b1a57;
        display: flex;
        align-items: center;
        gap: 6px;
      }
      .row {
        display: flex;
        gap: 8px;
        align-items: flex-end;
      }
      textarea {
        flex: 1;
        font: inherit;
        border: 1px solid #b79df0;
        border-radius: 8px;
        padding: 8px 10px;
        resize: vertical;
        min-height: 40px;
        background: #fff;
      }
      .btn.whisper {
        background: #7c4ddb;
        border-color: #7c4ddb;
        color: #fff;
      }
      .hint {
        font-size: 12px;
        color: #4a3a7a;
        margin: 0;
      }
      .error {
        color: var(--red);
        font-size: 13px;
        margin: 0;
      }
    `,
  ];

  @property({ type: Number }) contactId = 0;
  @property() agentName = "";
  @state() private text = "";
  @state() private error = "";
  @state() private sending = false;
  /** The key of the whisper being written: sending the same text again after a failure
   * reuses it, so a whisper stored whose answer was lost is not stored twice. */
  private key: { text: string; id: string } | null = null;

  private async send(e: Event): Promise<void> {
    e.preventDefault();
    const text = this.text;
    if (!text.trim() || this.sending) return;
    this.sending = true;
    this.error = "";
    try {
      if (this.key?.text !== text) this.key = { text, id: newId() };
      const body = { text, client_id: this.key.id };
      const note = await api<Note>("POST", `/api/supervision/contacts/${this.contactId}/whisper`, body);
      this.key = null;
      this.text = "";
      this.dispatchEvent(new CustomEvent<Note>("whispered", { detail: note, bubbles: true, composed: true }));
    } catch (err) {
      this.error = sayError(err, msg("The whisper could not be sent."));
    } finally {
      this.sending = false;
    }
  }

  override render() {
    return html`<form data-testid="whisper-form" @submit=${(e: Event) => void this.send(e)}>
      <label for="whisper-text">${icons.whisper()} ${msg(str`Whisper to ${this.agentName}`)}</label>
      <div class="row">
        <textarea id="whisper-text" data-testid="whisper-text" rows="2" .value=${this.text}
          placeholder=${msg("Only the agent reads it; the visitor never sees it.")}
          @input=${(e: InputEvent) => (this.text = (e.target as HTMLTextAreaElement).value)}
          @keydown=${(e: KeyboardEvent) => {
            if (e.key === "Enter" && !e.shiftKey && !e.isComposing) void this.send(e);
          }}></textarea>
        <button class="btn whisper" data-testid="whisper-send" type="submit" ?disabled=${!this.text.trim() || this.sending}>
          ${icons.whisper()} ${msg("Whisper")}</button>
      </div>
      <p class="hint">${msg("Recorded in the audit.")}</p>
      ${this.error ? html`<p class="error" role="alert" data-testid="whisper-error">${this.error}</p>` : ""}
    </form>`;
  }
}
