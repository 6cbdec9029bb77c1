/**
 * The widget's state and its conversation with the server: availability, the request, the
 * stream (with resume from the last position, backoff and an outbox), receipts and pages.
 * The UI (ui.ts) only reads this and calls its methods.
 */

import { msg } from "@lit/localize";
import { agentName } from "./agent";
import { call, HttpError } from "./api";
import type { WidgetConfig } from "./config";
import type { IdentityClaim } from "./identity";
import type { Problems } from "./prechat-view";
import {
  alreadyInvited,
  findRule,
  type Invitation,
  markInvited,
  reportInvitation,
} from "./invitation";
import { Attachments } from "./attachments";
import { WidgetCalls } from "./calls";
import { watchDeparture } from "./departure";
import { otherSite, takeHandoffCode, withHandoff } from "./handoff";
import { watchNavigation } from "./navigation";
import { load, randomId, remove, save } from "./storage";
import type {
  AgentCard,
  Conversation,
  Message,
  Outgoing,
  ServerFrame,
  Service,
  VisitorContact,
} from "./types";
import { ACTIVE_STATES } from "./types";
import { resendAfterMs, sayVisitorError } from "../shared/errors";
import { Ending } from "./ending";
import { chooseLanguage, getLocale, speak } from "./language";

export type Link = "offline" | "connecting" | "online";

interface Prefs {
  open: boolean;
  name: string;
  email: string;
}

const TYPING_SEND_EVERY_MS = 3000;
/** The typing preview's pace: at most two drafts a second. */
const DRAFT_SEND_EVERY_MS = 500;
const TYPING_CLEAR_MS = 30_000;
const PING_EVERY_MS = 25_000;
const SERVICES_REFRESH_MS = 30_000;
/** The longest wait between reconnect attempts, and the pace while the browser says offline
 * (navigator.onLine can be wrong, so it is never taken as final). */
const MAX_RECONNECT_MS = 15_000;

/** How many times a request answered ``overloaded`` is sent before the visitor is told to try later. */
const OVERLOAD_TRIES = 6;

export class WidgetSession {
  readonly cfg: WidgetConfig;
  /** The invitation bubble on show (invitation.ts), and the service it invited to. */
  invitation: Invitation | null = null;
  invitedService: number | null = null;
  private invitationPlanned = false;
  /** The server's objections to the start form's answers, by field (prechat-view.ts). */
  problems: Problems = {};
  /** The signed-in visitor's claim, sent with the request (identity.ts). */
  identity: IdentityClaim | null;
  private readonly key: string;
  private readonly wsBase: string;
  private readonly listeners = new Set<() => void>();

  visitorId: string;
  returning: boolean;
  prefs: Prefs;
  conv: Conversation | null;

  services: Service[] | null = null;
  /** The last try to list the services failed (the server cannot be reached). */
  servicesFailed = false;
  link: Link = "offline";
  agentTyping = false;
  notice = "";
  /** "leave" shows the leave-a-message form, "left" its thanks. */
  flow: "" | "leave" | "left" = "";

  /** The file being attached and the files shown (see attachments.ts). */
  readonly files: Attachments;
  /** Voice and video calls with the agent (see calls.ts). */
  readonly calls: WidgetCalls;
  /** The rating and the transcript at the end (see ending.ts). */
  readonly ending: Ending;
  /** "Start a new conversation": the ended contact's token, so its agent is offered the
   * new one first (sent once, with the next request). */
  private previousToken = "";

  private ws: WebSocket | null = null;
  /** A page the agent sends this browser to, once the event's position is saved. */
  private navigateTo: string | null = null;
  /** Marks the coming page change as one within the site (see departure.ts). */
  private following: () => void = () => undefined;
  private attempts = 0;
  private reconnectTimer = 0;
  private pingTimer = 0;
  private typingTimer = 0;
  private lastTypingSent = 0;
  private typingActive = false;
  private draftTimer = 0;
  private receiptQueued = false;

