// What the agent does to a contact over HTTP: take it, pass it on, shape it, end it.
// The stream confirms each change; a refusal becomes a notice.

import { msg } from "@lit/localize";
import { api, ApiError } from "../api";
import type { Contact, TransferTargets, TranslationChoices, TranslationSetting } from "../types";
import type { ConsoleStore } from "./core";
import { addPanel } from "./panels";
import { sayError } from "../../shared/errors";

/** A refusal as a notice: the sentence for its code, else what could not be done. */
function failed(s: ConsoleStore, err: unknown, fallback: string): void {
  s.notify(sayError(err, fallback));
}

export async function take(s: ConsoleStore, path: string, contactId: number | null): Promise<void> {
  if (contactId !== null) s.accepting.add(contactId);
  try {
    const contact = await api<Contact>("POST", path);
    s.accepting.add(contact.id);
    addPanel(s, contact, true);
    // A contact that started as voice/video: its call starts on accept (ENGAGE at once).
    const call = contact.call;
    if (call && call.state === "offered" && call.started_by === "visitor") s.calls.engage(call);
    s.changed();
  } catch (err) {
    const code = err instanceof ApiError ? err.code : "";
    failed(s, err, msg("Could not take the contact."));
    if (contactId !== null && code !== "network") {
      s.waiting = s.waiting.filter((e) => e.contact_id !== contactId);
      s.changed();
    }
  }
}

/** The transfer dialog's lists (polled while it is open). */
export function transferTargets(contactId: number): Promise<TransferTargets> {
  return api<TransferTargets>("GET", `/api/contacts/${contactId}/transfer-targets`);
}

/** Send the contact to an agent or a group; false (with a notice) when refused. */
export async function transfer(
  s: ConsoleStore,
  contactId: number,
  target: { agent_id: number } | { group_id: number },
  note: string,
): Promise<boolean> {
  try {
    await api("POST", `/api/contacts/${contactId}/transfer`, { ...target, note });
    return true;
  } catch (err) {
    failed(s, err, msg("Could not transfer the contact."));
    return false;
  }
}

export async function cancelTransfer(s: ConsoleStore, contactId: number): Promise<void> {
  try {
    await api("POST", `/api/contacts/${contactId}/transfer/cancel`);
  } catch (err) {
    failed(s, err, msg("Could not cancel the transfer."));
  }
}

export async function rejectTransfer(s: ConsoleStore, contactId: number, reason: string): Promise<void> {
  try {
    await api("POST", `/api/contacts/${contactId}/transfer/reject`, { reason });
  } catch (err) {
    failed(s, err, msg("Could not reject the transfer."));
  }
  s.waiting = s.waiting.filter((e) => e.contact_id !== contactId);
  s.changed();
}

/** Send the visitor's browser to a page (or offer it, per the service's setting). */
export async function pushLink(s: ConsoleStore, contactId: number, url: string): Promise<void> {
  try {
    await api("POST", `/api/contacts/${contactId}/push-link`, { url });
  } catch (err) {
    failed(s, err, msg("Could not send the visitor there."));
  }
}

export async function translationChoices(s: ConsoleStore, contactId: number): Promise<TranslationChoices | null> {
  try {
    return await api<TranslationChoices>("GET", `/api/contacts/${contactId}/translation`);
  } catch (err) {
    failed(s, err, msg("Could not load the languages."));
    return null;
  }
}

/** Turn translation on (both languages given) or off (null). */
export async function setTranslation(
  s: ConsoleStore,
  contactId: number,
  langs: { visitor: string; agent: string } | null,
): Promise<void> {
  try {
    const path = `/api/contacts/${contactId}/translation`;
    const setting = langs ? await api<TranslationSetting>("PUT", path, langs) : (await api<void>("DELETE", path), null);
    const panel = s.panel(contactId);
    if (panel) panel.contact = { ...panel.contact, translation: setting };
    s.changed();
  } catch (err) {
    failed(s, err, msg("Could not change the translation."));
  }
}

export async function translateEarlier(s: ConsoleStore, contactId: number): Promise<void> {
  try {
    await api("POST", `/api/contacts/${contactId}/translation/earlier`);
  } catch (err) {
    failed(s, err, msg("Could not translate the earlier messages."));
  }
}

export async function setColour(s: ConsoleStore, contactId: number, colour: string): Promise<void> {
  try {
    await api("PUT", `/api/contacts/${contactId}/colour`, { colour });
    const panel = s.panel(contactId);
    if (panel) panel.contact = { ...panel.contact, colour: colour || null };
    s.changed();
  } catch (err) {
    failed(s, err, msg("Could not set the colour."));
  }
}

export async function close(s: ConsoleStore, contactId: number): Promise<void> {
  try {
    const contact = await api<Contact>("POST", `/api/contacts/${contactId}/close`);
    const panel = s.panel(contactId);
    if (panel) {
      panel.terminated = true;
      panel.contact = {
        ...panel.contact,
        state: contact.state,
        closed_at: contact.closed_at,
        closed_by: contact.closed_by,
        outcome: contact.outcome,
      };
    }
    s.changed();
  } catch (err) {
    if (err instanceof ApiError && err.code === "contact_closed") {
      const panel = s.panel(contactId);
      if (panel) panel.terminated = true;
      s.changed();
      return;
    }
    failed(s, err, msg("Could not end the contact."));
  }
}

/** Remove an ended contact from every console of this agent (the server remembers it). */
export function remove(s: ConsoleStore, contactId: number): void {
  s.dropPanel(contactId);
  api("POST", `/api/contacts/${contactId}/dismiss`).catch((err: unknown) => {
    if (err instanceof ApiError && err.code !== "network") failed(s, err, msg("Could not remove the contact."));
  });
}
