// The console's state: one store, fed by the WebSocket stream and HTTP actions.
// Components subscribe to "change" (state changed) and "tick" (time passed).
// The state lives here; each concern's logic lives in its own module of this folder.

import { ConsoleCalls } from "../calls";
import { beep } from "../sound";
import type {
  AgentState,
  IceConfig,
  Limits,
  Mention,
  Message,
  Note,
  SessionMedia,
  TransferTargets,
  TranslationChoices,
  WaitingEntry,
} from "../types";
import type { OwnTranslation } from "../../shared/protocol";
import * as actions from "./actions";
import * as chat from "./chat";
import * as notes from "./notes";
import { Connection, SESSION_KEY } from "./connection";
import type { Capacity, ConnState, Notice, Panel, Prefs, SignOutChoice } from "./model";
import { isIdle, newId } from "./model";
import { sweepEnded } from "./panels";
import * as session from "./session";
import { upsertMessage } from "./transcript";

const PREFS_KEY = "sportello.console.prefs";
const DEFAULT_IDLE_SECONDS = 60;

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

export class ConsoleStore extends EventTarget {
  agent: AgentState | null = null;
  /** The agent's services outside their opening hours now: nothing of theirs is routed. */
  closedServices: { id: number; name: string }[] = [];
  media: SessionMedia | null = null;
  /** A chat with no message for this long shows as idle (0: never); from the server. */
  idleSeconds = DEFAULT_IDLE_SECONDS;
  /** An ended panel goes away by itself this long after the contact ended (0: never). */
  endedPanelSeconds = 0;
  limits: Limits = { message_chars: 10_000, upload_bytes: 10 * 1024 * 1024, upload_text: "10 MB" };
  conn: ConnState = "signed-out";
  booted = false;
  waiting: WaitingEntry[] = [];
  panels: Panel[] = [];
  expandedId: number | null = null;
  prefs: Prefs = loadPrefs();
  notices: Notice[] = [];
  /** Notes that named this agent, newest first (docs/protocol.md, `note.mentioned`). */
  mentions: Mention[] = [];
  /** The newest mention the agent has seen in the list (null: not read from storage yet). */
  mentionsSeen: number | null = null;
  /** Seconds to add to the local clock to get the server's. */
  clockOffset = 0;
  /** ICE servers for calls, from the last `hello`. */
  ice: IceConfig = { servers: [], transport_policy: "all", expires_at: null };
  /** Contacts this console is taking: their assignment expands their panel. */
  readonly accepting = new Set<number>();
  readonly calls = new ConsoleCalls(this);
  readonly connection = new Connection(this);

  private noticeSeq = 0;