  constructor(cfg: WidgetConfig) {
    this.cfg = cfg;
    this.identity = cfg.identity;
    this.key = `sportello:${cfg.base}`;
    this.wsBase = cfg.base.replace(/^http/, "ws");
    this.files = new Attachments(cfg.base, () => this.changed());
    this.ending = new Ending(cfg.base, () => this.changed());
    this.calls = new WidgetCalls({
      contactId: () => this.conv?.contactId ?? null,
      send: (frame) => this.sendFrame(frame),
      changed: () => this.changed(),
    });
    const vid = load<string>(`${this.key}:visitor`);
    this.returning = !!vid;
    this.visitorId = vid && /^[A-Za-z0-9_-]{8,64}$/.test(vid) ? vid : randomId();
    if (!vid) save(`${this.key}:visitor`, this.visitorId);
    this.prefs = { open: false, name: "", email: "", ...(load<Prefs>(`${this.key}:prefs`) ?? {}) };
    this.conv = load<Conversation>(`${this.key}:conversation`);
  }

  // -- plumbing ------------------------------------------------------------------------

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(): void {
    const language = this.language;
    if (language !== getLocale()) void speak(language);
    if (this.conv) save(`${this.key}:conversation`, this.conv);
    else remove(`${this.key}:conversation`);
    save(`${this.key}:prefs`, this.prefs);
    for (const fn of this.listeners) fn();
  }

  /**
   * The language to speak (language.ts): the page's forced one, else the service's — the
   * conversation's, else the one this page names or its only one — else the browser's.
   */
  get language(): string {
    const named = (this.cfg.service || this.siteServices.length === 1) ? this.siteServices[0] : undefined;
    const service = this.conv?.serviceLanguage ?? named?.language ?? null;
    return chooseLanguage(this.cfg.language, service, navigator.languages ?? [navigator.language]);
  }

  /** Seconds on the server's clock. */
  serverNow(): number {
    return Date.now() / 1000 - (this.conv?.clockOffset ?? 0);
  }

  get active(): boolean {
    return !!this.conv && ACTIVE_STATES.includes(this.conv.state);
  }

  get unread(): number {
    const conv = this.conv;
    if (!conv) return 0;
    return conv.messages.filter((m) => m.sender === "agent" && m.id > conv.seenId).length;
  }

  private get visible(): boolean {
    return this.prefs.open && document.visibilityState === "visible";
  }

  // -- start ---------------------------------------------------------------------------

  start(): void {
    document.addEventListener("visibilitychange", () => this.seen());
    window.addEventListener("online", () => this.reconnectNow());
    window.addEventListener("offline", () => this.wentOffline());
    const handoff = takeHandoffCode(); // before the watch: cleaning the address is no page change
    watchNavigation(() => void this.reportPage());
    this.following = watchDeparture((navigating) => this.departing(navigating));
    if (handoff) {
      void this.takeUp(handoff);
    } else if (this.conv && this.active) {
      void this.reportPage();
      this.connect();
    }
    void this.refreshServices();
    window.setInterval(() => {
      if (!this.active && !this.flow) void this.refreshServices();
    }, SERVICES_REFRESH_MS);
    this.changed();
  }

  async refreshServices(): Promise<void> {
    try {
      this.services = await call<Service[]>(this.cfg.base, "/api/visitor/services");
      this.servicesFailed = false;
      this.planInvitation();
    } catch {
      this.servicesFailed = true;
      if (this.services === null) this.services = [];
    }
    this.changed();
  }

  /** Once per page: the first rule for this page starts its clock; when it runs out the
   * bubble shows, unless the visitor is already talking or has the panel open, or (a
   * ``when_available`` rule) nobody could take the chat then. */
  private planInvitation(): void {
    if (this.invitationPlanned) return;
    this.invitationPlanned = true;
    const found = findRule(this.siteServices, location.pathname + location.search, this.returning);
    if (!found || alreadyInvited(found.service.id, found.index)) return;
    const { service, index, rule } = found;
    window.setTimeout(() => {
      if (this.active || this.prefs.open || this.flow) return;
      const now = this.siteServices.find((s) => s.id === service.id);
      if (rule.when_available && !(now?.available && now.available_media.includes("chat"))) return;
      this.invitation = { serviceId: service.id, rule: index, text: rule.text };
      markInvited(service.id, index);
      reportInvitation(this.cfg.base, this.visitorId, this.invitation, "shown");
      this.changed();
    }, rule.seconds * 1000);
  }

  acceptInvitation(): void {
    const invitation = this.invitation;
    if (!invitation) return;
    reportInvitation(this.cfg.base, this.visitorId, invitation, "accepted");
    this.invitation = null;
    this.invitedService = invitation.serviceId;
    this.setOpen(true);
  }

  dismissInvitation(): void {
    this.invitation = null;
    this.changed();
  }

