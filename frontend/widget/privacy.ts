/** The widget's privacy note on the typing preview: when the service shows the agent what
 * the visitor types before it is sent, the visitor is told so under the composer. */

import { msg } from "@lit/localize";
import { html, nothing, type TemplateResult } from "lit";
import type { Conversation } from "./types";

export function typingPreviewNote(conv: Conversation | null): TemplateResult | typeof nothing {
  if (!conv?.typingPreview) return nothing;
  return html`<p class="privacy-note" data-test="typing-preview-note">${msg(
    "The agent sees what you type before you send it.",
    { id: "w.privacy.typing_preview" },
  )}</p>`;
}
