// The contacts list's filter form: period, outcome, colour tag, visitor, words, order.

import { outcomeName } from "../labels";
import { intlLocale } from "../i18n";
import { msg } from "@lit/localize";
import { html, nothing } from "lit";
import { colours } from "../colours";
import { type Filters, OUTCOMES, contactsCsv } from "./data";

export function filterForm(f: Filters, set: (key: keyof Filters, e: Event) => void, search: () => void, allVisitors: () => void) {
  return html`<form class="filters" data-testid="report-filters" @submit=${(e: Event) => {
    e.preventDefault();
    search();
  }}>
    <label>${msg("From")} <input type="date" .value=${f.since} @change=${(e: Event) => set("since", e)} /></label>
    <label>${msg("To")} <input type="date" .value=${f.until} @change=${(e: Event) => set("until", e)} /></label>
    <label>${msg("Outcome")}
      <select data-testid="filter-outcome" .value=${f.outcome} @change=${(e: Event) => set("outcome", e)}>
        <option value="">${msg("any")}</option>
        ${[...OUTCOMES, "in_progress"].map((o) => html`<option value=${o}>${o === "in_progress" ? msg("in progress") : outcomeName(o)}</option>`)}
      </select>
    </label>
    <label>${msg("Colour tag")}
      <select data-testid="filter-colour" .value=${f.colour} @change=${(e: Event) => set("colour", e)}>
        <option value="">${msg("any")}</option>
        ${colours().map(([value, label]) => html`<option value=${value || "none"}>${label.toLocaleLowerCase(intlLocale())}</option>`)}
      </select>
    </label>
    <label>${msg("Visits")}
      <select data-testid="filter-returning" .value=${f.returning} @change=${(e: Event) => set("returning", e)}>
        <option value="">${msg("any")}</option>
        <option value="true">${msg("returning visitors")}</option>
        <option value="false">${msg("first visits")}</option>
      </select>
    </label>
    ${f.visitorId
      ? html`<span class="chip one-visitor" data-testid="filter-one-visitor">${msg("One visitor's contacts")}
          <button type="button" data-testid="filter-one-visitor-clear" aria-label=${msg("Show every visitor")} @click=${allVisitors}>✕</button></span>`
      : nothing}
    <label>${msg("Visitor")} <input data-testid="filter-visitor" placeholder=${msg("name or email")} .value=${f.visitor} @input=${(e: Event) => set("visitor", e)} /></label>
    <label>${msg("Words in the conversation")} <input data-testid="filter-text" .value=${f.q} @input=${(e: Event) => set("q", e)} /></label>
    <label>${msg("Sort")}
      <select .value=${f.sort} @change=${(e: Event) => set("sort", e)}>
        <option value="time">${msg("newest first")}</option>
        <option value="wait">${msg("longest wait")}</option>
        <option value="duration">${msg("longest handling")}</option>
      </select>
    </label>
    <button class="btn primary" data-testid="filter-apply" type="submit">${msg("Show")}</button>
    <a class="btn" data-testid="export-csv" href=${contactsCsv(f)}>${msg("Export CSV")}</a>
  </form>`;
}