  /** The services this page may use: the named one, or all of the site's. */
  get siteServices(): Service[] {
    const all = this.services ?? [];
    const wanted = this.cfg.service.toLowerCase();
    if (!wanted) return all;
    return all.filter((s) => String(s.id) === wanted || s.name.toLowerCase() === wanted);
  }

  get availableServices(): Service[] {
    // the widget offers chat: a service someone can take only by voice is not offered
    return this.siteServices.filter((s) => s.available && s.available_media.includes("chat"));
  }

  /** Every service of the page is outside its opening hours. */
  get closedNow(): boolean {
    return this.siteServices.length > 0 && this.siteServices.every((s) => s.open === false);
  }

  /** Whether the leave-a-message form is offered: the contact's service's setting, or
   * (no contact) whether any of the page's services takes messages. */
  get takesMessages(): boolean {
    const id = this.conv?.serviceId;
    if (id !== undefined) return this.siteServices.find((s) => s.id === id)?.leave_message !== false;
    return this.messageServices.length > 0;
  }

  /** The page's services that take a left message: the visitor picks one. */
  get messageServices(): Service[] {
    return this.siteServices.filter((s) => s.leave_message !== false);
  }

  /** The service a left message belongs to without asking: the one the visitor was on, or
   * the only one that takes messages here; null when the visitor must choose. */
  get messageService(): { id: number; name: string } | null {
    if (this.conv) return { id: this.conv.serviceId, name: this.conv.serviceName };
    const choices = this.messageServices;
    return choices.length === 1 ? choices[0] : null;
  }

  /** What the visitor asked while waiting (the first message and any later ones), for the
   * leave-a-message form: nobody answered it, so it is carried there. */
  get unansweredQuestion(): string {
    const conv = this.conv;
    if (!conv) return "";
    const said = conv.messages.filter((m) => m.sender === "visitor" && !m.file).map((m) => m.text);
    return [...said, ...conv.outbox.map((o) => o.text)].join("\n");
  }

  /** True when this site may not use the chat at all (or not the service it names). */
  get refused(): boolean {
    return this.services !== null && !this.servicesFailed && this.siteServices.length === 0;
  }

  // -- panel ---------------------------------------------------------------------------

  setOpen(open: boolean): void {
    this.prefs.open = open;
    if (open) this.invitation = null;
    if (open && !this.active && !this.flow) void this.refreshServices();
    this.seen();
    this.changed();
  }

  /** The page signed its visitor in (or out: null) after the widget loaded. */
  identify(claim: IdentityClaim | null): void {
    this.identity = claim;
    this.changed();
  }

  showLeaveForm(): void {
    this.flow = "leave";
    this.changed();
  }

  backToStart(): void {
    this.flow = "";
    this.notice = "";
    this.changed();
  }

  // -- the request ---------------------------------------------------------------------

  /** Ask for help by chat, or (``medium``) start the contact as a voice or video call. */
  async request(
    serviceId: number,
    name: string,
    message: string,
    medium: "chat" | "voice" | "video" = "chat",
    form: { email: string; answers: Record<string, string | boolean> } = { email: "", answers: {} },
  ): Promise<void> {
    this.prefs.name = name;
    if (form.email) this.prefs.email = form.email;
    this.notice = "";
    this.problems = {};
    const clientMsgId = message ? randomId() : undefined;
    const nav = navigator as Navigator & { userLanguage?: string };
    for (let attempt = 1; ; attempt++) {
      try {
        const answer = await call<{ contact: VisitorContact; token: string }>(
          this.cfg.base,
          "/api/visitor/contacts",
          {
            body: {
              service_id: serviceId,
              visitor_id: this.visitorId,
              name,
              email: form.email || undefined,
              prechat: form.answers,
              message: message || undefined,
              client_msg_id: clientMsgId,
              locale: (nav.language || nav.userLanguage || "").slice(0, 35),
              page_url: location.href.slice(0, 2000),
              page_title: document.title.slice(0, 300),
              referrer: document.referrer.slice(0, 2000),
              medium,
              previous_token: this.previousToken || undefined,
              identity: this.identity ?? undefined,
            },
          },
        );
        this.notice = "";
        this.previousToken = "";
        this.adopt(answer.contact, answer.token, location.href);
        return;
      } catch (err) {
        if (err instanceof HttpError && err.error.code === "overloaded" && attempt < OVERLOAD_TRIES) {
          // Many visitors at once: wait what the server asks plus a random share of it, so
          // the crowd does not come back in step, and say so.
          const wait = Number(err.error.details?.["retry_after"] ?? 2) * (1 + Math.random());
          this.notice = msg("Many visitors are asking for help right now. Trying again in a moment…", {
            id: "w.notice.overloaded",
          });
          this.changed();
          await new Promise((resolve) => window.setTimeout(resolve, wait * 1000));
          continue;
        }
        if (this.previousToken && err instanceof HttpError && (err.status === 401 || err.status === 403)) {
          this.previousToken = ""; // the earlier chat is no longer ours to name: ask without it
          continue;
        }
        if (err instanceof HttpError && err.error.code === "origin_rejected") {
          this.services = [];
        }
        this.problems = formProblems(err);
        this.notice = sayVisitorError(err);
        this.changed();
        return;
      }
    }
  }

