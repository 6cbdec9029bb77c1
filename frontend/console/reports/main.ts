// Reports: the contacts list, a contact's details (printable, linkable) and the overview.
// A page of its own (/reports), signed in with the console's session.

import { mediumName, outcomeName, translationFailure } from "../labels";
import { intlLocale, plural, useLanguage } from "../i18n";
import { localized, msg, str } from "@lit/localize";
import { LitElement, css, html, nothing } from "lit";
import { customElement, state } from "lit/decorators.js";
import { formatBytes } from "../../shared/files";
import { api, ApiError } from "../api";
import { clock, countryBadge, duration, host, languageName, linkify, prechatValue, verifiedBadge } from "../format";
import { icons } from "../icons";
import type { CallView } from "../../shared/protocol";
import { fieldStyles, pageStyles, shared } from "../styles";
import type { AgentState, TransferLeg } from "../types";
import { colourChip } from "../colours";
import { type Filters, type ReportDetail, type ReportRow, fetchDetail, fetchPage, isoDay } from "./data";
import { filterForm } from "./filters";
import "./overview";
import { sayError } from "../../shared/errors";
import { noteCard, noteStyles } from "../components/notes";

// The browser's language until /api/me gives the agent's profile.
void useLanguage(null);

type View = { name: "list" } | { name: "contact"; id: number } | { name: "overview" };

function parseHash(): View {
  const contact = /^#contact\/(\d+)$/.exec(location.hash);
  if (contact) return { name: "contact", id: Number(contact[1]) };
  if (location.hash === "#overview") return { name: "overview" };
  return { name: "list" };
}

function day(seconds: number): string {
  return new Date(seconds * 1000).toLocaleDateString(intlLocale(), { year: "numeric", month: "short", day: "numeric" });
}

const secs = (v: number | null) => (v === null ? "—" : duration(v));
const outcomeText = (row: ReportRow) => (row.outcome ? outcomeName(row.outcome) : msg("in progress"));

/** Why a call ended (the server's code). */
function endReason(code: string | null | undefined): string {
  const reasons: Record<string, string> = {
    hung_up: msg("hung up"),
    visitor_left: msg("the visitor left"),
    agent_disconnected: msg("the agent's console did not come back"),
    contact_closed: msg("the contact ended"),
    requeued: msg("the contact went back to the queue"),
    transferred: msg("the contact was transferred"),
  };
  return reasons[code ?? ""] ?? (code ? code.replace(/_/g, " ") : msg("ended"));
}

/** Who did something (visitor, agent, system). */
function party(who: string | null | undefined): string {
  if (who === "visitor") return msg("the visitor");
  if (who === "agent") return msg("the agent");
  if (who === "system") return msg("the system");
  if (who === "visitor_gone") return msg("the visitor (gone)");
  return who ? who.replace(/_/g, " ") : "—";
}

const callOutcome = (c: CallView) => {
  if (c.state === "declined") return msg("declined");
  if (!c.connected_at) return c.ended_at ? msg(str`not connected (${endReason(c.end_reason)})`) : c.state;
  const media = c.media === "voice" && c.requested === "video" ? msg("voice only") : mediumName(c.media ?? c.requested);
  const talked = duration((c.ended_at ?? Date.now() / 1000) - c.connected_at);
  return `${media}, ${talked}` + (c.ended_by ? ", " + msg(str`hung up by ${party(c.ended_by)}`) : "");
};

function legOutcome(t: TransferLeg): string {
  if (t.outcome === "accepted") {
    const by = t.accepted_by?.display_name ?? "?";
    if (t.taken_over) return msg(str`taken over by ${by}`);
    const after = duration((t.ended_at ?? t.requested_at) - t.requested_at);
    return msg(str`accepted by ${by} after ${after}`);
  }
  const outcomes: Record<string, string> = {
    rejected: msg("rejected"),
    timed_out: msg("timed out"),
    cancelled: msg("cancelled"),
    target_disabled: msg("returned: the account was disabled"),
  };
  const outcome = t.outcome ? (outcomes[t.outcome] ?? t.outcome.replace(/_/g, " ")) : msg("waiting");
  return outcome + (t.reason ? ` (${t.reason})` : "");
}

/** Who made a message's translation: the engine, and whether the agent edited it. */
function translatedBy(t: { engine?: string; edited?: boolean }): string {
  const engine = t.engine ?? msg("engine", { desc: "a translation engine whose name is not known" });
  return t.edited ? msg(str`${engine}, edited by the agent`) : engine;
}

/** Why a message went untranslated, from the server's code (its English reason otherwise). */
function notTranslated(t: { code?: string; reason?: string }): string {
  const why = translationFailure(t.code, t.reason);
  return why ? msg(str`not translated: ${why}`) : msg("not translated");
}

