// The live view: today's figures, every agent and the waiting area per service.
// Countdowns run on the server's clock (the view's server_time against ours).

import { mediumName, roleName, statusName } from "../labels";
import { plural } from "../i18n";
import { localized, msg, str } from "@lit/localize";
import { LitElement, css, html, nothing } from "lit";
import { customElement, property } from "lit/decorators.js";
import { duration, number, unit } from "../format";
import { pageStyles, shared } from "../styles";
import { notices } from "./styles";
import type { ContactCard, LiveView, SupervisedAgent, SupervisedService } from "./types";

const MEDIA = ["chat", "voice", "video"] as const;

@customElement("sp-live-view")
@localized()
export class SpLiveView extends LitElement {
  static override styles = [
    shared,
    pageStyles,
    notices,
    css`
      :host {
        display: grid;
        gap: 16px;
      }
      .figures {
        display: grid;
        grid-template-columns: repeat(5, minmax(0, 1fr));
        gap: 10px;
        margin: 0;
      }
      .figures div {
        background: var(--surface);
        border: 1px solid var(--border);
        border-radius: var(--radius);
        padding: 10px 14px;
      }
      .figures dt {
        font-size: 12px;
        color: var(--muted);
        font-weight: 600;
      }
      .figures dd {
        margin: 2px 0 0;
        font-size: 22px;
        font-weight: 650;
        font-variant-numeric: tabular-nums;
      }
      .columns {
        display: grid;
        grid-template-columns: minmax(0, 3fr) minmax(0, 2fr);
        gap: 16px;
        align-items: start;
      }
      @media (max-width: 1000px) {
        .columns {
          grid-template-columns: minmax(0, 1fr);
        }
      }
      h2 {
        font-size: 15px;
        margin: 0 0 8px;
      }
      .status {
        display: inline-flex;
        align-items: center;
        gap: 6px;
        font-weight: 600;
        font-size: 12px;
        white-space: nowrap;
      }
      .status::before {
        content: "";
        width: 8px;
        height: 8px;
        border-radius: 50%;
        background: var(--grey-light);
      }
      .status.READY::before {
        background: var(--green);
      }
      .status.PAUSED::before {
        background: var(--amber);
      }
      .status.reconnecting::before {
        background: var(--amber);
        box-shadow: 0 0 0 3px var(--amber-soft);
      }
      .status.DISCONNECTED {
        color: var(--muted);
      }
      .media {
        display: flex;
        gap: 4px;
      }
      .media .chip.on {
        background: var(--green-soft);
        color: var(--green);
      }
      .media .chip.off {
        text-decoration: line-through;
      }
      .held {
        display: flex;
        flex-wrap: wrap;
        gap: 6px;
      }
      .held button,
      .queue button {
        border: 1px solid var(--border-strong);
        border-radius: 8px;
        padding: 3px 8px;
        font-size: 12px;
        background: var(--surface);
        text-align: left;
      }
      .held button:hover,
      .queue button:hover {
        background: var(--hover);
      }
      .service {
        background: var(--surface);
        border: 1px solid var(--border);
        border-radius: var(--radius);
        padding: 12px 14px;
        margin-bottom: 10px;
      }
      .service header {
        display: flex;
        align-items: baseline;
        gap: 10px;
      }
      .service h3 {
        margin: 0;
        font-size: 14px;
        flex: 1;
      }
      .scope {
        margin: -4px 0 8px;
        font-size: 13px;
      }
      .service-today {
        margin: 2px 0 0;
        font-size: 12px;
      }
      .count {
        font-weight: 650;
        font-variant-numeric: tabular-nums;
      }
      .queue {
        list-style: none;
        margin: 8px 0 0;
        padding: 0;
        display: grid;
        gap: 6px;
      }
      .queue li {
        display: flex;
        align-items: center;
        gap: 8px;
        font-size: 13px;
      }
      .queue .who {
        flex: 1;
        min-width: 0;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .countdown {
        font-variant-numeric: tabular-nums;
        font-weight: 600;
        color: var(--amber);
      }
      .countdown.late {
        color: var(--red);
      }
      .load {
        font-variant-numeric: tabular-nums;
        white-space: nowrap;
      }
      .load.full {
        color: var(--red);
        font-weight: 600;
      }
    `,
  ];