  /** The chat the visitor had on another of the service's sites, carried here. */
  private async takeUp(code: string): Promise<void> {
    try {
      const answer = await call<{ contact: VisitorContact; token: string; visitor_id: string }>(
        this.cfg.base,
        "/api/visitor/handoff",
        { body: { code } },
      );
      this.visitorId = answer.visitor_id;
      save(`${this.key}:visitor`, this.visitorId);
      this.prefs.open = true;
      this.adopt(answer.contact, answer.token, "");
      void this.reportPage();
    } catch {
      /* used or expired (a reload of the arrival page): whatever this site had stands */
      if (this.conv && this.active) this.connect();
      this.changed();
    }
  }

  /** Hold ``c`` as this widget's conversation and connect to it. */
  private adopt(c: VisitorContact, token: string, pageUrl: string): void {
    this.conv = {
      token,
      contactId: c.id,
      serviceId: c.service.id,
      serviceName: c.service.name,
      serviceLanguage: c.service.language,
      typingPreview: c.service.typing_preview === true,
      position: null,
      state: c.state,
      createdAt: c.created_at,
      dissuadeAt: c.dissuade_at,
      agent: c.agent,
      agentAway: false,
      endMessage: null,
      queued: c.queued === true,
      queueExit: c.queue_exit ?? null,
      closedBy: null,
      messages: [],
      outbox: [],
      pageUrl,
      seenId: 0,
      deliveredSent: 0,
      readSent: 0,
      clockOffset: Date.now() / 1000 - c.created_at,
    };
    this.mergeMessages(c.messages);
    this.returning = true;
    this.changed();
    if (this.active) this.connect();
  }

  async leaveMessage(serviceId: number, name: string, email: string, text: string): Promise<boolean> {
    this.prefs.name = name;
    this.prefs.email = email;
    try {
      // the token of the contact nobody took files the message with it, for its service
      await call(this.cfg.base, "/api/visitor/left-messages", {
        body: { service_id: serviceId, name, email, text },
        token: this.conv?.token,
      });
      this.flow = "left";
      this.notice = "";
      if (this.conv && !this.active) this.conv = null;
      this.changed();
      return true;
    } catch (err) {
      this.notice = sayVisitorError(err);
      this.changed();
      return false;
    }
  }

  /** Cancel the wait or end the chat (the UI asked for confirmation). */
  async leave(): Promise<void> {
    const conv = this.conv;
    if (!conv) return;
    const wasPending = conv.state === "pending";
    try {
      const contact = await call<VisitorContact>(this.cfg.base, "/api/visitor/contact/leave", {
        method: "POST",
        token: conv.token,
      });
      if (this.conv === conv) {
        conv.state = contact.state;
        conv.closedBy = "visitor";
      }
    } catch (err) {
      if (!(err instanceof HttpError) || err.status === 0) {
        this.notice = msg("You are offline; please try again.", { id: "w.notice.offline" });
        this.changed();
        return;
      }
      // the contact had ended already (or is gone): fall through
    }
    if (wasPending) this.conv = null;
    this.disconnect();
    this.changed();
  }

  /** Back to the start from an ended conversation, offering its agent the next one first. */
  startAgain(): void {
    this.previousToken = this.conv?.state === "closed" && !this.conv.endReason ? this.conv.token : "";
    this.dismiss();
  }

  /** Forget an ended conversation and go back to the start. */
  dismiss(): void {
    this.ending.reset();
    this.files.clear();
    this.disconnect();
    this.conv = null;
    this.flow = "";
    this.notice = "";
    void this.refreshServices();
    this.changed();
  }

