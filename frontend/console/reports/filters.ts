// The contacts list's filter form: period, outcome, colour tag, visitor, words, order.

import { html } from "lit";
import { colours } from "../colours";
import { type Filters, OUTCOMES, contactsCsv } from "./data";

export function filterForm(f: Filters, set: (key: keyof Filters, e: Event) => void, search: () => void) {
  return html`<form class="filters" data-testid="report-filters" @submit=${(e: Event) => {
    e.preventDefault();
    search();
  }}>
    <label>From <input type="date" .value=${f.since} @change=${(e: Event) => set("since", e)} /></label>
    <label>To <input type="date" .value=${f.until} @change=${(e: Event) => set("until", e)} /></label>
    <label>Outcome
      <select data-testid="filter-outcome" .value=${f.outcome} @change=${(e: Event) => set("outcome", e)}>
        <option value="">any</option>
        ${[...OUTCOMES, "in_progress"].map((o) => html`<option value=${o}>${o.replace("_", " ")}</option>`)}
      </select>
    </label>
    <label>Colour tag
      <select data-testid="filter-colour" .value=${f.colour} @change=${(e: Event) => set("colour", e)}>
        <option value="">any</option>
        ${colours().map(([value, label]) => html`<option value=${value || "none"}>${label.toLowerCase()}</option>`)}
      </select>
    </label>
    <label>Visitor <input data-testid="filter-visitor" placeholder="name or email" .value=${f.visitor} @input=${(e: Event) => set("visitor", e)} /></label>
    <label>Words in the conversation <input data-testid="filter-text" .value=${f.q} @input=${(e: Event) => set("q", e)} /></label>
    <label>Sort
      <select .value=${f.sort} @change=${(e: Event) => set("sort", e)}>
        <option value="time">newest first</option>
        <option value="wait">longest wait</option>
        <option value="duration">longest handling</option>
      </select>
    </label>
    <button class="btn primary" data-testid="filter-apply" type="submit">Show</button>
    <a class="btn" data-testid="export-csv" href=${contactsCsv(f)}>Export CSV</a>
  </form>`;
}
