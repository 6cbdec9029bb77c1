// Shapes of what the server sends (see docs/protocol.md).

import type {
  CallSignal,
  CallView,
  FileCard,
  IceConfig,
  Limits,
  MediaCapabilities,
  Message,
  TranslationSetting,
} from "../shared/protocol";

export type { CallSignal, CallView, FileCard, IceConfig, Limits, MediaCapabilities, Message, TranslationSetting };

export type AgentStatus = "READY" | "PAUSED" | "DISCONNECTED";

export interface AgentState {
  id: number;
  login: string;
  display_name: string;
  nickname: string | null;
  avatar_url: string | null;
  languages: string[];
  tags: string[];
  chat_limit: number;
  voice_allowed: boolean;
  video_allowed: boolean;
  role: string;
  /** The console language chosen on the profile ("" = the browser's). */
  ui_language: string;
  chosen_status: "READY" | "PAUSED";
  status: AgentStatus;
  live_sessions: number;
  /** The agent's services outside their opening hours now (GET /api/me only). */
  closed_services?: { id: number; name: string }[];
}

export interface SessionMedia {
  id: string;
  chat: boolean;
  voice: boolean;
  video: boolean;
}

export interface WaitingEntry {
  contact_id: number;
  state: string;
  medium: string;
  priority: number;
  visitor_name: string;
  visitor_country: string;
  new_visitor: boolean;
  site: string | null;
  created_at: number;
  dissuade_at: number | null;
  starred: boolean;
  /** False: this agent qualifies but is at their chat limit (shown as a count only). */
  can_take: boolean;
  /** Handed back to the queue after its agent left: it goes ahead of new contacts. */
  requeued: boolean;
  /** Waiting for a busy agent: every qualified agent is full, nobody can take it yet; it is
   * offered as soon as one has room (its dissuade_at is the queue's deadline). */
  queued?: boolean;
  /** Set locally from visitor.departed / visitor.returned while the entry waits. */
  departure?: Departure | null;
  service_id: number;
  service_name: string;
  service_language: string;
  /** Set for a contact being transferred to this agent (or their group). */
  transfer: TransferEntry | null;
  /** What the visitor wrote first (with the start form or while waiting), if anything. */
  first_message?: FirstMessage | null;
}

/** A waiting entry's first visitor message (docs/protocol.md, waiting entry). */
export interface FirstMessage {
  id: number;
  text: string;
  file_name: string | null;
  created_at: number;
}

/** The waiting entry's transfer: the arrow, who sends it and the note. */
export interface TransferEntry {
  id: number;
  from_agent: { id: number; display_name: string };
  to_agent_id: number | null;
  group: { id: number; name: string } | null;
  note: string;
  requested_at: number;
  due_at: number;
}

export interface AgentCard {
  id: number;
  display_name: string;
  nickname: string | null;
  avatar_url: string | null;
}

/** One transfer leg (docs/protocol.md, Transfers). */
export interface TransferLeg {
  id: number;
  contact_id: number;
  from_agent: AgentCard | null;
  to_agent: AgentCard | null;
  group: { id: number | null; name: string } | null;
  note: string;
  state: "pending" | "ended";
  outcome: string | null;
  reason: string;
  rejected_by: number[];
  accepted_by: AgentCard | null;
  /** A supervisor's take-over: a leg to themselves, accepted as it was asked. */
  taken_over?: boolean;
  requested_at: number;
  due_at: number;
  ended_at: number | null;
}

export interface TransferTargets {
  contact_id: number;
  agents: {
    id: number;
    display_name: string;
    nickname: string;
    status: AgentStatus;
    /** No live console, within the reconnect grace (status is still the chosen one). */
    reconnecting: boolean;
    load: number;
    chat_limit: number;
    can_take: boolean;
    qualified: boolean;
  }[];
  groups: {
    id: number;
    name: string;
    priority: number;
    members: number;
    available_agents: number;
    free_chat_slots: number;
    can_take: boolean;
    qualified: boolean;
  }[];
}

/** The visitor's page went away; the contact ends at gone_at unless they come back. */
export interface Departure {
  left_at: number;
  gone_at: number;
  /** True: following a link on the site; false: leaving; null: the connection just closed. */
  navigating: boolean | null;
}

export interface SavedLink {
  title: string;
  url: string;
}

export interface PageVisit {
  url: string;
  title: string;
  at: number;
}

