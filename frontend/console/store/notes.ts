// Private notes, whispers and the notes that named this agent: agent-side only, never sent
// to the visitor (docs/protocol.md, Private notes and whispers).

import { msg, str } from "@lit/localize";
import { api, ApiError } from "../api";
import type { Mention, Note } from "../types";
import type { ConsoleStore } from "./core";
import { newId, type Panel } from "./model";
import { touch } from "./transcript";
import { sayError } from "../../shared/errors";

const SEEN_KEY = "sportello.console.mentions-seen";

/** Add or replace a note in the panel's contact, kept in id order. */
export function upsertNote(panel: Panel, note: Note): boolean {
  const notes = panel.contact.notes ?? [];
  const isNew = !notes.some((n) => n.id === note.id);
  const kept = notes.filter((n) => n.id !== note.id);
  panel.contact = { ...panel.contact, notes: [...kept, note].sort((a, b) => a.id - b.id) };
  return isNew;
}

/** A `note.created` event: into the panel; a whisper or a colleague's note flashes it. */
export function noteCreated(s: ConsoleStore, panel: Panel | undefined, note: Note, live: boolean): void {
  if (!panel || !upsertNote(panel, note) || note.author.id === s.agent?.id) return;
  touch(s, panel);
  if (!live) return;
  const title = note.kind === "whisper" ? msg(str`Whisper from ${note.author.display_name}`) : msg(str`Note from ${note.author.display_name}`);
  s.alert(title, note.text.slice(0, 140));
}

/** The key of each note being written (by contact and text): a note sent again after a
 * failure — retried here, or by the agent pressing send again — keeps its key, so the server
 * makes it one note even when the first try was stored and only its answer was lost. */
const noteKeys = new Map<string, string>();
const NOTE_TRIES = 3;

/** Write a private note; the stream confirms it. Null (with a notice) when refused. */
export async function addNote(s: ConsoleStore, contactId: number, text: string): Promise<Note | null> {
  const slot = `${contactId}\n${text}`;
  const client_id = noteKeys.get(slot) ?? newId();
  noteKeys.set(slot, client_id);
  for (let attempt = 1; ; attempt++) {
    try {
      const note = await api<Note>("POST", `/api/contacts/${contactId}/notes`, { text, client_id });
      noteKeys.delete(slot);
      const panel = s.panel(contactId);
      if (panel) upsertNote(panel, note);
      s.changed();
      return note;
    } catch (err) {
      const lost = err instanceof ApiError && err.code === "network";
      if (lost && attempt < NOTE_TRIES) {
        await new Promise((done) => window.setTimeout(done, 1000 * attempt));
        continue;
      }
      if (!lost) noteKeys.delete(slot);
      s.notify(sayError(err, msg("The note could not be saved.")));
      return null;
    }
  }
}

/** The hello's list of mentions (newest first), merged with what the stream already brought. */
export function setMentions(s: ConsoleStore, mentions: Mention[]): void {
  const known = new Map(s.mentions.map((m) => [m.note.id, m]));
  for (const m of mentions) known.set(m.note.id, m);
  s.mentions = [...known.values()].sort((a, b) => b.note.id - a.note.id);
}

/** A `note.mentioned` event: a notification the agent can open, and an alert when live. */
export function mentioned(s: ConsoleStore, mention: Mention, live: boolean): void {
  const isNew = !s.mentions.some((m) => m.note.id === mention.note.id);
  setMentions(s, [mention]);
  if (isNew && live) {
    s.alert(msg(str`${mention.note.author.display_name} mentioned you`), mention.note.text.slice(0, 140));
  }
}

/** Mentions the agent has not opened the list since. */
export function unseenMentions(s: ConsoleStore): number {
  const seen = seenUpTo(s);
  return s.mentions.filter((m) => m.note.id > seen).length;
}

export function markMentionsSeen(s: ConsoleStore): void {
  const newest = s.mentions[0]?.note.id ?? 0;
  try {
    localStorage.setItem(`${SEEN_KEY}.${s.agent?.id ?? 0}`, String(newest));
  } catch {
    /* storage unavailable: they show as new until the next load */
  }
  s.mentionsSeen = newest;
  s.changed();
}

function seenUpTo(s: ConsoleStore): number {
  if (s.mentionsSeen !== null) return s.mentionsSeen;
  try {
    s.mentionsSeen = Number(localStorage.getItem(`${SEEN_KEY}.${s.agent?.id ?? 0}`) ?? 0) || 0;
  } catch {
    s.mentionsSeen = 0;
  }
  return s.mentionsSeen;
}