  // -- chat ----------------------------------------------------------------------------

  send(text: string): void {
    const conv = this.conv;
    const body = text.trim();
    if (!conv || !body || !this.active) return;
    const item: Outgoing = {
      client_msg_id: randomId(),
      text: body.slice(0, 10_000),
      created_at: this.serverNow(),
    };
    conv.outbox.push(item);
    this.typing(false);
    this.sendFrame({
      type: "message.send",
      contact_id: conv.contactId,
      client_msg_id: item.client_msg_id,
      text: item.text,
    });
    this.changed();
  }

  /** Send the attached file; the text typed meanwhile is its description. */
  async sendFile(description: string): Promise<boolean> {
    const conv = this.conv;
    if (!conv || !this.active) return false;
    const message = await this.files.send(conv.token, description.trim());
    if (!message || this.conv !== conv) return false;
    this.mergeMessages([message]);
    this.changed();
    return true;
  }

  dismissOfferedLink(): void {
    if (!this.conv) return;
    this.conv.offeredLink = null;
    this.changed();
  }

  retry(clientMsgId: string): void {
    const item = this.conv?.outbox.find((o) => o.client_msg_id === clientMsgId);
    if (!item || !this.conv) return;
    delete item.failed;
    this.sendFrame({
      type: "message.send",
      contact_id: this.conv.contactId,
      client_msg_id: item.client_msg_id,
      text: item.text,
    });
    this.changed();
  }

  /** Called on every keystroke (active, with the text so far) and when the input empties or
   * is sent (inactive). With the service's typing preview on, the draft goes along, at most
   * every DRAFT_SEND_EVERY_MS (the last one always goes); otherwise it never leaves the page. */
  typing(active: boolean, draft = ""): void {
    const conv = this.conv;
    if (!conv || (conv.state !== "assigned" && conv.state !== "transferring")) return;
    window.clearTimeout(this.draftTimer);
    this.draftTimer = 0;
    const now = Date.now();
    if (active && conv.typingPreview) {
      const wait = DRAFT_SEND_EVERY_MS - (now - this.lastTypingSent);
      if (wait > 0) {
        this.draftTimer = window.setTimeout(() => this.typing(true, draft), wait);
        return;
      }
    } else if (active && this.typingActive && now - this.lastTypingSent < TYPING_SEND_EVERY_MS) return;
    if (!active && !this.typingActive) return;
    this.typingActive = active;
    this.lastTypingSent = now;
    const frame = { type: "typing", contact_id: conv.contactId, active };
    this.sendFrame(active && conv.typingPreview ? { ...frame, draft } : frame);
  }

  /** The visitor can see the chat: everything from the agent is read. */
  seen(): void {
    const conv = this.conv;
    if (!conv || !this.visible) return;
    const top = this.maxAgentId();
    if (top > conv.seenId) {
      conv.seenId = top;
      this.changed();
    }
    this.queueReceipts();
  }

  private maxAgentId(): number {
    let top = 0;
    for (const m of this.conv?.messages ?? []) if (m.sender === "agent" && m.id > top) top = m.id;
    return top;
  }

  private queueReceipts(): void {
    if (this.receiptQueued) return;
    this.receiptQueued = true;
    queueMicrotask(() => {
      this.receiptQueued = false;
      this.sendReceipts();
    });
  }

  private sendReceipts(): void {
    const conv = this.conv;
    if (!conv || !this.active || this.ws?.readyState !== WebSocket.OPEN) return;
    const top = this.maxAgentId();
    if (top > conv.deliveredSent) {
      conv.deliveredSent = top;
      this.sendFrame({ type: "receipt", contact_id: conv.contactId, up_to: top, state: "delivered" });
    }
    if (this.visible && top > conv.readSent) {
      conv.readSent = top;
      conv.deliveredSent = Math.max(conv.deliveredSent, top);
      this.sendFrame({ type: "receipt", contact_id: conv.contactId, up_to: top, state: "read" });
    }
    save(`${this.key}:conversation`, conv);
  }

  // -- pages ---------------------------------------------------------------------------

  async reportPage(): Promise<void> {
    const conv = this.conv;
    if (!conv || !this.active || conv.pageUrl === location.href) return;
    const url = location.href.slice(0, 2000);
    try {
      await call(this.cfg.base, "/api/visitor/contact/pages", {
        body: { url, title: document.title.slice(0, 300) },
        token: conv.token,
      });
      conv.pageUrl = location.href;
      this.changed();
    } catch {
      /* the contact ended meanwhile, or offline: the next page reports again */
    }
  }

