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
