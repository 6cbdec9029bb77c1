import { mediumName } from "../labels";
import { plural } from "../i18n";
import { localized, msg, str } from "@lit/localize";
import { LitElement, css, html, nothing, svg } from "lit";
import { customElement, state } from "lit/decorators.js";
import { StoreController } from "../controller";
import { countryBadge, duration, host, number, unit } from "../format";
import { icons } from "../icons";
import { linePosition, showsAsLeft, store } from "../store";
import { shared } from "../styles";
import type { WaitingEntry } from "../types";
import { firstLine, oneLineStyles } from "./last-line";

const R = 17;
const CIRC = 2 * Math.PI * R;

/** Dissuasion progress 0..1 against the server clock, and a level for the colour. */
export function dissuasion(entry: WaitingEntry, now: number): { fraction: number; left: number | null; level: "ok" | "warn" | "danger" } {
  if (entry.dissuade_at === null) return { fraction: 0, left: null, level: "ok" };
  const total = Math.max(1, entry.dissuade_at - entry.created_at);
  const left = entry.dissuade_at - now;
  const fraction = Math.min(1, Math.max(0, 1 - left / total));
  const level = fraction >= 0.75 ? "danger" : fraction >= 0.5 ? "warn" : "ok";
  return { fraction, left: Math.max(0, left), level };
}

function mediumIcon(medium: string) {
  if (medium === "voice") return icons.voice();
  if (medium === "video") return icons.video();
  return icons.chat();
}

function ring(entry: WaitingEntry, now: number, big = false) {
  const d = dissuasion(entry, now);
  const medium = mediumName(entry.medium);
  const seconds = unit(Math.ceil(d.left ?? 0), "second", "long");
  const label =
    d.left === null ? msg(str`${medium} contact`) : msg(str`${medium} contact, ${seconds} before dissuasion`);
  return html`<span class="ring ${d.level} ${big ? "big" : ""}" data-testid="ring" data-level=${d.level} role="img" aria-label=${label}
    title=${d.left === null ? msg("No dissuasion time") : msg(str`Dissuasion in ${duration(d.left)}`)}>
    <svg viewBox="0 0 40 40" aria-hidden="true">
      ${svg`<circle cx="20" cy="20" r=${R} class="track"></circle>
      <circle cx="20" cy="20" r=${R} class="fill" stroke-dasharray=${CIRC}
        stroke-dashoffset=${CIRC * (1 - d.fraction)} transform="rotate(-90 20 20)"></circle>`}
    </svg>
    <span class="medium">${mediumIcon(entry.medium)}</span>
  </span>`;
}

function entryBody(entry: WaitingEntry, now: number) {
  const position = linePosition(entry, store.waiting);
  return html`
    <span class="who">
      <span class="line1">
        <span class="name">${entry.visitor_name || msg("Visitor")}</span>
        ${countryBadge(entry.visitor_country)}
        ${entry.starred
          ? html`<span class="star" title=${msg("Offered only to you")} data-testid="star">${icons.star()}<span class="sr-only">(${msg("offered only to you")})</span></span>`
          : nothing}
        ${entry.new_visitor ? html`<span class="chip new">${msg("New visitor")}</span>` : nothing}
        ${entry.queued ? html`<span class="chip queue" data-testid="entry-queued">${msg("Queued")}</span>` : nothing}
        ${entry.requeued ? html`<span class="chip back" data-testid="entry-requeued" title=${msg("Their agent left; they are waiting again")}>${msg("Handed back")}</span>` : nothing}
        ${showsAsLeft(entry.departure, now)
          ? html`<span class="chip left" data-testid="entry-left" title=${msg("The visitor's page closed; they may come back")}>${msg("Left the page")}</span>`
          : nothing}
      </span>
      <span class="line2">
        <span class="lang" title=${msg("Service language")}>${entry.service_language.toUpperCase()}</span>
        <span class="svc">${entry.service_name}</span>
        ${position === null
          ? nothing
          : html`<span class="dotsep">·</span><span class="pos" data-testid="entry-position" data-position=${position}
              title=${msg("Place in the service's line, as the visitor is told it")}>${msg(str`#${number(position)} in line`)}</span>`}
        ${entry.site ? html`<span class="dotsep">·</span><span class="site" title=${entry.site}>${host(entry.site)}</span>` : nothing}
      </span>
      ${firstLine(entry.first_message, entry.visitor_name || msg("Visitor"))}
    </span>
    <span class="waited" title=${msg("Waiting for")}>${duration(now - entry.created_at)}</span>
  `;
}

