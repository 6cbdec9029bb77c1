/** What the visitor is told about machine translation: a translated agent message says so
 * and shows its original on demand; one that went untranslated says that. */

import { msg } from "@lit/localize";
import { html, nothing, type TemplateResult } from "lit";
import type { Message } from "./types";

/** The visible words, said when shown so they are in the page's language. */
export const translationWords = {
  translated: (): string => msg("Translated automatically", { id: "w.translation.translated" }),
  showOriginal: (): string => msg("Show original", { id: "w.translation.show_original" }),
  showTranslation: (): string => msg("Show translation", { id: "w.translation.show_translation" }),
  notTranslated: (): string => msg("Not translated", { id: "w.translation.not_translated" }),
};

/** The text to show: the translation of a translated agent message unless its original
 * was asked for. */
export function shownText(m: Message, original: boolean): string {
  const t = m.translation;
  return m.sender === "agent" && t?.state === "done" && t.text && !original ? t.text : m.text;
}

/** The mark under a message on a translated contact: an agent's translated one (with its
 * original on demand), or either side's that went untranslated; nothing otherwise. */
export function translationMark(m: Message, original: boolean, toggle: () => void): TemplateResult | typeof nothing {
  const t = m.translation;
  if (m.sender === "system" || !t || m.file) return nothing;
  if (t.state === "failed" || t.state === "skipped") {
    return html`<div class="meta tr-mark" data-test="untranslated">${translationWords.notTranslated()}</div>`;
  }
  if (t.state !== "done" || m.sender !== "agent") return nothing;
  return html`<div class="meta tr-mark" data-test="translated">
    <span>${translationWords.translated()} ·</span>
    <button class="tr-toggle" data-test="show-original" aria-pressed=${original ? "true" : "false"} @click=${toggle}
      >${original ? translationWords.showTranslation() : translationWords.showOriginal()}</button
    >
  </div>`;
}
