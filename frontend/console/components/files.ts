// Files in the console: the upload dialog, a file's line in the transcript, the image viewer.

import { localized, msg, str } from "@lit/localize";
import { LitElement, css, html, nothing, type PropertyValues } from "lit";
import { customElement, property, query, state } from "lit/decorators.js";
import { fileKind, formatBytes, tooLarge, uploadFile, uploadQuery, type Upload, type UploadError } from "../../shared/files";
import { icons } from "../icons";
import { store } from "../store";
import { shared } from "../styles";
import type { FileCard } from "../types";
import { sayError } from "../../shared/errors";

/** A file's line: the thumbnail (opens the viewer) or a typed icon with a download button. */
export function fileLine(card: FileCard, onOpen: (card: FileCard) => void) {
  const label = card.description || card.name;
  if (card.thumbnail) {
    return html`<button class="file image" data-testid="file" data-kind="image" data-file-id=${card.id}
        title=${msg(str`Open ${card.name} full size`)} @click=${() => onOpen(card)}>
        <img src="/api/files/${card.id}/thumbnail" alt=${label} data-testid="thumbnail" />
        <span class="cap">${label} · ${formatBytes(card.size)}</span>
      </button>`;
  }
  return html`<span class="file doc" data-testid="file" data-kind=${fileKind(card)} data-file-id=${card.id}>
      <span class="ficon">${icons.file()}<b>${fileKind(card) === "pdf" ? "PDF" : ""}</b></span>
      <span class="fname"><span class="n">${label}</span><span class="s">${card.description ? `${card.name} · ` : ""}${formatBytes(card.size)}</span></span>
      <a class="btn" data-testid="download" href="/api/files/${card.id}" download=${card.name} aria-label=${msg(str`Download ${card.name}`)}>${icons.download()} ${msg("Download")}</a>
    </span>`;
}

export const fileStyles = css`
  .file {
    display: flex;
    align-items: center;
    gap: 10px;
    text-align: left;
    color: inherit;
  }
  .file.image {
    flex-direction: column;
    align-items: stretch;
    gap: 4px;
    padding: 0;
    cursor: zoom-in;
  }
  .file.image img {
    display: block;
    max-width: 260px;
    max-height: 200px;
    border-radius: 8px;
    background: #fff;
  }
  .file .cap {
    font-size: 12px;
  }
  .ficon {
    position: relative;
    display: inline-grid;
    place-items: center;
    width: 36px;
    height: 36px;
    border-radius: 8px;
    background: rgba(0, 0, 0, 0.06);
  }
  .ficon b {
    position: absolute;
    bottom: 3px;
    font-size: 8px;
    letter-spacing: 0.04em;
  }
  .fname {
    display: grid;
    min-width: 0;
  }
  .fname .n {
    font-weight: 600;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    max-width: 240px;
  }
  .fname .s {
    font-size: 12px;
    opacity: 0.75;
  }
  .file .btn {
    text-decoration: none;
    white-space: nowrap;
    color: var(--text);
    background: #fff;
  }
`;

/** Full-size image over the page; closes on ✕, Escape or a click outside the image. */
@customElement("sp-viewer")
@localized()
export class SpViewer extends LitElement {
  static override styles = [
    shared,
    css`
      .overlay {
        position: fixed;
        inset: 0;
        z-index: 60;
        background: rgba(15, 20, 30, 0.82);
        display: grid;
        place-items: center;
        padding: 48px;
      }
      img {
        max-width: 100%;
        max-height: calc(100vh - 120px);
        border-radius: 6px;
        box-shadow: var(--shadow-lg);
        background: #fff;
      }
      .x {
        position: fixed;
        top: 14px;
        right: 18px;
        width: 40px;
        height: 40px;
        border-radius: 20px;
        color: #fff;
        background: rgba(255, 255, 255, 0.14);
        display: grid;
        place-items: center;
      }
      .cap {
        color: #e8ecf3;
        margin-top: 10px;
        text-align: center;
        font-size: 13px;
      }
    `,
  ];

  @property({ attribute: false }) card: FileCard | null = null;
  @query(".x") private closeBtn?: HTMLButtonElement;

  private readonly onKey = (e: KeyboardEvent) => {
    if (e.key === "Escape") this.close();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener("keydown", this.onKey);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener("keydown", this.onKey);
  }

  protected override updated(): void {
    this.closeBtn?.focus();
  }

  private close(): void {
    this.dispatchEvent(new Event("close"));
  }

  override render() {
    const card = this.card;
    if (!card) return nothing;
    return html`<div class="overlay" role="dialog" aria-modal="true" aria-label=${msg(str`Image: ${card.name}`)} data-testid="viewer"
      @click=${(e: Event) => e.target === e.currentTarget && this.close()}>
      <button class="x" data-testid="viewer-close" aria-label=${msg("Close the image")} @click=${() => this.close()}>${icons.close()}</button>
      <figure style="margin:0" @click=${(e: Event) => e.target === e.currentTarget && this.close()}>
        <img src="/api/files/${card.id}" alt=${card.description || card.name} data-testid="viewer-image" />
        <figcaption class="cap">${card.description ? `${card.description} — ` : ""}${card.name} · ${formatBytes(card.size)}</figcaption>
      </figure>
    </div>`;
  }
}

