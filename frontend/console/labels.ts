// Names the console shows for the server's codes (roles, media, statuses), in the agent's
// language.

import { msg } from "@lit/localize";

export function roleName(role: string): string {
  switch (role) {
    case "agent":
      return msg("agent");
    case "supervisor":
      return msg("supervisor");
    case "admin":
      return msg("admin");
    default:
      return role;
  }
}

export function mediumName(medium: string): string {
  switch (medium) {
    case "chat":
      return msg("chat");
    case "voice":
      return msg("voice");
    case "video":
      return msg("video");
    default:
      return medium;
  }
}

/** A contact's outcome (the server's code) as the agent reads it. */
export function outcomeName(outcome: string): string {
  switch (outcome) {
    case "successful":
      return msg("successful");
    case "no_interaction":
      return msg("no interaction");
    case "cancelled":
      return msg("cancelled");
    case "abandoned":
      return msg("abandoned");
    case "dissuaded":
      return msg("dissuaded");
    case "rejected":
      return msg("rejected");
    default:
      return outcome.replace(/_/g, " ");
  }
}

/** An agent's presence (READY, PAUSED, DISCONNECTED) as people read it. */
export function statusName(status: string): string {
  switch (status) {
    case "READY":
      return msg("Ready");
    case "PAUSED":
      return msg("Paused");
    case "DISCONNECTED":
      return msg("Disconnected");
    default:
      return status;
  }
}

/** Why a message (or a preview) went untranslated, from the server's code; null for a code
 * this page does not know. */
export function translationReason(code: string | undefined): string | null {
  switch (code) {
    case "pair_unavailable":
      return msg("the engine cannot translate between these languages");
    case "timeout":
      return msg("the engine took too long");
    case "engine_failed":
      return msg("the engine failed");
    case "busy":
      return msg("the engine had too many translations waiting");
    case "interrupted":
      return msg("the translation did not finish in time");
    case "skipped":
      return msg("the agent chose to send it as written");
    default:
      return null;
  }
}

/** Why a message went untranslated, from the server's code (its English reason otherwise). */
export function translationFailure(code: string | undefined, reason: string | undefined): string {
  return translationReason(code) ?? reason ?? code ?? "";
}
