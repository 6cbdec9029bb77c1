/** The widget's Lit element. Text is only ever bound as text (Lit escapes it): no unsafeHTML. */

import { html, LitElement, nothing, svg, type TemplateResult } from "lit";
import { live } from "lit/directives/live.js";
import { linkify, safeHref } from "../shared/linkify";
import type { WidgetSession } from "./session";
import { agentName } from "./agent";
import { attachmentBar, fileLine, ICON_CLIP, viewer } from "./file-view";
import { styles } from "./styles";
import { shownText, translationMark } from "./translation-mark";
import type { FileCard } from "../shared/protocol";
import type { AgentCard, Conversation, Message, Outgoing } from "./types";
import { FAILED_STATES } from "./types";

const ICON_CHAT = svg`<path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 6a1.3 1.3 0 1 0 0 2.6A1.3 1.3 0 0 0 7 10zm5 0a1.3 1.3 0 1 0 0 2.6 1.3 1.3 0 0 0 0-2.6zm5 0a1.3 1.3 0 1 0 0 2.6 1.3 1.3 0 0 0 0-2.6z"/>`;
const ICON_DOWN = svg`<path fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round" d="M6 9l6 6 6-6"/>`;
const ICON_MIN = svg`<path fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" d="M5 12h14"/>`;
const ICON_CLOSE = svg`<path fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" d="M6 6l12 12M18 6L6 18"/>`;
const ICON_SEND = svg`<path fill="currentColor" d="M3.4 20.4l17.5-7.5a1 1 0 0 0 0-1.8L3.4 3.6a1 1 0 0 0-1.4 1.1L4 11l9 1-9 1-2 6.3a1 1 0 0 0 1.4 1.1z"/>`;

function icon(path: TemplateResult<2>): TemplateResult {
  return html`<svg viewBox="0 0 24 24" aria-hidden="true">${path}</svg>`;
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? parts[0][0] + parts[parts.length - 1][0] : (parts[0] ?? "?").slice(0, 2);
  return letters.toUpperCase();
}

