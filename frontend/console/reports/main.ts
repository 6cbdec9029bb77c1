// Reports: the contacts list, a contact's details (printable, linkable) and the overview.
// A page of its own (/reports), signed in with the console's session.

import { LitElement, css, html, nothing } from "lit";
import { customElement, state } from "lit/decorators.js";
import { formatBytes } from "../../shared/files";
import { api, ApiError } from "../api";
import { clock, countryBadge, duration, host, linkify } from "../format";
import { icons } from "../icons";
import type { CallView } from "../../shared/protocol";
import { fieldStyles, pageStyles, shared } from "../styles";
import type { AgentState, TransferLeg } from "../types";
import { colourChip } from "../colours";
import { type Filters, type ReportDetail, type ReportRow, fetchDetail, fetchPage, isoDay } from "./data";
import { filterForm } from "./filters";
import "./overview";
import { sayError } from "../../shared/errors";

type View = { name: "list" } | { name: "contact"; id: number } | { name: "overview" };

function parseHash(): View {
  const contact = /^#contact\/(\d+)$/.exec(location.hash);
  if (contact) return { name: "contact", id: Number(contact[1]) };
  if (location.hash === "#overview") return { name: "overview" };
  return { name: "list" };
}

function day(seconds: number): string {
  return new Date(seconds * 1000).toLocaleDateString([], { year: "numeric", month: "short", day: "numeric" });
}

const secs = (v: number | null) => (v === null ? "—" : duration(v));
const outcomeText = (row: ReportRow) => (row.outcome ?? "in progress").replace("_", " ");
const callOutcome = (c: CallView) => {
  if (c.state === "declined") return "declined";
  if (!c.connected_at) return c.ended_at ? `not connected (${(c.end_reason ?? "ended").replace(/_/g, " ")})` : c.state;
  const media = c.media === "voice" && c.requested === "video" ? "voice only" : (c.media ?? c.requested);
  const talked = duration((c.ended_at ?? Date.now() / 1000) - c.connected_at);
  return `${media}, ${talked}` + (c.ended_by ? `, hung up by the ${c.ended_by}` : "");
};
const legOutcome = (t: TransferLeg) =>
  t.outcome === "accepted"
    ? `accepted by ${t.accepted_by?.display_name ?? "?"} after ${duration((t.ended_at ?? t.requested_at) - t.requested_at)}`
    : (t.outcome ?? "waiting").replace("_", " ") + (t.reason ? ` (${t.reason})` : "");

/** Who made a message's translation: the engine, and whether the agent edited it. */
const translatedBy = (t: { engine?: string; edited?: boolean }) =>
  `${t.engine ?? "engine"}${t.edited ? ", edited by the agent" : ""}`;
const notTranslated = (reason?: string) => `not translated${reason ? `: ${reason}` : ""}`;

