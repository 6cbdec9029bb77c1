// Supervisors in an agent's conversation: joined (barge-in), left, or taking it over.

import { msg, str } from "@lit/localize";
import type { EventFrame, Message } from "../types";
import type { ConsoleStore } from "./core";
import type { Panel } from "./model";
import { addSystem, touch } from "./transcript";

type Card = { id: number; display_name: string };

export function supervisorEvent(s: ConsoleStore, ev: EventFrame, panel: Panel | undefined, live: boolean): void {
  if (!panel) return;
  const name = panel.contact.visitor.name || msg("The visitor");
  switch (ev.kind) {
    case "contact.supervisor_joined": {
      const who = ev.data["supervisor"] as Card;
      const others = (panel.contact.supervisors ?? []).filter((x) => x.id !== who.id);
      panel.contact = { ...panel.contact, supervisors: [...others, who] };
      remember(panel, who);
      addSystem(panel, `sup-${ev.position}`, ev.at, () => msg(str`${who.display_name} (supervisor) joined the conversation`), "warn");
      touch(s, panel);
      break;
    }
    case "contact.supervisor_left": {
      const who = ev.data["supervisor"] as Card;
      panel.contact = { ...panel.contact, supervisors: (panel.contact.supervisors ?? []).filter((x) => x.id !== who.id) };
      addSystem(panel, `sup-${ev.position}`, ev.at, () => msg(str`${who.display_name} (supervisor) left the conversation`));
      touch(s, panel);
      break;
    }
    case "contact.taken_over": {
      const by = (ev.data["by"] as Card | null)?.display_name ?? msg("A supervisor");
      s.dropPanel(panel.contact.id);
      if (live) s.notify(msg(str`Taken over by ${by}: ${name} is no longer on your desk.`), "info");
      break;
    }
  }
}

/** Names of the supervisors seen in a panel, kept after they leave for their messages. */
const known = new WeakMap<Panel, Map<number, string>>();

function remember(panel: Panel, who: Card): void {
  const names = known.get(panel) ?? new Map<number, string>();
  names.set(who.id, who.display_name);
  known.set(panel, names);
}

/** The supervisor who wrote this agent-side message, or null (the reader, an agent). */
export function supervisorOf(panel: Panel, m: Message): string | null {
  for (const sup of panel.contact.supervisors ?? []) remember(panel, sup);
  return m.agent_id === null ? null : (known.get(panel)?.get(m.agent_id) ?? null);
}

/** Who wrote an agent-side message: "You", a supervisor by name, else "Agent". */
export function agentAuthor(panel: Panel, m: Message, me: number | undefined): string {
  if (m.agent_id === me) return msg("You");
  const name = supervisorOf(panel, m);
  return name ? msg(str`${name} (supervisor)`) : msg("Agent");
}