/** Choose a file (or get one dropped or pasted), add a description, send it with progress. */
@customElement("sp-upload")
@localized()
export class SpUpload extends LitElement {
  static override styles = [
    shared,
    css`
      .box {
        width: min(420px, 92%);
      }
      label {
        display: grid;
        gap: 4px;
        font-size: 12px;
        color: var(--muted);
        font-weight: 600;
      }
      input[type="text"] {
        font: inherit;
        padding: 8px 10px;
        border: 1px solid var(--border-strong);
        border-radius: 8px;
      }
      .chosen {
        display: flex;
        gap: 8px;
        align-items: center;
        font-size: 13px;
        padding: 8px 10px;
        border: 1px dashed var(--border-strong);
        border-radius: 8px;
        min-height: 40px;
      }
      .chosen .name {
        flex: 1;
        min-width: 0;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        font-weight: 600;
      }
      progress {
        width: 100%;
        height: 8px;
      }
      .error {
        color: var(--red);
        font-size: 13px;
      }
      .limit {
        font-size: 12px;
        color: var(--muted);
      }
    `,
  ];

  @property({ type: Number }) contactId = 0;
  @property({ attribute: false }) file: File | null = null;
  @state() private description = "";
  @state() private progress: number | null = null;
  @state() private error = "";
  @query("input[type=file]") private picker?: HTMLInputElement;
  @query("input[type=text]") private describe?: HTMLInputElement;
  private upload: Upload | null = null;
  private clientId = store.newClientId();

  protected override firstUpdated(): void {
    if (this.file) this.describe?.focus();
    else this.picker?.focus();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("file") && this.file) this.error = tooLarge(this.file, store.limits.upload_bytes) ?? "";
  }

  private close(): void {
    this.upload?.abort();
    this.dispatchEvent(new Event("close"));
  }

  private choose(e: Event): void {
    const files = (e.target as HTMLInputElement).files;
    this.file = files && files.length > 0 ? files[0]! : null;
    this.clientId = store.newClientId();
  }

  private async send(): Promise<void> {
    const file = this.file;
    if (!file || this.progress !== null) return;
    const refused = tooLarge(file, store.limits.upload_bytes);
    if (refused) {
      this.error = refused;
      return;
    }
    this.error = "";
    this.progress = 0;
    const url = `/api/contacts/${this.contactId}/files?${uploadQuery(file.name, this.description.trim(), this.clientId)}`;
    this.upload = uploadFile(url, file, {}, (f) => (this.progress = f));
    try {
      const message = await this.upload.done;
      store.sent(this.contactId, message);
      this.upload = null;
      this.dispatchEvent(new Event("close"));
    } catch (err) {
      const e = err as UploadError;
      this.upload = null;
      this.progress = null;
      if (e.code !== "aborted") this.error = sayError(e, msg("The file could not be sent."));
    }
  }

  override render() {
    const sending = this.progress !== null;
    return html`<div class="confirm" role="dialog" aria-modal="true" aria-labelledby="upload-title" data-testid="upload-dialog"
      @keydown=${(e: KeyboardEvent) => e.key === "Escape" && this.close()}>
      <form class="box" @submit=${(e: Event) => {
        e.preventDefault();
        void this.send();
      }}>
        <h3 id="upload-title">${msg("Send a file")}</h3>
        <div class="chosen">
          ${icons.file()}
          <span class="name" data-testid="upload-name">${this.file ? `${this.file.name} · ${formatBytes(this.file.size)}` : msg("No file chosen")}</span>
          <button type="button" class="btn" ?disabled=${sending} @click=${() => this.picker?.click()}>${msg("Choose…")}</button>
          <input type="file" hidden data-testid="upload-input" @change=${this.choose} />
        </div>
        <span class="limit">${msg(str`Up to ${store.limits.upload_text}. You can also drop a file on the conversation or paste an image.`)}</span>
        <label>${msg("Description (optional)")}
          <input type="text" data-testid="upload-description" maxlength="1000" .value=${this.description} ?disabled=${sending}
            @input=${(e: Event) => (this.description = (e.target as HTMLInputElement).value)} />
        </label>
        ${sending ? html`<progress data-testid="upload-progress" max="1" .value=${this.progress ?? 0} aria-label=${msg("Sending")}></progress>` : nothing}
        ${this.error ? html`<div class="error" role="alert" data-testid="upload-error">${this.error}</div>` : nothing}
        <div class="actions">
          <button type="button" class="btn" data-testid="upload-cancel" @click=${() => this.close()}>${sending ? msg("Cancel upload") : msg("Cancel")}</button>
          <button type="submit" class="btn primary" data-testid="upload-send" ?disabled=${!this.file || sending || !!this.error}>${msg("Send")}</button>
        </div>
      </form>
    </div>`;
  }
}
