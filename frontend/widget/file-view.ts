/** How the widget shows files: a file's line in the transcript, the attachment being sent,
 * and the full-size image viewer. */

import { msg, str } from "@lit/localize";
import { html, nothing, svg, type TemplateResult } from "lit";
import { fileKind, formatBytes } from "../shared/files";
import type { FileCard } from "../shared/protocol";
import type { WidgetSession } from "./session";

export const ICON_CLIP = svg`<path fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" d="M20 11.5l-7.6 7.6a5 5 0 0 1-7.1-7.1l8-8a3.4 3.4 0 0 1 4.8 4.8l-8 8a1.7 1.7 0 0 1-2.4-2.4l7.3-7.3"/>`;
export const ICON_FILE = svg`<path fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round" d="M6 3h8l5 5v12a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1zM14 3v5h5"/>`;

function icon(path: ReturnType<typeof svg>): TemplateResult {
  return html`<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">${path}</svg>`;
}

export function fileLine(s: WidgetSession, card: FileCard, open: (card: FileCard) => void): TemplateResult {
  const token = s.conv?.token ?? "";
  const label = card.description || card.name;
  if (card.thumbnail) {
    const src = s.files.url(token, card, true);
    return html`<button class="file image" data-test="file" data-kind="image" title=${msg(str`Open ${card.name}`, { id: "w.file.open" })}
      @click=${() => open(card)}>
      ${src ? html`<img src=${src} alt=${label} data-test="thumbnail" />` : html`<span class="thumb-wait">${card.name}</span>`}
      <span class="cap">${label} · ${formatBytes(card.size)}</span>
    </button>`;
  }
  const kind = fileKind(card);
  return html`<span class="file doc" data-test="file" data-kind=${kind}>
    <span class="ficon">${icon(ICON_FILE)}${kind === "pdf" ? html`<b>PDF</b>` : nothing}</span>
    <span class="fname"><span class="n">${label}</span><span class="s">${formatBytes(card.size)}</span></span>
    <button class="secondary small" data-test="download" aria-label=${msg(str`Download ${card.name}`, { id: "w.file.download_named" })}
      @click=${() => void s.files.download(token, card)}>${msg("Download", { id: "w.file.download" })}</button>
  </span>`;
}

/** "2.1 MB · add a description below (optional), then send" */
function describeHint(bytes: number): string {
  const size = formatBytes(bytes);
  return msg(str`${size} · add a description below (optional), then send`, { id: "w.file.describe" });
}

export function attachmentBar(s: WidgetSession): TemplateResult | typeof nothing {
  const a = s.files.current;
  if (!a) return nothing;
  const sending = a.progress !== null;
  return html`<div class="attachment" data-test="attachment">
    <span class="ficon">${icon(ICON_FILE)}</span>
    <span class="fname">
      <span class="n">${a.file.name}</span>
      <span class="s">${a.error
        ? html`<span class="refused" role="alert" data-test="attachment-error">${a.error}</span>`
        : sending
          ? html`<progress data-test="attachment-progress" max="1" .value=${a.progress ?? 0}></progress>`
          : describeHint(a.file.size)}</span>
    </span>
    <button class="icon-btn dark" data-test="attachment-clear" aria-label=${sending
      ? msg("Cancel sending", { id: "w.file.cancel" })
      : msg("Remove the file", { id: "w.file.remove" })}
      @click=${() => s.files.clear()}>✕</button>
  </div>`;
}

export function viewer(s: WidgetSession, card: FileCard, close: () => void): TemplateResult {
  const src = s.files.url(s.conv?.token ?? "", card, false);
  return html`<div class="viewer" role="dialog" aria-modal="true" aria-label=${msg(str`Image: ${card.name}`, { id: "w.file.image" })} data-test="viewer"
    @click=${(e: Event) => e.target === e.currentTarget && close()}
    @keydown=${(e: KeyboardEvent) => e.key === "Escape" && close()}>
    <button class="icon-btn close-viewer" data-test="viewer-close" aria-label=${msg("Close the image", { id: "w.file.close" })} @click=${close}>✕</button>
    ${src ? html`<img src=${src} alt=${card.description || card.name} data-test="viewer-image" />` : html`<span class="cap">${msg("Loading…", { id: "w.loading" })}</span>`}
    <span class="cap">${card.description ? `${card.description} — ` : ""}${card.name}</span>
  </div>`;
}
