import { LitElement, css, html, nothing } from "lit";
import { customElement } from "lit/decorators.js";
import { StoreController } from "../controller";
import { clock, countryBadge, countryName, duration, host, languageName } from "../format";
import { icons } from "../icons";
import { store } from "../store";
import { shared } from "../styles";

@customElement("sp-details")
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
    `,
  ];

  protected readonly storeCtl = new StoreController(this, true);

  override render() {
    const p = store.expandedId !== null ? store.panel(store.expandedId) : undefined;
    if (!p) {
      return html`<div class="empty">
        ${icons.user()}
        <p><b>No contact selected</b></p>
        <p>Take a waiting contact, or open one of your conversations, to see the visitor here.</p>
      </div>`;
    }
    const c = p.contact;
    const v = c.visitor;
    const waited = c.assigned_at ? duration(c.assigned_at - c.created_at) : "—";
    return html`
      <h2>Visitor</h2>
      <dl aria-label="Visitor details">
        <dt>Name</dt><dd>${v.name || "—"}</dd>
        <dt>Email</dt><dd>${v.email ? html`<a href="mailto:${v.email}">${v.email}</a>` : html`<span class="none">not given</span>`}</dd>
        <dt>Country</dt><dd>${v.country ? html`${countryBadge(v.country)} ${countryName(v.country)}` : html`<span class="none">unknown</span>`}</dd>
        <dt>Language</dt><dd>${v.language ? languageName(v.language) : html`<span class="none">unknown</span>`}</dd>
        <dt>Visitor</dt><dd>${v.new_visitor ? "New visitor" : "Returning visitor"}</dd>
        <dt>Site</dt><dd>${v.site ? host(v.site) : html`<span class="none">—</span>`}</dd>
        <dt>Came from</dt><dd>${v.referrer ? host(v.referrer) : html`<span class="none">direct</span>`}</dd>
      </dl>
      <div class="section">
        <h2>Contact</h2>
        <dl>
          <dt>Service</dt><dd>${c.service.name} (${languageName(c.service.language)})</dd>
          <dt>Started</dt><dd>${clock(c.created_at)} · waited ${waited}</dd>
          <dt>State</dt><dd>${p.terminated ? `ended${c.outcome ? ` (${c.outcome.replace("_", " ")})` : ""}` : "in progress"}</dd>
        </dl>
      </div>
      <div class="section">
        <h2>Pages visited</h2>
        ${c.pages.length === 0 && !v.page_url
          ? html`<ol><li><span></span><span class="none">No page reported yet</span></li></ol>`
          : html`<ol data-testid="pages">
              ${(c.pages.length ? c.pages : [{ url: v.page_url ?? "", title: v.page_title ?? "", at: c.created_at }])
                .map((pg, i, all) => ({ ...pg, spent: (all[i + 1]?.at ?? (p.terminated && c.closed_at ? c.closed_at : store.serverNow())) - pg.at, current: i === all.length - 1 && !p.terminated }))
                .reverse()
                .map(
                (pg) => html`<li data-testid="page" ?data-current=${pg.current}>
                  <time>${clock(pg.at)}<small class="spent" title="Time spent on this page">${pg.current ? "now · " : ""}${duration(pg.spent)}</small></time>
                  <span><span class="t">${pg.title || host(pg.url)}</span>
                    ${/^https?:/i.test(pg.url) ? html`<a class="u" href=${pg.url} target="_blank" rel="noopener noreferrer">${pg.url}</a>` : html`<span class="u">${pg.url}</span>`}</span>
                </li>`,
              )}
            </ol>`}
      </div>
      ${nothing}
    `;
  }
}