@customElement("sp-reports")
export class SpReports extends LitElement {
  static override styles = [
    shared,
    pageStyles,
    fieldStyles,
    css`
      :host {
        display: block;
        max-width: 1200px;
        margin: 0 auto;
        padding: 16px 20px 40px;
      }
      form.filters {
        margin-bottom: 12px;
      }
      tbody tr {
        cursor: pointer;
      }
      tbody tr:hover {
        background: var(--hover);
      }
      td.num {
        font-variant-numeric: tabular-nums;
      }
      .outcome {
        font-weight: 600;
      }
      .outcome.successful {
        color: var(--green);
      }
      .outcome.dissuaded,
      .outcome.abandoned,
      .outcome.rejected {
        color: var(--red);
      }
      .marks {
        color: var(--muted);
        font-size: 12px;
      }
      .colour-chip {
        display: inline-flex;
        align-items: center;
        gap: 5px;
        white-space: nowrap;
      }
      .colour-chip .dot {
        width: 10px;
        height: 10px;
        border-radius: 50%;
      }
      .marks .icon,
      .transcript .icon {
        width: 14px;
        height: 14px;
      }
      .more {
        margin: 12px auto;
        display: block;
      }
      .empty,
      .error {
        padding: 20px;
        text-align: center;
        color: var(--muted);
      }
      .error {
        color: var(--red);
      }
      article {
        background: var(--surface);
        border: 1px solid var(--border);
        border-radius: var(--radius);
        padding: 20px;
      }
      article h2 {
        margin: 0 0 4px;
      }
      .facts {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(220px, 1fr));
        gap: 6px 20px;
        margin: 14px 0;
      }
      .facts div {
        display: grid;
      }
      .facts b {
        font-size: 11px;
        color: var(--muted);
        text-transform: uppercase;
        letter-spacing: 0.04em;
      }
      .transcript {
        display: grid;
        gap: 6px;
        margin-top: 10px;
      }
      .line {
        display: grid;
        grid-template-columns: 70px 110px 1fr;
        gap: 8px;
        font-size: 13px;
      }
      .line time,
      .line .who {
        color: var(--muted);
      }
      .line .text {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .attachments {
        display: flex;
        flex-wrap: wrap;
        gap: 10px;
      }
      .attachment {
        display: grid;
        gap: 4px;
        width: 180px;
        font-size: 12px;
      }
      .attachment img {
        width: 180px;
        height: 120px;
        object-fit: cover;
        border-radius: 8px;
        border: 1px solid var(--border);
      }
      ol.pages,
      ol.legs {
        padding-left: 18px;
      }
      ol.legs blockquote {
        margin: 4px 0 8px;
        padding-left: 10px;
        border-left: 3px solid var(--border);
        color: var(--muted);
      }
      .translated {
        display: block;
        color: var(--muted);
        font-size: 13px;
      }
      @media print {
        header nav,
        header .btn,
        form.filters,
        .noprint {
          display: none !important;
        }
        article {
          border: 0;
          padding: 0;
        }
      }
    `,
  ];

