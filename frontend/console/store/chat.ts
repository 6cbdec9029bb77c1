// Chat on a panel: sending (queued while offline, retried by client id), receipts, typing.

import { msg } from "@lit/localize";
import type { AckFrame, ErrorFrame, SignalFrame } from "../types";
import { resendAfterMs, sayError } from "../../shared/errors";
import type { OwnTranslation } from "../../shared/protocol";
import type { ConsoleStore } from "./core";
import { newId, type Outgoing, type Panel } from "./model";
import { upsertMessage } from "./transcript";

const VISITOR_TYPING_TIMEOUT_MS = 30_000;
const TYPING_THROTTLE_MS = 3_000;
const SEND_TIMEOUT_MS = 15_000;

export function isSeen(s: ConsoleStore, panel: Panel): boolean {
  return panel.contact.id === s.expandedId && document.visibilityState === "visible" && document.hasFocus();
}

export function deliver(s: ConsoleStore, panel: Panel): void {
  const pending = panel.messages.filter((m) => m.sender === "visitor" && !m.delivered_at && m.id > panel.deliveredSent);
  if (pending.length === 0 || panel.terminated) return;
  const upTo = Math.max(...pending.map((m) => m.id));
  if (s.send({ type: "receipt", contact_id: panel.contact.id, up_to: upTo, state: "delivered" })) {
    panel.deliveredSent = upTo;
  }
}

export function markRead(s: ConsoleStore, panel: Panel): void {
  if (!isSeen(s, panel)) return;
  panel.unread = 0;
  panel.flash = false;
  const pending = panel.messages.filter((m) => m.sender === "visitor" && !m.read_at && m.id > panel.readSent);
  if (pending.length === 0 || panel.terminated) return;
  const upTo = Math.max(...pending.map((m) => m.id));
  if (s.send({ type: "receipt", contact_id: panel.contact.id, up_to: upTo, state: "read" })) {
    panel.readSent = upTo;
    panel.deliveredSent = Math.max(panel.deliveredSent, upTo);
  }
}

export function sendMessage(
  s: ConsoleStore,
  contactId: number,
  text: string,
  translation?: OwnTranslation,
  cannedReplyId?: number,
): void {
  const panel = s.panel(contactId);
  if (!panel || panel.terminated || !text.trim()) return;
  const out: Outgoing = {
    client_msg_id: newId(),
    text,
    ...(translation ? { translation } : {}),
    state: "queued",
    error: null,
    createdAt: s.serverNow(),
    ...(cannedReplyId === undefined ? {} : { canned_reply_id: cannedReplyId }),
  };
  panel.outgoing = [...panel.outgoing, out];
  stopTyping(s, contactId);
  transmit(s, panel, out);
  s.changed();
}

export function retry(s: ConsoleStore, contactId: number, clientMsgId: string): void {
  const panel = s.panel(contactId);
  const out = panel?.outgoing.find((o) => o.client_msg_id === clientMsgId);
  if (!panel || !out) return;
  out.state = "queued";
  out.error = null;
  transmit(s, panel, out);
  s.changed();
}

export function discard(s: ConsoleStore, contactId: number, clientMsgId: string): void {
  const panel = s.panel(contactId);
  if (!panel) return;
  panel.outgoing = panel.outgoing.filter((o) => o.client_msg_id !== clientMsgId);
  s.changed();
}

export function transmit(s: ConsoleStore, panel: Panel, out: Outgoing): void {
  const sent = s.send({
    type: "message.send",
    contact_id: panel.contact.id,
    client_msg_id: out.client_msg_id,
    text: out.text,
    ...(out.translation ? { translation: out.translation } : {}),
    ...(out.canned_reply_id === undefined ? {} : { canned_reply_id: out.canned_reply_id }),
  });
  if (!sent) return; // stays queued; sent on reconnect
  out.state = "sending";
  window.setTimeout(() => {
    if (out.state === "sending" && panel.outgoing.includes(out) && s.conn === "online") {
      out.state = "failed";
      out.error = msg("No answer from the server");
      s.changed();
    }
  }, SEND_TIMEOUT_MS);
}

export function noteTyping(s: ConsoleStore, contactId: number): void {
  const panel = s.panel(contactId);
  if (!panel || panel.terminated) return;
  const now = Date.now();
  if (now - panel.lastTypingSent < TYPING_THROTTLE_MS) return;
  if (s.send({ type: "typing", contact_id: contactId, active: true })) panel.lastTypingSent = now;
}

export function stopTyping(s: ConsoleStore, contactId: number): void {
  const panel = s.panel(contactId);
  if (!panel || panel.lastTypingSent === 0) return;
  panel.lastTypingSent = 0;
  if (!panel.terminated) s.send({ type: "typing", contact_id: contactId, active: false });
}

/** The server stored one of this console's messages. */
export function onAck(s: ConsoleStore, ack: AckFrame): void {
  const panel = s.panel(ack.message.contact_id);
  if (!panel) return;
  upsertMessage(panel, ack.message);
  panel.outgoing = panel.outgoing.filter((o) => o.client_msg_id !== ack.ref);
  if (ack.visitor_online === false) {
    panel.visitorOnline = false;
    if (!ack.message.delivered_at) panel.offlineIds.add(ack.message.id);
  } else if (ack.visitor_online === true) {
    panel.visitorOnline = true;
  }
}

/** A refused message: true when `ref` named one of this console's messages. */
export function onRefused(s: ConsoleStore, ref: string, err: ErrorFrame): boolean {
  for (const panel of s.panels) {
    const out = panel.outgoing.find((o) => o.client_msg_id === ref);
    if (!out) continue;
    const resendMs = resendAfterMs(err);
    if (resendMs !== null && !out.resent) {
      out.resent = true;
      window.setTimeout(() => retry(s, panel.contact.id, ref), resendMs);
      return true;
    }
    out.state = "failed";
    out.error = sayError(err);
    return true;
  }
  return false;
}

/** Signals: the visitor typing, the visitor's presence, a call's WebRTC frames. */
export function onSignal(s: ConsoleStore, sig: SignalFrame): void {
  if (sig.kind === "call.signal") {
    s.calls.onSignal(sig);
    return;
  }
  const panel = s.panel(sig.contact_id);
  if (!panel) return;
  if (sig.kind === "typing" && sig.from === "visitor") {
    if (panel.typingTimer !== null) window.clearTimeout(panel.typingTimer);
    panel.typingTimer = null;
    panel.visitorTyping = sig.active !== false && !panel.terminated;
    panel.visitorDraft = panel.visitorTyping && typeof sig.draft === "string" ? sig.draft : "";
    if (panel.visitorTyping) {
      panel.typingTimer = window.setTimeout(() => {
        panel.visitorTyping = false;
        panel.typingTimer = null;
        s.changed();
      }, VISITOR_TYPING_TIMEOUT_MS);
    }
  } else if (sig.kind === "visitor.presence") {
    panel.visitorOnline = sig.online === true;
  }
}