function clock(seconds: number): string {
  const d = new Date(seconds * 1000);
  return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function duration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, "0")}`;
}

function sameOrigin(url: string): boolean {
  try {
    return new URL(url).origin === location.origin;
  } catch {
    return false;
  }
}

export class SportelloWidget extends LitElement {
  static override styles = styles;

  session!: WidgetSession;
  private chosen: number | null = null;
  private confirming = false;
  private draft = "";
  private viewing: FileCard | null = null;
  private ticker = 0;
  private unsubscribe: (() => void) | null = null;
  private stickToBottom = true;
  /** Translated agent messages whose original the visitor asked to see. */
  private originals = new Set<number>();

  override connectedCallback(): void {
    super.connectedCallback();
    this.unsubscribe = this.session.subscribe(() => this.requestUpdate());
    this.ticker = window.setInterval(() => {
      if (this.session.conv?.state === "pending" && this.session.prefs.open) this.requestUpdate();
    }, 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
    window.clearInterval(this.ticker);
  }

  override updated(): void {
    const body = this.renderRoot.querySelector<HTMLElement>(".body.chat");
    if (body && this.stickToBottom) body.scrollTop = body.scrollHeight;
    const closeViewer = this.renderRoot.querySelector<HTMLElement>("[data-test=viewer-close]");
    if (closeViewer && !this.renderRoot.querySelector(".viewer:focus-within")) closeViewer.focus();
  }

  private onScroll(ev: Event): void {
    const el = ev.target as HTMLElement;
    this.stickToBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
  }

  // -- frame ---------------------------------------------------------------------------

  override render(): TemplateResult {
    const s = this.session;
    const open = s.prefs.open;
    const unread = s.unread;
    return html`<div
      class="wrap ${s.cfg.position}"
      style="--accent: ${s.cfg.colour}"
      data-state=${s.conv?.state ?? "none"}
    >
      ${open ? this.renderPanel() : nothing}
      <button
        class="launcher"
        data-test="launcher"
        aria-label=${open ? "Minimise the chat" : unread > 0 ? `${s.cfg.title}, ${unread} unread` : s.cfg.title}
        aria-expanded=${open ? "true" : "false"}
        @click=${() => s.setOpen(!open)}
      >
        ${icon(open ? ICON_DOWN : ICON_CHAT)}
        ${unread > 0 && !open
          ? html`<span class="badge" data-test="unread" aria-label="${unread} unread">${unread}</span>`
          : nothing}
      </button>
    </div>`;
  }

  private renderPanel(): TemplateResult {
    const s = this.session;
    const conv = s.conv;
    return html`<section class="panel" role="dialog" aria-label=${s.cfg.title} data-test="panel">
      ${this.renderHeader(conv)} ${this.renderContent(conv)}
      ${this.confirming ? this.renderConfirm() : nothing}
      ${this.viewing
        ? viewer(s, this.viewing, () => {
            this.viewing = null;
            this.requestUpdate();
          })
        : nothing}
    </section>`;
  }

  private renderHeader(conv: Conversation | null): TemplateResult {
    const s = this.session;
    const agent = conv?.agent && ["assigned", "transferring", "closed"].includes(conv.state)
      ? conv.agent
      : null;
    let sub: TemplateResult | string =
      conv?.serviceName ??
      (s.availableServices.length > 0 ? "We usually answer within minutes" : "Nobody is available right now");
    if (agent && conv) {
      sub = conv.state === "closed"
        ? "Conversation ended"
        : s.link !== "online"
          ? html`<span class="dot off" data-test="link-dot" data-link=${s.link}></span>Connecting…`
          : conv.agentAway
            ? html`<span class="dot away"></span>Reconnecting…`
            : html`<span class="dot" data-test="link-dot" data-link="online"></span>${conv.serviceName}`;
    }
    return html`<header>
      ${agent ? this.renderAvatar(agent) : nothing}
      <div class="who">
        <span class="title" data-test="agent-name">${agent ? agentName(agent) : s.cfg.title}</span>
        <span class="sub">${sub}</span>
      </div>
      <button class="icon-btn" data-test="minimise" aria-label="Minimise" title="Minimise"
        @click=${() => s.setOpen(false)}>${icon(ICON_MIN)}</button>
      <button class="icon-btn" data-test="close" aria-label="Close" title="Close"
        @click=${() => this.onClose()}>${icon(ICON_CLOSE)}</button>
    </header>`;
  }

  private renderAvatar(agent: AgentCard): TemplateResult {
    const src = agent.avatar_url ? safeHref(new URL(agent.avatar_url, this.session.cfg.base).href) : undefined;
    return html`<div class="avatar" data-test="avatar">
      ${src ? html`<img src=${src} alt="" />` : initials(agent.display_name)}
    </div>`;
  }

  private onClose(): void {
    const s = this.session;
    if (s.active) {
      this.confirming = true;
      this.requestUpdate();
    } else if (s.conv) {
      s.dismiss();
      s.setOpen(false);
    } else {
      s.backToStart();
      s.setOpen(false);
    }
  }

  private renderConfirm(): TemplateResult {
    const pending = this.session.conv?.state === "pending";
    const done = (yes: boolean): void => {
      this.confirming = false;
      this.requestUpdate();
      if (yes) void this.session.leave();
    };
    return html`<div class="overlay" data-test="confirm">
      <div class="dialog" role="alertdialog" aria-label="Confirm">
        <h2>${pending ? "Stop waiting?" : "End the conversation?"}</h2>
        <p class="muted">
          ${pending ? "You will lose your place in the queue." : "The agent will be told you left."}
        </p>
        <div class="row">
          <button class="secondary" data-test="confirm-no" @click=${() => done(false)}>Stay</button>
          <button class="primary danger" data-test="confirm-yes" @click=${() => done(true)}>
            ${pending ? "Stop waiting" : "End chat"}
          </button>
        </div>
      </div>
    </div>`;
  }

  private renderContent(conv: Conversation | null): TemplateResult {
    const s = this.session;
    if (s.flow === "left") return this.renderThanks();
    if (s.flow === "leave") return this.renderLeaveForm("");
    if (conv) {
      if (conv.state === "pending") return this.renderQueue(conv);
      if (FAILED_STATES.includes(conv.state)) return this.renderFailed(conv);
      return this.renderChat(conv);
    }
    if (s.services === null) {
      return html`<div class="body"><div class="center muted" data-test="loading">Loading…</div></div>`;
    }
    if (s.refused) {
      return html`<div class="body"><div class="center" data-test="refused">
        <h2>Chat is not available here</h2>
        <p class="muted">This website is not set up for live chat with us.</p>
      </div></div>`;
    }
    if (s.availableServices.length === 0 && !s.takesMessages) {
      return html`<div class="body"><div class="center" data-test="nobody">
        <h2>Nobody is available</h2>
        <p class="muted">Nobody can chat right now. Please try again later.</p>
      </div></div>`;
    }
    if (s.availableServices.length === 0) {
      return this.renderLeaveForm(
        s.servicesError
          ? "We cannot reach the chat right now."
          : "Nobody is available to chat right now. Leave us a message and we will get back to you by e-mail.",
      );
    }
    return this.renderStart();
  }

  // -- start ---------------------------------------------------------------------------

  private renderStart(): TemplateResult {
    const s = this.session;
    const available = s.availableServices;
    const fixed = s.cfg.service !== "" || available.length === 1;
    const chosen = fixed ? available[0].id : available.find((x) => x.id === this.chosen)?.id ?? null;
    const submit = (ev: SubmitEvent): void => {
      ev.preventDefault();
      const form = ev.target as HTMLFormElement;
      const name = (form.elements.namedItem("name") as HTMLInputElement).value.trim();
      const message = (form.elements.namedItem("message") as HTMLTextAreaElement).value.trim();
      if (chosen === null || !name) return;
      const medium = (ev.submitter as HTMLButtonElement | null)?.dataset.medium;
      void s.request(chosen, name, message, medium === "voice" || medium === "video" ? medium : "chat");
    };
    const callMedia = (["voice", "video"] as const).filter((m) =>
      available.find((x) => x.id === chosen)?.available_media.includes(m),
    );
    return html`<div class="body">
        <div class="greeting">${s.cfg.greeting}</div>
        ${s.notice ? html`<div class="notice error" data-test="notice">${s.notice}</div>` : nothing}
        <form @submit=${submit} data-test="start-form">
          ${fixed
            ? html`<p class="muted small">You will talk to <strong>${available[0].name}</strong>.</p>`
            : html`<fieldset class="services" data-test="services">
                <legend>What do you need help with?</legend>
                ${available.map(
                  (svc) => html`<button type="button" class="service" data-test="service"
                    data-service=${svc.name} aria-pressed=${svc.id === chosen ? "true" : "false"}
                    @click=${() => {
                      this.chosen = svc.id;
                      this.requestUpdate();
                    }}>
                    ${svc.name}<span class="lang">${svc.language}</span>
                  </button>`,
                )}
              </fieldset>`}
          <label>Your name
            <input name="name" data-test="name" required maxlength="120" autocomplete="name"
              .value=${s.prefs.name} />
          </label>
          <label><span>Your question <span class="muted small">(optional)</span></span>
            <textarea name="message" data-test="first-message" rows="2" maxlength="10000"></textarea>
          </label>
          <button class="primary" type="submit" data-test="start" ?disabled=${chosen === null}>
            Start chat
          </button>
          ${callMedia.length > 0
            ? html`<div class="start-call">
                ${callMedia.map(
                  (m) => html`<button class="secondary" type="submit" data-medium=${m} data-test="start-${m}">
                    ${m === "video" ? "Start a video call" : "Start a voice call"}</button>`,
                )}
              </div>`
            : nothing}
        </form>
      </div>
      <div class="footer">Powered by Sportello</div>`;
  }

  private renderLeaveForm(intro: string): TemplateResult {
    const s = this.session;
    const fixed = s.messageService;
    const submit = (ev: SubmitEvent): void => {
      ev.preventDefault();
      const form = ev.target as HTMLFormElement;
      const value = (n: string): string =>
        (form.elements.namedItem(n) as HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement).value.trim();
      const serviceId = fixed ? fixed.id : Number(value("service"));
      if (!serviceId) return;
      void s.leaveMessage(serviceId, value("name"), value("email"), value("text"));
    };
    return html`<div class="body" data-test="leave">
      <h2>Leave us a message</h2>
      ${intro ? html`<p class="muted" data-test="leave-intro">${intro}</p>` : nothing}
      ${s.notice ? html`<div class="notice error" data-test="notice">${s.notice}</div>` : nothing}
      <form @submit=${submit} data-test="leave-form">
        ${fixed
          ? html`<p class="muted small" data-test="leave-service">About <strong>${fixed.name}</strong></p>`
          : html`<label>What is it about?
              <select name="service" data-test="leave-service-choice" required>
                <option value="" selected disabled>Choose…</option>
                ${s.messageServices.map((svc) => html`<option value=${svc.id}>${svc.name}</option>`)}
              </select>
            </label>`}
        <label>Your name
          <input name="name" data-test="leave-name" required maxlength="120" autocomplete="name"
            .value=${s.prefs.name} />
        </label>
        <label>Your e-mail
          <input name="email" type="email" data-test="leave-email" required maxlength="200"
            autocomplete="email" .value=${s.prefs.email} />
        </label>
        <label>Your message
          <textarea name="text" data-test="leave-text" required rows="4" maxlength="10000"
            .value=${s.unansweredQuestion}></textarea>
        </label>
        <button class="primary" type="submit" data-test="leave-send">Send message</button>
        ${s.flow === "leave"
          ? html`<button class="secondary" type="button" @click=${() => s.dismiss()}>Back</button>`
          : nothing}
      </form>
    </div>`;
  }

  private renderThanks(): TemplateResult {
    return html`<div class="body"><div class="center" data-test="left">
      <h2>Thank you!</h2>
      <p class="muted">We have your message and will answer by e-mail.</p>
      <button class="secondary" @click=${() => this.session.dismiss()}>Done</button>
    </div></div>`;
  }

  // -- waiting -------------------------------------------------------------------------

  private renderQueue(conv: Conversation): TemplateResult {
    const waited = this.session.serverNow() - (conv.queuedAt ?? conv.createdAt);
    return html`${this.renderLink()}
      <div class="body" data-test="queue">
        <div class="center">
          <div class="pulse"><span></span></div>
          ${conv.requeuedFrom
            ? html`<h2>Connecting you to another agent…</h2>
                <p data-test="requeued">${conv.requeuedFrom} was disconnected. Your conversation is kept.</p>`
            : html`<h2>Connecting you to an agent…</h2>`}
          <p class="muted">${conv.serviceName}</p>
          <p class="muted small">Time waited</p>
          <div class="waited" data-test="waited" aria-label="time waited">${duration(waited)}</div>
          <p class="muted small">You can keep browsing this site; the chat follows you.</p>
        </div>
        ${conv.messages.length || conv.outbox.length
          ? html`<div class="transcript">${this.renderMessages(conv)}</div>`
          : nothing}
      </div>
      <div class="ended">
        <button class="secondary" data-test="cancel" @click=${() => {
          this.confirming = true;
          this.requestUpdate();
        }}>Cancel</button>
      </div>`;
  }

  private renderFailed(conv: Conversation): TemplateResult {
    const s = this.session;
    const fallback =
      conv.state === "rejected"
        ? "Sorry, nobody is available right now."
        : "Sorry, all our agents are busy right now.";
    return html`<div class="body"><div class="center" data-test="failed">
      <h2>Nobody is available</h2>
      <p data-test="dissuasion">${conv.endMessage || fallback}</p>
      ${s.takesMessages
        ? html`<button class="primary" data-test="leave-instead" @click=${() => s.showLeaveForm()}>
            Leave a message
          </button>`
        : nothing}
      <button class="secondary" data-test="again" @click=${() => s.dismiss()}>Try again</button>
    </div></div>`;
  }

  // -- chat ----------------------------------------------------------------------------

  private renderLink(): TemplateResult | typeof nothing {
    const s = this.session;
    if (!s.active) return nothing;
    if (s.conv?.agentAway) {
      return html`<div class="banner" data-test="agent-away">
        ${agentName(s.conv.agent)} is reconnecting… your messages will be delivered.
      </div>`;
    }
    if (s.link !== "online") {
      return html`<div class="banner offline" data-test="offline">Reconnecting to the chat…</div>`;
    }
    if (s.conv?.state === "transferring") {
      return html`<div class="banner" data-test="transferring">
        You are being transferred to a colleague… you can keep writing meanwhile.
      </div>`;
    }
    return nothing;
  }

  private renderChat(conv: Conversation): TemplateResult {
    const s = this.session;
    const ended = conv.state === "closed";
    return html`${this.renderLink()}${this.renderOfferedLink(conv)}${ended ? nothing : this.renderCall(conv)}
      <div class="body chat" data-test="chat" @scroll=${(e: Event) => this.onScroll(e)}>
        <div class="transcript" data-test="transcript">
          ${this.renderMessages(conv)}
          ${ended
            ? html`<div class="event" data-test="ended-note">
                ${conv.endMessage ??
                (conv.closedBy === "visitor" ? "You ended the conversation." : `${agentName(conv.agent)} ended the conversation.`)}
              </div>`
            : nothing}
        </div>
        ${s.agentTyping && !ended
          ? html`<div class="typing" data-test="typing">
              <span class="dots"><i></i><i></i><i></i></span>${agentName(conv.agent)} is typing…
            </div>`
          : nothing}
      </div>
      ${ended ? this.renderEnded() : this.renderComposer()}`;
  }

  /** Voice/video: the buttons to ask, the incoming-call prompt, the call itself. */
  private renderCall(conv: Conversation): TemplateResult | typeof nothing {
    const calls = this.session.calls;
    const call = calls.call;
    const agent = agentName(conv.agent);
    if (!call) {
      const media = (["voice", "video"] as const).filter((m) => calls.media.includes(m));
      return html`${calls.notice ? html`<div class="call-notice" role="status" data-test="call-notice">${calls.notice}</div>` : nothing}
        ${media.length > 0
          ? html`<div class="call-bar" data-test="call-bar">
              <span class="label">Talk with ${agent}</span>
              ${media.map(
                (m) => html`<button class="secondary" data-test="call-ask-${m}" @click=${() => calls.ask(m)}>
                  ${m === "video" ? "Video call" : "Voice call"}</button>`,
              )}
            </div>`
          : nothing}`;
    }
    const kind = call.requested === "video" ? "video call" : "voice call";
    if (calls.ending === call.id) {
      return html`<div class="call-bar" role="status" data-test="call-ending"><span class="label">Ending the ${kind}…</span></div>`;
    }
    if (call.state === "offered" && call.started_by === "agent") {
      return html`<div class="call-prompt" role="alertdialog" aria-label="Incoming ${kind}" data-test="call-prompt">
        <strong>${agent} is inviting you to a ${kind}</strong>
        ${call.requested === "video"
          ? html`<button class="primary" data-test="call-accept-video" @click=${() => calls.accept("video")}>Accept with video</button>
              <button class="secondary" data-test="call-accept-voice" @click=${() => calls.accept("voice")}>Voice only</button>`
          : html`<button class="primary" data-test="call-accept-voice" @click=${() => calls.accept("voice")}>Accept</button>`}
        <button class="secondary" data-test="call-decline" @click=${() => calls.decline()}>Decline</button>
      </div>`;
    }
    if (call.state === "offered") {
      return html`<div class="call-bar" data-test="call-waiting">
        <span class="label">Asking ${agent} for a ${kind}…</span>
        <button class="secondary" data-test="call-hang-up" @click=${() => calls.hangUp()}>Cancel</button>
      </div>`;
    }
    const peer = calls.peer;
    const reconnecting = calls.reconnecting || this.session.link !== "online";
    const status = reconnecting ? "Reconnecting the call…" : call.state === "connected" ? "Connected" : "Connecting…";
    return html`<div class="call-stage" data-test="call-stage" data-call-state=${call.state}
      data-reconnecting=${reconnecting ? "true" : "false"}>
      <div class="picture ${call.requested === "video" ? "" : "voice"}" data-test="call-picture">
        <span class="status ${reconnecting ? "reconnecting" : ""}" data-test="call-status">${status} · ${kind}</span>
        ${call.requested === "video"
          ? html`<video class="remote" data-test="remote-video" autoplay playsinline .srcObject=${live(peer?.remote ?? null)}></video>`
          : html`<div class="voice-only">${agent}</div>
              <audio data-test="remote-audio" autoplay .srcObject=${live(peer?.remote ?? null)}></audio>`}
        ${peer?.sendsVideo
          ? html`<video class="local" data-test="local-video" autoplay playsinline muted .srcObject=${live(peer.local)}></video>`
          : nothing}
      </div>
      <div class="call-controls">
        ${peer
          ? html`<button data-test="call-mute" aria-pressed=${peer.muted ? "true" : "false"} @click=${() => peer.setMuted(!peer.muted)}>
                ${peer.muted ? "Unmute" : "Mute"}</button>
              ${peer.sendsVideo
                ? html`<button data-test="call-camera" aria-pressed=${peer.cameraOff ? "true" : "false"}
                    @click=${() => peer.setCameraOff(!peer.cameraOff)}>${peer.cameraOff ? "Camera on" : "Camera off"}</button>`
                : nothing}
              <button data-test="call-switch" @click=${() => void peer.switchDevice()}>Switch device</button>`
          : nothing}
        <button class="hang-up" data-test="call-hang-up" @click=${() => calls.hangUp()}>Hang up</button>
      </div>
    </div>`;
  }

  private renderEnded(): TemplateResult {
    return html`<div class="ended" data-test="ended">
      <strong>The conversation has ended</strong>
      <button class="primary" data-test="new-chat" @click=${() => this.session.dismiss()}>
        Start a new conversation
      </button>
    </div>`;
  }

  private renderComposer(): TemplateResult {
    const s = this.session;
    const attached = s.files.current;
    const clearInput = (): void => {
      this.draft = "";
      this.stickToBottom = true;
      const area = this.renderRoot.querySelector<HTMLTextAreaElement>("textarea.input");
      if (area) area.value = "";
      this.requestUpdate();
    };
    const send = (): void => {
      const text = this.draft.trim();
      if (attached) {
        void s.sendFile(text).then((sent) => sent && clearInput());
        return;
      }
      if (!text) return;
      s.send(text);
      clearInput();
    };
    const pick = (e: Event): void => {
      const input = e.target as HTMLInputElement;
      const file = input.files?.[0];
      if (file) s.files.attach(file);
      input.value = "";
    };
    return html`${attachmentBar(s)}<div class="composer"
      @dragover=${(e: DragEvent) => e.dataTransfer?.types.includes("Files") && e.preventDefault()}
      @drop=${(e: DragEvent) => {
        const file = e.dataTransfer?.files[0];
        if (!file) return;
        e.preventDefault();
        s.files.attach(file);
      }}>
      <button class="clip" data-test="attach" aria-label="Attach a file" title="Attach a file (up to ${s.files.limits.upload_text})"
        @click=${() => this.renderRoot.querySelector<HTMLInputElement>("input[type=file]")?.click()}>${icon(ICON_CLIP)}</button>
      <input type="file" hidden data-test="file-input" @change=${pick} />
      <label class="sr-only" for="sportello-input">Message</label>
      <textarea id="sportello-input" class="input" data-test="input" rows="1" maxlength="10000"
        placeholder=${attached ? "Add a description (optional)…" : "Write a message…"} .value=${this.draft}
        @paste=${(e: ClipboardEvent) => {
          const file = [...(e.clipboardData?.files ?? [])][0];
          if (!file) return;
          e.preventDefault();
          s.files.attach(file);
        }}
        @input=${(e: InputEvent) => {
          this.draft = (e.target as HTMLTextAreaElement).value;
          s.typing(this.draft.trim() !== "");
          this.requestUpdate();
        }}
        @keydown=${(e: KeyboardEvent) => {
          if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            send();
          }
        }}></textarea>
      <button class="send" data-test="send" aria-label="Send"
        ?disabled=${attached ? !!attached.error || attached.progress !== null : !this.draft.trim()}
        @click=${send}>${icon(ICON_SEND)}</button>
    </div>`;
  }

  /**
   * The transcript in the order things happened: the messages (by id), with "joined the chat"
   * and each takeover before the first message written after it. A conversation stored before
   * the join time was kept puts the join before the agent's first message.
   */
  private renderMessages(conv: Conversation): TemplateResult[] {
    const events: { at: number; view: TemplateResult }[] = (conv.takeovers ?? []).map((t) => ({
      at: t.at,
      view: html`<div class="event" data-test="transfer-joined">${agentName(t.agent)} joined the chat</div>`,
    }));
    const firstAgent = conv.messages.find((m) => m.sender === "agent");
    if (firstAgent || (conv.agent && conv.state !== "pending")) {
      const at = conv.joinedAt ?? firstAgent?.created_at ?? Number.POSITIVE_INFINITY;
      events.push({ at, view: this.renderJoined(conv) });
    }
    events.sort((a, b) => a.at - b.at);
    const out: TemplateResult[] = [];
    for (const m of conv.messages) {
      while (events.length && events[0]!.at <= m.created_at) out.push(events.shift()!.view);
      out.push(this.renderMessage(m));
    }
    out.push(...events.map((e) => e.view));
    for (const o of conv.outbox) out.push(this.renderOutgoing(o));
    return out;
  }

  private renderJoined(conv: Conversation): TemplateResult {
    const first = conv.takeovers?.[0]?.previous ?? conv.agent;
    return html`<div class="event" data-test="joined">${agentName(first)} joined the chat</div>`;
  }

  /** Links to this site open here (the chat follows the visitor); others in a new tab. */
  private renderText(text: string): TemplateResult[] {
    return linkify(text).map((p) =>
      p.href
        ? sameOrigin(p.href)
          ? html`<a href=${p.href}>${p.text}</a>`
          : html`<a href=${p.href} target="_blank" rel="noopener noreferrer">${p.text}</a>`
        : html`${p.text}`,
    );
  }

  private renderOfferedLink(conv: Conversation): TemplateResult | typeof nothing {
    const url = conv.offeredLink;
    if (!url || conv.state === "closed") return nothing;
    return html`<div class="banner offer" data-test="offered-link">
      <span>${agentName(conv.agent)} suggests this page:</span>
      ${sameOrigin(url)
        ? html`<a href=${url} data-test="offered-open">${url}</a>`
        : html`<a href=${url} target="_blank" rel="noopener noreferrer" data-test="offered-open">${url}</a>`}
      <button class="icon-btn dark" aria-label="Dismiss" @click=${() => this.session.dismissOfferedLink()}>✕</button>
    </div>`;
  }

  private renderMessage(m: Message): TemplateResult {
    const original = this.originals.has(m.id);
    let mark: TemplateResult | typeof nothing = nothing;
    if (m.sender === "visitor") {
      const state = m.read_at ? "read" : m.delivered_at ? "delivered" : "sent";
      mark = html`<span class="mark ${state}" data-test="mark" data-mark=${state}
        title=${state}>${state === "sent" ? "✓" : "✓✓"}</span>`;
    }
    const body = m.file
      ? fileLine(this.session, m.file, (card) => {
          this.viewing = card;
          this.requestUpdate();
        })
      : this.renderText(shownText(m, original));
    const translated = translationMark(m, original, () => {
      if (original) this.originals.delete(m.id);
      else this.originals.add(m.id);
      this.requestUpdate();
    });
    return html`<div class="msg ${m.sender}" data-test="msg" data-id=${m.id} data-sender=${m.sender}>
      <div class="bubble ${m.file ? "with-file" : ""}" data-test="text">${body}</div>
      <div class="meta">${mark}<time>${clock(m.created_at)}</time></div>
      ${translated}
    </div>`;
  }

  private renderOutgoing(o: Outgoing): TemplateResult {
    return html`<div class="msg visitor" data-test="msg" data-sender="visitor" data-pending="1">
      <div class="bubble" data-test="text">${this.renderText(o.text)}</div>
      <div class="meta">
        ${o.failed
          ? html`<span class="mark failed" data-mark="failed">Not sent ·
              <button @click=${() => this.session.retry(o.client_msg_id)}>retry</button></span>`
          : html`<span class="mark" data-mark="sending" title="sending">…</span>`}
        <time>${clock(o.created_at)}</time>
      </div>
    </div>`;
  }
}