  @property({ attribute: false }) view: LiveView | null = null;
  /** Seconds to add to our clock to get the server's. */
  @property({ type: Number }) offset = 0;
  /** Re-rendered every second by the page so the countdowns run. */
  @property({ type: Number }) tick = 0;

  private now(): number {
    return Date.now() / 1000 + this.offset;
  }

  private open(contact: ContactCard): void {
    location.hash = `#contact/${contact.id}`;
  }

  override render() {
    const v = this.view;
    if (!v) return html`<p class="empty">${msg("Loading…")}</p>`;
    const t = v.today;
    const waiting = v.services.reduce((n, s) => n + s.waiting.length, 0);
    return html`
      <section aria-labelledby="today-h">
        <h2 id="today-h">${msg("Today")}</h2>
        <p class="muted scope" data-testid="scope-note">${scopeNote(v.scope)}</p>
        <dl class="figures" data-testid="today">
          <div><dt>${msg("Requests")}</dt><dd data-testid="today-requests">${number(t.requests)}</dd></div>
          <div><dt>${msg("Answered")}</dt><dd data-testid="today-answered">${number(t.answered)}</dd></div>
          <div><dt>${msg("Dissuaded")}</dt><dd data-testid="today-dissuaded">${number(t.dissuaded)}</dd></div>
          <div><dt>${msg("Abandoned")}</dt><dd data-testid="today-abandoned">${number(t.abandoned)}</dd></div>
          <div><dt>${msg("Average wait")}</dt><dd data-testid="today-wait">${t.wait_avg === null ? "—" : duration(t.wait_avg)}</dd></div>
        </dl>
      </section>
      <div class="columns">
        <section aria-labelledby="agents-h">
          <h2 id="agents-h">${msg("Agents")}</h2>
          ${v.agents.length === 0
            ? html`<p class="empty">${msg("No agent serves these services.")}</p>`
            : html`<table data-testid="agents">
                <thead><tr><th scope="col">${msg("Agent")}</th><th scope="col">${msg("Status")}</th><th scope="col">${msg("Media")}</th><th scope="col">${msg("Load")}</th><th scope="col">${msg("In progress")}</th></tr></thead>
                <tbody>${v.agents.map((a) => this.agentRow(a, v))}</tbody>
              </table>`}
        </section>
        <section aria-labelledby="waiting-h">
          <h2 id="waiting-h">${msg("Waiting")} <span class="muted" aria-live="polite" data-testid="waiting-total">(${waiting})</span></h2>
          ${v.services.map((s) => this.serviceCard(s))}
        </section>
      </div>
    `;
  }

  private agentRow(a: SupervisedAgent, v: LiveView) {
    const until = a.away_since === null ? null : a.away_since + v.agent_grace_seconds;
    const reconnecting = a.reconnecting && until !== null && until > this.now();
    const status = reconnecting ? "reconnecting" : a.reconnecting ? "DISCONNECTED" : a.status;
    const label = reconnecting ? msg(str`Reconnecting (${statusName(a.status)}), ${duration(until! - this.now())} left`) : statusName(status);
    const live = !a.reconnecting && a.status !== "DISCONNECTED";
    return html`<tr data-testid="agent-row" data-agent-id=${a.id}>
      <th scope="row">${a.display_name}${a.role !== "agent" ? html` <span class="chip">${roleName(a.role)}</span>` : nothing}</th>
      <td><span class="status ${status}" data-testid="agent-status" data-status=${status}>${label}</span></td>
      <td>
        ${live ? this.media(a) : html`<span class="muted" data-testid="no-console">${msg("no console")}</span>`}
      </td>
      <td><span class="load ${a.load >= a.chat_limit ? "full" : ""}" data-testid="agent-load" aria-label=${msg(str`${a.load} of ${a.chat_limit} contacts`)}>${a.load} / ${a.chat_limit}</span></td>
      <td>
        <div class="held">
          ${a.elsewhere > 0
            ? html`<span class="muted" data-testid="held-elsewhere">${msg(str`${a.elsewhere} in other services`)}</span>`
            : nothing}
          ${a.contacts.length === 0
            ? a.elsewhere > 0 ? nothing : html`<span class="muted">—</span>`
            : a.contacts.map(
                (c) => html`<button data-testid="held-contact" data-contact-id=${c.id} @click=${() => this.open(c)}>
                  <span class="sr-only">${msg("Open the conversation with")}</span> ${c.visitor_name}${c.state === "transferring" ? " →" : ""}
                  <span class="muted">${c.assigned_at === null ? "" : duration(this.now() - c.assigned_at)}</span>
                  <span class="sr-only">(${c.state === "transferring" ? msg("being transferred, read-only") : msg("read-only")})</span>
                </button>`,
              )}
        </div>
      </td>
    </tr>`;
  }

