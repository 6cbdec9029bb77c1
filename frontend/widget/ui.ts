/** The widget's Lit element. Text is only ever bound as text (Lit escapes it): no unsafeHTML. */

import { typingPreviewNote } from "./privacy";
import { msg, str, updateWhenLocaleChanges } from "@lit/localize";
import { html, LitElement, nothing, svg, type TemplateResult } from "lit";
import { live } from "lit/directives/live.js";
import { formatBytes } from "../shared/files";
import { linkify, safeHref } from "../shared/linkify";
import { formatDuration, formatMinutes, formatNumber, formatTime, languageName, plural } from "../shared/locale";
import { getLocale } from "./language";
import type { WidgetSession } from "./session";
import { agentName } from "./agent";
import { attachmentBar, fileLine, ICON_CLIP, viewer } from "./file-view";
import { styles } from "./styles";
import { renderEnding } from "./ending-view";
import { shownText, translationMark } from "./translation-mark";
import { readPrechat, renderPrechat, shownFields } from "./prechat-view";
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

/** "2:05": the waiting counter (the same in every language; its label says it in words). */
function duration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, "0")}`;
}

/** "Dolores joined the chat" (a line of the transcript). */
function joinedText(agent: AgentCard | null): string {
  const name = agentName(agent);
  return msg(str`${name} joined the chat`, { id: "w.chat.joined" });
}

function supervisorJoinedText(supervisor: AgentCard): string {
  const name = agentName(supervisor);
  return msg(str`${name}, a supervisor, joined the conversation`, { id: "w.chat.supervisor_joined" });
}

function supervisorLeftText(supervisor: AgentCard): string {
  const name = agentName(supervisor);
  return msg(str`${name}, a supervisor, left the conversation`, { id: "w.chat.supervisor_left" });
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

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

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
    const count = formatNumber(unread);
    const unreadText = plural(
      unread,
      msg(str`${count} unread message`, { id: "w.launcher.unread.one" }),
      msg(str`${count} unread messages`, { id: "w.launcher.unread.other" }),
    );
    return html`<div
      class="wrap ${s.cfg.position}"
      lang=${getLocale()}
      style="--accent: ${s.cfg.colour}"
      data-state=${s.conv?.state ?? "none"}
    >
      ${open ? this.renderPanel() : nothing}
      ${!open && s.invitation ? this.renderInvitation(s.invitation.text) : nothing}
      <button
        class="launcher"
        data-test="launcher"
        aria-label=${open ? msg("Minimise the chat", { id: "w.launcher.minimise" }) : unread > 0 ? `${this.chatTitle}, ${unreadText}` : this.chatTitle}
        aria-expanded=${open ? "true" : "false"}
        @click=${() => s.setOpen(!open)}
      >
        ${icon(open ? ICON_DOWN : ICON_CHAT)}
        ${unread > 0 && !open
          ? html`<span class="badge" data-test="unread" aria-label=${unreadText}>${count}</span>`
          : nothing}
      </button>
    </div>`;
  }

  private renderInvitation(text: string): TemplateResult {
    const s = this.session;
    return html`<aside class="invitation" data-test="invitation" aria-label=${msg("Invitation to chat", { id: "w.invite.label" })}>
      <button class="invitation-close" data-test="invitation-dismiss" aria-label=${msg("No, thanks", { id: "w.invite.dismiss" })}
        @click=${() => s.dismissInvitation()}>${icon(ICON_CLOSE)}</button>
      <p data-test="invitation-text">${text || msg("Can we help? Chat with us now.", { id: "w.invite.text" })}</p>
      <button class="primary" data-test="invitation-accept" @click=${() => s.acceptInvitation()}>
        ${msg("Start chat", { id: "w.start.chat" })}</button>
    </aside>`;
  }

  /** The page's title for the chat, else the widget's own. */
  private get chatTitle(): string {
    return this.session.cfg.title || msg("Chat with us", { id: "w.title" });
  }

  private renderPanel(): TemplateResult {
    const s = this.session;
    const conv = s.conv;
    return html`<section class="panel" role="dialog" aria-label=${this.chatTitle} data-test="panel">
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
      (s.availableServices.length > 0
        ? msg("We usually answer within minutes", { id: "w.header.usually" })
        : s.closedNow
          ? msg("We are closed", { id: "w.closed.title" })
          : msg("Nobody is available right now", { id: "w.header.nobody" }));
    if (agent && conv) {
      sub = conv.state === "closed"
        ? msg("Conversation ended", { id: "w.header.ended" })
        : s.link !== "online"
          ? html`<span class="dot off" data-test="link-dot" data-link=${s.link}></span>${msg("Connecting…", { id: "w.header.connecting" })}`
          : conv.agentAway
            ? html`<span class="dot away"></span>${msg("Reconnecting…", { id: "w.header.reconnecting" })}`
            : html`<span class="dot" data-test="link-dot" data-link="online"></span>${conv.serviceName}`;
    }
    return html`<header>
      ${agent ? this.renderAvatar(agent) : nothing}
      <div class="who">
        <span class="title" data-test="agent-name">${agent ? agentName(agent) : this.chatTitle}</span>
        <span class="sub">${sub}</span>
      </div>
      <button class="icon-btn" data-test="minimise" aria-label=${msg("Minimise", { id: "w.header.minimise" })}
        title=${msg("Minimise", { id: "w.header.minimise" })}
        @click=${() => s.setOpen(false)}>${icon(ICON_MIN)}</button>
      <button class="icon-btn" data-test="close" aria-label=${msg("Close", { id: "w.header.close" })}
        title=${msg("Close", { id: "w.header.close" })}
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
      <div class="dialog" role="alertdialog" aria-label=${msg("Confirm", { id: "w.confirm.label" })}>
        <h2>${pending ? msg("Stop waiting?", { id: "w.confirm.stop_waiting.title" }) : msg("End the conversation?", { id: "w.confirm.end.title" })}</h2>
        <p class="muted">
          ${pending
            ? msg("You will lose your place in the queue.", { id: "w.confirm.stop_waiting.text" })
            : msg("The agent will be told you left.", { id: "w.confirm.end.text" })}
        </p>
        <div class="row">
          <button class="secondary" data-test="confirm-no" @click=${() => done(false)}>${msg("Stay", { id: "w.confirm.stay" })}</button>
          <button class="primary danger" data-test="confirm-yes" @click=${() => done(true)}>
            ${pending ? msg("Stop waiting", { id: "w.confirm.stop_waiting" }) : msg("End chat", { id: "w.confirm.end" })}
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
      return html`<div class="body"><div class="center muted" data-test="loading">${msg("Loading…", { id: "w.loading" })}</div></div>`;
    }
    if (s.refused) {
      return html`<div class="body"><div class="center" data-test="refused">
        <h2>${msg("Chat is not available here", { id: "w.refused.title" })}</h2>
        <p class="muted">${msg("This website is not set up for live chat with us.", { id: "w.refused.text" })}</p>
      </div></div>`;
    }
    if (s.availableServices.length === 0 && !s.takesMessages && s.closedNow) {
      return html`<div class="body"><div class="center" data-test="closed">
        <h2>${msg("We are closed", { id: "w.closed.title" })}</h2>
        <p class="muted">${msg("Nobody can chat outside our opening hours. Please come back later.", { id: "w.closed.text" })}</p>
      </div></div>`;
    }
    if (s.availableServices.length === 0 && !s.takesMessages) {
      return html`<div class="body"><div class="center" data-test="nobody">
        <h2>${msg("Nobody is available", { id: "w.nobody.title" })}</h2>
        <p class="muted">${msg("Nobody can chat right now. Please try again later.", { id: "w.nobody.text" })}</p>
      </div></div>`;
    }
    if (s.availableServices.length === 0) {
      return this.renderLeaveForm(
        s.servicesFailed
          ? msg("We cannot reach the chat right now.", { id: "w.leave.unreachable" })
          : s.closedNow
            ? msg("We are closed right now. Leave us a message and we will get back to you by e-mail.", { id: "w.leave.closed" })
            : msg("Nobody is available to chat right now. Leave us a message and we will get back to you by e-mail.", {
              id: "w.leave.nobody",
            }),
      );
    }
    return this.renderStart();
  }

  // -- start ---------------------------------------------------------------------------

  private renderStart(): TemplateResult {
    const s = this.session;
    const available = s.availableServices;
    const fixed = s.cfg.service !== "" || available.length === 1;
    const chosen = fixed
      ? available[0].id
      : (available.find((x) => x.id === (this.chosen ?? s.invitedService))?.id ?? null);
    const service = available.find((x) => x.id === chosen);
    const fields = shownFields(service?.prechat_fields ?? [], s.identity);
    const signedName = s.identity?.name.trim() ?? "";
    const submit = (ev: SubmitEvent): void => {
      ev.preventDefault();
      const form = ev.target as HTMLFormElement;
      const told = readPrechat(form, service?.prechat_fields ?? [], s.identity);
      const message = (form.elements.namedItem("message") as HTMLTextAreaElement).value.trim();
      if (chosen === null) return;
      const medium = (ev.submitter as HTMLButtonElement | null)?.dataset.medium;
      void s.request(chosen, told.name, message, medium === "voice" || medium === "video" ? medium : "chat", {
        email: told.email,
        answers: told.answers,
      });
    };
    const callMedia = (["voice", "video"] as const).filter((m) =>
      available.find((x) => x.id === chosen)?.available_media.includes(m),
    );
    return html`<div class="body">
        <div class="greeting">${s.cfg.greeting || msg("Hi! How can we help you today?", { id: "w.start.greeting" })}</div>
        ${s.notice ? html`<div class="notice error" data-test="notice">${s.notice}</div>` : nothing}
        <form @submit=${submit} data-test="start-form">
          ${fixed
            ? html`<p class="muted small">${msg(html`You will talk to <strong>${available[0].name}</strong>.`, { id: "w.start.fixed" })}</p>`
            : html`<fieldset class="services" data-test="services">
                <legend>${msg("What do you need help with?", { id: "w.start.services" })}</legend>
                ${available.map(
                  (svc) => html`<button type="button" class="service" data-test="service"
                    data-service=${svc.name} aria-pressed=${svc.id === chosen ? "true" : "false"}
                    @click=${() => {
                      this.chosen = svc.id;
                      this.requestUpdate();
                    }}>
                    ${svc.name}<span class="lang" title=${languageName(svc.language)}>${svc.language}</span>
                  </button>`,
                )}
              </fieldset>`}
          ${signedName
            ? html`<p class="muted small" data-test="signed-in">${msg(str`Signed in as ${signedName}`, { id: "w.start.signed_in" })}</p>`
            : nothing}
          ${renderPrechat(fields, service?.privacy_url ?? "", s.problems, s.prefs.name, s.prefs.email)}
          <label><span>${msg("Your question", { id: "w.start.question" })} <span class="muted small">${msg("(optional)", { id: "w.form.optional" })}</span></span>
            <textarea name="message" data-test="first-message" rows="2" maxlength="10000"></textarea>
          </label>
          <button class="primary" type="submit" data-test="start" ?disabled=${chosen === null}>
            ${msg("Start chat", { id: "w.start.chat" })}
          </button>
          ${callMedia.length > 0
            ? html`<div class="start-call">
                ${callMedia.map(
                  (m) => html`<button class="secondary" type="submit" data-medium=${m} data-test="start-${m}">
                    ${m === "video" ? msg("Start a video call", { id: "w.start.video" }) : msg("Start a voice call", { id: "w.start.voice" })}</button>`,
                )}
              </div>`
            : nothing}
        </form>
      </div>
      <div class="footer">${msg(html`Powered by <span translate="no">Sportello</span>`, { id: "w.footer" })}</div>`;
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
      <h2>${msg("Leave us a message", { id: "w.leave.title" })}</h2>
      ${intro ? html`<p class="muted" data-test="leave-intro">${intro}</p>` : nothing}
      ${s.notice ? html`<div class="notice error" data-test="notice">${s.notice}</div>` : nothing}
      <form @submit=${submit} data-test="leave-form">
        ${fixed
          ? html`<p class="muted small" data-test="leave-service">${msg(html`About <strong>${fixed.name}</strong>`, { id: "w.leave.about" })}</p>`
          : html`<label>${msg("What is it about?", { id: "w.leave.service" })}
              <select name="service" data-test="leave-service-choice" required>
                <option value="" selected disabled>${msg("Choose…", { id: "w.leave.choose" })}</option>
                ${s.messageServices.map((svc) => html`<option value=${svc.id}>${svc.name}</option>`)}
              </select>
            </label>`}
        <label>${msg("Your name", { id: "w.form.name" })}
          <input name="name" data-test="leave-name" required maxlength="120" autocomplete="name"
            .value=${s.prefs.name} />
        </label>
        <label>${msg("Your e-mail", { id: "w.leave.email" })}
          <input name="email" type="email" data-test="leave-email" required maxlength="200"
            autocomplete="email" .value=${s.prefs.email} />
        </label>
        <label>${msg("Your message", { id: "w.leave.text" })}
          <textarea name="text" data-test="leave-text" required rows="4" maxlength="10000"
            .value=${s.unansweredQuestion}></textarea>
        </label>
        <button class="primary" type="submit" data-test="leave-send">${msg("Send message", { id: "w.leave.send" })}</button>
        ${s.flow === "leave"
          ? html`<button class="secondary" type="button" @click=${() => s.dismiss()}>${msg("Back", { id: "w.leave.back" })}</button>`
          : nothing}
      </form>
    </div>`;
  }

  private renderThanks(): TemplateResult {
    return html`<div class="body"><div class="center" data-test="left">
      <h2>${msg("Thank you!", { id: "w.left.title" })}</h2>
      <p class="muted">${msg("We have your message and will answer by e-mail.", { id: "w.left.text" })}</p>
      <button class="secondary" @click=${() => this.session.dismiss()}>${msg("Done", { id: "w.left.done" })}</button>
    </div></div>`;
  }

  // -- waiting -------------------------------------------------------------------------

  private renderQueue(conv: Conversation): TemplateResult {
    const waited = this.session.serverNow() - (conv.queuedAt ?? conv.createdAt);
    return html`${this.renderLink()}
      <div class="body" data-test="queue">
        <div class="center">
          <div class="pulse"><span></span></div>
          ${conv.requeuedFrom !== null && conv.requeuedFrom !== undefined
            ? html`<h2>${msg("Connecting you to another agent…", { id: "w.queue.requeued.title" })}</h2>
                <p data-test="requeued">${this.requeuedText(conv.requeuedFrom)}</p>`
            : conv.queued
              ? html`<h2>${msg("All our agents are busy", { id: "w.queue.busy.title" })}</h2>
                  <p data-test="queued">${msg("You are in the queue: we will connect you as soon as an agent is free.", { id: "w.queue.busy" })}</p>`
              : html`<h2>${msg("Connecting you to an agent…", { id: "w.queue.title" })}</h2>`}
          <p class="muted">${conv.serviceName}</p>
          ${conv.place ? this.renderPlace(conv.place.position, conv.place.waitMinutes) : nothing}
          <p class="muted small" id="sportello-waited">${msg("Time waited", { id: "w.queue.waited" })}</p>
          <div class="waited" data-test="waited" role="timer" aria-labelledby="sportello-waited"
            title=${formatDuration(waited)}>${duration(waited)}</div>
          <p class="muted small">${msg("You can keep browsing this site; the chat follows you.", { id: "w.queue.browse" })}</p>
        </div>
        ${conv.messages.length || conv.outbox.length
          ? html`<div class="transcript">${this.renderMessages(conv)}</div>`
          : nothing}
      </div>
      <div class="ended">
        <button class="secondary" data-test="cancel" @click=${() => {
          this.confirming = true;
          this.requestUpdate();
        }}>${msg("Cancel", { id: "w.queue.cancel" })}</button>
      </div>`;
  }

  /** "You are number 2 in line" and, when the service has answered enough lately, the wait
   * it suggests, said roughly (the server rounds it: docs/protocol.md, Queue place). */
  private renderPlace(position: number, minutes: number | null): TemplateResult {
    const place =
      position === 1
        ? msg("You are next in line.", { id: "w.queue.place.next" })
        : msg(str`You are number ${formatNumber(position)} in line.`, { id: "w.queue.place" });
    const estimate =
      minutes === null
        ? null
        : minutes === 0
          ? msg("Estimated wait: less than a minute", { id: "w.queue.estimate.soon" })
          : minutes >= 60
            ? msg("Estimated wait: more than an hour", { id: "w.queue.estimate.long" })
            : msg(str`Estimated wait: about ${formatMinutes(minutes)}`, { id: "w.queue.estimate" });
    return html`<div class="place" data-test="place" data-position=${position} role="status">
      <p class="place-line">${place}</p>
      ${estimate ? html`<p class="muted small" data-test="estimate">${estimate}</p>` : nothing}
    </div>`;
  }

  /** "Dolores was disconnected…", or without a name when the server gave none. */
  private requeuedText(name: string): string {
    return name
      ? msg(str`${name} was disconnected. Your conversation is kept.`, { id: "w.queue.requeued.named" })
      : msg("Your agent was disconnected. Your conversation is kept.", { id: "w.queue.requeued" });
  }

  private renderFailed(conv: Conversation): TemplateResult {
    const s = this.session;
    // The service's own message, as its administrator wrote it; else ours, in the visitor's language.
    const fallback =
      conv.queueExit === "queue_full"
        ? msg("All our agents are busy and too many people are already waiting.", { id: "w.failed.queue_full" })
        : conv.queueExit === "queue_timeout"
          ? msg("Sorry, no agent became free in time.", { id: "w.failed.queue_timeout" })
          : conv.state === "rejected"
            ? msg("Sorry, nobody is available right now.", { id: "w.failed.rejected" })
            : s.takesMessages
              ? msg("Sorry, all our agents are busy right now. Please leave us a message.", { id: "w.failed.busy.leave" })
              : msg("Sorry, all our agents are busy right now.", { id: "w.failed.busy" });
    return html`<div class="body"><div class="center" data-test="failed">
      <h2>${conv.queueExit === "queue_full"
        ? msg("The queue is full", { id: "w.failed.queue_full.title" })
        : msg("Nobody is available", { id: "w.nobody.title" })}</h2>
      <p data-test="dissuasion">${conv.endMessage || fallback}</p>
      ${s.takesMessages
        ? html`<button class="primary" data-test="leave-instead" @click=${() => s.showLeaveForm()}>
            ${msg("Leave a message", { id: "w.failed.leave" })}
          </button>`
        : nothing}
      <button class="secondary" data-test="again" @click=${() => s.dismiss()}>${msg("Try again", { id: "w.failed.again" })}</button>
    </div></div>`;
  }

  // -- chat ----------------------------------------------------------------------------

  private renderLink(): TemplateResult | typeof nothing {
    const s = this.session;
    if (!s.active) return nothing;
    if (s.conv?.agentAway) {
      const name = agentName(s.conv.agent);
      return html`<div class="banner" data-test="agent-away">
        ${msg(str`${name} is reconnecting… your messages will be delivered.`, { id: "w.banner.agent_away" })}
      </div>`;
    }
    if (s.link !== "online") {
      return html`<div class="banner offline" data-test="offline">${msg("Reconnecting to the chat…", { id: "w.banner.offline" })}</div>`;
    }
    if (s.conv?.state === "transferring") {
      return html`<div class="banner" data-test="transferring">
        ${msg("You are being transferred to a colleague… you can keep writing meanwhile.", { id: "w.banner.transferring" })}
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
          ${ended ? html`<div class="event" data-test="ended-note">${this.endedText(conv)}</div>` : nothing}
        </div>
        ${s.agentTyping && !ended
          ? html`<div class="typing" data-test="typing">
              <span class="dots"><i></i><i></i><i></i></span>${this.typingText(conv)}
            </div>`
          : nothing}
      </div>
      ${ended ? renderEnding(s, conv) : html`${this.renderComposer()}${typingPreviewNote(conv)}`}`;
  }

  /** Why the conversation ended, in the visitor's language. */
  private endedText(conv: Conversation): string {
    if (conv.endReason === "expired") return msg("This conversation has expired.", { id: "w.ended.expired" });
    if (conv.endReason === "unavailable") {
      return msg("This conversation is no longer available.", { id: "w.ended.unavailable" });
    }
    if (conv.closedBy === "visitor") return msg("You ended the conversation.", { id: "w.ended.by_visitor" });
    const name = agentName(conv.agent);
    return msg(str`${name} ended the conversation.`, { id: "w.ended.by_agent" });
  }

  private typingText(conv: Conversation): string {
    const name = agentName(conv.agent);
    return msg(str`${name} is typing…`, { id: "w.chat.typing" });
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
              <span class="label">${msg(str`Talk with ${agent}`, { id: "w.call.talk_with" })}</span>
              ${media.map(
                (m) => html`<button class="secondary" data-test="call-ask-${m}" @click=${() => calls.ask(m)}>
                  ${m === "video" ? msg("Video call", { id: "w.call.ask_video" }) : msg("Voice call", { id: "w.call.ask_voice" })}</button>`,
              )}
            </div>`
          : nothing}`;
    }
    const video = call.requested === "video";
    if (calls.ending === call.id) {
      return html`<div class="call-bar" role="status" data-test="call-ending"><span class="label">${video
        ? msg("Ending the video call…", { id: "w.call.ending.video" })
        : msg("Ending the voice call…", { id: "w.call.ending.voice" })}</span></div>`;
    }
    if (call.state === "offered" && call.started_by === "agent") {
      const label = video
        ? msg("Incoming video call", { id: "w.call.incoming.video" })
        : msg("Incoming voice call", { id: "w.call.incoming.voice" });
      return html`<div class="call-prompt" role="alertdialog" aria-label=${label} data-test="call-prompt">
        <strong>${video
          ? msg(str`${agent} is inviting you to a video call`, { id: "w.call.invite.video" })
          : msg(str`${agent} is inviting you to a voice call`, { id: "w.call.invite.voice" })}</strong>
        ${video
          ? html`<button class="primary" data-test="call-accept-video" @click=${() => calls.accept("video")}>${msg("Accept with video", { id: "w.call.accept_video" })}</button>
              <button class="secondary" data-test="call-accept-voice" @click=${() => calls.accept("voice")}>${msg("Voice only", { id: "w.call.voice_only" })}</button>`
          : html`<button class="primary" data-test="call-accept-voice" @click=${() => calls.accept("voice")}>${msg("Accept", { id: "w.call.accept" })}</button>`}
        <button class="secondary" data-test="call-decline" @click=${() => calls.decline()}>${msg("Decline", { id: "w.call.decline" })}</button>
      </div>`;
    }
    if (call.state === "offered") {
      return html`<div class="call-bar" data-test="call-waiting">
        <span class="label">${video
          ? msg(str`Asking ${agent} for a video call…`, { id: "w.call.asking.video" })
          : msg(str`Asking ${agent} for a voice call…`, { id: "w.call.asking.voice" })}</span>
        <button class="secondary" data-test="call-hang-up" @click=${() => calls.hangUp()}>${msg("Cancel", { id: "w.queue.cancel" })}</button>
      </div>`;
    }
    const peer = calls.peer;
    const reconnecting = calls.reconnecting || this.session.link !== "online";
    const status = reconnecting
      ? msg("Reconnecting the call…", { id: "w.call.reconnecting" })
      : call.state === "connected"
        ? msg("Connected", { id: "w.call.connected" })
        : msg("Connecting…", { id: "w.header.connecting" });
    const kind = video ? msg("video call", { id: "w.call.kind.video" }) : msg("voice call", { id: "w.call.kind.voice" });
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
                ${peer.muted ? msg("Unmute", { id: "w.call.unmute" }) : msg("Mute", { id: "w.call.mute" })}</button>
              ${peer.sendsVideo
                ? html`<button data-test="call-camera" aria-pressed=${peer.cameraOff ? "true" : "false"}
                    @click=${() => peer.setCameraOff(!peer.cameraOff)}>${peer.cameraOff
                    ? msg("Camera on", { id: "w.call.camera_on" })
                    : msg("Camera off", { id: "w.call.camera_off" })}</button>`
                : nothing}
              <button data-test="call-switch" @click=${() => void peer.switchDevice()}>${msg("Switch device", { id: "w.call.switch" })}</button>`
          : nothing}
        <button class="hang-up" data-test="call-hang-up" @click=${() => calls.hangUp()}>${msg("Hang up", { id: "w.call.hang_up" })}</button>
      </div>
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
      <button class="clip" data-test="attach" aria-label=${msg("Attach a file", { id: "w.composer.attach" })}
        title=${msg(str`Attach a file (up to ${formatBytes(s.files.limits.upload_bytes)})`, { id: "w.composer.attach_limit" })}
        @click=${() => this.renderRoot.querySelector<HTMLInputElement>("input[type=file]")?.click()}>${icon(ICON_CLIP)}</button>
      <input type="file" hidden data-test="file-input" @change=${pick} />
      <label class="sr-only" for="sportello-input">${msg("Message", { id: "w.composer.label" })}</label>
      <textarea id="sportello-input" class="input" data-test="input" rows="1" maxlength="10000"
        placeholder=${attached
          ? msg("Add a description (optional)…", { id: "w.composer.describe" })
          : msg("Write a message…", { id: "w.composer.placeholder" })} .value=${this.draft}
        @paste=${(e: ClipboardEvent) => {
          const file = [...(e.clipboardData?.files ?? [])][0];
          if (!file) return;
          e.preventDefault();
          s.files.attach(file);
        }}
        @input=${(e: InputEvent) => {
          this.draft = (e.target as HTMLTextAreaElement).value;
          s.typing(this.draft.trim() !== "", this.draft);
          this.requestUpdate();
        }}
        @keydown=${(e: KeyboardEvent) => {
          if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            send();
          }
        }}></textarea>
      <button class="send" data-test="send" aria-label=${msg("Send", { id: "w.composer.send" })}
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
      view: html`<div class="event" data-test="transfer-joined">${joinedText(t.agent)}</div>`,
    }));
    for (const line of conv.supervisorLines ?? []) {
      const text = line.joined ? supervisorJoinedText(line.supervisor) : supervisorLeftText(line.supervisor);
      events.push({ at: line.at, view: html`<div class="event" data-test=${line.joined ? "supervisor-joined" : "supervisor-left"}>${text}</div>` });
    }
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
    return html`<div class="event" data-test="joined">${joinedText(first)}</div>`;
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
      <span>${this.suggestsText(conv)}</span>
      ${sameOrigin(url)
        ? html`<a href=${url} data-test="offered-open">${url}</a>`
        : html`<a href=${url} target="_blank" rel="noopener noreferrer" data-test="offered-open">${url}</a>`}
      <button class="icon-btn dark" aria-label=${msg("Dismiss", { id: "w.offer.dismiss" })}
        @click=${() => this.session.dismissOfferedLink()}>✕</button>
    </div>`;
  }

  private suggestsText(conv: Conversation): string {
    const name = agentName(conv.agent);
    return msg(str`${name} suggests this page:`, { id: "w.offer.text" });
  }

  private renderMessage(m: Message): TemplateResult {
    const original = this.originals.has(m.id);
    let mark: TemplateResult | typeof nothing = nothing;
    if (m.sender === "visitor") {
      const state = m.read_at ? "read" : m.delivered_at ? "delivered" : "sent";
      const said =
        state === "read"
          ? msg("Read", { id: "w.mark.read" })
          : state === "delivered"
            ? msg("Delivered", { id: "w.mark.delivered" })
            : msg("Sent", { id: "w.mark.sent" });
      mark = html`<span class="mark ${state}" data-test="mark" data-mark=${state}
        title=${said} aria-label=${said}>${state === "sent" ? "✓" : "✓✓"}</span>`;
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
    const supervisor = m.sender === "agent" ? this.session.conv?.supervisorLines?.find((l) => l.supervisor.id === m.agent_id)?.supervisor : undefined;
    return html`<div class="msg ${m.sender}" data-test="msg" data-id=${m.id} data-sender=${m.sender}>
      ${supervisor ? html`<div class="author" data-test="msg-author">${agentName(supervisor)}</div>` : nothing}
      <div class="bubble ${m.file ? "with-file" : ""}" data-test="text">${body}</div>
      <div class="meta">${mark}<time>${formatTime(m.created_at)}</time></div>
      ${translated}
    </div>`;
  }

  private renderOutgoing(o: Outgoing): TemplateResult {
    return html`<div class="msg visitor" data-test="msg" data-sender="visitor" data-pending="1">
      <div class="bubble" data-test="text">${this.renderText(o.text)}</div>
      <div class="meta">
        ${o.failed
          ? html`<span class="mark failed" data-mark="failed">${msg("Not sent", { id: "w.mark.failed" })} ·
              <button @click=${() => this.session.retry(o.client_msg_id)}>${msg("retry", { id: "w.mark.retry" })}</button></span>`
          : html`<span class="mark" data-mark="sending" title=${msg("Sending", { id: "w.mark.sending" })}>…</span>`}
        <time>${formatTime(o.created_at)}</time>
      </div>
    </div>`;
  }
}
