// The console's WebSocket: connect, resume from the last position, reconnect with backoff,
// keep the clock in step with the server's, and hand each frame to the store.

import { msg } from "@lit/localize";
import { api, ApiError, httpClockSample } from "../api";
import type { ErrorFrame, HelloFrame, ServerFrame, SessionMedia } from "../types";
import { deliver, markRead, onAck, onRefused, onSignal, transmit } from "./chat";
import type { ConsoleStore } from "./core";
import { onEvent } from "./events";
import { entryOrder } from "./model";
import { setMentions } from "./notes";
import { rebuild } from "./panels";
import { sayError } from "../../shared/errors";

export const SESSION_KEY = "sportello.console.session";
const BACKOFF_MS = [300, 700, 1200, 2000, 3000, 5000];
/** Close code: the sign-in behind the socket ended (logout elsewhere, reset, disabled). */
const SIGNED_OUT = 4401;
/** What the agent reads when their sign-in ends, by the server's `details.reason`. */
function ended(reason: string): string {
  if (reason === "password_reset") return msg("Your password was reset. Please sign in with the new one.");
  if (reason === "account_disabled") return msg("Your account was disabled by an administrator. Ask them to enable it again.");
  return msg("Your session has ended. Please sign in again.");
}

export class Connection {
  private ws: WebSocket | null = null;
  private position: number | null = null;
  private attempt = 0;
  private reconnectTimer: number | null = null;
  private pingTimer: number | null = null;
  private closeError: ErrorFrame | null = null;
  private offsetSamples: number[] = [];

  constructor(private readonly s: ConsoleStore) {}

