// Call events on a panel: the contact's live call, its record and its transcript line.

import { msg, str } from "@lit/localize";
import { callLine, resumeLine } from "../calls";
import type { CallView, EventFrame } from "../types";
import type { ConsoleStore } from "./core";
import type { Panel } from "./model";
import { addSystem, touch } from "./transcript";

export function callEvent(s: ConsoleStore, ev: EventFrame, panel: Panel | undefined, live: boolean): void {
  const call = s.calls.onEvent(ev);
  if (!panel) return;
  const ended = call.state === "ended" || call.state === "declined";
  const calls: CallView[] = [...(panel.contact.calls ?? []).filter((c) => c.id !== call.id), call];
  panel.contact = { ...panel.contact, call: ended ? null : call, calls };
  const name = panel.contact.visitor.name || msg("The visitor");
  if (ev.kind === "call.interrupted" || ev.kind === "call.resumed") {
    const tone = ev.kind === "call.interrupted" ? "warn" : "info";
    const [kind, side, now] = [ev.kind, String(ev.data["side"]), { ...call }];
    addSystem(panel, `call-${call.id}-${ev.position}`, ev.at, () => resumeLine(kind, side, now, name), tone);
  } else {
    const now = { ...call };
    const line = callLine(now, name);
    if (line) addSystem(panel, `call-${call.id}-${call.state}`, ev.at, () => callLine(now, name)?.text ?? line.text, line.tone);
  }
  if (live && call.state === "offered" && call.started_by === "visitor") {
    s.alert(call.requested === "video" ? msg(str`${name} asks for a video call`) : msg(str`${name} asks for a voice call`), msg("ENGAGE or NOT NOW"));
  }
  touch(s, panel);
}

/** The transcript's call lines for calls before a snapshot (their last state). */
export function pastCallLines(panel: Panel): void {
  const contact = panel.contact;
  for (const call of contact.calls ?? []) {
    const name = contact.visitor.name || msg("The visitor");
    const line = callLine(call, name);
    const at = call.ended_at ?? call.connected_at ?? call.answered_at ?? call.offered_at;
    if (line) addSystem(panel, `call-${call.id}-${call.state}`, at, () => callLine(call, name)?.text ?? line.text, line.tone);
  }
}
