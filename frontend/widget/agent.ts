import type { AgentCard } from "./types";

/** How the visitor sees an agent: their nickname, else their name. */
export function agentName(agent: AgentCard | null): string {
  return agent ? agent.nickname || agent.display_name : "An agent";
}
