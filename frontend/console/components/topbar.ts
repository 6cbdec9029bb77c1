import { roleName } from "../labels";
import { intlLocale, languageChoices, plural } from "../i18n";
import { localized, msg, str } from "@lit/localize";
import { LitElement, css, html, nothing, type PropertyValues } from "lit";
import { customElement, state } from "lit/decorators.js";
import { StoreController } from "../controller";
import { initials } from "../format";
import { icons } from "../icons";
import { store, type SignOutChoice } from "../store";
import { shared } from "../styles";
import { openKeymap } from "./keymap";
import { ownReplies } from "../admin/resources";
import { ownTokens } from "../admin/tokens";
import "../admin/crud";
import "./mentions";

type Medium = "chat" | "voice" | "video";

@customElement("sp-topbar")
@localized()
export class SpTopbar extends LitElement {
  static override styles = [
    shared,
    css`
      .confirm.page .box.replies {
        width: min(920px, 94%);
        max-height: 88vh;
        overflow-y: auto;
      }
      .box.replies .actions {
        align-items: center;
      }
      .box.replies .lead {
        flex: 1;
      }
      :host {
        display: flex;
        align-items: center;
        gap: 16px;
        height: 56px;
        padding: 0 16px 0 20px;
        background: var(--surface);
        border-bottom: 1px solid var(--border);
        position: relative;
        z-index: 20;
      }
      .brand {
        display: flex;
        align-items: center;
        gap: 9px;
        font-weight: 700;
        font-size: 16px;
        margin: 0 8px 0 0;
      }
      .logo {
        width: 28px;
        height: 28px;
        border-radius: 8px;
        background: var(--primary);
        display: grid;
        place-items: center;
      }
      .status {
        display: inline-flex;
        align-items: center;
        gap: 8px;
        height: 30px;
        padding: 0 12px 0 10px;
        border-radius: 15px;
        font-weight: 650;
        font-size: 12px;
        letter-spacing: 0.04em;
      }
      .status .dot {
        width: 9px;
        height: 9px;
        border-radius: 50%;
        background: currentColor;
      }
      .status.READY {
        background: var(--green-soft);
        color: var(--green);
      }
      .status.PAUSED {
        background: var(--amber-soft);
        color: #a05e00;
      }
      .status.DISCONNECTED {
        background: var(--chip-bg);
        color: var(--muted);
      }
      .toggle-status.btn {
        height: 30px;
        padding: 0 12px;
      }
      .sep {
        width: 1px;
        height: 24px;
        background: var(--border);
      }
      .media {
        display: flex;
        align-items: center;
        gap: 6px;
      }
      .media-label {
        font-size: 12px;
        color: var(--muted);
        margin-right: 4px;
      }
      .switch {
        display: inline-flex;
        align-items: center;
        gap: 6px;
        height: 30px;
        padding: 0 10px 0 8px;
        border-radius: 15px;
        border: 1px solid var(--border-strong);
        font-size: 12px;
        font-weight: 600;
        color: var(--muted);
        background: var(--surface);
      }
      .switch .icon {
        width: 16px;
        height: 16px;
      }
      .switch[aria-checked="true"] {
        background: var(--green-soft);
        border-color: #9fd9b8;
        color: var(--green);
      }
      .switch:disabled {
        color: var(--faint);
        border-color: var(--border);
      }
      .spacer {
        flex: 1;
      }
      .me {
        display: flex;
        align-items: center;
        gap: 10px;
        padding: 4px 8px 4px 4px;
        border-radius: 22px;
      }
      .me:hover {
        background: var(--hover);
      }
      .me .avatar::before {
        /* drawn, not text: the initials repeat the name, which labels the button */
        content: attr(data-initials);
      }
      .me .name {
        font-weight: 600;
      }
      .me .icon {
        width: 16px;
        color: var(--muted);
      }
      .menu {
        position: absolute;
        right: 12px;
        top: 52px;
        width: 260px;
        background: var(--surface);
        border: 1px solid var(--border);
        border-radius: 12px;
        box-shadow: var(--shadow-lg);
        padding: 6px;
      }
      .menu header {
        padding: 10px 10px 8px;
        border-bottom: 1px solid var(--border);
        margin-bottom: 6px;
      }
      .menu header b {
        display: block;
      }
      .menu header span {
        font-size: 12px;
      }
      .item {
        color: inherit;
        text-decoration: none;
        display: flex;
        align-items: center;
        gap: 10px;
        width: 100%;
        padding: 9px 10px;
        border-radius: 8px;
        text-align: left;
      }
      .item:hover {
        background: var(--hover);
      }
      .item .label {
        flex: 1;
      }
      .knob {
        width: 30px;
        height: 18px;
        border-radius: 9px;
        background: var(--grey-light);
        position: relative;
        transition: background 0.15s;
      }
      .knob::after {
        content: "";
        position: absolute;
        top: 2px;
        left: 2px;
        width: 14px;
        height: 14px;
        border-radius: 50%;
        background: #fff;
        transition: transform 0.15s;
      }
      [aria-checked="true"] .knob {
        background: var(--green);
      }
      [aria-checked="true"] .knob::after {
        transform: translateX(12px);
      }
      .choice {
        padding: 6px 10px 6px 38px;
      }
      .tick {
        color: var(--green);
        font-weight: 700;
      }
      .group {
        border-top: 1px solid var(--border);
        border-bottom: 1px solid var(--border);
        margin: 6px 0;
        padding: 6px 0;
      }
      .group .hint {
        display: flex;
        align-items: center;
        gap: 6px;
        padding: 4px 10px;
      }
      .group .hint .icon {
        width: 14px;
        height: 14px;
      }
      .hint {
        font-size: 11px;
        color: var(--muted);
        padding: 0 10px 6px 38px;
      }
    `,
  ];

