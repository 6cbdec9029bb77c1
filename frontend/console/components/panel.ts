import { outcomeName, translationFailure } from "../labels";
import { localized, msg, str } from "@lit/localize";
import { LitElement, css, html, nothing, type PropertyValues } from "lit";
import { customElement, property, query, state } from "lit/decorators.js";
import { colours, colourValue } from "../colours";
import { StoreController } from "../controller";
import { clock, countryBadge, duration, initials, linkify, pushableLinks, verifiedBadge } from "../format";
import { icons, zzz } from "../icons";
import { isIdle, showsAsLeft, store, type Outgoing, type Panel, type SystemLine } from "../store";
import { agentAuthor, supervisorOf } from "../store/supervisors";
import { shared } from "../styles";
import type { Contact, FileCard, Message, Note } from "../types";
import { callIcons, callStage, callStyles } from "./call";
import { CannedPicker, cannedStyles, type CannedReply } from "./canned";
import { fileLine, fileStyles } from "./files";
import { modeSwitch, noteCard, noteStyles, type ComposerMode } from "./notes";
import "./transfer";
import "./preview";
import type { PreviewChoice } from "./preview";
import { languageName } from "./translate";
import { lastLine, oneLine, oneLineStyles } from "./last-line";
import { draftStyles, typingLine } from "./draft";
import { sendReplyFile } from "./reply-file";


/** Where the visitor may be sent: the service's sites, or else the site they came from. */
function pushSites(p: Panel): string[] {
  const sites = p.contact.service.sites ?? [];
  return sites.length > 0 ? sites : p.contact.visitor.site ? [p.contact.visitor.site] : [];
}


type Item =
  | { type: "msg"; at: number; order: number; msg: Message }
  | { type: "sys"; at: number; order: number; line: SystemLine }
  | { type: "note"; at: number; order: number; note: Note };

type MediaState = "active" | "connecting" | "available" | "unavailable";
function mediaText(state: MediaState): string {
  return { active: msg("active"), connecting: msg("connecting"), available: msg("available"), unavailable: msg("not available") }[state];
}

/** The language an agent's message was translated into, and whether the agent edited it. */
function sentIn(language: string, edited: boolean | undefined): string {
  return edited ? msg(str`${language} (edited)`) : language;
}