  /** The page is going away: the server starts the visitor-disconnect grace at once. */
  private departing(navigating: boolean): void {
    const conv = this.conv;
    if (!conv || !this.active || conv.link === undefined) return;
    // A beacon survives the page; plain text keeps it a simple request (no preflight).
    const body = JSON.stringify({ token: conv.token, link: conv.link, navigating });
    navigator.sendBeacon(`${this.cfg.base}/api/visitor/contact/departure`, body);
  }

  // -- the stream ----------------------------------------------------------------------

  connect(): void {
    const conv = this.conv;
    if (!conv || !this.active || this.ws) return;
    window.clearTimeout(this.reconnectTimer);
    let url = `${this.wsBase}/ws/visitor?token=${encodeURIComponent(conv.token)}`;
    if (conv.position !== null) url += `&since=${conv.position}`;
    this.link = "connecting";
    const ws = new WebSocket(url);
    this.ws = ws;
    let refused: string | null = null;
    ws.onmessage = (ev) => {
      let frame: ServerFrame;
      try {
        frame = JSON.parse(String(ev.data)) as ServerFrame;
      } catch {
        return;
      }
      if (frame.type === "error" && !frame.ref) refused = frame.code;
      this.onFrame(frame);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      window.clearInterval(this.pingTimer);
      this.link = "offline";
      if (ev.code === 4410 || refused === "resync_required") {
        if (this.conv) this.conv.position = null;
        this.attempts = 0;
        this.connect();
      } else if (ev.code === 4403 || ev.code === 4400) {
        this.lost(refused);
      } else {
        this.scheduleReconnect();
      }
      this.changed();
    };
    this.changed();
  }

  private disconnect(): void {
    window.clearTimeout(this.reconnectTimer);
    window.clearInterval(this.pingTimer);
    const ws = this.ws;
    this.ws = null;
    this.link = "offline";
    this.agentTyping = false;
    if (ws) ws.close(1000);
  }

  private reconnectNow(): void {
    if (this.ws || !this.active) return;
    this.attempts = 0;
    this.connect();
  }

  /**
   * The browser says the network is gone: stop writing into a socket that cannot deliver
   * (messages wait in the outbox) and reconnect on "online" rather than by the clock.
   */
  private wentOffline(): void {
    if (!this.active) return;
    this.disconnect();
    this.scheduleReconnect();
    this.changed();
  }

  private scheduleReconnect(): void {
    if (!this.active) return;
    const backoff = navigator.onLine ? 500 * 2 ** this.attempts : MAX_RECONNECT_MS;
    const delay = Math.min(MAX_RECONNECT_MS, backoff) * (0.75 + Math.random() * 0.5);
    this.attempts += 1;
    window.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = window.setTimeout(() => this.connect(), delay);
  }

  /** The server refused the token or the site: this conversation cannot go on. */
  private lost(code: string | null): void {
    const conv = this.conv;
    if (!conv) return;
    if (code === "origin_rejected") this.services = [];
    conv.state = "closed";
    conv.endReason = code === "token_expired" ? "expired" : "unavailable";
    this.changed();
  }

  private sendFrame(frame: Record<string, unknown>): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  private onFrame(frame: ServerFrame): void {
    const conv = this.conv;
    if (!conv) return;
    switch (frame.type) {
      case "hello":
        conv.link = frame.link;
        if (frame.limits) this.files.limits = frame.limits;
        this.calls.reset(frame.contact?.call, frame.contact?.call_media, frame.ice);
        this.onHello(conv, frame.position, frame.resumed, frame.contact);
        void this.calls.report();
        break;
      case "event":
        this.onEvent(conv, frame.kind, frame.at, frame.data);
        conv.position = Math.max(conv.position ?? 0, frame.position);
        break;
      case "signal":
        if (frame.kind === "typing" && frame.from === "agent") this.setAgentTyping(!!frame.active);
        if (frame.kind === "call.signal") {
          const signal = frame.description ? { description: frame.description } : { candidate: frame.candidate! };
          this.calls.onSignal(frame.call_id, signal);
        }
        break;
      case "queue":
        conv.place = { position: frame.position, waitMinutes: frame.wait_minutes };
        break;
      case "ack":
        this.mergeMessages([frame.message]);
        break;
      case "error":
        if (frame.ref) {
          const item = conv.outbox.find((o) => o.client_msg_id === frame.ref);
          const resendMs = resendAfterMs(frame);
          if (item && resendMs !== null && !item.resent) {
            item.resent = true;
            window.setTimeout(() => this.retry(item.client_msg_id), resendMs);
          } else if (item) item.failed = sayVisitorError(frame);
        }
        break;
      default:
        return;
    }
    this.changed();
    if (this.navigateTo) {
      // The position is saved (changed()) before leaving: the next page resumes after this
      // event, so a pushed page is followed once, never again on its reload.
      const url = this.navigateTo;
      this.navigateTo = null;
      void this.leaveFor(url);
      return;
    }
    if (frame.type === "event" && !this.active) this.disconnect();
  }

