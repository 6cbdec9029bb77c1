// The messages visitors left when nobody could take them: filtered, marked done with who/when
// (or not done again), kept live by the supervision stream's left_message events.

import { intlLocale } from "../i18n";
import { localized, msg, str } from "@lit/localize";
import { LitElement, css, html, nothing } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { api, ApiError } from "../api";
import { clock } from "../format";
import { fieldStyles, pageStyles, shared } from "../styles";
import { notices } from "./styles";
import type { EventFrame } from "../types";
import type { LeftMessage } from "./types";
import { sayError } from "../../shared/errors";

interface Filters {
  service: string;
  since: string;
  until: string;
  done: "" | "false" | "true";
}

/** YYYY-MM-DD of a local date. */
function isoDay(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** UNIX seconds of a local day's start (``plusDays`` later). */
function dayStart(day: string, plusDays = 0): number {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(y!, m! - 1, d! + plusDays).getTime() / 1000;
}

function when(seconds: number): string {
  return `${new Date(seconds * 1000).toLocaleDateString(intlLocale(), { month: "short", day: "numeric" })} ${clock(seconds)}`;
}

@customElement("sp-left-messages")
@localized()
export class SpLeftMessages extends LitElement {
  static override styles = [
    shared,
    pageStyles,
    fieldStyles,
    notices,
    css`
      :host {
        display: grid;
        gap: 12px;
      }
      .text {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        max-width: 420px;
      }
      .done {
        color: var(--green);
        font-weight: 600;
        font-size: 12px;
      }
      td.status {
        white-space: nowrap;
      }
      td.status .btn {
        margin-top: 4px;
      }
      tr.fresh {
        animation: fresh 2s ease-out;
      }
      @keyframes fresh {
        from {
          background: var(--primary-soft);
        }
      }
      a {
        color: var(--primary);
      }
    `,
  ];

  @property({ attribute: false }) services: { id: number; name: string }[] = [];
  @state() private filters: Filters = {
    service: "",
    since: isoDay(new Date(Date.now() - 6 * 86_400_000)),
    until: isoDay(new Date()),
    done: "false",
  };
  @state() private rows: LeftMessage[] = [];
  @state() private loaded = false;
  @state() private error = "";
  @state() private notice = "";
  @state() private fresh = new Set<number>();

  override connectedCallback(): void {
    super.connectedCallback();
    void this.search();
  }

  private async search(): Promise<void> {
    const f = this.filters;
    const q = new URLSearchParams();
    if (f.service) q.set("service_id", f.service);
    if (f.since) q.set("since", String(dayStart(f.since)));
    if (f.until) q.set("until", String(dayStart(f.until, 1)));
    if (f.done) q.set("done", f.done);
    try {
      this.rows = await api<LeftMessage[]>("GET", `/api/supervision/left-messages?${q}`);
      this.error = "";
    } catch (err) {
      this.error = sayError(err, msg("The messages could not be loaded. Please try again."));
    }
    this.loaded = true;
  }

  /** Does a message belong in the list as filtered now? */
  private shows(m: LeftMessage): boolean {
    const f = this.filters;
    if (f.service && String(m.service_id) !== f.service) return false;
    if (f.since && m.created_at < dayStart(f.since)) return false;
    if (f.until && m.created_at >= dayStart(f.until, 1)) return false;
    return f.done === "" || (f.done === "true") === (m.done_at !== null);
  }

  /** A left_message event from the stream: the message as it is now. A listed one changes in
   * place (marked done, it stays until the next search); a new one joins if it matches. */
  apply(frame: EventFrame): void {
    const m = frame.data.message as LeftMessage;
    if (this.rows.some((r) => r.id === m.id)) {
      this.rows = this.rows.map((r) => (r.id === m.id ? m : r));
    } else if (this.shows(m)) {
      this.rows = [...this.rows, m].sort((a, b) => b.id - a.id);
    }
    if (frame.kind === "left_message.created") {
      this.fresh = new Set([...this.fresh, m.id]);
      this.notice = msg(str`New message from ${m.name}.`);
    }
  }

  private async markNotDone(m: LeftMessage): Promise<void> {
    try {
      const row = await api<LeftMessage>("DELETE", `/api/supervision/left-messages/${m.id}/done`);
      this.rows = this.rows.map((r) => (r.id === m.id ? row : r));
      this.notice = msg(str`Message from ${m.name} marked not done.`);
    } catch (err) {
      if (err instanceof ApiError && err.code === "not_done") {
        this.notice = msg("Someone had already marked it not done.");
        await this.search();
      } else {
        this.error = sayError(err, msg("That did not work. Please try again."));
      }
    }
  }

  private async markDone(m: LeftMessage): Promise<void> {
    try {
      const done = await api<LeftMessage>("POST", `/api/supervision/left-messages/${m.id}/done`);
      this.rows = this.rows.map((r) => (r.id === m.id ? done : r));
      this.notice = msg(str`Message from ${m.name} marked done.`);
    } catch (err) {
      if (err instanceof ApiError && err.code === "already_done") {
        const by = (err.details.done_by as { display_name?: string } | null)?.display_name ?? msg("someone");
        this.notice = msg(str`${by} had already marked it done.`);
        await this.search();
      } else {
        this.error = sayError(err, msg("That did not work. Please try again."));
      }
    }
  }

  private set(key: keyof Filters, e: Event): void {
    this.filters = { ...this.filters, [key]: (e.target as HTMLInputElement).value } as Filters;
  }

  override render() {
    const f = this.filters;
    return html`
      <form class="filters" data-testid="left-filters" aria-label=${msg("Filter the left messages")} @submit=${(e: Event) => {
        e.preventDefault();
        void this.search();
      }}>
        <label>${msg("Service")}
          <select data-testid="left-service" .value=${f.service} @change=${(e: Event) => this.set("service", e)}>
            <option value="">${msg("all my services")}</option>
            ${this.services.map((s) => html`<option value=${String(s.id)} ?selected=${f.service === String(s.id)}>${s.name}</option>`)}
          </select>
        </label>
        <label>${msg("From")} <input type="date" data-testid="left-since" .value=${f.since} @change=${(e: Event) => this.set("since", e)} /></label>
        <label>${msg("To")} <input type="date" data-testid="left-until" .value=${f.until} @change=${(e: Event) => this.set("until", e)} /></label>
        <label>${msg("Status")}
          <select data-testid="left-done" .value=${f.done} @change=${(e: Event) => this.set("done", e)}>
            <option value="false" ?selected=${f.done === "false"}>${msg("to do")}</option>
            <option value="true" ?selected=${f.done === "true"}>${msg("done")}</option>
            <option value="" ?selected=${f.done === ""}>${msg("all")}</option>
          </select>
        </label>
        <button class="btn primary" type="submit" data-testid="left-apply">${msg("Show")}</button>
      </form>
      <p class="sr-only" role="status">${this.notice}</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.loaded && this.rows.length === 0
        ? html`<p class="empty" data-testid="left-empty">${msg("No message matches these filters.")}</p>`
        : html`<table data-testid="left-table">
            <caption class="sr-only">${msg("Messages left by visitors")}</caption>
            <thead><tr><th scope="col">${msg("Received")}</th><th scope="col">${msg("Service")}</th><th scope="col">${msg("From")}</th><th scope="col">${msg("Message")}</th><th scope="col">${msg("Status")}</th></tr></thead>
            <tbody>
              ${this.rows.map(
                (m) => html`<tr data-testid="left-row" data-message-id=${m.id} class=${this.fresh.has(m.id) ? "fresh" : ""}>
                  <td>${when(m.created_at)}</td>
                  <td>${m.service_name ?? html`<span class="muted">${msg("none")}</span>`}</td>
                  <td>${m.name}<div><a href="mailto:${m.email}">${m.email}</a></div></td>
                  <td class="text">${m.text}</td>
                  <td class="status">
                    ${m.done_at === null
                      ? html`<button class="btn" data-testid="left-mark-done" @click=${() => void this.markDone(m)}
                          aria-label=${msg(str`Mark done: the message from ${m.name}`)}>${msg("Mark done")}</button>`
                      : html`<span class="done" data-testid="left-done-by">${msg(str`Done by ${m.done_by?.display_name ?? "?"}`)}<br /><span class="muted">${when(m.done_at)}</span></span>
                          <div><button class="btn" data-testid="left-mark-not-done" @click=${() => void this.markNotDone(m)}
                            aria-label=${msg(str`Mark not done: the message from ${m.name}`)}>${msg("Mark not done")}</button></div>`}
                  </td>
                </tr>`,
              )}
            </tbody>
          </table>`}
    `;
  }
}