@customElement("sp-panel")
@localized()
export class SpPanel extends LitElement {
  static override styles = [
    shared,
    oneLineStyles,
    draftStyles,
    fileStyles,
    callStyles,
    cannedStyles,
    noteStyles,
    css`
      :host([dragging]) {
        outline: 2px dashed var(--primary);
        outline-offset: -4px;
      }
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        background: var(--surface);
        border: 1px solid var(--border);
        border-radius: var(--radius);
        box-shadow: var(--shadow);
        overflow: hidden;
        position: relative;
      }
      :host([expanded]) {
        flex: 1 1 auto;
      }
      :host(:not([expanded])) {
        flex: none;
      }
      .tagbar {
        position: absolute;
        left: 0;
        top: 0;
        bottom: 0;
        width: 4px;
      }
      .head {
        display: flex;
        align-items: center;
      }
      .head-remove {
        margin-right: 12px;
        flex: none;
      }
      .header {
        display: flex;
        align-items: center;
        gap: 12px;
        flex: 1;
        min-width: 0;
        width: 100%;
        padding: 10px 14px 10px 16px;
        text-align: left;
        min-height: 56px;
      }
      .header:hover {
        background: var(--surface-2);
      }
      :host([flash]) .head {
        animation: flash 1.2s ease-in-out infinite;
      }
      @keyframes flash {
        0%,
        100% {
          background: var(--surface);
        }
        50% {
          background: #fff0c2;
        }
      }
      :host([terminated]) .avatar {
        background: var(--chip-bg);
        color: var(--muted);
      }
      .title {
        flex: 1;
        min-width: 0;
        display: grid;
        gap: 1px;
      }
      .title .name {
        font-weight: 650;
        font-size: 15px;
        display: flex;
        align-items: center;
        gap: 6px;
        white-space: nowrap;
        overflow: hidden;
      }
      .title .sub {
        font-size: 12px;
        color: var(--muted);
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      /* A collapsed panel's last line follows the service on the same row, so that ended
         panels above an open one take no more height (the composer stays on screen). */
      .title .sub-row {
        display: flex;
        align-items: baseline;
        gap: 8px;
        min-width: 0;
      }
      .title .sub-row .sub {
        flex: none;
        max-width: 45%;
      }
      .title .sub-row .sub,
      .title .sub-row .one-line {
        font-size: 12px;
        line-height: 16px;
      }
      .title .sub-row .one-line {
        flex: 1;
      }
      .activity {
        display: flex;
        align-items: center;
        gap: 8px;
        color: var(--muted);
      }
      .act {
        display: inline-flex;
        align-items: center;
        gap: 3px;
      }
      .act.typing {
        color: var(--primary);
      }
      .act.page {
        color: var(--primary);
      }
      .act.left {
        color: #a05e00;
        font-weight: 600;
        font-size: 12px;
      }
      .act.unread {
        color: var(--red);
        font-weight: 700;
        font-size: 12px;
      }
      .act.ended {
        color: var(--red);
        font-weight: 600;
        font-size: 12px;
      }
      .zzz {
        font-weight: 700;
        font-size: 12px;
        font-style: italic;
        color: var(--muted);
        letter-spacing: -0.02em;
      }
      .dur {
        display: inline-flex;
        align-items: center;
        gap: 4px;
        font-variant-numeric: tabular-nums;
        font-size: 13px;
        color: var(--muted);
        min-width: 58px;
        justify-content: flex-end;
      }
      .dur .icon {
        width: 15px;
        height: 15px;
      }
      .bar {
        display: flex;
        align-items: center;
        gap: 6px;
        padding: 6px 12px 6px 16px;
        border-top: 1px solid var(--border);
        border-bottom: 1px solid var(--border);
        background: var(--surface-2);
      }
      .medium {
        width: 30px;
        height: 30px;
        border-radius: 50%;
        display: inline-grid;
        place-items: center;
      }
      .medium .icon {
        width: 16px;
        height: 16px;
      }
      .medium.active {
        background: var(--green);
        color: #fff;
      }
      .medium.connecting {
        background: var(--amber);
        color: #fff;
      }
      .medium.available {
        background: #e6e8ec;
        color: var(--grey-dark);
      }
      .medium.unavailable {
        background: transparent;
        color: var(--grey-light);
        border: 1px dashed var(--grey-light);
      }
      .bar .spacer {
        flex: 1;
      }
      .tool-wrap {
        position: relative;
      }
      .tr-note,
      .tr-sent {
        margin-top: 4px;
        font-size: 12px;
        opacity: 0.8;
      }
      .tr-sent {
        border-top: 1px solid currentColor;
        padding-top: 4px;
      }
      .tr-note.warn {
        font-style: italic;
      }
      .tr-toggle {
        display: block;
        margin-top: 4px;
        padding: 0;
        border: none;
        background: none;
        color: inherit;
        font: inherit;
        font-size: 12px;
        text-decoration: underline;
        cursor: pointer;
        opacity: 0.8;
      }
      .icon-btn.on {
        color: var(--primary);
      }
      .swatches {
        position: absolute;
        right: 0;
        top: 36px;
        display: grid;
        grid-template-columns: repeat(4, 28px);
        gap: 6px;
        padding: 10px;
        background: var(--surface);
        border: 1px solid var(--border);
        border-radius: 10px;
        box-shadow: var(--shadow-lg);
        z-index: 5;
      }
      .swatch {
        width: 28px;
        height: 28px;
        border-radius: 50%;
        border: 2px solid var(--surface);
        box-shadow: 0 0 0 1px var(--border-strong);
      }
      .swatch[aria-checked="true"] {
        box-shadow: 0 0 0 2px var(--text);
      }
      .swatch.none {
        background: repeating-linear-gradient(45deg, #fff 0 4px, #e4e7ec 4px 6px);
      }
      .icon-btn.stop:hover:not(:disabled) {
        color: var(--red);
        background: var(--red-soft);
      }
      .transcript {
        flex: 1;
        overflow-y: auto;
        padding: 16px 18px 8px;
        display: flex;
        flex-direction: column;
        gap: 6px;
        background: var(--bg);
        min-height: 120px;
      }
      /* During a call the stage gives way first, then the transcript down to a few lines;
         the bar, the composer and its hint never shrink, so typing stays possible. */
      .call-stage ~ .transcript {
        min-height: 72px;
      }
      .header,
      .bar,
      .typing-line,
      .composer,
      .hint,
      .ended-bar {
        flex: none;
      }
      .row {
        display: flex;
        flex-direction: column;
        max-width: 74%;
      }
      .row.visitor {
        align-self: flex-start;
      }
      .row.agent {
        align-self: flex-end;
        align-items: flex-end;
      }
      .bubble {
        padding: 8px 12px;
        border-radius: 14px;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        line-height: 1.4;
      }
      .bubble.with-file {
        white-space: normal;
        padding: 6px;
      }
      .visitor .bubble {
        background: var(--visitor-bubble);
        border: 1px solid var(--border);
        border-bottom-left-radius: 4px;
      }
      .agent .bubble {
        background: var(--agent-bubble);
        color: #fff;
        border-bottom-right-radius: 4px;
      }
      .agent.failed .bubble {
        background: #fff;
        color: var(--text);
        border: 1px solid var(--red);
      }
      .agent.pending .bubble {
        opacity: 0.7;
      }
      .bubble a {
        color: inherit;
        text-decoration: underline;
      }
      .bubble .push {
        color: inherit;
        text-decoration: underline dotted;
        text-underline-offset: 3px;
        cursor: pointer;
        padding: 0;
        font: inherit;
        text-align: left;
        overflow-wrap: anywhere;
      }
      .bubble .push:hover,
      .bubble .push:focus-visible {
        text-decoration: underline solid;
      }
      .bubble .open {
        margin-left: 4px;
        text-decoration: none;
        opacity: 0.8;
      }
      .swatches.links {
        grid-template-columns: 1fr;
        min-width: 200px;
      }
      .swatches.links button {
        text-align: left;
        padding: 6px 8px;
        border-radius: 6px;
      }
      .swatches.links button:hover {
        background: var(--hover);
      }
      .visitor .bubble a {
        color: var(--primary);
      }
      .meta {
        display: flex;
        align-items: center;
        gap: 5px;
        font-size: 11px;
        color: var(--muted);
        margin: 3px 4px 4px;
      }
      .meta .icon {
        width: 14px;
        height: 14px;
      }
      .meta .st-read {
        color: var(--primary);
      }
      .meta .st-offline {
        color: #a05e00;
      }
      .meta .st-failed {
        color: var(--red);
        font-weight: 600;
      }
      .meta button {
        color: var(--primary);
        font-weight: 650;
        text-decoration: underline;
        font-size: 11px;
      }
      .sys {
        align-self: center;
        font-size: 12px;
        color: var(--muted);
        background: var(--chip-bg);
        border-radius: 12px;
        padding: 3px 12px;
        margin: 6px 0;
        text-align: center;
      }
      .sys.warn {
        background: var(--amber-soft);
        color: #8a5300;
      }
      .sys.end {
        background: var(--red-soft);
        color: #9b1c1c;
      }
      .typing-line {
        font-size: 12px;
        color: var(--muted);
        padding: 2px 18px 6px;
        background: var(--bg);
        min-height: 22px;
        display: flex;
        align-items: center;
        gap: 6px;
      }
      .dots span {
        display: inline-block;
        width: 5px;
        height: 5px;
        border-radius: 50%;
        background: var(--muted);
        margin-right: 2px;
        animation: blink 1.2s infinite;
      }
      .dots span:nth-child(2) {
        animation-delay: 0.2s;
      }
      .dots span:nth-child(3) {
        animation-delay: 0.4s;
      }
      @keyframes blink {
        0%,
        80%,
        100% {
          opacity: 0.25;
        }
        40% {
          opacity: 1;
        }
      }
      .composer {
        display: flex;
        align-items: flex-end;
        gap: 8px;
        padding: 10px 12px;
        border-top: 1px solid var(--border);
        background: var(--surface);
      }
      textarea {
        flex: 1;
        font: inherit;
        resize: none;
        border: 1px solid var(--border-strong);
        border-radius: 10px;
        padding: 9px 12px;
        min-height: 40px;
        max-height: 140px;
        line-height: 1.4;
      }
      textarea:focus {
        outline: 2px solid var(--focus);
        outline-offset: -1px;
        border-color: transparent;
      }
      .send.btn {
        height: 40px;
      }
      .ended-bar {
        display: flex;
        align-items: center;
        gap: 12px;
        padding: 12px 16px;
        border-top: 1px solid var(--border);
        background: var(--surface-2);
      }
      .ended-bar .text {
        flex: 1;
        color: var(--muted);
      }
      .hint {
        /* the reply / note switch on the hint's line: no row of its own, so the composer
           keeps its room on a small screen during a video call */
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 4px 10px;
        font-size: 11px;
        color: var(--muted);
        padding: 0 14px 8px;
        background: var(--surface);
      }
    `,
  ];

