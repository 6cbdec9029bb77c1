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
}