  /** Close the socket for good (sign-out); the next start begins from a fresh snapshot. */
  shutdown(): void {
    this.s.calls.drop();
    if (this.reconnectTimer !== null) window.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    if (this.pingTimer !== null) window.clearInterval(this.pingTimer);
    this.pingTimer = null;
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onclose = null;
      ws.onmessage = null;
      ws.close();
    }
  }

  forgetPosition(): void {
    this.position = null;
  }

  async start(): Promise<void> {
    const s = this.s;
    s.conn = "connecting";
    s.changed();
    if (!s.sessionId) {
      try {
        const session = await api<SessionMedia>("POST", "/api/console-sessions");
        sessionStorage.setItem(SESSION_KEY, session.id);
        s.media = session;
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) {
          s.conn = "signed-out";
          s.changed();
          return;
        }
        this.scheduleReconnect();
        return;
      }
    }
    this.connect();
  }

  private connect(): void {
    const session = this.s.sessionId;
    if (!session) {
      void this.start();
      return;
    }
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    let url = `${proto}//${location.host}/ws/console?session=${encodeURIComponent(session)}`;
    if (this.position !== null) url += `&since=${this.position}`;
    this.closeError = null;
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onmessage = (ev: MessageEvent) => {
      let frame: ServerFrame;
      try {
        frame = JSON.parse(String(ev.data)) as ServerFrame;
      } catch {
        return;
      }
      this.handle(frame);
    };
    ws.onclose = (ev: CloseEvent) => this.onClose(ws, ev.code);
  }

  private onClose(ws: WebSocket, code: number): void {
    if (ws !== this.ws) return;
    const s = this.s;
    this.ws = null;
    if (this.pingTimer !== null) window.clearInterval(this.pingTimer);
    this.pingTimer = null;
    for (const panel of s.panels) {
      for (const out of panel.outgoing) if (out.state === "sending") out.state = "queued";
    }
    const error = this.closeError;
    if (error?.code === "not_authenticated" || code === SIGNED_OUT) {
      s.conn = "signed-out";
      s.agent = null;
      s.notify(ended(String(error?.details?.reason ?? "")));
      s.changed();
      return;
    }
    if (error?.code === "not_found") {
      // The server forgot this console session: open a new one and start fresh.
      sessionStorage.removeItem(SESSION_KEY);
      this.position = null;
    }
    if (code === 4410 || error?.code === "resync_required") this.position = null;
    if (s.agent?.status) s.agent = { ...s.agent, status: "DISCONNECTED" };
    s.conn = "reconnecting";
    s.changed();
    this.scheduleReconnect(code === 4410 ? 0 : undefined);
  }

  private scheduleReconnect(delay?: number): void {
    const s = this.s;
    if (this.reconnectTimer !== null) window.clearTimeout(this.reconnectTimer);
    const wait = delay ?? BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)]! * (0.85 + Math.random() * 0.3);
    this.attempt += 1;
    s.conn = s.conn === "connecting" && this.attempt === 1 ? "connecting" : "reconnecting";
    s.changed();
    this.reconnectTimer = window.setTimeout(() => {
      this.reconnectTimer = null;
      if (s.sessionId) this.connect();
      else void this.start();
    }, wait);
  }

  /** Reconnect right away (the "retry now" button of the banner). */
  retryNow(): void {
    if (this.ws) return;
    this.scheduleReconnect(0);
  }

  send(frame: Record<string, unknown>): boolean {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN || this.s.conn !== "online") return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  handle(frame: ServerFrame): void {
    switch (frame.type) {
      case "hello":
        this.onHello(frame);
        break;
      case "event":
        this.sampleClock(frame.at);
        onEvent(this.s, frame, true);
        this.position = frame.position;
        break;
      case "signal":
        onSignal(this.s, frame);
        break;
      case "ack":
        onAck(this.s, frame);
        break;
      case "error":
        this.onError(frame);
        break;
      default:
        break;
    }
    this.s.changed();
  }

  private sampleClock(serverSeconds: number): void {
    this.offsetSamples.push(serverSeconds - Date.now() / 1000);
    if (this.offsetSamples.length > 20) this.offsetSamples.shift();
    // A sample is the server time minus a transit delay, so the largest is the closest.
    this.s.clockOffset = Math.max(...this.offsetSamples);
  }

  private onHello(hello: HelloFrame): void {
    const s = this.s;
    this.offsetSamples = [];
    if (hello.server_time !== undefined) this.sampleClock(hello.server_time);
    else if (httpClockSample !== null) this.sampleClock(Date.now() / 1000 + httpClockSample);
    sessionStorage.setItem(SESSION_KEY, hello.session_id);
    s.agent = { ...hello.agent, status: hello.agent.chosen_status };
    if (hello.session) s.media = hello.session;
    if (hello.idle_seconds !== undefined) s.idleSeconds = hello.idle_seconds;
    if (hello.ended_panel_seconds !== undefined) s.endedPanelSeconds = hello.ended_panel_seconds;
    if (hello.limits) s.limits = hello.limits;
    if (hello.ice) s.ice = hello.ice;
    const before = new Set(s.waiting.map((e) => e.contact_id));
    s.waiting = [...hello.waiting].sort(entryOrder);
    const arrived = s.waiting.filter((e) => !before.has(e.contact_id));
    if (arrived.length > 0 && s.conn === "reconnecting") {
      s.alert(msg("New contact waiting"), arrived.map((e) => e.visitor_name).join(", "));
    }
    if (!hello.resumed) rebuild(s, hello.contacts ?? []);
    if (!hello.resumed) s.mentions = [];
    setMentions(s, hello.mentions ?? []);
    this.position = hello.position;
    s.conn = "online";
    this.attempt = 0;
    s.calls.rejoin(hello.calls ?? (hello.contacts ?? []).map((c) => c.call));
    if (this.pingTimer !== null) window.clearInterval(this.pingTimer);
    this.pingTimer = window.setInterval(() => this.send({ type: "ping" }), 25_000);
    // Anything typed or unacknowledged while offline goes out now; client ids make it idempotent.
    for (const panel of s.panels) {
      for (const out of panel.outgoing) if (out.state === "queued") transmit(s, panel, out);
      deliver(s, panel);
      markRead(s, panel);
    }
  }

  private onError(err: ErrorFrame): void {
    if (err.ref && onRefused(this.s, err.ref, err)) return;
    if (this.ws && this.s.conn !== "online") {
      // Refused at connect time; the close that follows decides what to do.
      this.closeError = err;
      return;
    }
    if (err.code === "resync_required" || err.code === "not_authenticated") {
      // The close that follows (4410, or 4401 when the sign-in ended) decides what to do.
      this.closeError = err;
      return;
    }
    this.s.notify(sayError(err));
  }
}