  @property({ type: Number }) contactId = 0;
  @property({ type: Boolean, reflect: true }) expanded = false;
  @property({ type: Boolean, reflect: true }) flash = false;
  @property({ type: Boolean, reflect: true }) terminated = false;
  @state() private confirming = false;
  @state() private tagOpen = false;
  @state() private transferOpen = false;
  @state() private translateOpen = false;
  @state() private originals = new Set<number>();
  @state() private draft = "";
  /** What the composer writes: a reply to the visitor, or a private note (never both). */
  @state() private mode: ComposerMode = "reply";
  /** What the agent chose in the translation preview, for the draft it was made for. */
  private previewChoice: PreviewChoice | null = null;
  /** The upload dialog: closed (undefined), open with no file yet (null), or with one. */
  @state() private uploading: File | null | undefined = undefined;
  @state() private viewing: FileCard | null = null;
  @state() private linksOpen = false;
  @property({ type: Boolean, reflect: true }) dragging = false;
  @query(".transcript") private transcriptEl?: HTMLElement;
  @query("textarea") private textarea?: HTMLTextAreaElement;
  /** The end dialog's safe choice ("Keep talking"): focused first, so Enter does not end. */
  @query(".confirm .btn.keep") private keepBtn?: HTMLButtonElement;
  @query("[data-testid=stop]") private stopBtn?: HTMLButtonElement;
  @query(".header") private headerBtn?: HTMLButtonElement;

  protected readonly storeCtl = new StoreController(this, true);
  private readonly canned = new CannedPicker(
    this,
    () => this.contactId,
    () => `canned-${this.contactId}`,
  );
  /** The canned reply the draft was inserted from (counted when it is sent). */
  private cannedReplyId: number | undefined = undefined;
  private lastCount = -1;
  private typingIdle: number | null = null;

