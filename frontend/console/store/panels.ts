// The panels on the agent's desk: built from a snapshot or an assignment.

import type { Contact } from "../types";
import { pastCallLines } from "./call-events";
import { deliver } from "./chat";
import type { ConsoleStore } from "./core";
import { isHeld, type Panel } from "./model";
import { touch, upsertMessage } from "./transcript";
import { transferLine } from "./transfers";

export function newPanel(contact: Contact): Panel {
  const panel: Panel = {
    contact,
    messages: [...contact.messages].sort((a, b) => a.id - b.id),
    system: [],
    outgoing: [],
    offlineIds: new Set(),
    visitorOnline: null,
    visitorTyping: false,
    visitorDraft: "",
    typingTimer: null,
    pageChangedAt: null,
    unread: 0,
    flash: false,
    terminated: !isHeld(contact.state),
    deliveredSent: 0,
    readSent: 0,
    lastTypingSent: 0,
  };
  pastCallLines(panel);
  return panel;
}

/** Replace the panels with a snapshot's contacts, keeping what each panel knew locally. */
export function rebuild(s: ConsoleStore, contacts: Contact[]): void {
  const old = new Map(s.panels.map((p) => [p.contact.id, p]));
  const panels: Panel[] = [];
  for (const contact of contacts) {
    const prev = old.get(contact.id);
    const panel = prev ?? newPanel(contact);
    panel.contact = contact;
    panel.messages = [...contact.messages].sort((a, b) => a.id - b.id);
    panel.terminated = !isHeld(contact.state);
    panel.outgoing = panel.outgoing.filter(
      (o) => !panel.messages.some((m) => m.client_msg_id === o.client_msg_id && m.sender === "agent"),
    );
    panels.push(panel);
    old.delete(contact.id);
  }
  // The snapshot lists every contact still on this agent's desk, ended ones included until
  // removed: a panel missing from it was removed from another console.
  s.panels = panels;
  if (s.expandedId === null || !s.panel(s.expandedId)) {
    s.expandedId = panels.find((p) => !p.terminated)?.contact.id ?? panels[0]?.contact.id ?? null;
  }
}

export function addPanel(s: ConsoleStore, contact: Contact, expand: boolean): Panel {
  let panel = s.panel(contact.id);
  if (panel) {
    panel.contact = { ...contact, messages: [] };
    for (const m of contact.messages) upsertMessage(panel, m);
  } else {
    panel = newPanel(contact);
    s.panels = [...s.panels, panel];
  }
  for (const leg of contact.transfers ?? []) transferLine(s, panel, leg);
  s.waiting = s.waiting.filter((e) => e.contact_id !== contact.id);
  if (expand || s.expandedId === null || !s.panel(s.expandedId)) s.expand(contact.id);
  else touch(s, panel);
  deliver(s, panel);
  return panel;
}

/**
 * Ended panels go away by themselves `endedPanelSeconds` after the contact ended (the
 * server's snapshot leaves them out too), except the one the agent has open.
 */
export function sweepEnded(s: ConsoleStore): void {
  if (s.endedPanelSeconds <= 0) return;
  const cutoff = s.serverNow() - s.endedPanelSeconds;
  const stale = s.panels.filter(
    (p) => p.terminated && p.contact.id !== s.expandedId && (p.contact.closed_at ?? Infinity) <= cutoff,
  );
  for (const p of stale) s.dropPanel(p.contact.id);
}
