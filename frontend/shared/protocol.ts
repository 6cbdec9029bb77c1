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
  state: "pending" | "done" | "failed";
  source: string;
  target: string;
  text?: string;
  engine?: string;
  via?: string | null;
  code?: string;
  reason?: string;
}

/** A contact's translation setting. */
export interface TranslationSetting {
  visitor: string;
  agent: string;
  engine: string;
  via: string | null;
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
