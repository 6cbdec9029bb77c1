import { msg } from "@lit/localize";
import type { AgentCard } from "./types";

/** How the visitor sees an agent: their nickname, else their name. */
export function agentName(agent: AgentCard | null): string {
  return agent ? agent.nickname || agent.display_name : msg("An agent", { id: "w.agent.anonymous" });
}
