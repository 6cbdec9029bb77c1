/** Shapes the console and the widget share with the server (docs/protocol.md). */

export interface Message {
  id: number;
  contact_id: number;
  sender: "visitor" | "agent" | "system";
  agent_id: number | null;
  client_msg_id: string | null;
  text: string;
  created_at: number;
  delivered_at: number | null;
  read_at: number | null;
  /** Set when the message carries a file (its text is then the description). */
  file?: FileCard | null;
  /** Set on a translated contact (docs/protocol.md, Translation). */
  translation?: MessageTranslation | null;
}

export interface MessageTranslation {
  state: "pending" | "done" | "failed" | "skipped";
  source: string;
  target: string;
  text?: string;
  engine?: string;
  via?: string | null;
  /** The agent changed the engine's preview before sending. */
  edited?: boolean;
  code?: string;
  reason?: string;
}

/** An agent's choice from the translation preview, sent with ``message.send``. */
export type OwnTranslation = { text: string; edited: boolean } | { original: true };

/** A contact's translation setting. */
export interface TranslationSetting {
  visitor: string;
  agent: string;
  engine: string;
  via: string | null;
  /** The service's protected terms when translation was turned on. */
  glossary?: string[];
}

/** A file sent in a contact, as the server describes it (docs/protocol.md). */
export interface FileCard {
  id: string;
  name: string;
  description: string;
  content_type: string;
  size: number;
  width: number | null;
  height: number | null;
  /** True when the server made a thumbnail (images). */
  thumbnail: boolean;
}

/** Limits the server announces in `hello` (it enforces them anyway). */
export interface Limits {
  message_chars: number;
  upload_bytes: number;
  upload_text: string;
}

/** A voice/video call on a contact (docs/protocol.md, Voice and video calls). */
export interface CallView {
  id: number;
  contact_id: number;
  started_by: "agent" | "visitor";
  requested: "voice" | "video";
  media: "voice" | "video" | null;
  state: "offered" | "accepted" | "connected" | "declined" | "ended";
  /** The console session in the call (console only). */
  agent_session?: string | null;
  offered_at: number;
  answered_at: number | null;
  connected_at: number | null;
  ended_at: number | null;
  ended_by: "agent" | "visitor" | "system" | null;
  end_reason: string | null;
  /** A side's connection in the call went away: the call ends then unless it rejoins. */
  agent_gone_at?: number | null;
  visitor_gone_at?: number | null;
}

/** ICE servers from `hello` (STUN, TURN with short-lived credentials). */
export interface IceConfig {
  servers: RTCIceServer[];
  transport_policy: RTCIceTransportPolicy;
  expires_at: number | null;
}

/** What the visitor's browser can do, as the widget reports it. */
export interface MediaCapabilities {
  webrtc: boolean;
  camera: boolean;
  microphone: boolean;
  permission: "granted" | "denied" | "prompt" | "unknown";
}

export type CallSignal =
  | { description: RTCSessionDescriptionInit; candidate?: undefined }
  | { candidate: RTCIceCandidateInit; description?: undefined };
