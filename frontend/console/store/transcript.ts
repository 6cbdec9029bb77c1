// A panel's transcript: the stored messages (by id, unique) and the console's own lines.

import type { Message } from "../types";
import type { ConsoleStore } from "./core";
import type { Panel, SystemLine } from "./model";

/** Add or update a message; true when it is new to the panel. */
export function upsertMessage(panel: Panel, message: Message): boolean {
  const i = panel.messages.findIndex((m) => m.id === message.id);
  if (i >= 0) {
    const prev = panel.messages[i]!;
    panel.messages[i] = {
      ...message,
      delivered_at: message.delivered_at ?? prev.delivered_at,
      read_at: message.read_at ?? prev.read_at,
    };
    return false;
  }
  panel.messages = [...panel.messages, message].sort((a, b) => a.id - b.id);
  if (message.client_msg_id && message.sender === "agent") {
    panel.outgoing = panel.outgoing.filter((o) => o.client_msg_id !== message.client_msg_id);
  }
  return true;
}

export function addSystem(panel: Panel, key: string, at: number, text: () => string, tone: SystemLine["tone"] = "info"): void {
  if (panel.system.some((s) => s.key === key)) return;
  panel.system = [...panel.system, { key, at, text, tone }];
}

/** A collapsed panel flashes on a new message or event. */
export function touch(s: ConsoleStore, panel: Panel): void {
  if (panel.contact.id !== s.expandedId) panel.flash = true;
}
