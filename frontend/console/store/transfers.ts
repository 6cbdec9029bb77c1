// Transfers as a panel shows them: past legs and the live transfer's events.

import { msg, str } from "@lit/localize";
import type { EventFrame, TransferLeg } from "../types";
import type { ConsoleStore } from "./core";
import type { Panel } from "./model";
import { addSystem, touch } from "./transcript";

/** A past leg in the transcript: who passed it on, to whom, with which note. */
export function transferLine(s: ConsoleStore, panel: Panel, leg: TransferLeg): void {
  if (leg.outcome !== "accepted" || !leg.accepted_by) return;
  const from = leg.from_agent?.display_name ?? msg("An agent");
  const to = leg.accepted_by.id === s.agent?.id ? msg("you") : leg.accepted_by.display_name;
  const note = leg.note ? `: “${leg.note}”` : "";
  addSystem(panel, `leg-${leg.id}`, leg.ended_at ?? leg.requested_at, () => msg(str`Transferred by ${from} to ${to}`) + note);
}

export function transferEvent(s: ConsoleStore, ev: EventFrame, panel: Panel | undefined, live: boolean): void {
  if (!panel) return;
  const leg = ev.data["transfer"] as TransferLeg;
  const target = leg.to_agent?.display_name ?? leg.group?.name ?? msg("a colleague");
  const reason = (ev.data["reason"] as string | undefined) ?? "";
  const name = panel.contact.visitor.name || msg("The visitor");
  switch (ev.kind) {
    case "contact.transfer_requested":
      panel.contact = { ...panel.contact, state: "transferring" };
      addSystem(panel, `tr-${ev.position}`, ev.at, () => msg(str`Transfer to ${target} requested — you keep the chat until someone accepts`));
      break;
    case "contact.transfer_rejected": {
      const by = (ev.data["by"] as { display_name: string } | undefined)?.display_name ?? msg("A colleague");
      addSystem(panel, `tr-${ev.position}`, ev.at, () => msg(str`${by} rejected the transfer`) + (reason ? `: “${reason}”` : ""), "warn");
      break;
    }
    case "contact.transfer_returned": {
      panel.contact = { ...panel.contact, state: "assigned" };
      const outcome = ev.data["outcome"];
      const why = () =>
        outcome === "timed_out"
          ? msg("nobody accepted it in time")
          : outcome === "target_disabled"
            ? msg("their account was disabled")
            : msg("it was rejected") + (reason ? `: “${reason}”` : "");
      addSystem(panel, `tr-${ev.position}`, ev.at, () => msg(str`The transfer to ${target} came back to you — ${why()}`), "warn");
      if (live) s.notify(msg(str`${name} is back with you: ${why()}.`), "info");
      touch(s, panel);
      break;
    }
    case "contact.transfer_cancelled":
      panel.contact = { ...panel.contact, state: "assigned" };
      addSystem(panel, `tr-${ev.position}`, ev.at, () => msg(str`You cancelled the transfer to ${target}`));
      break;
    case "contact.transfer_accepted": {
      const by = leg.accepted_by?.display_name ?? target;
      s.dropPanel(panel.contact.id);
      if (live) s.notify(msg(str`${by} took over ${name}.`), "info");
      break;
    }
  }
}