  @state() private me: AgentState | null = null;
  @state() private signedOut = false;
  @state() private view: View = parseHash();
  @state() private rows: ReportRow[] = [];
  @state() private cursor: string | null = null;
  @state() private loading = false;
  @state() private error = "";
  @state() private detail: ReportDetail | null = null;
  @state() private filters: Filters = {
    since: isoDay(new Date(Date.now() - 29 * 86_400_000)),
    until: isoDay(new Date()),
    outcome: "",
    visitor: "",
    q: "",
    sort: "time",
    colour: "",
  };

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener("hashchange", () => this.route());
    void this.boot();
  }

  private async boot(): Promise<void> {
    try {
      this.me = await api<AgentState>("GET", "/api/me");
      await this.route();
    } catch (err) {
      this.signedOut = err instanceof ApiError && err.status === 401;
      this.error = this.signedOut ? "" : sayError(err, "The reports could not be loaded. Please reload the page.");
    }
  }

  private async route(): Promise<void> {
    this.view = parseHash();
    this.error = "";
    if (this.view.name === "list") await this.search();
    if (this.view.name === "contact") {
      this.detail = null;
      try {
        this.detail = await fetchDetail(this.view.id);
      } catch (err) {
        this.error = sayError(err, "This contact could not be loaded. Please try again.");
      }
    }
  }

  private async search(more = false): Promise<void> {
    this.loading = true;
    try {
      const page = await fetchPage(this.filters, more ? this.cursor : null);
      this.rows = more ? [...this.rows, ...page.items] : page.items;
      this.cursor = page.next_cursor;
      this.error = "";
    } catch (err) {
      this.error = sayError(err, "The contacts could not be loaded. Please try again.");
    } finally {
      this.loading = false;
    }
  }

  private set(key: keyof Filters, e: Event): void {
    this.filters = { ...this.filters, [key]: (e.target as HTMLInputElement).value };
  }

  override render() {
    if (this.signedOut) {
      return html`<p class="empty">Sign in to the <a href="/console">console</a> first, then come back.</p>`;
    }
    const v = this.view;
    return html`<header>
        <h1>Reports</h1>
        <nav aria-label="Reports">
          <a href="#list" aria-current=${v.name === "list" ? "page" : "false"}>Contacts</a>
          <a href="#overview" aria-current=${v.name === "overview" ? "page" : "false"}>Overview</a>
        </nav>
        <span class="spacer"></span>
        <a class="btn" href="/console">Back to the console</a>
      </header>
      <main>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        ${v.name === "list" ? this.renderList() : nothing}
        ${v.name === "contact" ? this.renderContact() : nothing}
        ${v.name === "overview" ? html`<sp-overview .filters=${this.filters} ?admin=${this.me?.role !== "agent"}></sp-overview>` : nothing}
      </main>`;
  }

  private renderList() {
    return html`${filterForm(this.filters, (key, e) => this.set(key, e), () => void this.search())}
      ${this.rows.length === 0 && !this.loading
        ? html`<p class="empty" data-testid="report-empty">No contact matches these filters.</p>`
        : html`<table data-testid="report-table">
            <thead><tr><th>Time</th><th>Visitor</th><th>Service</th><th>Agent</th><th>Wait</th><th>Duration</th><th>Outcome</th><th>Tag</th><th></th></tr></thead>
            <tbody>
              ${this.rows.map(
                (r) => html`<tr data-testid="report-row" data-contact-id=${r.id} tabindex="0"
                  @click=${() => (location.hash = `#contact/${r.id}`)}
                  @keydown=${(e: KeyboardEvent) => e.key === "Enter" && (location.hash = `#contact/${r.id}`)}>
                  <td class="num">${day(r.created_at)} ${clock(r.created_at)}</td>
                  <td>${countryBadge(r.visitor.country)} ${r.visitor.name}<div class="marks">${r.visitor.email}</div></td>
                  <td>${r.service.name}</td>
                  <td>${r.agents.length ? r.agents.map((a) => a.name).join(" → ") : "—"}</td>
                  <td class="num">${secs(r.wait)}</td>
                  <td class="num">${secs(r.duration)}</td>
                  <td class="outcome ${r.outcome ?? ""}">${outcomeText(r)}</td>
                  <td>${colourChip(r.colour)}</td>
                  <td class="marks">${r.files ? html`<span title="Files sent">${icons.file("Files")} ${r.files}</span>` : nothing}
                    ${r.requeued ? html`<span title="Handed back to the queue once">${icons.retry("Handed back")}</span>` : nothing}
                    ${r.transfers ? html`<span title="Transferred ${r.transfers === 1 ? "once" : `${r.transfers} times`}" data-testid="report-transferred">${icons.transfer("Transfers")} ${r.transfers}</span>` : nothing}
                    ${r.media_used.length > 1 ? html`<span>${r.media_used.join(" + ")}</span>` : nothing}</td>
                </tr>`,
              )}
            </tbody>
          </table>
          ${this.cursor
            ? html`<button class="btn more" data-testid="report-more" ?disabled=${this.loading} @click=${() => void this.search(true)}>Load more</button>`
            : nothing}`}`;
  }

  private renderContact() {
    const d = this.detail;
    if (!d) return this.error ? nothing : html`<p class="empty">Loading…</p>`;
    const s = d.summary;
    const end = d.closed_at ?? Date.now() / 1000;
    const names = new Map(s.agents.map((a) => [a.id, a.name]));
    return html`<article data-testid="report-contact">
      <div class="noprint"><a href="#list">← All contacts</a> · <button class="btn" @click=${() => window.print()}>Print</button></div>
      <h2>${d.visitor.name} ${countryBadge(d.visitor.country)}</h2>
      <div class="marks">Contact #${d.id} · ${d.service.name} · ${day(d.created_at)} ${clock(d.created_at)}</div>
      <div class="facts">
        <div><b>Email</b>${d.visitor.email || "—"}</div>
        <div><b>Language</b>${d.visitor.language || "—"}</div>
        <div><b>Visitor</b>${d.visitor.new_visitor ? "new" : "returning"}</div>
        <div><b>Agent${s.agents.length > 1 ? "s" : ""}</b>${s.agents.length ? s.agents.map((a) => a.name).join(" → ") : "—"}</div>
        <div><b>Wait</b>${secs(s.wait)}</div>
        <div><b>Handling</b>${secs(s.duration)}</div>
        <div><b>Outcome</b><span class="outcome ${s.outcome ?? ""}" data-testid="report-outcome">${outcomeText(s)}</span></div>
        <div><b>Ended by</b>${d.closed_by?.replace("_", " ") ?? "—"}</div>
        <div><b>Colour tag</b><span data-testid="report-colour">${s.colour ? colourChip(s.colour) : "—"}</span></div>
        <div><b>Browser</b><span class="marks">${d.visitor.user_agent || "—"}</span></div>
      </div>
      ${d.transfers?.length
        ? html`<h3>Transfers</h3><ol class="legs" data-testid="report-transfers">
            ${d.transfers.map((t) => html`<li>${clock(t.requested_at)} · ${t.from_agent?.display_name ?? "?"} → ${t.group ? `group ${t.group.name}` : t.to_agent?.display_name ?? "?"}
              <span class="outcome ${t.outcome === "accepted" ? "successful" : ""}">${legOutcome(t)}</span>
              ${t.note ? html`<blockquote>${t.note}</blockquote>` : nothing}</li>`)}
          </ol>`
        : nothing}
      ${d.calls?.length
        ? html`<h3>Calls</h3><ol class="legs" data-testid="report-calls">
            ${d.calls.map((c) => html`<li>${clock(c.offered_at)} · ${c.requested} call started by the ${c.started_by} · <span class="outcome ${c.connected_at ? "successful" : ""}">${callOutcome(c)}</span></li>`)}
          </ol>`
        : nothing}
      <h3>Pages visited</h3>
      ${d.pages.length
        ? html`<ol class="pages">
            ${d.pages.map((p, i, all) => html`<li>${clock(p.at)} · ${p.title || host(p.url)} <span class="marks">${p.url} · ${duration((all[i + 1]?.at ?? end) - p.at)}</span></li>`)}
          </ol>`
        : html`<p class="marks">None reported.</p>`}
      ${d.files.length
        ? html`<h3>Attachments</h3><div class="attachments" data-testid="report-files">
            ${d.files.map((f) => html`<div class="attachment">
              ${f.thumbnail ? html`<img src="/api/files/${f.id}/thumbnail" alt=${f.description || f.name} data-testid="report-thumbnail" />` : nothing}
              <a href="/api/files/${f.id}" download=${f.name} data-testid="report-download">${f.name}</a>
              <span class="marks">${formatBytes(f.size)} · ${f.sender} · ${clock(f.created_at)}</span>
            </div>`)}
          </div>`
        : nothing}
      <h3>Transcript</h3>
      <div class="transcript" data-testid="report-transcript">
        ${d.messages.map((m) => html`<div class="line">
          <time>${clock(m.created_at)}</time>
          <span class="who">${m.sender === "visitor" ? d.visitor.name : m.sender === "agent" ? (names.get(m.agent_id ?? 0) ?? "Agent") : "System"}</span>
          <span class="text">${m.file ? html`${icons.file("File")} ${m.file.description || m.file.name}` : linkify(m.text)}
            ${m.translation?.state === "done" && m.translation.text
              ? html`<span class="translated" data-testid="report-translation" lang=${m.translation.target}>${m.translation.source} → ${m.translation.target} (${translatedBy(m.translation)}): ${m.translation.text}</span>`
              : m.translation?.state === "failed" || m.translation?.state === "skipped"
                ? html`<span class="translated" data-testid="report-untranslated">${notTranslated(m.translation.reason)}</span>`
                : nothing}</span>
        </div>`)}
      </div>
    </article>`;
  }
}
