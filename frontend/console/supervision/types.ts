// The supervision API's shapes (docs/protocol.md, "/ws/supervision" and "Supervision").

import type { AgentStatus } from "../types";

export interface ContactCard {
  id: number;
  state: string;
  medium: string;
  service_id: number;
  visitor_name: string;
  created_at: number;
  assigned_at: number | null;
  dissuade_at: number | null;
  priority: number;
  requeued: boolean;
}

export interface SupervisedAgent {
  id: number;
  display_name: string;
  role: string;
  status: AgentStatus;
  reconnecting: boolean;
  away_since: number | null;
  media: { chat: boolean; voice: boolean; video: boolean };
  /** Every contact held, whatever its service. */
  load: number;
  /** How many of them are in services outside this view (counted, not shown). */
  elsewhere: number;
  chat_limit: number;
  contacts: ContactCard[];
}

export interface Figures {
  requests: number;
  answered: number;
  dissuaded: number;
  abandoned: number;
  in_progress: number;
  wait_avg: number | null;
}

export interface SupervisedService {
  id: number;
  name: string;
  waiting: ContactCard[];
  today: Figures;
}

export interface LiveView {
  server_time: number;
  agent_grace_seconds: number;
  agents: SupervisedAgent[];
  services: SupervisedService[];
  today: Figures & { since: number };
  scope: { everything: boolean; services: string[]; handled_elsewhere: boolean };
}

export interface LeftMessage {
  id: number;
  service_id: number | null;
  service_name: string | null;
  contact_id: number | null;
  name: string;
  email: string;
  text: string;
  site: string;
  created_at: number;
  done_at: number | null;
  done_by: { id: number; display_name: string } | null;
}