  private get panel(): Panel | undefined {
    return store.panel(this.contactId);
  }

  constructor() {
    super();
    // A file dropped anywhere on an open contact opens the upload dialog with it.
    this.addEventListener("dragover", (e: DragEvent) => {
      if (!this.canSend || !e.dataTransfer?.types.includes("Files")) return;
      e.preventDefault();
      this.dragging = true;
    });
    this.addEventListener("dragleave", () => (this.dragging = false));
    this.addEventListener("drop", (e: DragEvent) => {
      this.dragging = false;
      const file = e.dataTransfer?.files[0];
      if (!this.canSend || !file) return;
      e.preventDefault();
      this.uploading = file;
    });
  }

  private get canSend(): boolean {
    const p = this.panel;
    return !!p && !p.terminated && this.expanded;
  }

  private onPaste(e: ClipboardEvent): void {
    const file = [...(e.clipboardData?.files ?? [])].find((f) => f.type.startsWith("image/"));
    if (!file || !this.canSend || this.mode === "note") return; // a file goes to the visitor
    e.preventDefault();
    this.uploading = file;
  }

  protected override willUpdate(): void {
    const p = this.panel;
    if (!p) return;
    this.expanded = store.expandedId === p.contact.id;
    this.flash = p.flash && !this.expanded;
    // A reply being typed when the contact ended must not become the wrap-up note.
    if (p.terminated && !this.terminated && this.mode === "reply") this.draft = "";
    this.terminated = p.terminated;
  }

  protected override updated(changed: PropertyValues): void {
    const p = this.panel;
    const el = this.transcriptEl;
    if (p && el) {
      const count = p.messages.length + p.system.length + p.outgoing.length + (p.contact.notes?.length ?? 0) + (p.visitorTyping ? 1 : 0);
      if (count !== this.lastCount || changed.has("expanded")) {
        el.scrollTop = el.scrollHeight;
        this.lastCount = count;
      }
    }
    if (changed.has("expanded") && this.expanded && !this.terminated) this.textarea?.focus();
    if (changed.has("confirming") && this.confirming) this.keepBtn?.focus();
  }

  /** Close the end dialog and give the focus back to the button that opened it (or, once
   * the contact is ending and that button goes, to the panel's header). */
  private closeConfirm(target?: HTMLElement): void {
    this.confirming = false;
    void this.updateComplete.then(() => (target ?? this.stopBtn)?.focus());
  }

  private items(p: Panel): Item[] {
    const items: Item[] = [
      ...p.messages.map((msg, i): Item => ({ type: "msg", at: msg.created_at, order: i, msg })),
      ...p.system.map((line, i): Item => ({ type: "sys", at: line.at, order: 100000 + i, line })),
      ...(p.contact.notes ?? []).map((note, i): Item => ({ type: "note", at: note.created_at, order: 200000 + i, note })),
    ];
    return items.sort((a, b) => a.at - b.at || a.order - b.order);
  }

  private deliveryState(p: Panel, m: Message): { state: string; text: string; icon: unknown } {
    if (m.read_at) return { state: "read", text: msg("Read"), icon: icons.checks() };
    if (m.delivered_at) return { state: "delivered", text: msg("Delivered"), icon: icons.checks() };
    if (p.offlineIds.has(m.id) || p.visitorOnline === false)
      return { state: "offline", text: msg("Visitor offline — will be delivered on return"), icon: icons.offline() };
    return { state: "sent", text: msg("Sent"), icon: icons.check() };
  }

  private renderMessage(p: Panel, m: Message) {
    if (m.sender === "system") {
      return html`<div class="sys" data-testid="system-line">${m.text}</div>`;
    }
    const isAgent = m.sender === "agent";
    const st = isAgent ? this.deliveryState(p, m) : null;
    const who = isAgent ? agentAuthor(p, m, store.agent?.id) : p.contact.visitor.name;
    const guest = isAgent && m.agent_id !== store.agent?.id && supervisorOf(p, m) !== null;
    return html`<div class="row ${m.sender}" data-testid="message" data-sender=${m.sender} data-message-id=${m.id} data-state=${st?.state ?? ""}>
      <div class="bubble ${m.file ? "with-file" : ""}" aria-label=${msg(str`${who} at ${clock(m.created_at)}`)}>${m.file
        ? fileLine(m.file, (card) => (this.viewing = card))
        : this.renderText(m, (text) =>
            isAgent && !p.terminated
              ? pushableLinks(text, (url) => void store.pushLink(p.contact.id, url), p.contact.service.immediate_redirect === false, pushSites(p))
              : linkify(text),
          )}</div>
      <div class="meta">
        <span data-testid=${guest ? "message-author" : nothing}>${isAgent && !guest ? "" : `${who} · `}${clock(m.created_at)}</span>
        ${st ? html`<span class="st-${st.state}" data-testid="delivery" title=${st.text}>${st.icon} ${st.text}</span>` : nothing}
      </div>
    </div>`;
  }