  protected readonly storeCtl = new StoreController(this);
  @state() private menuOpen = false;
  /** Contacts in progress when the agent asked to sign out: the dialog asks what to do. */
  @state() private signOutHeld = 0;
  @state() private repliesOpen = false;
  @state() private tokensOpen = false;

  private repliesDialog() {
    return html`<div class="confirm page" role="dialog" aria-modal="true" aria-label=${msg("My canned replies")}
      data-testid="own-replies" @keydown=${(e: KeyboardEvent) => e.key === "Escape" && (this.repliesOpen = false)}>
      <div class="box replies">
        <div class="actions">
          <p class="lead">${msg("Type / at the start of a message to insert one. Only you see your own replies.")}</p>
          <button class="btn" data-testid="close-replies" @click=${() => (this.repliesOpen = false)}>${msg("Close")}</button>
        </div>
        <sp-admin-crud .resource=${ownReplies()}></sp-admin-crud>
      </div>
    </div>`;
  }

  private tokensDialog() {
    return html`<div class="confirm page" role="dialog" aria-modal="true" aria-label=${msg("My API tokens")}
      data-testid="own-tokens" @keydown=${(e: KeyboardEvent) => e.key === "Escape" && (this.tokensOpen = false)}>
      <div class="box replies">
        <div class="actions">
          <p class="lead">${msg("For integrations that call Sportello as you, within what each token allows. Never share your password instead.")}</p>
          <button class="btn" data-testid="close-tokens" @click=${() => (this.tokensOpen = false)}>${msg("Close")}</button>
        </div>
        <sp-admin-crud .resource=${ownTokens()}></sp-admin-crud>
      </div>
    </div>`;
  }

  private async signOut(choice?: SignOutChoice): Promise<void> {
    this.menuOpen = false;
    this.signOutHeld = 0;
    if (!(await store.logout(choice))) this.signOutHeld = Math.max(1, store.heldCount);
  }