@customElement("sp-waiting")
@localized()
export class SpWaiting extends LitElement {
  static override styles = [
    shared,
    oneLineStyles,
    css`
      :host {
        display: block;
        position: relative;
        z-index: 10;
      }
      .area {
        background: var(--surface);
        border: 1px solid var(--border);
        border-radius: var(--radius);
        box-shadow: var(--shadow);
      }
      .head {
        display: flex;
        align-items: center;
        gap: 8px;
        padding: 10px 14px 0;
      }
      h2 {
        margin: 0;
        font-size: 12px;
        text-transform: uppercase;
        letter-spacing: 0.06em;
        color: var(--muted);
      }
      .count {
        min-width: 22px;
        height: 22px;
        padding: 0 7px;
        border-radius: 11px;
        background: var(--chip-bg);
        color: var(--muted);
        font-weight: 700;
        font-size: 12px;
        display: inline-grid;
        place-items: center;
      }
      .count.some {
        background: var(--red);
        color: #fff;
      }
      .head .spacer {
        flex: 1;
      }
      .head .more {
        font-size: 12px;
        color: var(--primary);
        font-weight: 600;
        padding: 2px 6px;
        border-radius: 6px;
      }
      .head .more:hover {
        background: var(--primary-soft);
      }
      .top {
        padding: 8px;
      }
      .entry {
        display: flex;
        align-items: center;
        gap: 12px;
        width: 100%;
        text-align: left;
        padding: 8px 10px;
        border-radius: 10px;
      }
      .entry:hover {
        background: var(--hover);
      }
      .top .entry {
        border: 1px dashed transparent;
      }
      .top .entry:hover {
        border-color: var(--border-strong);
      }
      .empty {
        display: flex;
        align-items: center;
        gap: 10px;
        padding: 14px 16px 16px;
        color: var(--muted);
      }
      .who {
        display: grid;
        gap: 2px;
        flex: 1;
        min-width: 0;
      }
      .line1,
      .line2 {
        display: flex;
        align-items: center;
        gap: 6px;
        min-width: 0;
      }
      .name {
        font-weight: 650;
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .line2 {
        font-size: 12px;
        color: var(--muted);
      }
      .lang {
        font-size: 10px;
        font-weight: 700;
        border: 1px solid var(--border-strong);
        border-radius: 4px;
        padding: 0 4px;
        line-height: 15px;
      }
      .site {
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .star {
        color: #e6a700;
        display: inline-flex;
      }
      .star .icon {
        width: 15px;
        height: 15px;
      }
      .waited {
        font-variant-numeric: tabular-nums;
        font-size: 12px;
        color: var(--muted);
      }
      .ring {
        position: relative;
        width: 40px;
        height: 40px;
        flex: none;
        display: inline-grid;
        place-items: center;
      }
      .ring.big {
        width: 48px;
        height: 48px;
      }
      .ring > svg {
        position: absolute;
        inset: 0;
        width: 100%;
        height: 100%;
      }
      .ring .track {
        fill: none;
        stroke: var(--chip-bg);
        stroke-width: 4;
      }
      .ring .fill {
        fill: none;
        stroke-width: 4;
        stroke-linecap: round;
        transition: stroke-dashoffset 0.5s linear, stroke 0.3s;
      }
      .ring.ok .fill {
        stroke: var(--green);
      }
      .ring.warn .fill {
        stroke: var(--amber);
      }
      .ring.danger .fill {
        stroke: var(--red);
      }
      .ring .medium {
        color: var(--grey-dark);
        display: inline-flex;
        position: relative;
      }
      .ring .medium .icon {
        width: 16px;
        height: 16px;
      }
      .ring.big .medium .icon {
        width: 19px;
        height: 19px;
      }
      .ring.danger .medium {
        color: var(--red);
      }
      .drawer {
        position: absolute;
        left: 0;
        right: 0;
        top: calc(100% - 6px);
        background: var(--surface);
        border: 1px solid var(--border);
        border-top: 0;
        border-radius: 0 0 var(--radius) var(--radius);
        box-shadow: var(--shadow-lg);
        max-height: 420px;
        overflow: auto;
        padding: 6px 8px 8px;
      }
      .drawer h3 {
        margin: 4px 10px 6px;
        font-size: 12px;
        color: var(--muted);
        font-weight: 600;
      }
      .drawer ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      .drawer li + li {
        border-top: 1px solid var(--border);
      }
      .take {
        font-size: 12px;
        font-weight: 650;
        color: var(--primary);
        opacity: 0;
      }
      .entry:hover .take,
      .entry:focus-visible .take {
        opacity: 1;
      }
      .capacity {
        font-size: 12px;
        color: var(--muted);
        font-variant-numeric: tabular-nums;
      }
      .capacity.full {
        color: #a05e00;
        font-weight: 650;
      }
      .chip.back {
        background: var(--primary-soft);
        color: var(--primary);
      }
      .closed {
        margin: 6px 14px 0;
        font-size: 12px;
        color: var(--grey-dark);
      }
      .chip.queue {
        background: var(--chip-bg);
        color: var(--grey-dark);
        border: 1px dashed var(--border-strong);
      }
      .queued {
        padding: 0 8px 10px;
      }
      .queued .why {
        margin: 4px 8px 6px;
        font-size: 12px;
        color: var(--muted);
      }
      .queued ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 4px;
      }
      .queued .entry {
        border: 1px dashed var(--border-strong);
        background: var(--surface-2);
        color: var(--muted);
        cursor: not-allowed;
      }
      .queued .entry:hover {
        background: var(--surface-2);
      }
      .chip.left {
        background: var(--amber-soft);
        color: #a05e00;
      }
      .transfers {
        display: grid;
        gap: 6px;
        padding: 8px 8px 0;
      }
      .transfer {
        border: 1px solid var(--primary);
        background: var(--primary-soft);
        border-radius: 10px;
        padding: 8px 10px;
        display: grid;
        gap: 6px;
      }
      .transfer .from {
        display: flex;
        align-items: center;
        gap: 6px;
        font-size: 13px;
        color: var(--primary);
        font-weight: 600;
      }
      .transfer .note {
        font-size: 13px;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .transfer .row {
        display: flex;
        gap: 8px;
        align-items: center;
      }
      .transfer input {
        flex: 1;
        min-width: 0;
        font: inherit;
        font-size: 12px;
        padding: 5px 8px;
        border: 1px solid var(--border-strong);
        border-radius: 8px;
      }
      .paused-note {
        margin: 0 14px 12px;
        font-size: 12px;
        color: #a05e00;
        background: var(--amber-soft);
        border-radius: 8px;
        padding: 6px 10px;
      }
    `,
  ];

