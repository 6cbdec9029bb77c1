// The console's state: one store, fed by the WebSocket stream and HTTP actions.
// Components subscribe to "change" (state changed) and "tick" (time passed).

import { api, ApiError, httpClockSample } from "./api";
import { callLine, ConsoleCalls, resumeLine } from "./calls";
import { beep } from "./sound";
import type {
  AckFrame,
  AgentState,
  CallView,
  Contact,
  Departure,
  ErrorFrame,
  EventFrame,
  HelloFrame,
  IceConfig,
  Limits,
  Message,
  ServerFrame,
  SessionMedia,
  SignalFrame,
  TransferLeg,
  TransferTargets,
  TranslationChoices,
  TranslationSetting,
  WaitingEntry,
} from "./types";

export type ConnState = "signed-out" | "connecting" | "online" | "reconnecting";

export interface Outgoing {
  client_msg_id: string;
  text: string;
  state: "queued" | "sending" | "failed";
  error: string | null;
  createdAt: number; // server seconds, for ordering
}

export interface SystemLine {
  key: string;
  at: number;
  text: string;
  tone: "info" | "warn" | "end";
}

export interface Panel {
  contact: Contact;
  messages: Message[]; // sorted by id, unique
  system: SystemLine[];
  outgoing: Outgoing[];
  offlineIds: Set<number>; // agent messages stored while the visitor was offline
  visitorOnline: boolean | null;
  visitorTyping: boolean;
  typingTimer: number | null;
  pageChangedAt: number | null; // local ms
  unread: number;
  flash: boolean;
  terminated: boolean;
  deliveredSent: number;
  readSent: number;
  lastTypingSent: number; // local ms
}

/**
 * Idle (zZZ, not counted against the limit): no message for the idle timeout and the last
 * message is the agent's. A visitor waiting for an answer is never idle (docs/protocol.md).
 */
export function isIdle(p: Panel, now: number, idleSeconds: number): boolean {
  if (p.terminated || idleSeconds <= 0) return false;
  const last = [...p.messages].reverse().find((m) => m.sender !== "system");
  if (last?.sender !== "agent") return false;
  const lastActivity = Math.max(p.contact.last_message_at ?? 0, p.contact.assigned_at ?? p.contact.created_at);
  return now - lastActivity >= idleSeconds;
}

export interface Prefs {
  sound: boolean;
  desktop: boolean;
}

export interface Notice {
  id: number;
  text: string;
  tone: "info" | "error";
}

const SESSION_KEY = "sportello.console.session";
const PREFS_KEY = "sportello.console.prefs";
const VISITOR_TYPING_TIMEOUT_MS = 30_000;
const TYPING_THROTTLE_MS = 3_000;
const SEND_TIMEOUT_MS = 15_000;
const BACKOFF_MS = [300, 700, 1200, 2000, 3000, 5000];
/** Close code: the sign-in behind the socket ended (logout elsewhere, reset, disabled). */
const SIGNED_OUT = 4401;
const DEFAULT_IDLE_SECONDS = 60;

function newId(): string {
  if (typeof crypto !== "undefined" && "randomUUID" in crypto) return crypto.randomUUID();
  return Math.random().toString(36).slice(2) + Date.now().toString(36);
}

function loadPrefs(): Prefs {
  try {
    const raw = localStorage.getItem(PREFS_KEY);
    if (raw) {
      const parsed = JSON.parse(raw) as Partial<Prefs>;
      return { sound: parsed.sound !== false, desktop: parsed.desktop === true };
    }
  } catch {
    /* storage unavailable or corrupt: defaults */
  }
  return { sound: true, desktop: false };
}

/** The server's queue order: handed-back contacts, priority, longest wait. */
function entryOrder(a: WaitingEntry, b: WaitingEntry): number {
  return (
    Number(b.requeued) - Number(a.requeued) ||
    a.priority - b.priority ||
    a.created_at - b.created_at ||
    a.contact_id - b.contact_id
  );
}

export interface Capacity {
  /** Chats in progress that count towards the limit (idle chats weigh nothing). */
  busy: number;
  idle: number;
  limit: number;
  /** Contacts this agent qualifies for but cannot take now (at the limit). */
  blocked: number;
  /** A voice or video contact, or a call on a chat, is in progress: it weighs the whole
   * limit (docs/protocol.md, Calls), so no new chat is offered until it ends. */
  inCall: boolean;
}

export type SignOutChoice = "end" | "requeue";

/**
 * Seconds after which a visitor whose connection closed without a word from their page
 * (no beacon: a dropped network, or a page change whose beacon is late) shows as gone.
 */
const SILENT_DEPARTURE_SECONDS = 5;

/** Whether a departure should show as "visitor left" now (a page change never does). */
export function showsAsLeft(departure: Departure | null | undefined, now: number): boolean {
  if (!departure || departure.navigating === true) return false;
  return departure.navigating === false || now - departure.left_at >= SILENT_DEPARTURE_SECONDS;
}

