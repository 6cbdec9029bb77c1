// How private notes and whispers look wherever agents read a transcript: a yellow card,
// labelled, never a chat bubble; and the composer's two modes (reply to the visitor, or a
// private note) so that one is never sent as the other.

import { msg, str } from "@lit/localize";
import { css, html, nothing } from "lit";
import { clock } from "../format";
import { icons } from "../icons";
import type { Note } from "../types";

export type ComposerMode = "reply" | "note";

/** "@login" words shown as mentions (the server decides who was told: `note.mentions`). */
function withMentions(note: Note) {
  const named = new Set(note.mentions.map((m) => m.login.toLowerCase()));
  return note.text.split(/(@[A-Za-z0-9][A-Za-z0-9._-]*)/).map((part) => {
    const login = part.startsWith("@") ? part.slice(1).replace(/\.$/, "").toLowerCase() : "";
    return login && named.has(login) ? html`<span class="mention">${part}</span>` : part;
  });
}

/** The label of a note's card: who wrote it and what it is. */
export function noteLabel(note: Note, selfId: number | undefined): string {
  const mine = note.author.id === selfId;
  if (note.kind === "whisper") return mine ? msg("Your whisper to the agent") : msg(str`Whisper from ${note.author.display_name}`);
  return mine ? msg("Your private note") : msg(str`Private note by ${note.author.display_name}`);
}

export function noteCard(note: Note, selfId: number | undefined) {
  const label = noteLabel(note, selfId);
  return html`<div class="note-card ${note.kind}" data-testid="note" data-kind=${note.kind} data-note-id=${note.id}
    role="note" aria-label=${msg(str`${label} at ${clock(note.created_at)}`)}>
    <div class="note-head">${note.kind === "whisper" ? icons.whisper() : icons.lock()}
      <span class="note-label" data-testid="note-label">${label}</span>
      <span class="note-hidden">${msg("not shown to the visitor")}</span>
      <time>${clock(note.created_at)}</time></div>
    <div class="note-text">${withMentions(note)}</div>
    ${note.mentions.length
      ? html`<div class="note-told" data-testid="note-told">${icons.at()} ${msg(str`Told: ${note.mentions.map((m) => m.display_name).join(", ")}`)}</div>`
      : nothing}
  </div>`;
}

/** The switch above the composer: reply to the visitor, or write a private note. */
export function modeSwitch(mode: ComposerMode, pick: (mode: ComposerMode) => void) {
  return html`<div class="mode-switch ${mode}" role="group" aria-label=${msg("What you are writing")}>
    <button class="mode reply" data-testid="mode-reply" aria-pressed=${mode === "reply" ? "true" : "false"}
      @click=${() => pick("reply")}>${icons.chat()} ${msg("Reply to visitor")}</button>
    <button class="mode note" data-testid="mode-note" aria-pressed=${mode === "note" ? "true" : "false"}
      title=${msg("Only agents and supervisors read it")} @click=${() => pick("note")}>${icons.lock()} ${msg("Private note")}</button>
  </div>`;
}

export const noteStyles = css`
  .note-card {
    align-self: stretch;
    margin: 2px 8px;
    padding: 8px 12px;
    border-radius: 10px;
    border: 1px solid #f1d27a;
    border-left: 4px solid var(--amber);
    background: #fff8db;
    color: #3d3000;
    font-size: 13px;
  }
  .note-card.whisper {
    border-color: #c9b6f2;
    border-left-color: #7c4ddb;
    background: #f4efff;
    color: #2b1a57;
  }
  .note-head {
    display: flex;
    align-items: center;
    gap: 6px;
    font-size: 12px;
    font-weight: 600;
  }
  .note-head svg {
    width: 14px;
    height: 14px;
  }
  .note-hidden {
    font-weight: 400;
    opacity: 0.75;
  }
  .note-head time {
    margin-left: auto;
    font-weight: 400;
    color: inherit;
    opacity: 0.8;
  }
  .note-text {
    margin-top: 4px;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .mention {
    font-weight: 600;
    background: rgba(213, 131, 0, 0.16);
    border-radius: 4px;
    padding: 0 2px;
  }
  .note-told {
    margin-top: 4px;
    font-size: 11px;
    opacity: 0.8;
    display: flex;
    align-items: center;
    gap: 4px;
  }
  .note-told svg {
    width: 12px;
    height: 12px;
  }
  .mode-switch {
    display: flex;
    gap: 4px;
  }
  .mode {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    font: inherit;
    font-size: 12px;
    padding: 2px 10px;
    border-radius: 999px;
    border: 1px solid var(--border-strong);
    background: var(--surface);
    color: var(--muted);
    cursor: pointer;
  }
  .mode svg {
    width: 14px;
    height: 14px;
  }
  .mode.reply[aria-pressed="true"] {
    background: var(--primary-soft);
    border-color: var(--primary);
    color: var(--primary-strong);
    font-weight: 600;
  }
  .mode.note[aria-pressed="true"] {
    background: #fff8db;
    border-color: var(--amber);
    color: #6b4a00;
    font-weight: 600;
  }
  .composer.note textarea:focus {
    outline-color: var(--amber);
  }
  .btn.note-btn {
    background: #8a5a00;
    border-color: #8a5a00;
    color: #fff;
  }
  .hint.note {
    background: #fff8db;
    color: #6b4a00;
  }
  .composer.note {
    background: #fff8db;
  }
  .composer.note textarea {
    background: #fffdf2;
    border-color: var(--amber);
  }
  .composer.note .send.btn {
    background: #8a5a00;
    border-color: #8a5a00;
    color: #fff;
  }
`;
