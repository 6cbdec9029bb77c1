// The agent's sign-in, status and media: who is at this console and what they can take.

import { mediumName } from "../labels";
import { useLanguage } from "../i18n";
import { msg, str } from "@lit/localize";
import { api, ApiError } from "../api";
import type { AgentState, SessionMedia } from "../types";
import { SESSION_KEY } from "./connection";
import type { ConsoleStore } from "./core";
import type { SignOutChoice } from "./model";
import { sayError } from "../../shared/errors";

/** Opening hours pass while the console is open: the closed services are read again. */
const CLOSED_REFRESH_MS = 60_000;

export async function boot(s: ConsoleStore): Promise<void> {
  window.setInterval(() => void refreshClosed(s), CLOSED_REFRESH_MS);
  try {
    s.agent = await api<AgentState>("GET", "/api/me");
    s.closedServices = s.agent.closed_services ?? [];
    await useLanguage(s.agent.ui_language);
    s.booted = true;
    await s.connection.start();
  } catch {
    s.booted = true;
    s.conn = "signed-out";
    s.changed();
  }
}

export async function refreshClosed(s: ConsoleStore): Promise<void> {
  if (!s.agent) return;
  try {
    const me = await api<AgentState>("GET", "/api/me");
    s.closedServices = me.closed_services ?? [];
    s.changed();
  } catch {
    /* the next round asks again */
  }
}

export async function login(s: ConsoleStore, login: string, password: string): Promise<void> {
  const result = await api<{ agent: AgentState }>("POST", "/api/auth/login", { login, password });
  s.agent = result.agent;
  void refreshClosed(s);
  await useLanguage(s.agent.ui_language);
  sessionStorage.removeItem(SESSION_KEY);
  await s.connection.start();
}

/**
 * Sign out. With contacts in progress the server wants a choice: without one this answers
 * false and nothing changes (the UI asks and calls again).
 */
export async function logout(s: ConsoleStore, choice?: SignOutChoice): Promise<boolean> {
  try {
    await api("POST", "/api/auth/logout", choice ? { contacts: choice } : {});
  } catch (err) {
    if (err instanceof ApiError && err.code === "contacts_in_progress") return false;
    if (err instanceof ApiError && err.status !== 401 && err.code !== "network") {
      s.notify(sayError(err, msg("Could not sign out.")));
      return false;
    }
    /* the session had ended already, or the server is unreachable: sign out locally */
  }
  s.connection.shutdown();
  sessionStorage.removeItem(SESSION_KEY);
  s.agent = null;
  s.media = null;
  s.waiting = [];
  s.panels = [];
  s.mentions = [];
  s.mentionsSeen = null;
  s.expandedId = null;
  s.connection.forgetPosition();
  s.conn = "signed-out";
  s.changed();
  return true;
}

export async function setStatus(s: ConsoleStore, status: "READY" | "PAUSED"): Promise<void> {
  try {
    await api("PUT", "/api/me/status", { status });
    if (s.agent) s.agent = { ...s.agent, chosen_status: status, status };
    s.changed();
  } catch (err) {
    s.notify(sayError(err, msg("Could not change your status.")));
  }
}

export async function setMedia(s: ConsoleStore, medium: "chat" | "voice" | "video", on: boolean): Promise<void> {
  const id = s.sessionId;
  if (!id) return;
  try {
    s.media = await api<SessionMedia>("PATCH", `/api/console-sessions/${id}`, { [medium]: on });
    s.changed();
  } catch (err) {
    s.notify(sayError(err, msg(str`Could not switch ${mediumName(medium)}.`)));
  }
}

/** The agent's own console language ("" = the browser's): saved on the profile, applied here. */
export async function setUiLanguage(s: ConsoleStore, language: string): Promise<void> {
  try {
    s.agent = await api<AgentState>("PUT", "/api/me/ui-language", { ui_language: language });
    await useLanguage(s.agent.ui_language);
    s.changed();
  } catch (err) {
    s.notify(sayError(err, msg("Could not change the language.")));
  }
}
