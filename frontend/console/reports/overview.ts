// The overview: figures per service or agent for a period, and two charts (requests by
// hour stacked by outcome; the wait-time distribution) drawn with Chart.js.

import { outcomeName } from "../labels";
import { intlLocale } from "../i18n";
import { localized, msg, str } from "@lit/localize";
import { LitElement, css, html, nothing, type PropertyValues } from "lit";
import { customElement, property, query, state } from "lit/decorators.js";
import type { Chart as ChartType } from "chart.js";
import { duration, number, unit } from "../format";
import { fieldStyles, shared, tables } from "../styles";
import {
  type Figures,
  type Filters,
  type InvitationCount,
  type Overview,
  OUTCOMES,
  fetchInvitations,
  fetchOverview,
  query as toQuery,
} from "./data";
import { sayError } from "../../shared/errors";

const COLOURS: Record<string, string> = {
  successful: "#1c9b5a",
  no_interaction: "#9aa4b2",
  dissuaded: "#d58300",
  abandoned: "#d23b3b",
  cancelled: "#f0a8a8",
  rejected: "#7a4a00",
  in_progress: "#2f5bd3",
};

const secs = (v: number | null) => (v === null ? "—" : duration(v));

/** "4.5 ★ (12)": the visitors' average and how many rated; a dash when nobody did. */
function ratingCell(g: Figures): string {
  if (g.rating_avg === null || !g.rating_count) return "—";
  const avg = g.rating_avg.toLocaleString(intlLocale(), { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  return `${avg} ★ (${number(g.rating_count)})`;
}

@customElement("sp-overview")
@localized()
export class SpOverview extends LitElement {
  static override styles = [
    shared,
    tables,
    fieldStyles,
    css`
      a.btn {
        text-decoration: none;
        color: inherit;
      }
      form {
        display: flex;
        gap: 10px;
        align-items: end;
        flex-wrap: wrap;
        margin-bottom: 12px;
      }
      .charts {
        display: grid;
        grid-template-columns: 2fr 1fr;
        gap: 12px;
        margin-bottom: 12px;
      }
      figure {
        margin: 0;
        background: var(--surface);
        border: 1px solid var(--border);
        border-radius: var(--radius);
        padding: 12px;
        height: 280px;
        display: grid;
        grid-template-rows: auto 1fr;
      }
      figcaption {
        font-weight: 650;
        margin-bottom: 6px;
      }
      :host {
        display: block;
        min-width: 0;
      }
      /* Fourteen columns fit the card at 1280 px: headings wrap, cells stay compact; on a
         narrower screen the table scrolls inside its card, never the page. */
      .table-wrap {
        max-width: 100%;
        overflow-x: auto;
      }
      h2.sub {
        font-size: 15px;
        margin: 20px 0 8px;
      }
      [data-testid="canned-table"] td:nth-child(-n + 3),
      [data-testid="canned-table"] th:nth-child(-n + 3) {
        text-align: left;
      }
      th,
      td {
        text-align: right;
        font-variant-numeric: tabular-nums;
        padding: 8px 7px;
      }
      thead th {
        white-space: normal;
        vertical-align: bottom;
        line-height: 1.25;
      }
      th:first-child,
      td:first-child {
        text-align: left;
      }
      tr.total td {
        font-weight: 700;
      }
      @media (max-width: 900px) {
        .charts {
          grid-template-columns: 1fr;
        }
      }
    `,
  ];

  @property({ attribute: false }) filters!: Filters;
  @state() private groupBy = "service";
  @state() private data: Overview | null = null;
  @state() private invitations: InvitationCount[] = [];
  @state() private error = "";
  @query("#by-hour") private byHourCanvas?: HTMLCanvasElement;
  @query("#waits") private waitsCanvas?: HTMLCanvasElement;
  private charts: ChartType[] = [];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const chart of this.charts) chart.destroy();
  }

  private async load(): Promise<void> {
    try {
      [this.data, this.invitations] = await Promise.all([
        fetchOverview(this.filters, this.groupBy),
        fetchInvitations(this.filters),
      ]);
      this.error = "";
    } catch (err) {
      this.error = sayError(err, msg("The overview could not be loaded. Please try again."));
    }
  }

  protected override async updated(changed: PropertyValues): Promise<void> {
    if (!changed.has("data") || !this.data || !this.byHourCanvas || !this.waitsCanvas) return;
    const { Chart } = await import("chart.js/auto");
    for (const chart of this.charts) chart.destroy();
    const d = this.data;
    const hourFormat = new Intl.DateTimeFormat(intlLocale(), { hour: "2-digit", minute: "2-digit" });
    const hours = d.by_hour.map((h) => hourFormat.format(new Date(2000, 0, 1, h.hour)));
    this.charts = [
      new Chart(this.byHourCanvas, {
        type: "bar",
        data: {
          labels: hours,
          datasets: [...OUTCOMES, "in_progress"].map((o) => ({
            label: o === "in_progress" ? msg("in progress") : outcomeName(o),
            data: d.by_hour.map((h) => h[o] ?? 0),
            backgroundColor: COLOURS[o],
          })),
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
          locale: intlLocale(),
          plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
        },
      }),
      new Chart(this.waitsCanvas, {
        type: "bar",
        data: {
          labels: d.wait_histogram.map((b) => (b.below !== null ? `< ${unit(b.below, "second")}` : `≥ ${unit(b.at_least ?? 0, "second")}`)),
          datasets: [{ label: msg("contacts"), data: d.wait_histogram.map((b) => b.contacts), backgroundColor: "#2f5bd3" }],
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          locale: intlLocale(),
          scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
          plugins: { legend: { display: false } },
        },
      }),
    ];
    this.setAttribute("data-charts", String(this.charts.length));
  }

  private row(g: Figures, total = false) {
    return html`<tr class=${total ? "total" : ""} data-testid=${total ? "overview-total" : "overview-row"}>
      <td>${total ? msg("All") : g.name}</td><td>${number(g.requests)}</td><td>${number(g.successful)}</td>
      <td>${number(g.no_interaction)}</td><td>${number(g.dissuaded)}</td><td>${number(g.abandoned)}</td>
      <td>${number(g.cancelled)}</td><td>${number(g.rejected)}</td><td>${number(g.handed_back)}</td><td>${number(g.transferred)}</td><td>${secs(g.wait_avg)}</td><td>${secs(g.wait_p90)}</td>
      <td>${secs(g.answer_avg)}</td><td>${secs(g.handling_avg)}</td>
      <td data-testid="overview-queued" title=${msg(str`Average time queued: ${secs(g.queued_avg ?? null)}. Timed out in the queue: ${number(g.queue_timeout ?? 0)}. Turned away, queue full: ${number(g.queue_full ?? 0)}.`)}>${number(g.queued ?? 0)}${g.queue_full ? html` <small data-testid="overview-queue-full">(+${number(g.queue_full)})</small>` : nothing}</td>
      <td data-testid="overview-rating" title=${msg(str`${number(g.rating_count)} ratings`)}>${ratingCell(g)}</td>
    </tr>`;
  }

  override render() {
    const d = this.data;
    const csv = `/api/reports/overview.csv?${toQuery({ ...this.filters, outcome: "", visitor: "", q: "", sort: "", colour: "" }, { group_by: this.groupBy })}`;
    return html`<form @submit=${(e: Event) => {
        e.preventDefault();
        void this.load();
      }}>
        <label>${msg("From")} <input type="date" .value=${this.filters.since} @change=${(e: Event) => (this.filters = { ...this.filters, since: (e.target as HTMLInputElement).value })} /></label>
        <label>${msg("To")} <input type="date" .value=${this.filters.until} @change=${(e: Event) => (this.filters = { ...this.filters, until: (e.target as HTMLInputElement).value })} /></label>
        <label>${msg("Per")}
          <select .value=${this.groupBy} @change=${(e: Event) => (this.groupBy = (e.target as HTMLSelectElement).value)}>
            <option value="service">${msg("service")}</option>
            <option value="agent">${msg("agent")}</option>
          </select>
        </label>
        <button class="btn primary" type="submit">${msg("Show")}</button>
        <a class="btn" href=${csv} data-testid="overview-csv">${msg("Export CSV")}</a>
      </form>
      ${this.error ? html`<p role="alert">${this.error}</p>` : nothing}
      <div class="charts">
        <figure><figcaption>${msg("Requests by hour of the day, by outcome")}</figcaption><div><canvas id="by-hour" data-testid="chart-by-hour"></canvas></div></figure>
        <figure><figcaption>${msg("How long visitors waited")}</figcaption><div><canvas id="waits" data-testid="chart-waits"></canvas></div></figure>
      </div>
      ${d
        ? html`<div class="table-wrap"><table data-testid="overview-table">
            <thead><tr><th>${this.groupBy === "agent" ? msg("Agent") : msg("Service")}</th><th>${msg("Requests")}</th><th>${msg("Successful")}</th>
              <th>${msg("No interaction")}</th><th>${msg("Dissuaded")}</th><th>${msg("Abandoned")}</th><th>${msg("Cancelled")}</th>
              <th>${msg("Rejected")}</th><th>${msg("Handed back")}</th><th>${msg("Transferred")}</th><th>${msg("Avg wait")}</th>
              <th>${msg("90% wait")}</th><th>${msg("Avg answer")}</th><th>${msg("Avg handling")}</th>
              <th title=${msg("Requests that waited in a queue for a busy agent (+ those turned away because the queue was full)")}>${msg("Queued")}</th>
              <th>${msg("Avg rating")}</th></tr></thead>
            <tbody>${d.groups.map((g) => this.row(g))}${this.row(d.total, true)}</tbody>
          </table></div>
          <h2 class="sub">${msg("Most used canned replies")}</h2>
          ${d.canned_replies.length
            ? html`<div class="table-wrap"><table data-testid="canned-table">
                <thead><tr><th>${msg("Shortcut")}</th><th>${msg("Title")}</th><th>${msg("Service")}</th><th>${msg("Times sent")}</th></tr></thead>
                <tbody>${d.canned_replies.map(
                  (r) => html`<tr><td><b>/${r.shortcut}</b></td><td>${r.title}</td><td>${r.personal ? msg("yours") : (r.service ?? "")}</td><td>${r.uses}</td></tr>`,
                )}</tbody>
              </table></div>`
            : html`<p class="muted" data-testid="canned-none">${msg("No canned reply was sent in these contacts.")}</p>`}
          <h2 class="sub">${msg("Chat invitations")}</h2>
          ${this.invitations.length
            ? html`<div class="table-wrap"><table data-testid="invitations-table">
                <thead><tr><th>${msg("Service")}</th><th>${msg("Shown")}</th><th>${msg("Accepted")}</th></tr></thead>
                <tbody>${this.invitations.map(
                  (r) => html`<tr data-testid="invitations-row"><td>${r.service.name}</td><td class="num">${number(r.shown)}</td><td class="num">${number(r.accepted)}</td></tr>`,
                )}</tbody>
              </table></div>`
            : html`<p class="muted" data-testid="invitations-none">${msg("No invitation was shown in this period.")}</p>`}`
        : nothing}`;
  }
}
