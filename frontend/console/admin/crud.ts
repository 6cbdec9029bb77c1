// One admin resource: its table, and a form to create or edit a row.

import { localized, msg, str } from "@lit/localize";
import { LitElement, html, nothing, type TemplateResult } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { api } from "../api";
import { shared, tables } from "../styles";
import "./form";
import type { Field, Values } from "./form";
import { adminStyles } from "./styles";
import { sayError } from "../../shared/errors";

export type Row = Values & { id?: number; name?: string };

export interface Column {
  label: string;
  cell: (row: Row) => TemplateResult | string;
}

export interface Resource {
  title: string;
  /** The sentences about a row, whole (each language has its own grammar for them). */
  words: {
    add: string;
    edit: (name: string) => string;
    created: (name: string) => string;
    saved: (name: string) => string;
    deleted: (name: string) => string;
  };
  path: string;
  /** Where new rows are POSTed, when not ``path`` (an admin's list of everyone's). */
  createPath?: string;
  /** Rows are made and removed, never edited. */
  noEdit?: boolean;
  fields: Field[];
  columns: Column[];
  defaults: Values;
  /** PATCH sends the changed fields only; PUT sends them all. */
  update: "PATCH" | "PUT";
  key: (row: Row) => string;
  label: (row: Row) => string;
  /** Rows can be deleted (after a confirming second click) at this path. */
  deletePath?: (row: Row) => string;
  /** More buttons on a row (enable/disable…). */
  actions?: (row: Row, page: SpAdminCrud) => TemplateResult;
  /** Does part of an update another way (a new password) and returns the rest. */
  beforeUpdate?: (row: Row, body: Values) => Promise<Values>;
  /** Shapes a creation's body (drops an empty optional field). */
  beforeCreate?: (body: Values) => Values;
  /** Shown once after a creation, from its answer (a secret the server made). */
  reveal?: (created: Row) => TemplateResult | typeof nothing;
  /** Loads what the fields and columns need (the services to choose from) before the rows. */
  prepare?: () => Promise<void>;
  /** More in the edit form (the widget snippet…). */
  extra?: (row: Row | null) => TemplateResult | typeof nothing;
}

/** A row action waiting for a yes: what to ask, and what "yes" does. */
export interface Question {
  key: string;
  text: string;
  yes: string;
  run: () => void;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

@customElement("sp-admin-crud")
@localized()
export class SpAdminCrud extends LitElement {
  static override styles = [shared, tables, adminStyles];

  @property({ attribute: false }) resource!: Resource;
  @state() rows: Row[] | null = null;
  @state() private editing: Row | "new" | null = null;
  @state() message = "";
  @state() private confirming = "";
  @state() private question: Question | null = null;
  @state() error = "";
  @state() private revealed: TemplateResult | typeof nothing = nothing;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  async load(): Promise<void> {
    try {
      await this.resource.prepare?.();
      this.rows = await api<Row[]>("GET", this.resource.path);
    } catch (err) {
      this.error = sayError(err, msg("The list could not be loaded. Please reload the page."));
    }
  }

  /** Run a row action; say how it went in the status line (from its answer if need be). */
  async act<T>(work: () => Promise<T>, done: string | ((answer: T) => string)): Promise<void> {
    this.message = "";
    this.revealed = nothing;
    this.error = "";
    try {
      const answer = await work();
      this.message = typeof done === "string" ? done : done(answer);
    } catch (err) {
      this.error = sayError(err, msg("That did not work. Please try again."));
    }
    await this.load();
  }

  /** Ask before a row action (in the row); the answer runs it or drops it. */
  ask(question: Question): void {
    this.question = question;
  }

  private renderQuestion(row: Row): TemplateResult | typeof nothing {
    const q = this.question;
    if (!q || q.key !== this.resource.key(row)) return nothing;
    return html`<div class="question" role="alertdialog" aria-label=${msg("Confirm")} data-testid="question">
      <span data-testid="question-text">${q.text}</span>
      <button class="btn danger" data-testid="confirm-action" @click=${() => {
        this.question = null;
        q.run();
      }}>${q.yes}</button>
      <button class="btn" data-testid="cancel-action" @click=${() => (this.question = null)}>${msg("Keep")}</button>
    </div>`;
  }