  /** Go to a page the agent sent; to another of the service's sites the chat follows. */
  private async leaveFor(url: string): Promise<void> {
    let target = url;
    const conv = this.conv;
    if (conv && otherSite(url)) {
      try {
        const { code } = await call<{ code: string }>(this.cfg.base, "/api/visitor/contact/handoff", {
          body: { url },
          token: conv.token,
        });
        target = withHandoff(url, code);
      } catch {
        /* the page still opens; the chat stays on this site, where the visitor can return */
      }
    }
    this.following();
    location.assign(target);
  }

  private onHello(
    conv: Conversation,
    position: number,
    resumed: boolean,
    contact: VisitorContact | undefined,
  ): void {
    this.link = "online";
    this.attempts = 0;
    if (!resumed) {
      conv.position = position;
      conv.messages = [];
    }
    if (contact) {
      conv.state = contact.state;
      conv.agent = contact.agent;
      if (contact.agent && !conv.joinedAt) conv.joinedAt = contact.assigned_at ?? null;
      conv.dissuadeAt = contact.dissuade_at;
      conv.queued = contact.queued === true;
      conv.queueExit = contact.queue_exit ?? null;
      conv.serviceName = contact.service.name;
      conv.serviceLanguage = contact.service.language;
      conv.typingPreview = contact.service.typing_preview === true;
      if (contact.dissuasion_message) conv.endMessage = contact.dissuasion_message;
      this.mergeMessages(contact.messages);
    }
    window.clearInterval(this.pingTimer);
    this.pingTimer = window.setInterval(() => this.sendFrame({ type: "ping" }), PING_EVERY_MS);
    for (const item of conv.outbox) {
      if (item.failed) continue;
      this.sendFrame({
        type: "message.send",
        contact_id: conv.contactId,
        client_msg_id: item.client_msg_id,
        text: item.text,
      });
    }
    // What the hello brought is on screen when the panel is open: not unread once minimised
    // (the visitor's own read receipt does not come back to say so).
    this.seen();
    this.queueReceipts();
    if (!this.active) queueMicrotask(() => this.disconnect());
  }