@customElement("sp-reports")
@localized()
export class SpReports extends LitElement {
  static override styles = [
    shared,
    pageStyles,
    fieldStyles,
    noteStyles,
    css`
      .notes {
        display: grid;
        gap: 6px;
      }
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
      .stars {
        color: #b7791f;
        white-space: nowrap;
      }
      q {
        display: block;
        margin-top: 2px;
        font-style: italic;
      }
      .one-visitor {
        align-self: end;
        display: inline-flex;
        align-items: center;
        gap: 4px;
        margin-bottom: 6px;
      }
      .one-visitor button {
        border: 0;
        background: none;
        padding: 0 2px;
        cursor: pointer;
        font: inherit;
        color: var(--muted);
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
    returning: "",
    visitorId: "",
  };

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener("hashchange", () => this.route());
    void this.boot();
  }

  private async boot(): Promise<void> {
    try {
      this.me = await api<AgentState>("GET", "/api/me");
      await useLanguage(this.me.ui_language);
      await this.route();
    } catch (err) {
      this.signedOut = err instanceof ApiError && err.status === 401;
      this.error = this.signedOut ? "" : sayError(err, msg("The reports could not be loaded. Please reload the page."));
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
        this.error = sayError(err, msg("This contact could not be loaded. Please try again."));
      }
    }
  }

  /** The list of this visitor's contacts, whenever they were. */
  private earlierOf(e: Event, row: ReportRow): void {
    e.preventDefault();
    this.filters = { ...this.filters, visitorId: row.visitor.id, since: "", returning: "" };
    if (location.hash === "#list") void this.route();
    else location.hash = "#list";
  }

  private async search(more = false): Promise<void> {
    this.loading = true;
    try {
      const page = await fetchPage(this.filters, more ? this.cursor : null);
      this.rows = more ? [...this.rows, ...page.items] : page.items;
      this.cursor = page.next_cursor;
      this.error = "";
    } catch (err) {
      this.error = sayError(err, msg("The contacts could not be loaded. Please try again."));
    } finally {
      this.loading = false;
    }
  }

  private set(key: keyof Filters, e: Event): void {
    this.filters = { ...this.filters, [key]: (e.target as HTMLInputElement).value };
  }

  protected override willUpdate(): void {
    document.title = msg("Sportello reports");
  }

  override render() {
    if (this.signedOut) {
      return html`<p class="empty">${msg(html`Sign in to the <a href="/console">console</a> first, then come back.`)}</p>`;
    }
    const v = this.view;
    return html`<header>
        <h1>${msg("Reports")}</h1>
        <nav aria-label=${msg("Reports")}>
          <a href="#list" aria-current=${v.name === "list" ? "page" : "false"}>${msg("Contacts")}</a>
          <a href="#overview" aria-current=${v.name === "overview" ? "page" : "false"}>${msg("Overview")}</a>
        </nav>
        <span class="spacer"></span>
        <a class="btn" href="/console">${msg("Back to the console")}</a>
      </header>
      <main>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        ${v.name === "list" ? this.renderList() : nothing}
        ${v.name === "contact" ? this.renderContact() : nothing}
        ${v.name === "overview" ? html`<sp-overview .filters=${this.filters} ?admin=${this.me?.role !== "agent"}></sp-overview>` : nothing}
      </main>`;
  }

  private renderList() {
    return html`${filterForm(
      this.filters,
      (key, e) => this.set(key, e),
      () => void this.search(),
      () => {
        this.filters = { ...this.filters, visitorId: "" };
        void this.search();
      },
    )}
      ${this.rows.length === 0 && !this.loading
        ? html`<p class="empty" data-testid="report-empty">${msg("No contact matches these filters.")}</p>`
        : html`<table data-testid="report-table">
            <thead><tr><th>${msg("Time")}</th><th>${msg("Visitor")}</th><th>${msg("Service")}</th><th>${msg("Agent")}</th><th>${msg("Wait")}</th><th>${msg("Duration")}</th><th>${msg("Outcome")}</th><th>${msg("Tag")}</th><th></th></tr></thead>
            <tbody>
              ${this.rows.map(
                (r) => html`<tr data-testid="report-row" data-contact-id=${r.id} tabindex="0"
                  @click=${() => (location.hash = `#contact/${r.id}`)}
                  @keydown=${(e: KeyboardEvent) => e.key === "Enter" && (location.hash = `#contact/${r.id}`)}>
                  <td class="num">${day(r.created_at)} ${clock(r.created_at)}</td>
                  <td>${countryBadge(r.visitor.country)} ${r.visitor.name} ${verifiedBadge(r.visitor.verified_user_id)}${r.returning ? html` <span class="chip" data-testid="report-returning" title=${msg("This visitor had come before")}>${msg("returning")}</span>` : nothing}<div class="marks">${r.visitor.email}</div></td>
                  <td>${r.service.name}</td>
                  <td>${r.agents.length ? r.agents.map((a) => a.name).join(" → ") : "—"}</td>
                  <td class="num">${secs(r.wait)}</td>
                  <td class="num">${secs(r.duration)}</td>
                  <td class="outcome ${r.outcome ?? ""}">${outcomeText(r)}</td>
                  <td>${colourChip(r.colour)}</td>
                  <td class="marks">${r.files ? html`<span title=${msg("Files sent")}>${icons.file(msg("Files"))} ${r.files}</span>` : nothing}
                    ${r.requeued ? html`<span title=${msg("Handed back to the queue once")}>${icons.retry(msg("Handed back"))}</span>` : nothing}
                    ${r.transfers ? html`<span title=${plural(r.transfers, msg("Transferred once"), msg(str`Transferred ${r.transfers} times`))} data-testid="report-transferred">${icons.transfer(msg("Transfers"))} ${r.transfers}</span>` : nothing}
                    ${r.media_used.length > 1 ? html`<span>${r.media_used.map(mediumName).join(" + ")}</span>` : nothing}
                    ${r.rating ? html`<span class="stars" data-testid="report-row-rating" title=${msg(str`Rated ${r.rating.score} of 5`)}>★ ${r.rating.score}</span>` : nothing}</td>
                </tr>`,
              )}
            </tbody>
          </table>
          ${this.cursor
            ? html`<button class="btn more" data-testid="report-more" ?disabled=${this.loading} @click=${() => void this.search(true)}>${msg("Load more")}</button>`
            : nothing}`}`;
  }

  private renderContact() {
    const d = this.detail;
    if (!d) return this.error ? nothing : html`<p class="empty">${msg("Loading…")}</p>`;
    const s = d.summary;
    const end = d.closed_at ?? Date.now() / 1000;
    const names = new Map(s.agents.map((a) => [a.id, a.name]));
    return html`<article data-testid="report-contact">
      <div class="noprint"><a href="#list">← ${msg("All contacts")}</a> · <button class="btn" @click=${() => window.print()}>${msg("Print")}</button></div>
      <h2>${d.visitor.name} ${countryBadge(d.visitor.country)} ${verifiedBadge(d.visitor.verified_user_id)}</h2>
      <div class="marks">${msg(str`Contact #${d.id}`)} · ${d.service.name} · ${day(d.created_at)} ${clock(d.created_at)}</div>
      <div class="facts">
        <div><b>${msg("Email")}</b>${d.visitor.email || "—"}</div>
        ${d.visitor.verified_user_id ? html`<div><b>${msg("User id")}</b><span data-testid="report-verified-user-id">${d.visitor.verified_user_id}</span></div>` : nothing}
        <div><b>${msg("Language")}</b>${d.visitor.language ? languageName(d.visitor.language) : "—"}</div>
        <div><b>${msg("Visitor")}</b>${d.visitor.new_visitor ? msg("new") : msg("returning")}${d.earlier_contacts
          ? html` · <a href="#list" data-testid="report-earlier" @click=${(e: Event) => this.earlierOf(e, s)}>${plural(d.earlier_contacts, msg("1 earlier contact"), msg(str`${d.earlier_contacts} earlier contacts`))}</a>`
          : nothing}</div>
        <div><b>${s.agents.length > 1 ? msg("Agents") : msg("Agent")}</b>${s.agents.length ? s.agents.map((a) => a.name).join(" → ") : "—"}</div>
        <div><b>${msg("Wait")}</b>${secs(s.wait)}</div>
        ${d.queued_seconds !== null && d.queued_seconds !== undefined
          ? html`<div data-testid="report-queued"><b>${msg("Time queued")}</b>${secs(d.queued_seconds)}${d.queue_exit === "queue_timeout" ? html` · ${msg("timed out")}` : nothing}</div>
              <div><b>${msg("Time offered")}</b>${secs(d.offered_seconds ?? null)}</div>`
          : d.queue_exit === "queue_full"
            ? html`<div data-testid="report-queued"><b>${msg("Queue")}</b>${msg("full: turned away")}</div>`
            : nothing}
        <div><b>${msg("Handling")}</b>${secs(s.duration)}</div>
        <div><b>${msg("Outcome")}</b><span class="outcome ${s.outcome ?? ""}" data-testid="report-outcome">${outcomeText(s)}</span></div>
        <div><b>${msg("Ended by")}</b>${party(d.closed_by)}</div>
        <div><b>${msg("Colour tag")}</b><span data-testid="report-colour">${s.colour ? colourChip(s.colour) : "—"}</span></div>
        <div><b>${msg("Visitor's rating")}</b><span data-testid="report-rating">${s.rating
          ? html`<span class="stars" title=${msg(str`${s.rating.score} of 5`)}>${"★".repeat(s.rating.score)}${"☆".repeat(5 - s.rating.score)}</span>
              ${s.rating.comment ? html`<q data-testid="report-rating-comment">${s.rating.comment}</q>` : nothing}`
          : msg("not rated")}</span></div>
        <div><b>${msg("Browser")}</b><span class="marks">${d.visitor.user_agent || "—"}</span></div>
        ${(d.prechat ?? []).map((a) => html`<div data-testid="report-prechat"><b>${a.label}</b>${prechatValue(a.value)}</div>`)}
      </div>
      ${d.transfers?.length
        ? html`<h3>${msg("Transfers")}</h3><ol class="legs" data-testid="report-transfers">
            ${d.transfers.map((t) => html`<li>${clock(t.requested_at)} · ${t.from_agent?.display_name ?? "?"} → ${t.group ? msg(str`group ${t.group.name}`) : t.to_agent?.display_name ?? "?"}
              <span class="outcome ${t.outcome === "accepted" ? "successful" : ""}">${legOutcome(t)}</span>
              ${t.note ? html`<blockquote>${t.note}</blockquote>` : nothing}</li>`)}
          </ol>`
        : nothing}
      ${d.calls?.length
        ? html`<h3>${msg("Calls")}</h3><ol class="legs" data-testid="report-calls">
            ${d.calls.map((c) => html`<li>${clock(c.offered_at)} · ${c.requested === "video" ? msg(str`video call started by ${party(c.started_by)}`) : msg(str`voice call started by ${party(c.started_by)}`)} · <span class="outcome ${c.connected_at ? "successful" : ""}">${callOutcome(c)}</span></li>`)}
          </ol>`
        : nothing}
      <h3>${msg("Pages visited")}</h3>
      ${d.pages.length
        ? html`<ol class="pages">
            ${d.pages.map((p, i, all) => html`<li>${clock(p.at)} · ${p.title || host(p.url)} <span class="marks">${p.url} · ${duration((all[i + 1]?.at ?? end) - p.at)}</span></li>`)}
          </ol>`
        : html`<p class="marks">${msg("None reported.")}</p>`}
      ${d.files.length
        ? html`<h3>${msg("Attachments")}</h3><div class="attachments" data-testid="report-files">
            ${d.files.map((f) => html`<div class="attachment">
              ${f.thumbnail ? html`<img src="/api/files/${f.id}/thumbnail" alt=${f.description || f.name} data-testid="report-thumbnail" />` : nothing}
              <a href="/api/files/${f.id}" download=${f.name} data-testid="report-download">${f.name}</a>
              <span class="marks">${formatBytes(f.size)} · ${party(f.sender)} · ${clock(f.created_at)}</span>
            </div>`)}
          </div>`
        : nothing}
      <h3>${msg("Transcript")}</h3>
      <div class="transcript" data-testid="report-transcript">
        ${d.messages.map((m) => html`<div class="line">
          <time>${clock(m.created_at)}</time>
          <span class="who">${m.sender === "visitor" ? d.visitor.name : m.sender === "agent" ? (names.get(m.agent_id ?? 0) ?? msg("Agent")) : msg("System")}</span>
          <span class="text">${m.file ? html`${icons.file(msg("File"))} ${m.file.description || m.file.name}` : linkify(m.text)}
            ${m.translation?.state === "done" && m.translation.text
              ? html`<span class="translated" data-testid="report-translation" lang=${m.translation.target}>${languageName(m.translation.source)} → ${languageName(m.translation.target)} (${translatedBy(m.translation)}): ${m.translation.text}</span>`
              : m.translation?.state === "failed" || m.translation?.state === "skipped"
                ? html`<span class="translated" data-testid="report-untranslated">${notTranslated(m.translation)}</span>`
                : nothing}</span>
        </div>`)}
      </div>
      ${d.notes?.length
        ? html`<h3>${msg("Private notes and whispers")}</h3>
            <p class="marks">${msg("Agents and supervisors only: never shown to the visitor.")}</p>
            <div class="notes" data-testid="report-notes">${d.notes.map((n) => noteCard(n, undefined))}</div>`
        : nothing}
    </article>`;
  }
}