  protected readonly storeCtl = new StoreController(this, true);
  @state() private open = false;
  private closeTimer: number | null = null;

  private show(): void {
    if (this.closeTimer !== null) window.clearTimeout(this.closeTimer);
    this.closeTimer = null;
    if (store.takeable.length > 0) this.open = true;
  }

  private hide(delay = 180): void {
    if (this.closeTimer !== null) window.clearTimeout(this.closeTimer);
    this.closeTimer = window.setTimeout(() => (this.open = false), delay);
  }

  @state() private reasons: Record<number, string> = {};

  private renderTransfer(e: WaitingEntry, now: number) {
    const t = e.transfer!;
    const to = t.group ? msg(str` to ${t.group.name}`) : msg(" to you");
    return html`<div class="transfer" data-testid="transfer-entry" data-contact-id=${e.contact_id}>
      <span class="from" data-testid="transfer-from">${icons.transfer(msg("Transferred"))} ${t.from_agent.display_name}${to}</span>
      <span class="entry">${ring(e, now)} ${entryBody(e, now)}</span>
      ${t.note ? html`<span class="note" data-testid="transfer-note-text">“${t.note}”</span>` : nothing}
      <span class="row">
        <input type="text" maxlength="500" placeholder=${msg("Reason (optional)")} aria-label=${msg("Reason for rejecting")} data-testid="transfer-reason"
          .value=${this.reasons[e.contact_id] ?? ""}
          @input=${(ev: Event) => (this.reasons = { ...this.reasons, [e.contact_id]: (ev.target as HTMLInputElement).value })} />
        <button class="btn" data-testid="transfer-reject" @click=${() => void store.rejectTransfer(e.contact_id, (this.reasons[e.contact_id] ?? "").trim())}>${msg("Reject")}</button>
        <button class="btn primary" data-testid="transfer-accept" ?disabled=${!e.can_take} title=${e.can_take ? msg("Take over this contact") : msg("You are at your chat limit")}
          @click=${() => void store.accept(e.contact_id)}>${msg("Accept")}</button>
      </span>
    </div>`;
  }

  /** Contacts waiting for a busy agent: shown, not takeable, and why (docs/protocol.md,
   * Waiting for a busy agent). */
  private renderQueued(queued: WaitingEntry[], now: number) {
    return html`<div class="queued" role="region" aria-label=${msg("Queued contacts")} data-testid="waiting-queued">
      <p class="why" data-testid="queued-why">${plural(
        queued.length,
        msg(str`${queued.length} queued — every agent who can take it is full. It is offered as soon as one of you has room.`),
        msg(str`${queued.length} queued — every agent who can take them is full. The first is offered as soon as one of you has room.`),
      )}</p>
      <ul>
        ${queued.map(
          (e) => html`<li><div class="entry" data-testid="queued-entry" data-contact-id=${e.contact_id} aria-disabled="true"
            title=${msg("Queued: offered as soon as an agent has room")}>${ring(e, now)} ${entryBody(e, now)}</div></li>`,
        )}
      </ul>
    </div>`;
  }

