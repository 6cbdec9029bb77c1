// The event stream applied to the store: the waiting list, the panels and the agent.

import { clock } from "../format";
import { msg, str } from "@lit/localize";
import type { Contact, Departure, EventFrame, FirstMessage, Mention, Message, Note, SessionMedia, TranslationSetting, WaitingEntry } from "../types";
import { callEvent } from "./call-events";
import { deliver, isSeen, markRead } from "./chat";
import type { ConsoleStore } from "./core";
import { entryOrder } from "./model";
import { mentioned, noteCreated } from "./notes";
import { addPanel } from "./panels";
import { addSystem, touch, upsertMessage } from "./transcript";
import { supervisorEvent } from "./supervisors";
import { transferEvent } from "./transfers";

export function onEvent(s: ConsoleStore, ev: EventFrame, live: boolean): void {
  const data = ev.data;
  const panel = ev.contact_id !== null ? s.panel(ev.contact_id) : undefined;
  switch (ev.kind) {
    case "contact.offered": {
      const entry = data["entry"] as WaitingEntry;
      const isNew = !s.waiting.some((e) => e.contact_id === entry.contact_id);
      s.waiting = [...s.waiting.filter((e) => e.contact_id !== entry.contact_id), entry].sort(entryOrder);
      if (isNew) s.alert(msg("New contact waiting"), `${entry.visitor_name} · ${entry.service_name}`);
      break;
    }
    case "contact.waiting_message": {
      const first = data["first_message"] as FirstMessage;
      s.waiting = s.waiting.map((e) => (e.contact_id === ev.contact_id ? { ...e, first_message: first } : e));
      break;
    }
    case "contact.dequeued": {
      const id = (data["contact_id"] as number | undefined) ?? ev.contact_id;
      s.waiting = s.waiting.filter((e) => e.contact_id !== id);
      break;
    }
    case "contact.assigned": {
      const contact = data["contact"] as Contact;
      // Taken here: open it, unless the accept's answer already did (the agent may have
      // moved on to another panel since).
      const mine = s.accepting.has(contact.id) && !s.panel(contact.id);
      addPanel(s, contact, mine);
      break;
    }
    case "contact.closed": {
      if (!panel) break;
      panel.terminated = true;
      panel.visitorTyping = false;
      panel.contact = {
        ...panel.contact,
        state: "closed",
        outcome: (data["outcome"] as string) ?? null,
        closed_at: ev.at,
        closed_by: (data["closed_by"] as string) ?? null,
      };
      const closedBy = data["closed_by"];
      const name = panel.contact.visitor.name;
      const text = () =>
        closedBy === "visitor"
          ? msg(str`${name} left the conversation`)
          : closedBy === "visitor_gone"
            ? msg(str`${name} did not come back; the contact ended`)
            : msg("You ended the contact");
      panel.contact = { ...panel.contact, visitor_departure: null };
      addSystem(panel, `closed-${ev.position}`, ev.at, text, "end");
      touch(s, panel);
      break;
    }
    case "contact.rated": {
      // the visitor rated the ended conversation: a line in its panel, while it is shown
      if (!panel) break;
      const rating = data["rating"] as { score: number; comment: string };
      const name = panel.contact.visitor.name;
      const score = rating.score;
      const comment = rating.comment;
      const text = () =>
        comment
          ? msg(str`${name} rated the conversation ${score} of 5: “${comment}”`)
          : msg(str`${name} rated the conversation ${score} of 5`);
      addSystem(panel, `rated-${ev.position}`, ev.at, text);
      touch(s, panel);
      break;
    }
    case "contact.agent_away":
      if (panel) addSystem(panel, `away-${ev.position}`, ev.at, () => msg("Your console was disconnected; the visitor was told you are reconnecting"), "warn");
      break;
    case "contact.agent_back":
      if (panel) addSystem(panel, `back-${ev.position}`, ev.at, () => msg("You are back online"));
      break;
    case "contact.requeued": {
      if (!panel) break;
      const name = panel.contact.visitor.name;
      s.dropPanel(panel.contact.id);
      if (live) s.notify(msg(str`${name} was handed back to the queue for another agent.`), "info");
      break;
    }
    case "visitor.departed":
    case "visitor.returned": {
      const departure = ev.kind === "visitor.departed" ? (data as unknown as Departure) : null;
      s.waiting = s.waiting.map((e) => (e.contact_id === ev.contact_id ? { ...e, departure } : e));
      if (!panel) break;
      const wasLeaving = panel.contact.visitor_departure?.navigating === false;
      panel.contact = { ...panel.contact, visitor_departure: departure };
      const name = panel.contact.visitor.name;
      if (departure === null) {
        // a page change or a dropped connection is not news; coming back after leaving is
        if (wasLeaving) addSystem(panel, `returned-${ev.position}`, ev.at, () => msg(str`${name} is back`));
      } else if (departure.navigating === false) {
        const until = clock(departure.gone_at - s.clockOffset);
        addSystem(panel, `departed-${ev.position}`, ev.at, () => msg(str`${name} left the page — the contact ends at ${until} unless they come back`), "warn");
      }
      touch(s, panel);
      break;
    }
    case "link.pushed": {
      if (!panel) break;
      const url = String(data["url"]);
      const name = panel.contact.visitor.name;
      const text = () => (data["mode"] === "prompt" ? msg(str`Offered ${url} to ${name}`) : msg(str`Sent ${name} to ${url}`));
      addSystem(panel, `pushed-${ev.position}`, ev.at, text);
      break;
    }
    case "contact.dismissed":
      if (ev.contact_id !== null) s.dropPanel(ev.contact_id);
      break;
    case "contact.transfer_requested":
    case "contact.transfer_rejected":
    case "contact.transfer_returned":
    case "contact.transfer_cancelled":
    case "contact.transfer_accepted":
      transferEvent(s, ev, panel, live);
      break;
    case "contact.supervisor_joined":
    case "contact.supervisor_left":
    case "contact.taken_over":
      supervisorEvent(s, ev, panel, live);
      break;
    case "call.offered":
    case "call.accepted":
    case "call.declined":
    case "call.connected":
    case "call.ended":
    case "call.interrupted":
    case "call.resumed":
      callEvent(s, ev, panel, live);
      break;
    case "visitor.media":
      if (panel) panel.contact = { ...panel.contact, visitor_media: data["media"] as Contact["visitor_media"] };
      break;
    case "contact.colour_changed":
      if (panel) panel.contact = { ...panel.contact, colour: (data["colour"] as string) || null };
      break;
    case "message.created": {
      if (!panel) break;
      const message = data["message"] as Message;
      const added = upsertMessage(panel, message);
      panel.contact = { ...panel.contact, last_message_at: message.created_at };
      if (added && message.sender === "visitor") {
        panel.visitorTyping = false;
        panel.visitorOnline = panel.visitorOnline === false ? null : panel.visitorOnline;
        const seen = isSeen(s, panel);
        if (!seen) {
          panel.unread += 1;
          touch(s, panel);
          if (live) s.alert(msg(str`Message from ${panel.contact.visitor.name}`), message.text.slice(0, 140));
        }
        deliver(s, panel);
        markRead(s, panel);
      } else if (added) {
        touch(s, panel);
      }
      break;
    }
    case "note.created":
      noteCreated(s, panel, data["note"] as Note, live);
      break;
    case "note.mentioned":
      mentioned(s, data as unknown as Mention, live);
      break;
    case "message.translated":
    case "message.untranslated":
      if (panel) upsertMessage(panel, data["message"] as Message);
      break;
    case "contact.translation":
      if (panel) panel.contact = { ...panel.contact, translation: (data["translation"] as TranslationSetting | null) ?? null };
      break;
    case "message.status": {
      if (!panel) break;
      const upTo = data["up_to"] as number;
      const at = data["at"] as number;
      const state = data["state"] as string;
      const target = data["by"] === "visitor" ? "agent" : "visitor";
      panel.messages = panel.messages.map((m) => {
        if (m.sender !== target || m.id > upTo) return m;
        return {
          ...m,
          delivered_at: m.delivered_at ?? at,
          read_at: state === "read" ? (m.read_at ?? at) : m.read_at,
        };
      });
      if (target === "agent") panel.visitorOnline = panel.visitorOnline === false ? null : panel.visitorOnline;
      break;
    }
    case "visitor.page_changed": {
      if (!panel) break;
      const page = { url: data["url"] as string, title: (data["title"] as string) ?? "", at: (data["at"] as number) ?? ev.at };
      panel.contact = {
        ...panel.contact,
        pages: [...panel.contact.pages, page],
        visitor: { ...panel.contact.visitor, page_url: page.url, page_title: page.title },
      };
      panel.pageChangedAt = Date.now();
      touch(s, panel);
      break;
    }
    case "agent.status_changed":
      if (s.agent) {
        const status = data["status"] as "READY" | "PAUSED";
        s.agent = { ...s.agent, chosen_status: status, status };
      }
      break;
    case "agent.session_changed": {
      const session = data["session"] as SessionMedia;
      if (session.id === s.sessionId) s.media = session;
      break;
    }
    default:
      break;
  }
}
