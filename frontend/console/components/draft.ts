// Under a panel's transcript: "Vera is typing…" and, when the service has the typing preview
// on, the visitor's draft as they write it, faint and in italics (it is not a message yet).
// Ephemeral: it lives in the panel's memory only, and goes when they stop or send.

import { msg, str } from "@lit/localize";
import { css, html, nothing } from "lit";
import type { Panel } from "../store/model";

export function typingLine(p: Panel, name: string) {
  const draft = p.visitorTyping ? p.visitorDraft.trim() : "";
  return html`<div class="typing-line" aria-live="polite">
      ${p.visitorTyping
        ? html`<span data-testid="typing-indicator"><span class="dots" aria-hidden="true"><span></span><span></span><span></span></span> ${msg(str`${name} is typing…`)}</span>`
        : nothing}
    </div>
    ${draft
      ? html`<div class="draft-wrap"><div class="draft-preview" data-testid="typing-preview" title=${msg("Not sent yet: what the visitor is typing")}
          ><span class="sr-only">${msg("Not sent yet:")} </span>${draft}</div></div>`
      : nothing}`;
}

export const draftStyles = css`
  .draft-wrap {
    flex: none;
    padding: 0 18px 8px;
    background: var(--bg);
  }
  .draft-preview {
    max-width: 74%;
    width: fit-content;
    max-height: 4.6em;
    overflow: hidden;
    padding: 6px 12px;
    border: 1px dashed var(--border-strong);
    border-radius: 12px;
    background: var(--surface);
    color: var(--muted);
    font-size: 13px;
    font-style: italic;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    display: -webkit-box;
    -webkit-line-clamp: 3;
    -webkit-box-orient: vertical;
  }
`;