  private signOutDialog() {
    const n = this.signOutHeld;
    return html`<div class="confirm page" role="alertdialog" aria-modal="true" aria-labelledby="signout-title"
      data-testid="signout-dialog" @keydown=${(e: KeyboardEvent) => e.key === "Escape" && (this.signOutHeld = 0)}>
      <div class="box">
        <h3 id="signout-title">${plural(n, msg("You have 1 contact in progress"), msg(str`You have ${n} contacts in progress`))}</h3>
        <p>${plural(
          n,
          msg("Hand it back to the queue and another agent takes over with the whole conversation, or end it now."),
          msg("Hand them back to the queue and another agent takes over with the whole conversation, or end them now."),
        )}</p>
        <div class="actions">
          <button class="btn" @click=${() => (this.signOutHeld = 0)}>${msg("Stay signed in")}</button>
          <button class="btn danger" data-testid="signout-end" @click=${() => void this.signOut("end")}>${plural(n, msg("End it"), msg("End them"))}</button>
          <button class="btn primary" data-testid="signout-requeue" @click=${() => void this.signOut("requeue")}>${msg("Hand back")}</button>
        </div>
      </div>
    </div>`;
  }

  private readonly onDocClick = (ev: MouseEvent) => {
    if (this.menuOpen && !ev.composedPath().includes(this)) this.menuOpen = false;
  };

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener("click", this.onDocClick);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener("click", this.onDocClick);
  }

  private switchFor(medium: Medium, label: string, icon: (l?: string) => unknown) {
    const media = store.media;
    const on = media ? media[medium] : false;
    const agent = store.agent;
    const allowed = medium === "chat" || (medium === "voice" ? agent?.voice_allowed : agent?.video_allowed);
    const title = allowed
      ? on
        ? msg(str`${label} for this console: on (other consoles keep their own setting)`)
        : msg(str`${label} for this console: off (other consoles keep their own setting)`)
      : msg(str`${label} is not enabled for your account`);
    return html`<button
      class="switch"
      role="switch"
      data-testid="media-${medium}"
      aria-checked=${on ? "true" : "false"}
      aria-label=${msg(str`${label} in this console`)}
      title=${title}
      ?disabled=${!allowed || !media || store.conn !== "online"}
      @click=${() => void store.setMedia(medium, !on)}
    >
      ${icon()} ${label}
    </button>`;
  }

  override render() {
    const agent = store.agent;
    if (!agent) return nothing;
    const online = store.conn === "online";
    const status = online ? agent.status : "DISCONNECTED";
    const paused = agent.chosen_status === "PAUSED";
    const statusText = { READY: msg("Ready"), PAUSED: msg("Paused"), DISCONNECTED: msg("Disconnected") }[status];
    const notifPermission = "Notification" in window ? Notification.permission : "denied";
    return html`
      <h1 class="brand">
        <span class="logo"><svg width="16" height="16" viewBox="0 0 24 24" fill="#fff" aria-hidden="true"><path d="M4 5h16v11H9l-5 4z" /></svg></span>
        Sportello
      </h1>
      <span class="status ${status}" data-testid="agent-status" data-status=${status} role="status" aria-label=${msg(str`Your status: ${statusText}`)}>
        <span class="dot"></span>${statusText.toLocaleUpperCase(intlLocale())}
      </span>
      <button
        class="btn toggle-status"
        data-testid="pause-toggle"
        ?disabled=${!online}
        aria-label=${paused ? msg("Resume: become ready for new contacts") : msg("Pause: stop receiving new contacts")}
        title=${paused ? msg("Resume (all your consoles)") : msg("Pause (all your consoles)")}
        @click=${() => void store.setStatus(paused ? "READY" : "PAUSED")}
      >
        ${paused ? icons.play() : icons.pause()} ${paused ? msg("Resume") : msg("Pause")}
      </button>
      <span class="sep"></span>
      <div class="media" role="group" aria-label=${msg("Media for this console")}>
        <span class="media-label">${msg("This console")}</span>
        ${this.switchFor("chat", msg("Chat"), icons.chat)} ${this.switchFor("voice", msg("Voice"), icons.voice)}
        ${this.switchFor("video", msg("Video"), icons.video)}
      </div>
      <span class="spacer"></span>
      <sp-mentions></sp-mentions>
      <button
        class="me"
        data-testid="agent-menu"
        aria-haspopup="menu"
        aria-expanded=${this.menuOpen ? "true" : "false"}
        aria-label=${msg(str`Agent menu for ${agent.display_name}`)}
        @click=${() => (this.menuOpen = !this.menuOpen)}
        @keydown=${(e: KeyboardEvent) => e.key === "Escape" && (this.menuOpen = false)}
      >
        <span class="avatar" aria-hidden="true" data-initials=${initials(agent.display_name)}></span>
        <span class="name">${agent.display_name}</span>
        ${icons.chevron()}
      </button>
      ${this.menuOpen
        ? html`<div class="menu" role="menu" aria-label=${msg("Agent menu")} @keydown=${(e: KeyboardEvent) => e.key === "Escape" && (this.menuOpen = false)}>
            <header><b>${agent.display_name}</b><span class="muted">${agent.login} · ${roleName(agent.role)}</span></header>
            <button class="item" role="menuitemcheckbox" aria-checked=${store.prefs.sound ? "true" : "false"} data-testid="pref-sound"
              @click=${() => store.setPref("sound", !store.prefs.sound)}>
              ${icons.sound()}<span class="label">${msg("Sound alerts")}</span><span class="knob"></span>
            </button>
            <button class="item" role="menuitemcheckbox" aria-checked=${store.prefs.desktop ? "true" : "false"} data-testid="pref-desktop"
              @click=${() => store.setPref("desktop", !store.prefs.desktop)}>
              ${icons.bell()}<span class="label">${msg("Desktop notifications")}</span><span class="knob"></span>
            </button>
            ${store.prefs.desktop && notifPermission === "denied"
              ? html`<div class="hint">${msg("Blocked by the browser: allow notifications for this site.")}</div>`
              : html`<div class="hint">${msg("When the console is in the background.")}</div>`}
            <button class="item" role="menuitem" data-testid="own-replies-link" @click=${() => {
              this.menuOpen = false;
              this.repliesOpen = true;
            }}>${icons.chat()}<span class="label">${msg("My canned replies")}</span></button>
            <button class="item" role="menuitem" data-testid="own-tokens-link" @click=${() => {
              this.menuOpen = false;
              this.tokensOpen = true;
            }}>${icons.tag()}<span class="label">${msg("My API tokens")}</span></button>
            <button class="item" role="menuitem" data-testid="keymap-link" @click=${() => {
              this.menuOpen = false;
              openKeymap();
            }}>${icons.tag()}<span class="label">${msg("Keyboard shortcuts")}</span><span class="muted" aria-hidden="true">?</span></button>
            <a class="item" role="menuitem" data-testid="reports-link" href="/reports" target="_blank" rel="noopener">
              ${icons.inbox()}<span class="label">${msg("Reports")}</span>
            </a>
            ${agent.role !== "agent"
              ? html`<a class="item" role="menuitem" data-testid="supervision-link" href="/supervision" target="_blank" rel="noopener">
                  ${icons.user()}<span class="label">${msg("Supervision")}</span>
                </a>`
              : nothing}
            ${agent.role === "admin"
              ? html`<a class="item" role="menuitem" data-testid="admin-link" href="/admin" target="_blank" rel="noopener">
                  ${icons.tag()}<span class="label">${msg("Administration")}</span>
                </a>`
              : nothing}
            <div class="group" role="group" aria-labelledby="language-label">
              <div class="hint" id="language-label">${icons.globe()} ${msg("Language")}</div>
              ${languageChoices().map(
                ([code, name]) => html`<button class="item choice" role="menuitemradio" data-testid="language-${code || "browser"}"
                  aria-checked=${agent.ui_language === code ? "true" : "false"} @click=${() => void store.setUiLanguage(code)}>
                  <span class="label">${name}</span><span class="tick" aria-hidden="true">${agent.ui_language === code ? "✓" : ""}</span>
                </button>`,
              )}
            </div>
            <button class="item" role="menuitem" data-testid="logout" @click=${() => void this.signOut()}>
              ${icons.logout()}<span class="label">${msg("Sign out")}</span>
            </button>
          </div>`
        : nothing}
      ${this.signOutHeld > 0 ? this.signOutDialog() : nothing}
      ${this.repliesOpen ? this.repliesDialog() : nothing}
      ${this.tokensOpen ? this.tokensDialog() : nothing}
    `;
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has("signOutHeld") && this.signOutHeld > 0) this.renderRoot.querySelector<HTMLButtonElement>("[data-testid=signout-requeue]")?.focus();
  }
}