  /** A visitor message shows its translation, the original one click away; an agent message
   * shows what the agent wrote and, below, what the visitor receives. */
  /** The message's text (``show`` renders it: links, or send-immediately buttons) and, on
   * a translated contact, its translation. */
  private renderText(m: Message, show: (text: string) => unknown) {
    const t = m.translation;
    if (!t || t.state === "pending") {
      return html`${show(m.text)}${t ? html`<div class="tr-note" data-testid="translation-pending">${msg("Translating…")}</div>` : nothing}`;
    }
    if (t.state === "failed") {
      return html`${show(m.text)}<div class="tr-note warn" data-testid="translation-failed">${msg(str`Not translated: ${translationFailure(t.code, t.reason)}`)}</div>`;
    }
    if (t.state === "skipped") {
      return html`${show(m.text)}<div class="tr-note" data-testid="translation-skipped">${msg("Sent untranslated")}</div>`;
    }
    if (m.sender === "agent") {
      return html`${show(m.text)}<div class="tr-sent" data-testid="translation">${sentIn(languageName(t.target), t.edited)}: ${t.text}</div>`;
    }
    const original = this.originals.has(m.id);
    return html`<span data-testid="translation">${linkify(original ? m.text : (t.text ?? ""))}</span><button class="tr-toggle" data-testid="show-original" @click=${() => {
        const next = new Set(this.originals);
        if (original) next.delete(m.id);
        else next.add(m.id);
        this.originals = next;
      }}>${original ? msg(str`Show ${languageName(t.target)}`) : msg(str`Original (${languageName(t.source)})`)}</button>`;
  }

  private renderOutgoing(p: Panel, o: Outgoing) {
    const offline = store.conn !== "online";
    const failed = o.state === "failed";
    const text = failed ? (o.error ? msg(str`Not sent: ${o.error}`) : msg("Not sent")) : offline ? msg("Waiting for connection…") : msg("Sending…");
    return html`<div class="row agent ${failed ? "failed" : "pending"}" data-testid="message" data-sender="agent" data-state=${failed ? "failed" : "sending"}>
      <div class="bubble">${linkify(o.text)}</div>
      <div class="meta">
        <span>${clock(o.createdAt)}</span>
        <span class=${failed ? "st-failed" : ""} data-testid="delivery">${failed ? icons.alert() : icons.clock()} ${text}</span>
        ${failed
          ? html`<button data-testid="retry" @click=${() => store.retry(p.contact.id, o.client_msg_id)}>${msg("Retry")}</button>
              <button @click=${() => store.discard(p.contact.id, o.client_msg_id)}>${msg("Discard")}</button>`
          : nothing}
      </div>
    </div>`;
  }

  /** Green while the visitor's page is connected, the globe while they change page, grey
   * when their page is gone or offline. */
  private dataSharing(p: Panel) {
    const c = p.contact;
    if (p.terminated) return this.mediaIcon("data-sharing", msg("Data sharing"), "unavailable", icons.share);
    const departure = c.visitor_departure;
    const changing =
      departure?.navigating === true || (p.pageChangedAt !== null && Date.now() - p.pageChangedAt < 3_000);
    if (changing) return this.mediaIcon("data-sharing", msg("Data sharing"), "connecting", icons.globe, msg(" (changing page)"));
    const online = !departure && p.visitorOnline !== false;
    return online
      ? this.mediaIcon("data-sharing", msg("Data sharing"), "active", icons.share, ` (${c.visitor.page_title || c.visitor.page_url || msg("page connected")})`)
      : this.mediaIcon("data-sharing", msg("Data sharing"), "unavailable", icons.share, msg(" (the visitor's page is not connected)"));
  }

  private savedLinks(p: Panel) {
    const links = p.contact.service.saved_links ?? [];
    if (links.length === 0 || p.terminated) return nothing;
    return html`<span class="tool-wrap">
      <button class="icon-btn" data-testid="saved-links" aria-label=${msg("Saved links")} title=${msg("Saved links")} aria-haspopup="true"
        aria-expanded=${this.linksOpen ? "true" : "false"} @click=${() => (this.linksOpen = !this.linksOpen)}>${icons.share()}</button>
      ${this.linksOpen
        ? html`<div class="swatches links" role="menu" aria-label=${msg("Saved links")} @keydown=${(e: KeyboardEvent) => e.key === "Escape" && (this.linksOpen = false)}>
            ${links.map(
              (l) => html`<button role="menuitem" data-testid="saved-link" title=${l.url} @click=${() => {
                this.linksOpen = false;
                this.draft = (this.draft ? this.draft.trimEnd() + " " : "") + l.url;
                this.textarea?.focus();
              }}>${l.title}</button>`,
            )}
          </div>`
        : nothing}
    </span>`;
  }

  private mediaIcon(id: string, label: string, state: MediaState, icon: (l?: string) => unknown, note = "") {
    return html`<span class="medium ${state}" data-testid="medium-${id}" data-state=${state}
      role="img" aria-label="${label}: ${mediaText(state)}${note}" title="${label}: ${mediaText(state)}${note}">${icon()}</span>`;
  }