export class ConsoleStore extends EventTarget {
  agent: AgentState | null = null;
  media: SessionMedia | null = null;
  /** A chat with no message for this long shows as idle (0: never); from the server. */
  idleSeconds = DEFAULT_IDLE_SECONDS;
  limits: Limits = { message_chars: 10_000, upload_bytes: 10 * 1024 * 1024, upload_text: "10 MB" };
  conn: ConnState = "signed-out";
  booted = false;
  waiting: WaitingEntry[] = [];
  panels: Panel[] = [];
  expandedId: number | null = null;
  prefs: Prefs = loadPrefs();
  notices: Notice[] = [];
  /** Seconds to add to the local clock to get the server's. */
  clockOffset = 0;
  /** ICE servers for calls, from the last `hello`. */
  ice: IceConfig = { servers: [], transport_policy: "all", expires_at: null };
  readonly calls = new ConsoleCalls(this);

  private ws: WebSocket | null = null;
  private position: number | null = null;
  private attempt = 0;
  private reconnectTimer: number | null = null;
  private pingTimer: number | null = null;
  private closeError: ErrorFrame | null = null;
  private offsetSamples: number[] = [];
  private noticeSeq = 0;
  private accepting = new Set<number>();

  constructor() {
    super();
    window.setInterval(() => this.dispatchEvent(new Event("tick")), 500);
    const refocus = () => {
      for (const panel of this.panels) this.markRead(panel);
      this.changed();
    };
    window.addEventListener("focus", refocus);
    document.addEventListener("visibilitychange", refocus);
  }

  changed(): void {
    this.dispatchEvent(new Event("change"));
  }

  serverNow(): number {
    return Date.now() / 1000 + this.clockOffset;
  }

  get sessionId(): string | null {
    return sessionStorage.getItem(SESSION_KEY);
  }

  panel(contactId: number): Panel | undefined {
    return this.panels.find((p) => p.contact.id === contactId);
  }

  // -- notices -------------------------------------------------------------------------
  notify(text: string, tone: "info" | "error" = "error"): void {
    const notice = { id: ++this.noticeSeq, text, tone };
    this.notices = [...this.notices.slice(-2), notice];
    this.changed();
    window.setTimeout(() => this.dismiss(notice.id), 6000);
  }

  dismiss(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
    this.changed();
  }

  setPref(key: keyof Prefs, value: boolean): void {
    this.prefs = { ...this.prefs, [key]: value };
    try {
      localStorage.setItem(PREFS_KEY, JSON.stringify(this.prefs));
    } catch {
      /* not remembered, still applied */
    }
    if (key === "desktop" && value && "Notification" in window && Notification.permission === "default") {
      void Notification.requestPermission().then(() => this.changed());
    }
    this.changed();
  }

  private alert(title: string, body: string): void {
    const focused = document.hasFocus() && document.visibilityState === "visible";
    if (this.prefs.sound) beep();
    if (focused || !this.prefs.desktop) return;
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    try {
      const n = new Notification(title, { body, tag: "sportello-" + title });
      n.onclick = () => window.focus();
    } catch {
      /* some browsers only allow notifications from a service worker */
    }
  }

  // -- sign in / out -------------------------------------------------------------------
  async boot(): Promise<void> {
    try {
      this.agent = await api<AgentState>("GET", "/api/me");
      this.booted = true;
      await this.start();
    } catch {
      this.booted = true;
      this.conn = "signed-out";
      this.changed();
    }
  }

  async login(login: string, password: string): Promise<void> {
    const result = await api<{ agent: AgentState }>("POST", "/api/auth/login", { login, password });
    this.agent = result.agent;
    sessionStorage.removeItem(SESSION_KEY);
    await this.start();
  }

  /** Contacts in progress: signing out must say what becomes of them. */
  get heldCount(): number {
    return this.panels.filter((p) => !p.terminated).length;
  }

  /**
   * Sign out. With contacts in progress the server wants a choice: without one this answers
   * false and nothing changes (the UI asks and calls again).
   */
  async logout(choice?: SignOutChoice): Promise<boolean> {
    try {
      await api("POST", "/api/auth/logout", choice ? { contacts: choice } : {});
    } catch (err) {
      if (err instanceof ApiError && err.code === "contacts_in_progress") return false;
      if (err instanceof ApiError && err.status !== 401 && err.code !== "network") {
        this.notify(err.message);
        return false;
      }
      /* the session had ended already, or the server is unreachable: sign out locally */
    }
    this.shutdown();
    sessionStorage.removeItem(SESSION_KEY);
    this.agent = null;
    this.media = null;
    this.waiting = [];
    this.panels = [];
    this.expandedId = null;
    this.position = null;
    this.conn = "signed-out";
    this.changed();
    return true;
  }

  capacity(): Capacity {
    const now = this.serverNow();
    let busy = 0;
    let idle = 0;
    let inCall = false;
    for (const p of this.panels) {
      if (p.terminated) continue;
      if (p.contact.call || p.contact.medium !== "chat") inCall = true;
      if (p.contact.medium !== "chat") continue;
      if (isIdle(p, now, this.idleSeconds)) idle += 1;
      else busy += 1;
    }
    const blocked = this.waiting.filter((e) => !e.can_take).length;
    return { busy, idle, limit: this.agent?.chat_limit ?? 0, blocked, inCall };
  }

  /** The waiting contacts this agent can take now, in queue order. */
  get takeable(): WaitingEntry[] {
    return this.waiting.filter((e) => e.can_take);
  }

  private shutdown(): void {
    this.calls.drop();
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

  private async start(): Promise<void> {
    this.conn = "connecting";
    this.changed();
    if (!this.sessionId) {
      try {
        const session = await api<SessionMedia>("POST", "/api/console-sessions");
        sessionStorage.setItem(SESSION_KEY, session.id);
        this.media = session;
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) {
          this.conn = "signed-out";
          this.changed();
          return;
        }
        this.scheduleReconnect();
        return;
      }
    }
    this.connect();
  }

