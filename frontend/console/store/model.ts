// The console store's shapes, and the pure rules it orders and shows them by.

import type { Contact, Departure, Message, WaitingEntry } from "../types";
import type { OwnTranslation } from "../../shared/protocol";

export type ConnState = "signed-out" | "connecting" | "online" | "reconnecting";

export interface Outgoing {
  client_msg_id: string;
  text: string;
  /** The agent's choice from the translation preview, if any. */
  translation?: OwnTranslation;
  state: "queued" | "sending" | "failed";
  error: string | null;
  createdAt: number; // server seconds, for ordering
  /** The canned reply the text was inserted from, counted when it is sent. */
  canned_reply_id?: number;
  /** Sent again by itself once already (after a `write_conflict`). */
  resent?: boolean;
}

export interface SystemLine {
  key: string;
  at: number;
  /** The line in the agent's language at the time it is read (a language switch re-words it). */
  text: () => string;
  tone: "info" | "warn" | "end";
}

export interface Panel {
  contact: Contact;
  messages: Message[]; // sorted by id, unique
  system: SystemLine[];
  outgoing: Outgoing[];
  offlineIds: Set<number>; // agent messages stored while the visitor was offline
  visitorOnline: boolean | null;
  visitorTyping: boolean;
  /** The visitor's unsent text (typing preview), "" when the service does not show it. */
  visitorDraft: string;
  typingTimer: number | null;
  pageChangedAt: number | null; // local ms
  unread: number;
  flash: boolean;
  terminated: boolean;
  deliveredSent: number;
  readSent: number;
  lastTypingSent: number; // local ms
}

export interface Prefs {
  sound: boolean;
  desktop: boolean;
}

export interface Notice {
  id: number;
  text: string;
  tone: "info" | "error";
}

export interface Capacity {
  /** Chats in progress that count towards the limit (idle chats weigh nothing). */
  busy: number;
  idle: number;
  limit: number;
  /** Contacts this agent qualifies for but cannot take now (at the limit). */
  blocked: number;
  /** A voice or video contact, or a call on a chat, is in progress: it weighs the whole
   * limit (docs/protocol.md, Calls), so no new chat is offered until it ends. */
  inCall: boolean;
}

export type SignOutChoice = "end" | "requeue";

export function newId(): string {
  if (typeof crypto !== "undefined" && "randomUUID" in crypto) return crypto.randomUUID();
  return Math.random().toString(36).slice(2) + Date.now().toString(36);
}

/** The server's queue order: handed-back contacts, priority, longest wait. */
export function entryOrder(a: WaitingEntry, b: WaitingEntry): number {
  return (
    Number(b.requeued) - Number(a.requeued) ||
    a.priority - b.priority ||
    a.created_at - b.created_at ||
    a.contact_id - b.contact_id
  );
}

/**
 * A waiting entry's place in its service's line (1 = next): among the pending entries of its
 * service and medium, in queue order. An agent who sees one of them sees them all, so this is
 * the number the visitor is told (docs/protocol.md, Queue place); null for a transfer.
 */
export function linePosition(entry: WaitingEntry, waiting: WaitingEntry[]): number | null {
  if (entry.state !== "pending") return null;
  const ahead = waiting.filter(
    (e) =>
      e.state === "pending" &&
      e.service_id === entry.service_id &&
      e.medium === entry.medium &&
      entryOrder(e, entry) < 0,
  );
  return ahead.length + 1;
}

/** Assigned or being transferred: the agent still holds the contact. */
export function isHeld(state: string): boolean {
  return state === "assigned" || state === "transferring";
}

/**
 * Seconds after which a visitor whose connection closed without a word from their page
 * (no beacon: a dropped network, or a page change whose beacon is late) shows as gone.
 */
const SILENT_DEPARTURE_SECONDS = 5;

/** Whether a departure should show as "visitor left" now (a page change never does). */
export function showsAsLeft(departure: Departure | null | undefined, now: number): boolean {
  if (!departure || departure.navigating === true) return false;
  return departure.navigating === false || now - departure.left_at >= SILENT_DEPARTURE_SECONDS;
}

/**
 * Idle (zZZ, not counted against the limit): no message for the idle timeout and the last
 * message is the agent's. A visitor waiting for an answer is never idle (docs/protocol.md).
 */
export function isIdle(p: Panel, now: number, idleSeconds: number): boolean {
  if (p.terminated || idleSeconds <= 0) return false;
  const last = [...p.messages].reverse().find((m) => m.sender !== "system");
  if (last?.sender !== "agent") return false;
  const lastActivity = Math.max(p.contact.last_message_at ?? 0, p.contact.assigned_at ?? p.contact.created_at);
  return now - lastActivity >= idleSeconds;
}