  private send(): void {
    const text = this.draft;
    if (!text.trim()) return;
    if (this.mode === "note" || this.terminated) {
      void store.addNote(this.contactId, text).then((note) => {
        if (note && this.draft === text) this.clearDraft();
      });
      return;
    }
    const choice = this.panel?.contact.translation && this.previewChoice?.draft === text ? this.previewChoice : null;
    store.sendMessage(this.contactId, text, choice?.translation, this.cannedReplyId);
    this.previewChoice = null;
    this.cannedReplyId = undefined;
    this.clearDraft();
  }

  private clearDraft(): void {
    this.draft = "";
    this.canned.follow("");
    if (this.textarea) {
      this.textarea.value = "";
      this.textarea.style.height = "";
    }
  }

  private pickMode(mode: ComposerMode): void {
    this.mode = mode;
    this.cannedReplyId = undefined;
    this.canned.follow(mode === "reply" ? this.draft : "");
    if (mode === "note") store.stopTyping(this.contactId);
    void this.updateComplete.then(() => this.textarea?.focus());
  }

  private insertReply(reply: CannedReply): void {
    if (reply.file) void sendReplyFile(this.contactId, reply.id).then((error) => error && store.notify(error));
    this.draft = reply.filled;
    this.cannedReplyId = reply.id;
    this.canned.follow(this.draft);
    void this.updateComplete.then(() => {
      const ta = this.textarea;
      if (!ta) return;
      ta.focus();
      ta.setSelectionRange(ta.value.length, ta.value.length);
      ta.style.height = "";
      ta.style.height = Math.min(140, ta.scrollHeight + 2) + "px";
    });
  }

