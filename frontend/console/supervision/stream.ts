// The supervision stream: a hello with the whole view, then views and the shown contacts'
// events. Reconnects with the last position it processed, so nothing is missed.

import type { EventFrame } from "../types";
import type { LiveView } from "./types";

type Frame =
  | { type: "hello"; position: number; resumed: boolean; view: LiveView }
  | { type: "view"; position: number; view: LiveView }
  | EventFrame
  | { type: "error"; code: string; message: string }
  | { type: "pong" };

export interface StreamHandlers {
  view(view: LiveView): void;
  event(frame: EventFrame): void;
  connected(online: boolean): void;
  /** The server refused us for good (signed out, not a supervisor): stop reconnecting. */
  refused(code: string, message: string): void;
}

export class SupervisionStream {
  private ws: WebSocket | null = null;
  private position: number | null = null;
  private retry = 0;
  private stopped = false;

  constructor(private readonly handlers: StreamHandlers) {}

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    this.ws?.close();
  }

  private open(): void {
    const url = new URL("/ws/supervision", location.href);
    url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    url.searchParams.set("utc_offset_minutes", String(-new Date().getTimezoneOffset()));
    if (this.position !== null) url.searchParams.set("since", String(this.position));
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onmessage = (e) => this.receive(JSON.parse(String(e.data)) as Frame);
    ws.onclose = (e) => {
      this.handlers.connected(false);
      if (this.stopped) return;
      if (e.code === 4403 || e.code === 4401) return;
      if (e.code === 4410) this.position = null;
      const delay = Math.min(10_000, 500 * 2 ** this.retry++);
      window.setTimeout(() => this.open(), delay);
    };
  }

  private receive(frame: Frame): void {
    if (frame.type === "hello") {
      this.retry = 0;
      this.handlers.connected(true);
      this.advance(frame.position);
      this.handlers.view(frame.view);
    } else if (frame.type === "view") {
      this.advance(frame.position);
      this.handlers.view(frame.view);
    } else if (frame.type === "event") {
      this.advance(frame.position);
      this.handlers.event(frame);
    } else if (frame.type === "error" && ["forbidden", "not_authenticated"].includes(frame.code)) {
      this.handlers.refused(frame.code, frame.message);
    }
  }

  private advance(position: number): void {
    this.position = Math.max(this.position ?? 0, position);
  }
}