  private media(a: SupervisedAgent) {
    return html`<span class="media" role="list" aria-label=${msg("Media switches")}>
      ${MEDIA.map(
        (m) => html`<span role="listitem" class="chip ${a.media[m] ? "on" : "off"}" data-testid="media-${m}" data-on=${a.media[m] ? "true" : "false"}
          aria-label=${a.media[m] ? msg(str`${mediumName(m)} on`) : msg(str`${mediumName(m)} off`)}>${mediumName(m)}</span>`,
      )}
    </span>`;
  }

  private serviceCard(s: SupervisedService) {
    const now = this.now();
    const longest = s.waiting.reduce((m, c) => Math.max(m, now - c.created_at), 0);
    return html`<article class="service" data-testid="service-queue" data-service-id=${s.id} aria-labelledby="svc-${s.id}">
      <header>
        <h3 id="svc-${s.id}">${s.name}</h3>
        <span class="count" data-testid="queue-count" aria-label=${msg(str`${s.waiting.length} waiting`)}>${msg(str`${s.waiting.length} waiting`)}</span>
        ${s.waiting.length ? html`<span class="muted" data-testid="queue-longest">${msg(str`longest ${duration(longest)}`)}</span>` : nothing}
      </header>
      <p class="service-today muted" data-testid="service-today">
        ${msg("Today:")} ${plural(s.today.requests, msg("1 request"), msg(str`${s.today.requests} requests`))} · ${msg(str`${s.today.answered} answered`)} ·
        ${msg(str`${s.today.dissuaded} dissuaded`)} · ${msg(str`${s.today.abandoned} abandoned`)}
      </p>
      ${s.waiting.length
        ? html`<ul class="queue" aria-label=${msg(str`Waiting for ${s.name}`)}>
            ${s.waiting.map((c) => {
              const left = c.dissuade_at === null ? null : c.dissuade_at - now;
              return html`<li data-testid="queue-entry" data-contact-id=${c.id}>
                <span class="who">${c.visitor_name}${c.requeued ? html` <span class="chip">${msg("handed back")}</span>` : nothing}</span>
                <span class="muted">${msg(str`waited ${duration(now - c.created_at)}`)}</span>
                ${left === null
                  ? nothing
                  : html`<span class="countdown ${left < 10 ? "late" : ""}" data-testid="dissuasion" title=${msg("Dissuaded when this reaches zero")}
                      aria-label=${msg(str`dissuaded in ${unit(Math.max(0, Math.ceil(left)), "second", "long")}`)}>${duration(Math.max(0, left))}</span>`}
                <button data-testid="queue-open" @click=${() => this.open(c)} aria-label=${msg(str`Open the request of ${c.visitor_name}, read-only`)}>${msg("Open")}</button>
              </li>`;
            })}
          </ul>`
        : nothing}
    </article>`;
  }
}

/** What the figures and lists cover: a supervisor's view is cut to their services. */
function scopeNote(scope: LiveView["scope"]): string {
  if (scope.everything) return msg("All services.");
  const names = scope.services.length ? scope.services.join(", ") : msg("none");
  return scope.handled_elsewhere
    ? msg(str`Only the services you supervise: ${names}, plus the contacts you handled in other services. Agents' status and load count all their contacts.`)
    : msg(str`Only the services you supervise: ${names}. Agents' status and load count all their contacts.`);
}