  private onEvent(conv: Conversation, kind: string, at: number, data: Record<string, unknown>): void {
    const message = typeof data.message === "string" ? data.message : "";
    switch (kind) {
      case "contact.created":
        conv.state = "pending";
        break;
      case "contact.queued":
      case "contact.unqueued":
        conv.queued = kind === "contact.queued";
        conv.dissuadeAt = typeof data.dissuade_at === "number" ? data.dissuade_at : conv.dissuadeAt;
        break;
      case "contact.transferring":
        conv.state = "transferring";
        break;
      case "contact.transfer_ended":
        conv.state = "assigned";
        break;
      case "contact.joined": {
        const previous = conv.agent;
        conv.state = "assigned";
        conv.agent = data.agent as AgentCard;
        if (data.transferred === true) conv.takeovers = [...(conv.takeovers ?? []), { at, agent: conv.agent, previous }];
        else conv.joinedAt = at;
        conv.agentAway = false;
        conv.requeuedFrom = null;
        conv.place = null;
        this.calls.media = (data.call_media as string[] | undefined) ?? [];
        break;
      }
      case "contact.supervisor_joined":
      case "contact.supervisor_left": {
        const line = { at, supervisor: data.supervisor as AgentCard, joined: kind === "contact.supervisor_joined" };
        conv.supervisorLines = [...(conv.supervisorLines ?? []), line];
        break;
      }
      case "contact.rejected":
      case "contact.dissuaded":
      case "contact.cancelled":
      case "contact.abandoned":
        conv.state = String(data.state ?? kind.split(".")[1]);
        conv.endMessage = message || conv.endMessage;
        conv.queued = false;
        conv.queueExit = typeof data.reason === "string" ? data.reason : conv.queueExit ?? null;
        break;
      case "call.offered":
      case "call.accepted":
      case "call.declined":
      case "call.connected":
      case "call.ended":
      case "call.interrupted":
      case "call.resumed":
      case "call.media":
        this.calls.onEvent(kind, data, agentName(conv.agent));
        break;
      case "contact.rated":
      case "transcript.requested":
      case "transcript.sent":
      case "transcript.failed":
        this.ending.onEvent(conv, kind, data);
        break;
      case "contact.closed":
        conv.state = "closed";
        conv.closedBy = typeof data.closed_by === "string" ? data.closed_by : null;
        this.agentTyping = false;
        break;
      case "contact.agent_away":
        conv.agentAway = true;
        break;
      case "contact.agent_back":
        conv.agentAway = false;
        break;
      case "link.pushed": {
        const url = String(data.url ?? "");
        if (!/^https?:\/\//i.test(url)) break;
        if (data.mode === "navigate") {
          if (url !== location.href) this.navigateTo = url;
        } else {
          conv.offeredLink = url;
        }
        break;
      }
      case "contact.requeued": {
        const previous = data.previous_agent as AgentCard | null;
        conv.state = "pending";
        conv.agent = null;
        conv.agentAway = false;
        conv.requeuedFrom = previous ? agentName(previous) : "";
        conv.queuedAt = at;
        conv.place = null;
        conv.dissuadeAt = typeof data.dissuade_at === "number" ? data.dissuade_at : conv.dissuadeAt;
        this.setAgentTyping(false);
        break;
      }
      case "message.created": {
        const msg = data.message as Message;
        this.mergeMessages([msg]);
        if (msg.sender === "agent") {
          this.setAgentTyping(false);
          this.seen();
          this.queueReceipts();
        }
        break;
      }
      case "message.untranslated":
        this.mergeMessages([data.message as Message]);
        break;
      case "message.status": {
        if (data.by !== "agent") break;
        const upTo = Number(data.up_to);
        const when = Number(data.at) || at;
        for (const m of conv.messages) {
          if (m.sender !== "visitor" || m.id > upTo) continue;
          m.delivered_at ??= when;
          if (data.state === "read") m.read_at ??= when;
        }
        break;
      }
      default:
        break;
    }
  }

  /** Insert or update messages by id; acknowledged ones leave the outbox. */
  private mergeMessages(list: Message[]): void {
    const conv = this.conv;
    if (!conv) return;
    for (const msg of list) {
      if (!msg || typeof msg.id !== "number") continue;
      const i = conv.messages.findIndex((m) => m.id === msg.id);
      if (i >= 0) {
        const old = conv.messages[i];
        conv.messages[i] = {
          ...msg,
          delivered_at: msg.delivered_at ?? old.delivered_at,
          read_at: msg.read_at ?? old.read_at,
        };
      } else {
        conv.messages.push(msg);
      }
      if (msg.client_msg_id) {
        conv.outbox = conv.outbox.filter((o) => o.client_msg_id !== msg.client_msg_id);
      }
      if (msg.sender === "agent" && msg.read_at) {
        conv.readSent = Math.max(conv.readSent, msg.id);
        conv.seenId = Math.max(conv.seenId, msg.id);
      }
      if (msg.sender === "agent" && msg.delivered_at) {
        conv.deliveredSent = Math.max(conv.deliveredSent, msg.id);
      }
    }
    conv.messages.sort((a, b) => a.id - b.id);
  }

  private setAgentTyping(active: boolean): void {
    window.clearTimeout(this.typingTimer);
    this.agentTyping = active;
    if (active) {
      this.typingTimer = window.setTimeout(() => {
        this.agentTyping = false;
        this.changed();
      }, TYPING_CLEAR_MS);
    }
  }
}

/** ``invalid_input``'s problems by field ("name", "email", "prechat.<key>"). */
function formProblems(err: unknown): Problems {
  if (!(err instanceof HttpError) || err.error.code !== "invalid_input") return {};
  const listed = err.error.details?.["problems"];
  const out: Problems = {};
  if (Array.isArray(listed)) {
    for (const p of listed as { field?: unknown; code?: unknown }[]) {
      if (typeof p.field === "string" && typeof p.code === "string") out[p.field] = p.code;
    }
  }
  return out;
}