  private renderDelete(row: Row): TemplateResult | typeof nothing {
    const r = this.resource;
    const path = r.deletePath?.(row);
    if (!path) return nothing;
    const key = r.key(row);
    if (this.confirming !== key) {
      return html`<button class="btn" data-testid="delete" aria-label=${msg(str`Delete ${r.label(row)}`)}
        @click=${() => (this.confirming = key)}>${msg("Delete")}</button>`;
    }
    return html`<button class="btn danger" data-testid="confirm-delete" aria-label=${msg(str`Really delete ${r.label(row)}`)}
        @click=${() => {
          this.confirming = "";
          void this.act(() => api("DELETE", path), r.words.deleted(r.label(row)));
        }}>${msg("Really delete?")}</button>
      <button class="btn" @click=${() => (this.confirming = "")}>${msg("Keep")}</button>`;
  }

  private open(row: Row | "new"): void {
    this.editing = row;
    this.message = "";
    this.revealed = nothing;
  }

  private close(): void {
    const key = this.editing !== null && this.editing !== "new" ? this.resource.key(this.editing) : null;
    this.editing = null;
    void this.updateComplete.then(() => {
      const target = key ? this.renderRoot.querySelector<HTMLElement>(`[data-edit="${key}"]`) : null;
      (target ?? this.renderRoot.querySelector<HTMLElement>('[data-testid="new"]'))?.focus();
    });
  }

  private async save(values: Values): Promise<void> {
    const r = this.resource;
    const editing = this.editing;
    if (editing === "new" || editing === null) {
      const created = await api<Row>("POST", r.createPath ?? r.path, r.beforeCreate ? r.beforeCreate(values) : values);
      this.message = r.words.created(r.label(created));
      this.revealed = r.reveal ? r.reveal(created) : nothing;
    } else {
      let body =
        r.update === "PUT" ? values : Object.fromEntries(Object.entries(values).filter(([k, v]) => !same(editing[k], v)));
      if (r.beforeUpdate) body = await r.beforeUpdate(editing, body);
      await api<Row>(r.update, `${r.path}/${encodeURIComponent(r.key(editing))}`, body);
      this.message = r.words.saved(r.label(editing));
    }
    this.editing = null;
    await this.load();
  }

  private renderForm(): TemplateResult | typeof nothing {
    const r = this.resource;
    if (this.editing === null) return nothing;
    const row = this.editing === "new" ? null : this.editing;
    return html`<sp-admin-form
      data-testid="edit-form"
      .fields=${r.fields}
      .value=${row ?? r.defaults}
      .heading=${row ? r.words.edit(r.label(row)) : r.words.add}
      ?creating=${row === null}
      .save=${(values: Values) => this.save(values)}
      .extra=${r.extra ? r.extra(row) : nothing}
      @cancel=${() => this.close()}
    ></sp-admin-form>`;
  }

  override render() {
    const r = this.resource;
    return html`<div class="toolbar">
        <h2>${r.title}</h2>
        <button class="btn primary" data-testid="new" @click=${() => this.open("new")}>${r.words.add}</button>
      </div>
      <div class="status-line" role="status" aria-live="polite" data-testid="status">${this.message}</div>
      ${this.error ? html`<div class="off" role="alert" data-testid="page-error">${this.error}</div>` : nothing}
      ${this.revealed}
      ${this.renderForm()}
      ${this.rows === null
        ? html`<p class="empty">${msg("Loading…")}</p>`
        : this.rows.length === 0
          ? html`<p class="empty">${msg("Nothing yet.")}</p>`
          : html`<div class="scroll"><table aria-label=${r.title}>
              <thead><tr>${r.columns.map((c) => html`<th scope="col">${c.label}</th>`)}<th><span class="sr-only">${msg("Actions")}</span></th></tr></thead>
              <tbody>
                ${this.rows.map(
                  (row) => html`<tr data-testid="row" data-key=${r.key(row)}>
                    ${r.columns.map((c) => html`<td>${c.cell(row)}</td>`)}
                    <td class="actions">
                      ${r.noEdit
                        ? nothing
                        : html`<button class="btn" data-edit=${r.key(row)} data-testid="edit" aria-label=${msg(str`Edit ${r.label(row)}`)}
                            @click=${() => this.open(row)}>${msg("Edit")}</button>`}
                      ${r.actions ? r.actions(row, this) : nothing} ${this.renderDelete(row)}
                      ${this.renderQuestion(row)}
                    </td>
                  </tr>`,
                )}
              </tbody>
            </table></div>`}`;
  }
}

export const chips = (names: unknown) =>
  html`${((names as string[] | undefined) ?? []).map((n) => html`<span class="chip">${n}</span>`)}`;