export interface Contact {
  id: number;
  state: string;
  medium: string;
  outcome: string | null;
  colour: string | null;
  service: {
    id: number;
    name: string;
    language: string;
    sites?: string[];
    immediate_redirect?: boolean;
    saved_links?: SavedLink[];
    media?: string[];
  };
  visitor: {
    id: string;
    name: string;
    email: string | null;
    country: string | null;
    /** Where the country came from: "ip" (the visitor's address), "locale" (their
     * browser's language), "" (given by the caller, or unknown). */
    country_source?: string;
    language: string | null;
    new_visitor: boolean;
    /** The site's user id when the visitor's signed identity verified; null: anonymous. */
    verified_user_id: string | null;
    site: string | null;
    page_url: string | null;
    page_title: string | null;
    referrer: string | null;
    user_agent: string | null;
  };
  agent: { id: number; display_name: string } | null;
  created_at: number;
  assigned_at: number | null;
  closed_at: number | null;
  closed_by: string | null;
  last_message_at: number | null;
  requeued_at: number | null;
  visitor_departure: Departure | null;
  /** What the visitor answered in the service's pre-chat form (name and e-mail aside). */
  prechat: PrechatAnswer[];
  translation: TranslationSetting | null;
  messages: Message[];
  /** Private notes and whispers: agents and supervisors only (docs/protocol.md). */
  notes?: Note[];
  pages: PageVisit[];
  transfers?: TransferLeg[];
  /** Supervisors who joined the conversation and have not left it. */
  supervisors?: { id: number; display_name: string }[];
  /** The call being offered, set up or in progress (docs/protocol.md). */
  call?: CallView | null;
  calls?: CallView[];
  /** What the visitor's browser can do (null: not reported yet). */
  visitor_media?: MediaCapabilities | null;
}

/** A private note (an agent's or a supervisor's) or a supervisor's whisper: never the visitor's. */
export interface Note {
  id: number;
  contact_id: number;
  kind: "note" | "whisper";
  author: { id: number; display_name: string; login: string };
  text: string;
  created_at: number;
  mentions: { id: number; login: string; display_name: string }[];
}

/** A note that named this agent (`note.mentioned`): a notification they can open. */
export interface Mention {
  note: Note;
  contact: { id: number; visitor_name: string; service_name: string; state: string };
}

export interface HelloFrame {
  type: "hello";
  position: number;
  resumed: boolean;
  session_id: string;
  session?: SessionMedia | null;
  server_time?: number;
  /** The server's idle timeout for chats (0: idle detection off). */
  idle_seconds?: number;
  /** An ended contact's panel goes away by itself this long after it ended (0: never). */
  ended_panel_seconds?: number;
  limits?: Limits;
  ice?: IceConfig;
  agent: AgentState;
  waiting: WaitingEntry[];
  contacts?: Contact[];
  /** The live calls of this console session (in every hello, resumed or not). */
  calls?: CallView[];
  /** The notes that named this agent lately, newest first. */
  mentions?: Mention[];
}

export interface EventFrame {
  type: "event";
  position: number;
  kind: string;
  contact_id: number | null;
  at: number;
  data: Record<string, unknown>;
}

export interface SignalFrame {
  type: "signal";
  kind: string;
  contact_id: number;
  from?: string;
  active?: boolean;
  /** The visitor's unsent text (a `typing` signal, when the service shows it). */
  draft?: string;
  online?: boolean;
  call_id?: number;
  description?: RTCSessionDescriptionInit;
  candidate?: RTCIceCandidateInit;
}

export interface AckFrame {
  type: "ack";
  ref: string;
  message: Message;
  duplicate: boolean;
  visitor_online?: boolean;
}

export interface ErrorFrame {
  type: "error";
  code: string;
  message: string;
  details?: Record<string, unknown>;
  ref?: string | null;
}

export type ServerFrame =
  | HelloFrame
  | EventFrame
  | SignalFrame
  | AckFrame
  | ErrorFrame
  | { type: "pong"; ref?: string };

/** What the translation chooser offers (GET /api/contacts/{id}/translation). */
export interface TranslationChoices {
  engine: string;
  languages: string[];
  routes: { source: string; target: string; via: string | null; engine: string }[];
  visitor_language: string | null;
  current: TranslationSetting | null;
}

export interface PrechatAnswer {
  key: string;
  kind: "phone" | "choice" | "consent";
  label: string;
  /** True: a consent given. */
  value: string | boolean;
}
