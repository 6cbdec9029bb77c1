/** Shapes of what the Sportello server sends the widget (docs/protocol.md). */

import type { CallView, IceConfig, Limits, Message } from "../shared/protocol";

export type { Message };

export interface Service {
  id: number;
  name: string;
  language: string;
  media: string[];
  available_media: string[];
  available: boolean;
  /** Whether the service takes a message when nobody is available. */
  leave_message: boolean;
  /** The pre-chat form (prechat-view.ts), and the privacy policy its consent links. */
  prechat_fields: PrechatField[];
  privacy_url: string;
  /** Proactive invitation rules (invitation.ts). */
  invitations: InvitationRule[];
  /** False outside the service's opening hours (nothing can be asked then). */
  open?: boolean;
}

export interface InvitationRule {
  path: string;
  seconds: number;
  returning_only: boolean;
  when_available: boolean;
  /** The bubble's line; empty: the widget's own. */
  text: string;
}

export interface PrechatField {
  key: string;
  kind: "name" | "email" | "phone" | "choice" | "consent";
  label: string;
  required: boolean;
  options?: string[];
}

export interface AgentCard {
  id: number;
  display_name: string;
  nickname: string | null;
  avatar_url: string | null;
}

export interface VisitorContact {
  id: number;
  state: string;
  medium: string;
  service: { id: number; name: string; language: string; typing_preview?: boolean };
  visitor_name: string;
  agent: AgentCard | null;
  created_at: number;
  /** When the agent (the latest, after a hand-back) joined; null while waiting. */
  assigned_at?: number | null;
  dissuade_at: number | null;
  closed_at: number | null;
  dissuasion_message: string | null;
  /** Waiting for a busy agent: every agent is full and the service keeps it in its queue. */
  queued?: boolean;
  /** How the queue ended it: "queue_timeout", "queue_full", or null. */
  queue_exit?: string | null;
  messages: Message[];
  /** The call being offered, set up or in progress, and what the visitor may ask for. */
  call?: CallView | null;
  call_media?: string[];
}

export interface ApiError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export type ServerFrame =
  | {
      type: "hello";
      position: number;
      resumed: boolean;
      contact?: VisitorContact;
      link?: number;
      limits?: Limits;
      ice?: IceConfig;
    }
  | {
      type: "event";
      position: number;
      kind: string;
      contact_id: number;
      at: number;
      data: Record<string, unknown>;
    }
  | {
      type: "signal";
      kind: string;
      contact_id: number;
      from?: string;
      active?: boolean;
      call_id?: number;
      description?: RTCSessionDescriptionInit;
      candidate?: RTCIceCandidateInit;
    }
  | { type: "queue"; contact_id: number; position: number; wait_minutes: number | null }
  | { type: "ack"; ref: string; message: Message; duplicate: boolean }
  | { type: "pong"; ref?: string }
  | ({ type: "error"; ref?: string | null } & ApiError);

/** A message the visitor typed that the server has not acknowledged yet. */
export interface Outgoing {
  client_msg_id: string;
  text: string;
  created_at: number;
  failed?: string;
  /** Sent again by itself once already (after a `write_conflict`). */
  resent?: boolean;
}

/** The current conversation, kept in the browser so page changes and reloads resume it. */
export interface Conversation {
  token: string;
  contactId: number;
  serviceId: number;
  serviceName: string;
  /** The service's language (ISO 639-1): the widget speaks it when it can (language.ts). */
  serviceLanguage?: string;
  /** The service shows the agent what the visitor types before it is sent (privacy.ts). */
  typingPreview?: boolean;
  /** The position of the last event processed; null = ask for a fresh snapshot. */
  position: number | null;
  state: string;
  createdAt: number;
  dissuadeAt: number | null;
  agent: AgentCard | null;
  agentAway: boolean;
  /** When the agent joined (server seconds): where "joined the chat" sits in the transcript. */
  joinedAt?: number | null;
  /** Colleagues who took the chat over by a transfer, and when (server seconds). */
  takeovers?: { at: number; agent: AgentCard; previous: AgentCard | null }[];
  /** Supervisors joining and leaving the conversation, and when (server seconds). */
  supervisorLines?: { at: number; supervisor: AgentCard; joined: boolean }[];
  /** Set when the contact went back to the queue because its agent left: their name ("" when
   * the server did not say). */
  requeuedFrom?: string | null;
  /** When the current wait began (the request, or the hand-back), server seconds. */
  queuedAt?: number;
  /** The place in the service's line while waiting (1 = next) and the estimated wait in
   * minutes (0: under a minute; null: unknown), as the server last said them. */
  place?: { position: number; waitMinutes: number | null } | null;
  /** A page the agent offered (the service asks the visitor instead of navigating). */
  offeredLink?: string | null;
  /** This page's connection number, sent with the departure beacon. */
  link?: number;
  /** The service's own dissuasion message, as its administrator wrote it. */
  endMessage: string | null;
  /** Waiting in the service's queue for an agent with room (docs/protocol.md, Waiting for a
   * busy agent). */
  queued?: boolean;
  /** How the queue ended the request: "queue_timeout", "queue_full", or null. */
  queueExit?: string | null;
  /** Why this widget gave the conversation up, said in the visitor's language. */
  endReason?: "expired" | "unavailable" | null;
  closedBy: string | null;
  /** The visitor's rating of the ended conversation (1–5), once given (ending.ts). */
  rating?: number | null;
  /** The transcript asked for by e-mail: where to, and pending / sent / failed. */
  transcript?: { to: string; state: string } | null;
  messages: Message[];
  outbox: Outgoing[];
  pageUrl: string;
  /** Highest agent message id the visitor has seen (for the unread counter). */
  seenId: number;
  deliveredSent: number;
  readSent: number;
  /** local clock − server clock, in seconds. */
  clockOffset: number;
}

export const ACTIVE_STATES = ["pending", "assigned", "transferring"];
export const FAILED_STATES = ["dissuaded", "rejected", "cancelled", "abandoned"];