  private pick(contactId: number): void {
    this.open = false;
    void store.accept(contactId);
  }

  override render() {
    const transfers = store.waiting.filter((e) => e.transfer);
    const waiting = store.takeable.filter((e) => !e.transfer);
    const queued = store.queued;
    const count = waiting.length + transfers.length + queued.length;
    const now = store.serverNow();
    const oldest = waiting[0];
    const paused = store.agent?.chosen_status === "PAUSED";
    const open = this.open && waiting.length > 0;
    const cap = store.capacity();
    const full = cap.inCall || (cap.limit > 0 && cap.busy >= cap.limit);
    const chats = cap.inCall
      ? msg("in a call: no new chats")
      : plural(cap.limit, msg(str`${cap.busy} of ${cap.limit} chat`), msg(str`${cap.busy} of ${cap.limit} chats`));
    const idleNote = cap.idle > 0 ? msg(str` (+${cap.idle} idle, not counted)`) : "";
    const empty = paused
      ? msg("You are paused: new contacts are not offered to you.")
      : cap.blocked > 0
        ? html`<span data-testid="waiting-at-limit"><strong>${msg(str`${cap.blocked} waiting`)}</strong> — ${cap.inCall
            ? msg("you are in a call, which takes your whole capacity until it ends.")
            : msg(str`you are at your limit (${chats}). End a chat to take one.`)}</span>`
        : msg("Nobody is waiting.");
    return html`
      <section
        class="area"
        aria-label=${msg("Waiting contacts")}
        data-testid="waiting-area"
        @mouseenter=${() => this.show()}
        @mouseleave=${() => this.hide()}
        @focusout=${(e: FocusEvent) => {
          if (!this.renderRoot.contains(e.relatedTarget as Node | null)) this.hide(0);
        }}
        @keydown=${(e: KeyboardEvent) => e.key === "Escape" && (this.open = false)}
      >
        <div class="head">
          <h2 id="waiting-title">${msg("Waiting")}</h2>
          <span class="count ${count ? "some" : ""}" data-testid="waiting-count" aria-label=${msg(str`${count} waiting`)}>${count}</span>
          <span class="spacer"></span>
          <span class="capacity ${full ? "full" : ""}" data-testid="capacity" title=${cap.inCall ? msg("A call takes your whole capacity until it ends") : msg("Chats in progress against your limit; idle chats (answered, then quiet) do not count")}>${chats}${idleNote}</span>
          ${waiting.length > 1
            ? html`<button class="more" aria-expanded=${open ? "true" : "false"} aria-controls="drawer" @click=${() => (this.open ? (this.open = false) : this.show())}>
                ${msg(str`Choose another (${waiting.length})`)}
              </button>`
            : nothing}
        </div>
        ${store.closedServices.length
          ? html`<p class="closed" data-testid="closed-services">${msg(
              str`Closed now (opening hours): ${store.closedServices.map((c) => c.name).join(", ")}`,
            )}</p>`
          : nothing}
        ${transfers.length
          ? html`<div class="transfers" role="region" aria-label=${msg("Transfers for you")}>${transfers.map((e) => this.renderTransfer(e, now))}</div>`
          : nothing}
        ${oldest
          ? html`<div class="top">
              <button
                class="entry"
                data-testid="waiting-top"
                data-contact-id=${oldest.contact_id}
                title=${msg("Take the contact that has waited longest")}
                @click=${() => void store.acceptOldest()}
              >
                <span class="sr-only">${msg("Take the contact waiting longest:")}</span> ${ring(oldest, now, true)} ${entryBody(oldest, now)}
              </button>
            </div>`
          : transfers.length || (queued.length && cap.blocked === 0 && !paused)
            ? nothing
            : html`<div class="empty" data-testid="waiting-empty">${icons.inbox()} ${empty}</div>`}
        ${queued.length ? this.renderQueued(queued, now) : nothing}
        ${open
          ? html`<div class="drawer" id="drawer" data-testid="waiting-drawer" role="region" aria-label=${msg("All waiting contacts")}>
              <h3>${msg("All waiting contacts — pick one")}</h3>
              <ul>
                ${waiting.map(
                  (e) => html`<li>
                    <button class="entry" data-testid="waiting-entry" data-contact-id=${e.contact_id}
                      @click=${() => this.pick(e.contact_id)}>
                      ${ring(e, now)} ${entryBody(e, now)} <span class="take">${msg("Take")}</span>
                    </button>
                  </li>`,
                )}
              </ul>
            </div>`
          : nothing}
      </section>
    `;
  }
}