  private onKey(e: KeyboardEvent): void {
    const picked = this.mode === "reply" && !this.terminated ? this.canned.key(e, this.draft) : null;
    if (picked !== null) {
      e.preventDefault();
      e.stopPropagation();
      if (picked !== "handled") this.insertReply(picked);
      return;
    }
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      this.send();
    }
  }

  private onInput(e: InputEvent): void {
    const ta = e.target as HTMLTextAreaElement;
    this.draft = ta.value;
    if (!this.draft.trim()) this.cannedReplyId = undefined;
    ta.style.height = "";
    ta.style.height = Math.min(140, ta.scrollHeight + 2) + "px";
    if (this.mode === "note" || this.terminated) return; // a note is the staff's: no typing signal
    this.canned.follow(this.draft);
    if (this.draft.trim()) store.noteTyping(this.contactId);
    if (this.typingIdle !== null) window.clearTimeout(this.typingIdle);
    this.typingIdle = window.setTimeout(() => store.stopTyping(this.contactId), 5000);
  }

  /** After the end, only a private note can be written (a wrap-up for colleagues). */
  private renderWrapUp(name: string) {
    return html`<div class="composer note" data-testid="wrap-up-box">
        <textarea rows="1" data-testid="wrap-up-note" aria-label=${msg(str`Private note on the contact with ${name}`)}
          placeholder=${msg("Wrap-up note: only agents and supervisors read it.")}
          .value=${this.draft} @keydown=${this.onKey} @input=${this.onInput}></textarea>
        <button class="btn primary send" data-testid="send" ?disabled=${!this.draft.trim()} @click=${() => this.send()}>
          ${icons.lock()} ${msg("Add note")}
        </button>
      </div>`;
  }

  private renderComposer(id: number, translation: Contact["translation"], name: string, offline: boolean) {
    const note = this.mode === "note";
    const placeholder = note
      ? msg("Private note: only agents and supervisors read it. Type @login to ask a colleague.")
      : offline
        ? msg("Offline — your message will be sent when the connection returns")
        : msg(str`Write to ${name}…`);
    return html`${translation && !note
        ? html`<sp-translation-preview .contactId=${id} .setting=${translation} .draft=${this.draft}
            @preview-change=${(e: CustomEvent<PreviewChoice | null>) => (this.previewChoice = e.detail)}></sp-translation-preview>`
        : nothing}
      ${note ? nothing : this.canned.render((r) => this.insertReply(r))}
      <div class="composer ${this.mode}" data-testid="composer-box" data-mode=${this.mode}>
        <textarea rows="1" data-testid="composer" aria-label=${note ? msg(str`Private note on the contact with ${name}`) : msg(str`Message to ${name}`)}
          role="combobox" aria-autocomplete="list" aria-expanded=${this.canned.open && !note ? "true" : "false"}
          aria-controls=${this.canned.open && !note ? `canned-${id}` : nothing} aria-activedescendant=${(!note && this.canned.activeId) || nothing}
          placeholder=${placeholder}
          .value=${this.draft} @keydown=${this.onKey} @input=${this.onInput}
          @blur=${() => store.stopTyping(id)} @paste=${this.onPaste}></textarea>
        <button class="btn primary send" data-testid="send" aria-label=${note ? nothing : msg("Send")} ?disabled=${!this.draft.trim()} @click=${() => this.send()}>
          ${note ? icons.lock() : icons.send()} ${note ? msg("Add note") : msg("Send")}
        </button>
      </div>
      <div class="hint ${this.mode}">${modeSwitch(this.mode, (mode) => this.pickMode(mode))}<span>${note
        ? msg("Enter to add the note · the visitor never sees it")
        : msg("Enter to send · Shift+Enter for a new line · / for canned replies")}</span></div>`;
  }

  override render() {
    const p = this.panel;
    if (!p) return nothing;
    const c = p.contact;
    const now = store.serverNow();
    const start = c.assigned_at ?? c.created_at;
    const end = p.terminated && c.closed_at ? c.closed_at : now;
    const idle = isIdle(p, now, store.idleSeconds);
    const departure = p.terminated ? null : c.visitor_departure;
    const changingPage =
      departure?.navigating === true || (p.pageChangedAt !== null && Date.now() - p.pageChangedAt < 10_000);
    const left = showsAsLeft(departure, now);
    const name = c.visitor.name || msg("Visitor");
    const twin = store.panels.some((o) => o !== p && (o.contact.visitor.name || msg("Visitor")) === name);
    const detail = c.visitor.email || (twin ? msg(str`#${c.id} · since ${clock(c.assigned_at ?? c.created_at)}`) : "");
    const colour = colourValue(c.colour);
    const chatState: MediaState = p.terminated ? "unavailable" : "active";
    const regionId = `panel-body-${c.id}`;
    return html`
      <span class="tagbar" style="background:${colour}" data-testid="colour-bar" data-colour=${c.colour ?? ""}></span>
      <div class="head">
      <button class="header" aria-expanded=${this.expanded ? "true" : "false"} aria-controls=${regionId}
        data-testid="panel-header" @click=${() => store.expand(this.expanded ? null : c.id)}>
        <span class="avatar" aria-hidden="true">${initials(name)}</span>
        <span class="title">
          <span class="name">${name}
            ${countryBadge(c.visitor.country)} ${verifiedBadge(c.visitor.verified_user_id)}</span>
          <span class="sub-row">
            <span class="sub" data-testid="panel-sub">${c.service.name} · ${c.service.language.toUpperCase()}${detail ? ` · ${detail}` : ""}</span>
            ${this.expanded ? nothing : oneLine(lastLine(p, name, store.agent?.id), "panel-preview")}
          </span>
        </span>
        <span class="activity" data-testid="activity">
          ${changingPage ? html`<span class="act page" data-testid="act-page" title=${msg(str`Changing page: ${c.visitor.page_title || c.visitor.page_url || ""}`)}>${icons.globe(msg("Changing page"))}</span>` : nothing}
          ${left && departure
            ? html`<span class="act left" data-testid="act-left" title=${msg(str`${name} left the page; the contact ends in ${duration(Math.max(0, departure.gone_at - now))} unless they come back`)}>${icons.logout(msg("Visitor left"))} ${msg("Visitor left")}</span>`
            : nothing}
          ${p.visitorTyping ? html`<span class="act typing" data-testid="act-typing" title=${msg(str`${name} is typing`)}>${icons.pencil(msg("Typing"))}</span>` : nothing}
          ${p.unread > 0 ? html`<span class="act unread" data-testid="act-unread" title=${msg(str`${p.unread} unread`)}>${icons.unread(msg("Unread messages"))}${p.unread}</span>` : nothing}
          ${idle ? html`<span class="act" data-testid="act-idle" title=${msg("Idle: answered, and no message for a while")}>${zzz}<span class="sr-only">${msg("Idle")}</span></span>` : nothing}
          ${p.terminated ? html`<span class="act ended" data-testid="act-ended" title=${msg("Terminated")}>${icons.close(msg("Terminated"))} ${msg("Ended")}</span>` : nothing}
        </span>
        <span class="dur" title=${msg("Contact duration")}>${icons.clock()}<span data-testid="duration">${duration(end - start)}</span></span>
      </button>
      ${p.terminated && !this.expanded
        ? html`<button class="btn head-remove" data-testid="header-remove" aria-label=${msg(str`Remove the ended contact with ${name}`)}
            title=${msg("Remove from your console")} @click=${() => store.remove(c.id)}>${msg("Remove")}</button>`
        : nothing}
      </div>
      ${this.expanded ? this.renderBody(p, regionId, chatState, name) : nothing}
      ${this.uploading !== undefined
        ? html`<sp-upload .contactId=${c.id} .file=${this.uploading} @close=${() => (this.uploading = undefined)}></sp-upload>`
        : nothing}
      ${this.transferOpen
        ? html`<sp-transfer .contactId=${c.id} .visitorName=${name} @close=${() => (this.transferOpen = false)}></sp-transfer>`
        : nothing}
      ${this.viewing ? html`<sp-viewer .card=${this.viewing} @close=${() => (this.viewing = null)}></sp-viewer>` : nothing}
      ${this.confirming
        ? html`<div class="confirm" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title-${c.id}"
            @keydown=${(e: KeyboardEvent) => e.key === "Escape" && this.closeConfirm()}>
            <div class="box">
              <h3 id="confirm-title-${c.id}">${msg(str`End the contact with ${name}?`)}</h3>
              <p>${msg("The conversation stops for both of you. You cannot write to this visitor again in it.")}</p>
              <div class="actions">
                <button class="btn keep" data-testid="confirm-keep" @click=${() => this.closeConfirm()}>${msg("Keep talking")}</button>
                <button class="btn danger" data-testid="confirm-stop" @click=${() => {
                  this.closeConfirm(this.headerBtn);
                  void store.close(c.id);
                }}>${msg("End contact")}</button>
              </div>
            </div>
          </div>`
        : nothing}
    `;
  }

  private renderBody(p: Panel, regionId: string, chatState: MediaState, name: string) {
    const c = p.contact;
    const offline = store.conn !== "online";
    return html`
      <div class="bar" id=${regionId}>
        ${this.dataSharing(p)}
        ${this.mediaIcon("chat", msg("Chat"), chatState, icons.chat)}
        ${callIcons(p)}
        <span class="spacer"></span>
        <button class="icon-btn" data-testid="upload-tool" aria-label=${msg("Send a file")} title=${msg("Send a file (or drop one here, or paste an image)")}
          ?disabled=${p.terminated} @click=${() => (this.uploading = null)}>${icons.upload()}</button>
        <span class="tool-wrap">
          <button class="icon-btn ${c.translation ? "on" : ""}" data-testid="translate-tool" aria-haspopup="dialog"
            aria-expanded=${this.translateOpen ? "true" : "false"} ?disabled=${p.terminated}
            aria-label=${msg("Automatic translation")} title=${c.translation ? msg(str`Translating ${c.translation.visitor} ↔ ${c.translation.agent}`) : msg("Automatic translation")}
            @click=${() => (this.translateOpen = !this.translateOpen)}>${icons.translate()}</button>
          ${this.translateOpen
            ? html`<sp-translate .contact=${c} @done=${() => (this.translateOpen = false)}></sp-translate>`
            : nothing}
        </span>
        ${this.savedLinks(p)}
        <span class="tool-wrap">
          <button class="icon-btn" data-testid="colour-tool" aria-label=${msg("Colour tag")} title=${msg("Colour tag")} aria-haspopup="true"
            aria-expanded=${this.tagOpen ? "true" : "false"} ?disabled=${p.terminated} @click=${() => (this.tagOpen = !this.tagOpen)}
            style=${c.colour ? `color:${colourValue(c.colour)}` : ""}>${icons.tag()}</button>
          ${this.tagOpen
            ? html`<div class="swatches" role="radiogroup" aria-label=${msg("Colour tag")} @keydown=${(e: KeyboardEvent) => e.key === "Escape" && (this.tagOpen = false)}>
                ${colours().map(
                  ([value, label, hex]) => html`<button class="swatch ${value ? "" : "none"}" role="radio" aria-checked=${(c.colour ?? "") === value ? "true" : "false"}
                    aria-label=${label} title=${label} data-colour=${value} style=${value ? `background:${hex}` : ""}
                    @click=${() => {
                      this.tagOpen = false;
                      void store.setColour(c.id, value);
                    }}></button>`,
                )}
              </div>`
            : nothing}
        </span>
        ${c.state === "transferring" && !p.terminated
          ? html`<button class="btn" data-testid="transfer-cancel-pending" title=${msg("Call the pending transfer off")}
              @click=${() => void store.cancelTransfer(c.id)}>${icons.transfer()} ${msg("Cancel transfer")}</button>`
          : html`<button class="icon-btn" data-testid="transfer-tool" aria-label=${msg("Transfer to a colleague")} title=${msg("Transfer to a colleague or a group")}
              ?disabled=${p.terminated} @click=${() => (this.transferOpen = true)}>${icons.transfer()}</button>`}
        <button class="icon-btn stop" data-testid="stop" aria-label=${msg("Stop the contact")} title=${msg("Stop the contact")} ?disabled=${p.terminated}
          @click=${() => (this.confirming = true)}>${icons.stop()}</button>
      </div>
      ${callStage(p, name)}
      <div class="transcript" role="log" aria-live="polite" aria-label=${msg(str`Conversation with ${name}`)} data-testid="transcript">
        ${this.items(p).map((it) =>
          it.type === "msg"
            ? this.renderMessage(p, it.msg)
            : it.type === "note"
              ? noteCard(it.note, store.agent?.id)
              : html`<div class="sys ${it.line.tone}" data-testid="system-line">${it.line.text()} · ${clock(it.line.at)}</div>`,
        )}
        ${p.outgoing.map((o) => this.renderOutgoing(p, o))}
      </div>
      ${typingLine(p, name)}
      ${p.terminated
        ? html`<div class="ended-bar" data-testid="ended-bar">
            <span class="text">${c.closed_by === "visitor" ? msg(str`${name} left.`) : msg("Contact ended.")}${c.outcome ? " " + msg(str`Outcome: ${outcomeName(c.outcome)}.`) : ""}</span>
            <button class="btn" data-testid="remove" @click=${() => store.remove(c.id)}>${msg("Remove")}</button>
          </div>
          ${this.renderWrapUp(name)}`
        : this.renderComposer(c.id, c.translation, name, offline)}
    `;
  }
}