  constructor() {
    super();
    window.setInterval(() => {
      sweepEnded(this);
      this.dispatchEvent(new Event("tick"));
    }, 500);
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

  // -- notices and preferences ---------------------------------------------------------
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

  /** A sound, and a desktop notification when the console is not in front. */
  alert(title: string, body: string): void {
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

  // -- private notes and mentions -------------------------------------------------------
  addNote(contactId: number, text: string): Promise<Note | null> {
    return notes.addNote(this, contactId, text);
  }

  get unseenMentions(): number {
    return notes.unseenMentions(this);
  }

  markMentionsSeen(): void {
    notes.markMentionsSeen(this);
  }

  // -- the agent: sign-in, status, media, capacity -------------------------------------
  boot(): Promise<void> {
    return session.boot(this);
  }

  login(login: string, password: string): Promise<void> {
    return session.login(this, login, password);
  }

  logout(choice?: SignOutChoice): Promise<boolean> {
    return session.logout(this, choice);
  }

  setStatus(status: "READY" | "PAUSED"): Promise<void> {
    return session.setStatus(this, status);
  }

  setMedia(medium: "chat" | "voice" | "video", on: boolean): Promise<void> {
    return session.setMedia(this, medium, on);
  }

  setUiLanguage(language: string): Promise<void> {
    return session.setUiLanguage(this, language);
  }

  /** Contacts in progress: signing out must say what becomes of them. */
  get heldCount(): number {
    return this.panels.filter((p) => !p.terminated).length;
  }

  capacity(): Capacity {
    const now = this.serverNow();
    let busy = 0;
    let idle = 0;
    let inCall = false;
    for (const p of this.panels) {
      if (p.terminated) continue;
      // A contact with a live call takes the whole agent; without one it is a chat, even
      // one that started as voice or video (docs/protocol.md).
      if (p.contact.call) inCall = true;
      if (isIdle(p, now, this.idleSeconds)) idle += 1;
      else busy += 1;
    }
    const blocked = this.waiting.filter((e) => !e.can_take && !e.queued).length;
    return { busy, idle, limit: this.agent?.chat_limit ?? 0, blocked, inCall };
  }

  /** The contacts waiting in a service's queue for an agent with room, in queue order. */
  get queued(): WaitingEntry[] {
    return this.waiting.filter((e) => e.queued && !e.transfer);
  }

  /** The waiting contacts this agent can take now, in queue order. */
  get takeable(): WaitingEntry[] {
    return this.waiting.filter((e) => e.can_take);
  }

  // -- the stream ----------------------------------------------------------------------
  /** Reconnect right away (the "retry now" button of the banner). */
  retryNow(): void {
    this.connection.retryNow();
  }

  send(frame: Record<string, unknown>): boolean {
    return this.connection.send(frame);
  }

  // -- chat ----------------------------------------------------------------------------
  markRead(panel: Panel): void {
    chat.markRead(this, panel);
  }

  sendMessage(contactId: number, text: string, translation?: OwnTranslation, cannedReplyId?: number): void {
    chat.sendMessage(this, contactId, text, translation, cannedReplyId);
  }

  /** A message this console sent by HTTP (a file): shown at once, the stream confirms it. */
  sent(contactId: number, message: Message): void {
    const panel = this.panel(contactId);
    if (!panel) return;
    upsertMessage(panel, message);
    this.changed();
  }

  newClientId(): string {
    return newId();
  }

  retry(contactId: number, clientMsgId: string): void {
    chat.retry(this, contactId, clientMsgId);
  }

  discard(contactId: number, clientMsgId: string): void {
    chat.discard(this, contactId, clientMsgId);
  }

  noteTyping(contactId: number): void {
    chat.noteTyping(this, contactId);
  }

  stopTyping(contactId: number): void {
    chat.stopTyping(this, contactId);
  }

  // -- panels --------------------------------------------------------------------------
  expand(contactId: number | null): void {
    this.expandedId = contactId;
    const panel = contactId === null ? undefined : this.panel(contactId);
    if (panel) {
      panel.flash = false;
      this.markRead(panel);
    }
    this.changed();
  }

  /** Take a panel off this console (removed, transferred or handed back). */
  dropPanel(contactId: number): void {
    this.panels = this.panels.filter((p) => p.contact.id !== contactId);
    if (this.expandedId === contactId) {
      this.expandedId = this.panels.find((p) => !p.terminated)?.contact.id ?? this.panels[0]?.contact.id ?? null;
    }
    this.changed();
  }

  // -- contact actions (./actions) -----------------------------------------------------
  remove(contactId: number): void {
    actions.remove(this, contactId);
  }

  /** Remove every ended contact from this agent's consoles. */
  clearEnded(): void {
    for (const p of this.panels.filter((p) => p.terminated)) actions.remove(this, p.contact.id);
  }

  acceptOldest(): Promise<void> {
    return actions.take(this, "/api/waiting/accept-oldest", null);
  }

  accept(contactId: number): Promise<void> {
    return actions.take(this, `/api/contacts/${contactId}/accept`, contactId);
  }

  transferTargets(contactId: number): Promise<TransferTargets> {
    return actions.transferTargets(contactId);
  }

  transfer(contactId: number, target: { agent_id: number } | { group_id: number }, note: string): Promise<boolean> {
    return actions.transfer(this, contactId, target, note);
  }

  cancelTransfer(contactId: number): Promise<void> {
    return actions.cancelTransfer(this, contactId);
  }

  rejectTransfer(contactId: number, reason: string): Promise<void> {
    return actions.rejectTransfer(this, contactId, reason);
  }

  pushLink(contactId: number, url: string): Promise<void> {
    return actions.pushLink(this, contactId, url);
  }

  translationChoices(contactId: number): Promise<TranslationChoices | null> {
    return actions.translationChoices(this, contactId);
  }

  setTranslation(contactId: number, langs: { visitor: string; agent: string } | null): Promise<void> {
    return actions.setTranslation(this, contactId, langs);
  }

  translateEarlier(contactId: number): Promise<void> {
    return actions.translateEarlier(this, contactId);
  }

  setColour(contactId: number, colour: string): Promise<void> {
    return actions.setColour(this, contactId, colour);
  }

  close(contactId: number): Promise<void> {
    return actions.close(this, contactId);
  }
}