  // -- the stream ----------------------------------------------------------------------
  private connect(): void {
    const session = this.sessionId;
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
    this.ws = null;
    if (this.pingTimer !== null) window.clearInterval(this.pingTimer);
    this.pingTimer = null;
    for (const panel of this.panels) {
      for (const out of panel.outgoing) if (out.state === "sending") out.state = "queued";
    }
    const error = this.closeError;
    if (error?.code === "not_authenticated" || code === SIGNED_OUT) {
      this.conn = "signed-out";
      this.agent = null;
      this.notify("Your session has ended. Please sign in again.");
      this.changed();
      return;
    }
    if (error?.code === "not_found") {
      // The server forgot this console session: open a new one and start fresh.
      sessionStorage.removeItem(SESSION_KEY);
      this.position = null;
    }
    if (code === 4410 || error?.code === "resync_required") this.position = null;
    if (this.agent?.status) this.agent = { ...this.agent, status: "DISCONNECTED" };
    this.conn = "reconnecting";
    this.changed();
    this.scheduleReconnect(code === 4410 ? 0 : undefined);
  }

  private scheduleReconnect(delay?: number): void {
    if (this.reconnectTimer !== null) window.clearTimeout(this.reconnectTimer);
    const wait = delay ?? BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)]! * (0.85 + Math.random() * 0.3);
    this.attempt += 1;
    this.conn = this.conn === "connecting" && this.attempt === 1 ? "connecting" : "reconnecting";
    this.changed();
    this.reconnectTimer = window.setTimeout(() => {
      this.reconnectTimer = null;
      if (this.sessionId) this.connect();
      else void this.start();
    }, wait);
  }

  /** Reconnect right away (the "retry now" button of the banner). */
  retryNow(): void {
    if (this.ws) return;
    this.scheduleReconnect(0);
  }

  send(frame: Record<string, unknown>): boolean {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN || this.conn !== "online") return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  handle(frame: ServerFrame): void {
    switch (frame.type) {
      case "hello":
        this.onHello(frame);
        break;
      case "event":
        this.onEvent(frame, true);
        break;
      case "signal":
        this.onSignal(frame);
        break;
      case "ack":
        this.onAck(frame);
        break;
      case "error":
        this.onError(frame);
        break;
      default:
        break;
    }
    this.changed();
  }

  private sampleClock(serverSeconds: number): void {
    this.offsetSamples.push(serverSeconds - Date.now() / 1000);
    if (this.offsetSamples.length > 20) this.offsetSamples.shift();
    // A sample is the server time minus a transit delay, so the largest is the closest.
    this.clockOffset = Math.max(...this.offsetSamples);
  }

  private onHello(hello: HelloFrame): void {
    this.offsetSamples = [];
    if (hello.server_time !== undefined) this.sampleClock(hello.server_time);
    else if (httpClockSample !== null) this.sampleClock(Date.now() / 1000 + httpClockSample);
    sessionStorage.setItem(SESSION_KEY, hello.session_id);
    this.agent = { ...hello.agent, status: hello.agent.chosen_status };
    if (hello.session) this.media = hello.session;
    if (hello.idle_seconds !== undefined) this.idleSeconds = hello.idle_seconds;
    if (hello.limits) this.limits = hello.limits;
    if (hello.ice) this.ice = hello.ice;
    const before = new Set(this.waiting.map((e) => e.contact_id));
    this.waiting = [...hello.waiting].sort(entryOrder);
    const arrived = this.waiting.filter((e) => !before.has(e.contact_id));
    if (arrived.length > 0 && this.conn === "reconnecting") {
      this.alert("New contact waiting", arrived.map((e) => e.visitor_name).join(", "));
    }
    if (!hello.resumed) this.rebuild(hello.contacts ?? []);
    this.position = hello.position;
    this.conn = "online";
    this.attempt = 0;
    this.calls.rejoin((hello.contacts ?? []).map((c) => c.call));
    if (this.pingTimer !== null) window.clearInterval(this.pingTimer);
    this.pingTimer = window.setInterval(() => this.send({ type: "ping" }), 25_000);
    // Anything typed or unacknowledged while offline goes out now; client ids make it idempotent.
    for (const panel of this.panels) {
      for (const out of panel.outgoing) if (out.state === "queued") this.transmit(panel, out);
      this.deliver(panel);
      this.markRead(panel);
    }
  }

  private rebuild(contacts: Contact[]): void {
    const old = new Map(this.panels.map((p) => [p.contact.id, p]));
    const panels: Panel[] = [];
    for (const contact of contacts) {
      const prev = old.get(contact.id);
      const panel = prev ?? this.newPanel(contact);
      panel.contact = contact;
      panel.messages = [...contact.messages].sort((a, b) => a.id - b.id);
      panel.terminated = !isHeld(contact.state);
      panel.outgoing = panel.outgoing.filter(
        (o) => !panel.messages.some((m) => m.client_msg_id === o.client_msg_id && m.sender === "agent"),
      );
      panels.push(panel);
      old.delete(contact.id);
    }
    // The snapshot lists every contact still on this agent's desk, ended ones included until
    // removed: a panel missing from it was removed from another console.
    this.panels = panels;
    if (this.expandedId === null || !this.panel(this.expandedId)) {
      this.expandedId = panels.find((p) => !p.terminated)?.contact.id ?? panels[0]?.contact.id ?? null;
    }
  }

  private newPanel(contact: Contact): Panel {
    const panel: Panel = {
      contact,
      messages: [...contact.messages].sort((a, b) => a.id - b.id),
      system: [],
      outgoing: [],
      offlineIds: new Set(),
      visitorOnline: null,
      visitorTyping: false,
      typingTimer: null,
      pageChangedAt: null,
      unread: 0,
      flash: false,
      terminated: !isHeld(contact.state),
      deliveredSent: 0,
      readSent: 0,
      lastTypingSent: 0,
    };
    // The transcript's call lines for calls before this snapshot (their last state).
    for (const call of contact.calls ?? []) {
      const line = callLine(call, contact.visitor.name || "The visitor");
      const at = call.ended_at ?? call.connected_at ?? call.answered_at ?? call.offered_at;
      if (line) this.addSystem(panel, `call-${call.id}-${call.state}`, at, line.text, line.tone);
    }
    return panel;
  }

  /** A call event: the contact's live call, its record and its transcript line. */
  private callEvent(ev: EventFrame, panel: Panel | undefined, live: boolean): void {
    const call = this.calls.onEvent(ev);
    if (!panel) return;
    const ended = call.state === "ended" || call.state === "declined";
    const calls: CallView[] = [...(panel.contact.calls ?? []).filter((c) => c.id !== call.id), call];
    panel.contact = { ...panel.contact, call: ended ? null : call, calls };
    const name = panel.contact.visitor.name || "The visitor";
    if (ev.kind === "call.interrupted" || ev.kind === "call.resumed") {
      const tone = ev.kind === "call.interrupted" ? "warn" : "info";
      this.addSystem(panel, `call-${call.id}-${ev.position}`, ev.at, resumeLine(ev.kind, String(ev.data["side"]), call, name), tone);
    } else {
      const line = callLine(call, name);
      if (line) this.addSystem(panel, `call-${call.id}-${call.state}`, ev.at, line.text, line.tone);
    }
    if (live && call.state === "offered" && call.started_by === "visitor") {
      this.alert(`${name} asks for a ${call.requested} call`, "ENGAGE or NOT NOW");
    }
    this.touch(panel);
  }

  private addPanel(contact: Contact, expand: boolean): Panel {
    let panel = this.panel(contact.id);
    if (panel) {
      panel.contact = { ...contact, messages: [] };
      for (const m of contact.messages) this.upsertMessage(panel, m);
    } else {
      panel = this.newPanel(contact);
      this.panels = [...this.panels, panel];
    }
    for (const leg of contact.transfers ?? []) this.transferLine(panel, leg);
    this.waiting = this.waiting.filter((e) => e.contact_id !== contact.id);
    if (expand || this.expandedId === null || !this.panel(this.expandedId)) this.expand(contact.id);
    else this.touch(panel);
    this.deliver(panel);
    return panel;
  }

  /** A past leg in the transcript: who passed it on, to whom, with which note. */
  private transferLine(panel: Panel, leg: TransferLeg): void {
    if (leg.outcome !== "accepted" || !leg.accepted_by) return;
    const from = leg.from_agent?.display_name ?? "An agent";
    const to = leg.accepted_by.id === this.agent?.id ? "you" : leg.accepted_by.display_name;
    const note = leg.note ? `: “${leg.note}”` : "";
    this.addSystem(panel, `leg-${leg.id}`, leg.ended_at ?? leg.requested_at, `Transferred by ${from} to ${to}${note}`);
  }

  private transferEvent(ev: EventFrame, panel: Panel | undefined, live: boolean): void {
    if (!panel) return;
    const leg = ev.data["transfer"] as TransferLeg;
    const target = leg.to_agent?.display_name ?? leg.group?.name ?? "a colleague";
    const reason = (ev.data["reason"] as string | undefined) ?? "";
    const name = panel.contact.visitor.name || "The visitor";
    switch (ev.kind) {
      case "contact.transfer_requested":
        panel.contact = { ...panel.contact, state: "transferring" };
        this.addSystem(panel, `tr-${ev.position}`, ev.at, `Transfer to ${target} requested — you keep the chat until someone accepts`);
        break;
      case "contact.transfer_rejected": {
        const by = (ev.data["by"] as { display_name: string } | undefined)?.display_name ?? "A colleague";
        this.addSystem(panel, `tr-${ev.position}`, ev.at, `${by} rejected the transfer${reason ? `: “${reason}”` : ""}`, "warn");
        break;
      }
      case "contact.transfer_returned": {
        panel.contact = { ...panel.contact, state: "assigned" };
        const why =
          ev.data["outcome"] === "timed_out" ? "nobody accepted it in time" : `it was rejected${reason ? `: “${reason}”` : ""}`;
        this.addSystem(panel, `tr-${ev.position}`, ev.at, `The transfer to ${target} came back to you — ${why}`, "warn");
        if (live) this.notify(`${name} is back with you: ${why}.`, "info");
        this.touch(panel);
        break;
      }
      case "contact.transfer_cancelled":
        panel.contact = { ...panel.contact, state: "assigned" };
        this.addSystem(panel, `tr-${ev.position}`, ev.at, `You cancelled the transfer to ${target}`);
        break;
      case "contact.transfer_accepted": {
        const by = leg.accepted_by?.display_name ?? target;
        this.dropPanel(panel.contact.id);
        if (live) this.notify(`${by} took over ${name}.`, "info");
        break;
      }
    }
  }

  private upsertMessage(panel: Panel, message: Message): boolean {
    const i = panel.messages.findIndex((m) => m.id === message.id);
    if (i >= 0) {
      const prev = panel.messages[i]!;
      panel.messages[i] = {
        ...message,
        delivered_at: message.delivered_at ?? prev.delivered_at,
        read_at: message.read_at ?? prev.read_at,
      };
      return false;
    }
    panel.messages = [...panel.messages, message].sort((a, b) => a.id - b.id);
    if (message.client_msg_id && message.sender === "agent") {
      panel.outgoing = panel.outgoing.filter((o) => o.client_msg_id !== message.client_msg_id);
    }
    return true;
  }

  private addSystem(panel: Panel, key: string, at: number, text: string, tone: SystemLine["tone"] = "info"): void {
    if (panel.system.some((s) => s.key === key)) return;
    panel.system = [...panel.system, { key, at, text, tone }];
  }

  /** A collapsed panel flashes on a new message or event. */
  private touch(panel: Panel): void {
    if (panel.contact.id !== this.expandedId) panel.flash = true;
  }

  private onEvent(ev: EventFrame, live: boolean): void {
    if (live) this.sampleClock(ev.at);
    const data = ev.data;
    const panel = ev.contact_id !== null ? this.panel(ev.contact_id) : undefined;
    switch (ev.kind) {
      case "contact.offered": {
        const entry = data["entry"] as WaitingEntry;
        const isNew = !this.waiting.some((e) => e.contact_id === entry.contact_id);
        this.waiting = [...this.waiting.filter((e) => e.contact_id !== entry.contact_id), entry].sort(entryOrder);
        if (isNew) this.alert("New contact waiting", `${entry.visitor_name} · ${entry.service_name}`);
        break;
      }
      case "contact.dequeued": {
        const id = (data["contact_id"] as number | undefined) ?? ev.contact_id;
        this.waiting = this.waiting.filter((e) => e.contact_id !== id);
        break;
      }
      case "contact.assigned": {
        const contact = data["contact"] as Contact;
        const mine = this.accepting.has(contact.id);
        this.addPanel(contact, mine);
        break;
      }
      case "contact.closed": {
        if (!panel) break;
        panel.terminated = true;
        panel.visitorTyping = false;
        panel.contact = {
          ...panel.contact,
          state: "closed",
          outcome: (data["outcome"] as string) ?? null,
          closed_at: ev.at,
          closed_by: (data["closed_by"] as string) ?? null,
        };
        const closedBy = data["closed_by"];
        const name = panel.contact.visitor.name;
        const text =
          closedBy === "visitor"
            ? `${name} left the conversation`
            : closedBy === "visitor_gone"
              ? `${name} did not come back; the contact ended`
              : "You ended the contact";
        panel.contact = { ...panel.contact, visitor_departure: null };
        this.addSystem(panel, `closed-${ev.position}`, ev.at, text, "end");
        this.touch(panel);
        break;
      }
      case "contact.agent_away":
        if (panel) this.addSystem(panel, `away-${ev.position}`, ev.at, "Your console was disconnected; the visitor was told you are reconnecting", "warn");
        break;
      case "contact.agent_back":
        if (panel) this.addSystem(panel, `back-${ev.position}`, ev.at, "You are back online");
        break;
      case "contact.requeued": {
        if (!panel) break;
        const name = panel.contact.visitor.name;
        this.dropPanel(panel.contact.id);
        if (live) this.notify(`${name} was handed back to the queue for another agent.`, "info");
        break;
      }
      case "visitor.departed":
      case "visitor.returned": {
        const departure = ev.kind === "visitor.departed" ? (data as unknown as Departure) : null;
        this.waiting = this.waiting.map((e) => (e.contact_id === ev.contact_id ? { ...e, departure } : e));
        if (!panel) break;
        const wasLeaving = panel.contact.visitor_departure?.navigating === false;
        panel.contact = { ...panel.contact, visitor_departure: departure };
        const name = panel.contact.visitor.name;
        if (departure === null) {
          // a page change or a dropped connection is not news; coming back after leaving is
          if (wasLeaving) this.addSystem(panel, `returned-${ev.position}`, ev.at, `${name} is back`);
        } else if (departure.navigating === false) {
          const until = new Date((departure.gone_at - this.clockOffset) * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
          this.addSystem(panel, `departed-${ev.position}`, ev.at, `${name} left the page — the contact ends at ${until} unless they come back`, "warn");
        }
        this.touch(panel);
        break;
      }
      case "link.pushed": {
        if (!panel) break;
        const url = String(data["url"]);
        const name = panel.contact.visitor.name;
        const text = data["mode"] === "prompt" ? `Offered ${url} to ${name}` : `Sent ${name} to ${url}`;
        this.addSystem(panel, `pushed-${ev.position}`, ev.at, text);
        break;
      }
      case "contact.dismissed":
        if (ev.contact_id !== null) this.dropPanel(ev.contact_id);
        break;
      case "contact.transfer_requested":
      case "contact.transfer_rejected":
      case "contact.transfer_returned":
      case "contact.transfer_cancelled":
      case "contact.transfer_accepted":
        this.transferEvent(ev, panel, live);
        break;
      case "call.offered":
      case "call.accepted":
      case "call.declined":
      case "call.connected":
      case "call.ended":
      case "call.interrupted":
      case "call.resumed":
        this.callEvent(ev, panel, live);
        break;
      case "visitor.media":
        if (panel) panel.contact = { ...panel.contact, visitor_media: data["media"] as Contact["visitor_media"] };
        break;
      case "contact.colour_changed":
        if (panel) panel.contact = { ...panel.contact, colour: (data["colour"] as string) || null };
        break;
      case "message.created": {
        if (!panel) break;
        const message = data["message"] as Message;
        const added = this.upsertMessage(panel, message);
        panel.contact = { ...panel.contact, last_message_at: message.created_at };
        if (added && message.sender === "visitor") {
          panel.visitorTyping = false;
          panel.visitorOnline = panel.visitorOnline === false ? null : panel.visitorOnline;
          const seen = this.isSeen(panel);
          if (!seen) {
            panel.unread += 1;
            this.touch(panel);
            if (live) this.alert(`Message from ${panel.contact.visitor.name}`, message.text.slice(0, 140));
          }
          this.deliver(panel);
          this.markRead(panel);
        } else if (added) {
          this.touch(panel);
        }
        break;
      }
      case "message.translated":
      case "message.untranslated":
        if (panel) this.upsertMessage(panel, data["message"] as Message);
        break;
      case "contact.translation":
        if (panel) panel.contact = { ...panel.contact, translation: (data["translation"] as TranslationSetting | null) ?? null };
        break;
      case "message.status": {
        if (!panel) break;
        const upTo = data["up_to"] as number;
        const at = data["at"] as number;
        const state = data["state"] as string;
        const target = data["by"] === "visitor" ? "agent" : "visitor";
        panel.messages = panel.messages.map((m) => {
          if (m.sender !== target || m.id > upTo) return m;
          return {
            ...m,
            delivered_at: m.delivered_at ?? at,
            read_at: state === "read" ? (m.read_at ?? at) : m.read_at,
          };
        });
        if (target === "agent") panel.visitorOnline = panel.visitorOnline === false ? null : panel.visitorOnline;
        break;
      }
      case "visitor.page_changed": {
        if (!panel) break;
        const page = { url: data["url"] as string, title: (data["title"] as string) ?? "", at: (data["at"] as number) ?? ev.at };
        panel.contact = {
          ...panel.contact,
          pages: [...panel.contact.pages, page],
          visitor: { ...panel.contact.visitor, page_url: page.url, page_title: page.title },
        };
        panel.pageChangedAt = Date.now();
        this.touch(panel);
        break;
      }
      case "agent.status_changed":
        if (this.agent) {
          const status = data["status"] as "READY" | "PAUSED";
          this.agent = { ...this.agent, chosen_status: status, status };
        }
        break;
      case "agent.session_changed": {
        const session = data["session"] as SessionMedia;
        if (session.id === this.sessionId) this.media = session;
        break;
      }
      default:
        break;
    }
    this.position = ev.position;
  }

  private onSignal(sig: SignalFrame): void {
    if (sig.kind === "call.signal") {
      this.calls.onSignal(sig);
      return;
    }
    const panel = this.panel(sig.contact_id);
    if (!panel) return;
    if (sig.kind === "typing" && sig.from === "visitor") {
      if (panel.typingTimer !== null) window.clearTimeout(panel.typingTimer);
      panel.typingTimer = null;
      panel.visitorTyping = sig.active !== false && !panel.terminated;
      if (panel.visitorTyping) {
        panel.typingTimer = window.setTimeout(() => {
          panel.visitorTyping = false;
          panel.typingTimer = null;
          this.changed();
        }, VISITOR_TYPING_TIMEOUT_MS);
      }
    } else if (sig.kind === "visitor.presence") {
      panel.visitorOnline = sig.online === true;
    }
  }

  private onAck(ack: AckFrame): void {
    const panel = this.panel(ack.message.contact_id);
    if (!panel) return;
    this.upsertMessage(panel, ack.message);
    panel.outgoing = panel.outgoing.filter((o) => o.client_msg_id !== ack.ref);
    if (ack.visitor_online === false) {
      panel.visitorOnline = false;
      if (!ack.message.delivered_at) panel.offlineIds.add(ack.message.id);
    } else if (ack.visitor_online === true) {
      panel.visitorOnline = true;
    }
  }

  private onError(err: ErrorFrame): void {
    if (err.ref) {
      for (const panel of this.panels) {
        const out = panel.outgoing.find((o) => o.client_msg_id === err.ref);
        if (out) {
          out.state = "failed";
          out.error = err.message;
          return;
        }
      }
    }
    if (this.ws && this.conn !== "online") {
      // Refused at connect time; the close that follows decides what to do.
      this.closeError = err;
      return;
    }
    if (err.code === "resync_required" || err.code === "not_authenticated") {
      // The close that follows (4410, or 4401 when the sign-in ended) decides what to do.
      this.closeError = err;
      return;
    }
    this.notify(err.message);
  }

  // -- chat ----------------------------------------------------------------------------
  private isSeen(panel: Panel): boolean {
    return (
      panel.contact.id === this.expandedId &&
      document.visibilityState === "visible" &&
      document.hasFocus()
    );
  }

  private deliver(panel: Panel): void {
    const pending = panel.messages.filter((m) => m.sender === "visitor" && !m.delivered_at && m.id > panel.deliveredSent);
    if (pending.length === 0 || panel.terminated) return;
    const upTo = Math.max(...pending.map((m) => m.id));
    if (this.send({ type: "receipt", contact_id: panel.contact.id, up_to: upTo, state: "delivered" })) {
      panel.deliveredSent = upTo;
    }
  }

  markRead(panel: Panel): void {
    if (!this.isSeen(panel)) return;
    panel.unread = 0;
    panel.flash = false;
    const pending = panel.messages.filter((m) => m.sender === "visitor" && !m.read_at && m.id > panel.readSent);
    if (pending.length === 0 || panel.terminated) return;
    const upTo = Math.max(...pending.map((m) => m.id));
    if (this.send({ type: "receipt", contact_id: panel.contact.id, up_to: upTo, state: "read" })) {
      panel.readSent = upTo;
      panel.deliveredSent = Math.max(panel.deliveredSent, upTo);
    }
  }

  sendMessage(contactId: number, text: string): void {
    const panel = this.panel(contactId);
    if (!panel || panel.terminated || !text.trim()) return;
    const out: Outgoing = {
      client_msg_id: newId(),
      text,
      state: "queued",
      error: null,
      createdAt: this.serverNow(),
    };
    panel.outgoing = [...panel.outgoing, out];
    this.stopTyping(contactId);
    this.transmit(panel, out);
    this.changed();
  }

  /** A message this console sent by HTTP (a file): shown at once, the stream confirms it. */
  sent(contactId: number, message: Message): void {
    const panel = this.panel(contactId);
    if (!panel) return;
    this.upsertMessage(panel, message);
    this.changed();
  }

  newClientId(): string {
    return newId();
  }

  retry(contactId: number, clientMsgId: string): void {
    const panel = this.panel(contactId);
    const out = panel?.outgoing.find((o) => o.client_msg_id === clientMsgId);
    if (!panel || !out) return;
    out.state = "queued";
    out.error = null;
    this.transmit(panel, out);
    this.changed();
  }

  discard(contactId: number, clientMsgId: string): void {
    const panel = this.panel(contactId);
    if (!panel) return;
    panel.outgoing = panel.outgoing.filter((o) => o.client_msg_id !== clientMsgId);
    this.changed();
  }

  private transmit(panel: Panel, out: Outgoing): void {
    const sent = this.send({
      type: "message.send",
      contact_id: panel.contact.id,
      client_msg_id: out.client_msg_id,
      text: out.text,
    });
    if (!sent) return; // stays queued; sent on reconnect
    out.state = "sending";
    window.setTimeout(() => {
      if (out.state === "sending" && panel.outgoing.includes(out) && this.conn === "online") {
        out.state = "failed";
        out.error = "No answer from the server";
        this.changed();
      }
    }, SEND_TIMEOUT_MS);
  }

  noteTyping(contactId: number): void {
    const panel = this.panel(contactId);
    if (!panel || panel.terminated) return;
    const now = Date.now();
    if (now - panel.lastTypingSent < TYPING_THROTTLE_MS) return;
    if (this.send({ type: "typing", contact_id: contactId, active: true })) panel.lastTypingSent = now;
  }

  stopTyping(contactId: number): void {
    const panel = this.panel(contactId);
    if (!panel || panel.lastTypingSent === 0) return;
    panel.lastTypingSent = 0;
    if (!panel.terminated) this.send({ type: "typing", contact_id: contactId, active: false });
  }

  // -- actions -------------------------------------------------------------------------
  expand(contactId: number | null): void {
    this.expandedId = contactId;
    const panel = contactId === null ? undefined : this.panel(contactId);
    if (panel) {
      panel.flash = false;
      this.markRead(panel);
    }
    this.changed();
  }

  /** Remove an ended contact from every console of this agent (the server remembers it). */
  remove(contactId: number): void {
    this.dropPanel(contactId);
    api("POST", `/api/contacts/${contactId}/dismiss`).catch((err: unknown) => {
      if (err instanceof ApiError && err.code !== "network") this.notify(err.message);
    });
  }

  private dropPanel(contactId: number): void {
    this.panels = this.panels.filter((p) => p.contact.id !== contactId);
    if (this.expandedId === contactId) {
      this.expandedId = this.panels.find((p) => !p.terminated)?.contact.id ?? this.panels[0]?.contact.id ?? null;
    }
    this.changed();
  }

  private async take(path: string, contactId: number | null): Promise<void> {
    if (contactId !== null) this.accepting.add(contactId);
    try {
      const contact = await api<Contact>("POST", path);
      this.accepting.add(contact.id);
      this.addPanel(contact, true);
      // A contact that started as voice/video: its call starts on accept (ENGAGE at once).
      const call = contact.call;
      if (call && call.state === "offered" && call.started_by === "visitor") this.calls.engage(call);
      this.changed();
    } catch (err) {
      const messages: Record<string, string> = {
        already_taken: "Another agent has already taken this contact.",
        contact_not_pending: "This contact is no longer waiting.",
        nothing_waiting: "Nobody is waiting right now.",
        not_eligible: "This contact is not offered to you any more.",
        at_limit: "You are at your chat limit: end a chat to take another.",
      };
      const code = err instanceof ApiError ? err.code : "";
      this.notify(messages[code] ?? (err instanceof Error ? err.message : "Could not take the contact."));
      if (contactId !== null && code !== "network") {
        this.waiting = this.waiting.filter((e) => e.contact_id !== contactId);
        this.changed();
      }
    }
  }

  acceptOldest(): Promise<void> {
    return this.take("/api/waiting/accept-oldest", null);
  }

  accept(contactId: number): Promise<void> {
    return this.take(`/api/contacts/${contactId}/accept`, contactId);
  }

  /** The transfer dialog's lists (polled while it is open). */
  transferTargets(contactId: number): Promise<TransferTargets> {
    return api<TransferTargets>("GET", `/api/contacts/${contactId}/transfer-targets`);
  }

  /** Send the contact to an agent or a group; false (with a notice) when refused. */
  async transfer(contactId: number, target: { agent_id: number } | { group_id: number }, note: string): Promise<boolean> {
    try {
      await api("POST", `/api/contacts/${contactId}/transfer`, { ...target, note });
      return true;
    } catch (err) {
      const messages: Record<string, string> = {
        not_transferable: "They cannot take this contact now. Pick someone shown in green.",
        transfer_pending: "This contact is already being transferred.",
        contact_closed: "The contact has ended.",
      };
      const code = err instanceof ApiError ? err.code : "";
      this.notify(messages[code] ?? (err instanceof Error ? err.message : "Could not transfer the contact."));
      return false;
    }
  }

  async cancelTransfer(contactId: number): Promise<void> {
    try {
      await api("POST", `/api/contacts/${contactId}/transfer/cancel`);
    } catch (err) {
      this.notify(err instanceof Error ? err.message : "Could not cancel the transfer.");
    }
  }

  async rejectTransfer(contactId: number, reason: string): Promise<void> {
    try {
      await api("POST", `/api/contacts/${contactId}/transfer/reject`, { reason });
    } catch (err) {
      this.notify(err instanceof Error ? err.message : "Could not reject the transfer.");
    }
    this.waiting = this.waiting.filter((e) => e.contact_id !== contactId);
    this.changed();
  }

  async setStatus(status: "READY" | "PAUSED"): Promise<void> {
    try {
      await api("PUT", "/api/me/status", { status });
      if (this.agent) this.agent = { ...this.agent, chosen_status: status, status };
      this.changed();
    } catch (err) {
      this.notify(err instanceof Error ? err.message : "Could not change your status.");
    }
  }

  async setMedia(medium: "chat" | "voice" | "video", on: boolean): Promise<void> {
    const id = this.sessionId;
    if (!id) return;
    try {
      this.media = await api<SessionMedia>("PATCH", `/api/console-sessions/${id}`, { [medium]: on });
      this.changed();
    } catch (err) {
      this.notify(err instanceof Error ? err.message : "Could not switch " + medium + ".");
    }
  }

  /** Send the visitor's browser to a page (or offer it, per the service's setting). */
  async pushLink(contactId: number, url: string): Promise<void> {
    try {
      await api("POST", `/api/contacts/${contactId}/push-link`, { url });
    } catch (err) {
      this.notify(err instanceof Error ? err.message : "Could not send the visitor there.");
    }
  }

  async translationChoices(contactId: number): Promise<TranslationChoices | null> {
    try {
      return await api<TranslationChoices>("GET", `/api/contacts/${contactId}/translation`);
    } catch (err) {
      this.notify(err instanceof Error ? err.message : "Could not load the languages.");
      return null;
    }
  }

  /** Turn translation on (both languages given) or off (null). */
  async setTranslation(contactId: number, langs: { visitor: string; agent: string } | null): Promise<void> {
    try {
      const path = `/api/contacts/${contactId}/translation`;
      const setting = langs ? await api<TranslationSetting>("PUT", path, langs) : (await api<void>("DELETE", path), null);
      const panel = this.panel(contactId);
      if (panel) panel.contact = { ...panel.contact, translation: setting };
      this.changed();
    } catch (err) {
      this.notify(err instanceof Error ? err.message : "Could not change the translation.");
    }
  }

  async translateEarlier(contactId: number): Promise<void> {
    try {
      await api("POST", `/api/contacts/${contactId}/translation/earlier`);
    } catch (err) {
      this.notify(err instanceof Error ? err.message : "Could not translate the earlier messages.");
    }
  }

  async setColour(contactId: number, colour: string): Promise<void> {
    try {
      await api("PUT", `/api/contacts/${contactId}/colour`, { colour });
      const panel = this.panel(contactId);
      if (panel) panel.contact = { ...panel.contact, colour: colour || null };
      this.changed();
    } catch (err) {
      this.notify(err instanceof Error ? err.message : "Could not set the colour.");
    }
  }

  async close(contactId: number): Promise<void> {
    try {
      const contact = await api<Contact>("POST", `/api/contacts/${contactId}/close`);
      const panel = this.panel(contactId);
      if (panel) {
        panel.terminated = true;
        panel.contact = { ...panel.contact, state: contact.state, closed_at: contact.closed_at, closed_by: contact.closed_by, outcome: contact.outcome };
      }
      this.changed();
    } catch (err) {
      if (err instanceof ApiError && err.code === "contact_closed") {
        const panel = this.panel(contactId);
        if (panel) panel.terminated = true;
        this.changed();
        return;
      }
      this.notify(err instanceof Error ? err.message : "Could not end the contact.");
    }
  }
}

export const store = new ConsoleStore();

/** Assigned or being transferred: the agent still holds the contact. */
function isHeld(state: string): boolean {
  return state === "assigned" || state === "transferring";
}
