// One line of a conversation with who wrote it: a collapsed panel's last message and a
// waiting entry's first message. Kept apart from the panel, which is big enough.

import { msg, str } from "@lit/localize";
import { css, html, nothing } from "lit";
import type { Panel } from "../store/model";
import { agentAuthor } from "../store/supervisors";
import type { FirstMessage, Message } from "../types";

export type Author = "visitor" | "agent" | "you" | "system";

export interface LastLine {
  author: Author;
  who: string;
  text: string;
}

function body(text: string, fileName: string | null | undefined): string {
  return fileName ? `📎 ${fileName}${text && text !== fileName ? ` — ${text}` : ""}` : text;
}

/** The newest line of a panel: a message (the visitor's, an agent's, the agent's own still
 * being sent, or a system one) or a system line (joined, transferred, ended…). */
export function lastLine(p: Panel, name: string, me: number | undefined): LastLine | null {
  type Candidate = { at: number; line: LastLine };
  const candidates: Candidate[] = [];
  const pending = p.outgoing.at(-1);
  if (pending) candidates.push({ at: pending.createdAt, line: { author: "you", who: msg("You"), text: pending.text } });
  const m: Message | undefined = p.messages.at(-1);
  if (m) {
    const text = body(m.text, m.file?.name);
    const line: LastLine =
      m.sender === "visitor"
        ? { author: "visitor", who: name, text }
        : m.sender === "system"
          ? { author: "system", who: msg("System"), text }
          : { author: m.agent_id === me ? "you" : "agent", who: agentAuthor(p, m, me), text };
    candidates.push({ at: m.created_at, line });
  }
  const sys = p.system.at(-1);
  if (sys) candidates.push({ at: sys.at, line: { author: "system", who: msg("System"), text: sys.text() } });
  // Ties go to the message: a system line is usually about it (and comes after it).
  const best = candidates.reduce<Candidate | null>((a, c) => (a === null || c.at > a.at ? c : a), null);
  return best?.line ?? null;
}

/** A one-line, ellipsised "who: text" (the full text in the tooltip). */
export function oneLine(line: LastLine | null, testid: string) {
  if (!line || !line.text) return nothing;
  const text = line.text.replace(/\s+/g, " ");
  const full = msg(str`${line.who}: ${text}`);
  return html`<span class="one-line ${line.author}" data-testid=${testid} data-author=${line.author} title=${full}
    ><span class="by">${line.who}:</span> ${text}</span>`;
}

/** The visitor's first message on their waiting entry, if they wrote one. */
export function firstLine(first: FirstMessage | null | undefined, name: string) {
  if (!first) return nothing;
  return oneLine({ author: "visitor", who: name, text: body(first.text, first.file_name) }, "entry-first-message");
}

export const oneLineStyles = css`
  .one-line {
    display: block;
    font-size: 12.5px;
    color: var(--text);
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
    min-width: 0;
  }
  .one-line .by {
    font-weight: 600;
  }
  .one-line.system {
    color: var(--muted);
    font-style: italic;
  }
  .one-line.you .by {
    color: var(--muted);
  }
`;
