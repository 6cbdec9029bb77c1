import { outcomeName } from "../labels";
import { localized, msg, str } from "@lit/localize";
import { LitElement, css, html, nothing } from "lit";
import { customElement } from "lit/decorators.js";
import { StoreController } from "../controller";
import { clock, countryBadge, countryName, duration, host, languageName, prechatValue, verifiedBadge } from "../format";
import { icons } from "../icons";
import { store } from "../store";
import { shared } from "../styles";
import "./history";

@customElement("sp-details")
@localized()
export class SpDetails extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
        background: var(--surface);
        border: 1px solid var(--border);
        border-radius: var(--radius);
        box-shadow: var(--shadow);
        overflow: auto;
      }
      h2 {
        margin: 0;
        padding: 14px 16px 10px;
        font-size: 12px;
        text-transform: uppercase;
        letter-spacing: 0.06em;
        color: var(--muted);
      }
      dl {
        margin: 0;
        padding: 0 16px 8px;
        display: grid;
        grid-template-columns: 92px 1fr;
        gap: 8px 10px;
        font-size: 13px;
      }
      dt {
        color: var(--muted);
      }
      dd {
        margin: 0;
        min-width: 0;
        overflow-wrap: anywhere;
      }
      a {
        color: var(--primary);
      }
      .section {
        border-top: 1px solid var(--border);
        margin-top: 8px;
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 0 16px 16px;
        display: grid;
        gap: 8px;
      }
      li {
        display: grid;
        grid-template-columns: 64px 1fr;
        gap: 8px;
        font-size: 13px;
      }
      li time {
        color: var(--muted);
        font-variant-numeric: tabular-nums;
      }
      li .spent {
        display: block;
        font-size: 11px;
      }
      li .t {
        display: block;
        font-weight: 550;
      }
      li .u {
        display: block;
        font-size: 12px;
        color: var(--muted);
        overflow-wrap: anywhere;
      }
      .empty {
        padding: 40px 24px;
        text-align: center;
        color: var(--muted);
      }
      .empty .icon {
        width: 36px;
        height: 36px;
        color: var(--faint);
        margin-bottom: 8px;
      }
      .empty p {
        margin: 4px 0;
      }
      .none {
        color: var(--muted);
      }
      .source {
        white-space: nowrap;
      }
    `,
  ];

  protected readonly storeCtl = new StoreController(this, true);

  /** A hint of how sure the country is: the address's is better than the browser's. */
  private countrySource(source: string | undefined) {
    const hint =
      source === "ip"
        ? msg("from the IP address")
        : source === "locale"
          ? msg("from the browser's language")
          : "";
    return hint ? html` <span class="none source" data-testid="country-source">(${hint})</span>` : nothing;
  }

  override render() {
    const p = store.expandedId !== null ? store.panel(store.expandedId) : undefined;
    if (!p) {
      return html`<div class="empty">
        ${icons.user()}
        <p><b>${msg("No contact selected")}</b></p>
        <p>${msg("Take a waiting contact, or open one of your conversations, to see the visitor here.")}</p>
      </div>`;
    }
    const c = p.contact;
    const v = c.visitor;
    const waited = c.assigned_at ? duration(c.assigned_at - c.created_at) : "—";
    return html`
      <h2>${msg("Visitor")}</h2>
      <dl aria-label=${msg("Visitor details")}>
        <dt>${msg("Name")}</dt><dd>${v.name || "—"} ${verifiedBadge(v.verified_user_id)}</dd>
        ${v.verified_user_id ? html`<dt>${msg("User id")}</dt><dd data-testid="verified-user-id">${v.verified_user_id}</dd>` : nothing}
        <dt>${msg("Email")}</dt><dd>${v.email ? html`<a href="mailto:${v.email}">${v.email}</a>` : html`<span class="none">${msg("not given")}</span>`}</dd>
        <dt>${msg("Country")}</dt><dd>${v.country ? html`${countryBadge(v.country)} ${countryName(v.country)}${this.countrySource(v.country_source)}` : html`<span class="none">${msg("unknown")}</span>`}</dd>
        <dt>${msg("Language")}</dt><dd>${v.language ? languageName(v.language) : html`<span class="none">${msg("unknown", { id: "language-unknown", desc: "a visitor's language we do not know" })}</span>`}</dd>
        <dt>${msg("Visitor")}</dt><dd>${v.new_visitor ? msg("New visitor") : msg("Returning visitor")}</dd>
        <dt>${msg("Site")}</dt><dd>${v.site ? host(v.site) : html`<span class="none">—</span>`}</dd>
        <dt>${msg("Came from")}</dt><dd>${v.referrer ? host(v.referrer) : html`<span class="none">${msg("direct")}</span>`}</dd>
      </dl>
      ${c.prechat?.length
        ? html`<div class="section">
            <h2>${msg("Pre-chat form")}</h2>
            <dl data-testid="prechat-answers">
              ${c.prechat.map((a) => html`<dt>${a.label}</dt><dd data-testid="prechat-${a.key}">${prechatValue(a.value)}</dd>`)}
            </dl>
          </div>`
        : nothing}
      <div class="section">
        <h2>${msg("Contact")}</h2>
        <dl>
          <dt>${msg("Service")}</dt><dd>${c.service.name} (${languageName(c.service.language)})</dd>
          <dt>${msg("Started")}</dt><dd>${clock(c.created_at)} · ${msg(str`waited ${waited}`)}</dd>
          <dt>${msg("State")}</dt><dd>${p.terminated ? (c.outcome ? msg(str`ended (${outcomeName(c.outcome)})`) : msg("ended")) : msg("in progress")}</dd>
        </dl>
      </div>
      <div class="section">
        <h2>${msg("Pages visited")}</h2>
        ${c.pages.length === 0 && !v.page_url
          ? html`<ol><li><span></span><span class="none">${msg("No page reported yet")}</span></li></ol>`
          : html`<ol data-testid="pages">
              ${(c.pages.length ? c.pages : [{ url: v.page_url ?? "", title: v.page_title ?? "", at: c.created_at }])
                .map((pg, i, all) => ({ ...pg, spent: (all[i + 1]?.at ?? (p.terminated && c.closed_at ? c.closed_at : store.serverNow())) - pg.at, current: i === all.length - 1 && !p.terminated }))
                .reverse()
                .map(
                (pg) => html`<li data-testid="page" ?data-current=${pg.current}>
                  <time>${clock(pg.at)}<small class="spent" title=${msg("Time spent on this page")}>${pg.current ? msg("now") + " · " : ""}${duration(pg.spent)}</small></time>
                  <span><span class="t">${pg.title || host(pg.url)}</span>
                    ${/^https?:/i.test(pg.url) ? html`<a class="u" href=${pg.url} target="_blank" rel="noopener noreferrer">${pg.url}</a>` : html`<span class="u">${pg.url}</span>`}</span>
                </li>`,
              )}
            </ol>`}
      </div>
      ${v.new_visitor
        ? nothing
        : html`<div class="section">
            <h2>${msg("Earlier contacts")}</h2>
            <sp-visitor-history .contactId=${c.id}></sp-visitor-history>
          </div>`}
    `;
  }
}
