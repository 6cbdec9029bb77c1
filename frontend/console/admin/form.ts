// A form over an admin resource: fields described once, errors shown next to their field
// from the API's {code, details.problems[].field}.

import { localized, msg } from "@lit/localize";
import { LitElement, css, html, nothing, type TemplateResult } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { ApiError } from "../api";
import { shared } from "../styles";
import { sayError, sayProblem } from "../../shared/errors";

export type Values = Record<string, unknown>;

export interface Field {
  name: string;
  label: string;
  kind: "text" | "textarea" | "number" | "password" | "bool" | "list" | "choice" | "multi" | "links" | "prechat" | "invitations";
  hint?: string;
  options?: string[];
  /** How an option reads (the option itself when absent). */
  optionLabel?: (option: string) => string;
  /** A choice among ids: sent as a number. */
  numeric?: boolean;
  min?: number;
  max?: number;
  /** Asked only when creating (a login, a first password). */
  createOnly?: boolean;
  required?: boolean;
}

/** Field name → message, from an API error; "" holds what belongs to no field. */
export function fieldErrors(err: unknown, fields: Field[]): Record<string, string> {
  if (!(err instanceof ApiError)) return { "": sayError(err) };
  const known = new Set(fields.map((f) => f.name));
  const errors: Record<string, string> = {};
  const problems = (err.details["problems"] ?? []) as { field?: string; code?: string; limit?: unknown }[];
  for (const problem of problems) {
    const name = (problem.field ?? "").split(/[.[]/)[0];
    const key = known.has(name) ? name : "";
    const field = fields.find((f) => f.name === name);
    const said = sayProblem(problem);
    errors[key] = errors[key] ? errors[key] : key || !field ? said : `${field.label}: ${said}`;
  }
  if (Object.keys(errors).length === 0) errors[""] = sayError(err);
  return errors;
}

const linesOf = (text: string) =>
  text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);

function toText(field: Field, value: unknown): string {
  if (field.kind === "list") return ((value as string[] | undefined) ?? []).join(", ");
  if (field.kind === "links")
    return ((value as { title: string; url: string }[] | undefined) ?? []).map((l) => `${l.title} | ${l.url}`).join("\n");
  if (field.kind === "invitations") return invitationsToText((value as InvitationLine[] | undefined) ?? []);
  if (field.kind === "prechat")
    return ((value as PrechatLine[] | undefined) ?? [])
      .map((f) =>
        [f.kind, f.label, f.required ? "required" : "optional", ...(f.kind === "choice" ? [(f.options ?? []).join(", ")] : [])].join(
          " | ",
        ),
      )
      .join("\n");
  return value === undefined || value === null ? "" : String(value);
}

/** An invitation rule as the service stores it (domain/invitations.py on the server). */
interface InvitationLine {
  path: string;
  seconds: number;
  returning_only: boolean;
  when_available: boolean;
  text: string;
}

function invitationsToText(rules: InvitationLine[]): string {
  return rules
    .map((r) =>
      [r.path, String(r.seconds), r.returning_only ? "returning" : "anyone", r.when_available ? "available" : "always", r.text]
        .join(" | ")
        .replace(/ \| $/, ""),
    )
    .join("\n");
}

/** One rule a line: ``path | seconds | returning or anyone | available or always | text``. */
function invitationsFromText(text: string): InvitationLine[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [path = "", seconds = "0", who = "", when = "", ...rest] = line.split("|").map((part) => part.trim());
      return {
        path,
        seconds: Number(seconds) || 0,
        returning_only: who.toLowerCase() === "returning",
        when_available: when.toLowerCase() !== "always",
        text: rest.join("|").trim(),
      };
    });
}

/** A pre-chat form field as the service stores it (domain/prechat.py on the server). */
interface PrechatLine {
  kind: string;
  label: string;
  required: boolean;
  options?: string[];
}

/** One field a line: ``kind | label | required or optional | option, option`` (a choice). */
function prechatFromText(text: string): PrechatLine[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [kind = "", label = "", need = "", options = ""] = line.split("|").map((part) => part.trim());
      return {
        kind: kind.toLowerCase(),
        label,
        required: need.toLowerCase() === "required",
        options: options ? options.split(",").map((o) => o.trim()).filter(Boolean) : [],
      };
    });
}

function fromText(field: Field, text: string): unknown {
  if (field.kind === "number") return text.trim() === "" ? null : Number(text);
  if (field.numeric) return Number(text);
  if (field.kind === "list") return linesOf(text);
  if (field.kind === "prechat") return prechatFromText(text);
  if (field.kind === "invitations") return invitationsFromText(text);
  if (field.kind === "links")
    return text
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean)
      .map((line) => {
        const [title, ...rest] = line.split("|");
        return { title: title.trim(), url: rest.join("|").trim() };
      });
  return text;
}

@customElement("sp-admin-form")
@localized()
export class SpAdminForm extends LitElement {
  static override styles = [
    shared,
    css`
      form {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(240px, 1fr));
        gap: 14px 18px;
        background: var(--surface);
        border: 1px solid var(--border);
        border-radius: var(--radius);
        padding: 16px;
        box-shadow: var(--shadow);
        margin-bottom: 16px;
      }
      h3 {
        grid-column: 1 / -1;
        margin: 0;
        font-size: 15px;
      }
      .field {
        display: grid;
        gap: 4px;
        align-content: start;
      }
      .field.wide {
        grid-column: 1 / -1;
      }
      label,
      legend {
        font-size: 12px;
        font-weight: 600;
        color: var(--muted);
      }
      fieldset {
        border: 0;
        padding: 0;
        margin: 0;
        display: grid;
        gap: 4px;
      }
      .options {
        display: flex;
        gap: 14px;
        flex-wrap: wrap;
      }
      fieldset label,
      label.check {
        display: flex;
        gap: 6px;
        align-items: center;
        color: var(--text);
        font-weight: 400;
        font-size: 14px;
      }
      input:not([type="checkbox"]),
      select,
      textarea {
        font: inherit;
        padding: 7px 9px;
        border: 1px solid var(--border-strong);
        border-radius: 8px;
        background: #fff;
        width: 100%;
      }
      input[type="checkbox"] {
        width: 16px;
        height: 16px;
      }
      :is(input, select, textarea):focus-visible {
        outline: 2px solid var(--focus);
        outline-offset: 1px;
      }
      [aria-invalid="true"] {
        border-color: var(--red) !important;
        background: var(--red-soft) !important;
      }
      .hint {
        font-size: 12px;
        color: var(--muted);
      }
      .error {
        font-size: 12px;
        color: var(--red);
        font-weight: 600;
      }
      .general {
        grid-column: 1 / -1;
        background: var(--red-soft);
        color: var(--red);
        border-radius: 8px;
        padding: 8px 10px;
        font-weight: 600;
      }
      .buttons {
        grid-column: 1 / -1;
        display: flex;
        gap: 8px;
      }
    `,
  ];

  @property({ attribute: false }) fields: Field[] = [];
  @property({ attribute: false }) value: Values = {};
  @property() heading = "";
  @property({ type: Boolean }) creating = false;
  /** Saves; a rejection with an ApiError puts its messages next to the fields. */
  @property({ attribute: false }) save: (values: Values) => Promise<void> = async () => {};
  @property({ attribute: false }) extra: TemplateResult | typeof nothing = nothing;

  @state() private errors: Record<string, string> = {};
  @state() private busy = false;

  override firstUpdated(): void {
    this.renderRoot.querySelector<HTMLElement>("input, select, textarea")?.focus();
  }

  private collect(form: HTMLFormElement): Values {
    const values: Values = {};
    for (const field of this.visible()) {
      if (field.kind === "bool") {
        values[field.name] = (form.elements.namedItem(field.name) as HTMLInputElement).checked;
      } else if (field.kind === "multi") {
        values[field.name] = [...form.querySelectorAll<HTMLInputElement>(`input[name="${field.name}"]:checked`)].map((i) => i.value);
      } else {
        const input = form.elements.namedItem(field.name) as HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
        values[field.name] = fromText(field, input.value);
      }
    }
    return values;
  }

  private visible(): Field[] {
    return this.fields.filter((f) => this.creating || !f.createOnly);
  }

  private async submit(ev: SubmitEvent): Promise<void> {
    ev.preventDefault();
    this.busy = true;
    this.errors = {};
    try {
      await this.save(this.collect(ev.target as HTMLFormElement));
    } catch (err) {
      this.errors = fieldErrors(err, this.visible());
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"], .general')?.focus();
    } finally {
      this.busy = false;
    }
  }

  private cancel(): void {
    this.dispatchEvent(new CustomEvent("cancel", { bubbles: true, composed: true }));
  }

  private renderField(field: Field): TemplateResult {
    const id = `f-${field.name}`;
    const error = this.errors[field.name];
    const described = [field.hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || nothing;
    const value = this.value[field.name];
    const invalid = error ? "true" : "false";
    let control: TemplateResult;
    switch (field.kind) {
      case "bool":
        control = html`<label class="check"><input id=${id} name=${field.name} type="checkbox" data-testid="field-${field.name}"
          .checked=${value !== false} aria-describedby=${described} aria-invalid=${invalid} />${field.label}</label>`;
        break;
      case "multi":
        control = html`<fieldset aria-describedby=${described} data-testid="field-${field.name}"><legend>${field.label}</legend>
          <div class="options">${(field.options ?? []).map(
            (option) => html`<label><input type="checkbox" name=${field.name} value=${option}
              .checked=${((value as string[] | undefined) ?? []).includes(option)} />${field.optionLabel?.(option) ?? option}</label>`,
          )}</div></fieldset>`;
        break;
      case "choice":
        control = html`<select id=${id} name=${field.name} data-testid="field-${field.name}" aria-describedby=${described} aria-invalid=${invalid}>
          ${(field.options ?? []).map((o) => html`<option value=${o} ?selected=${o === value}>${field.optionLabel?.(o) ?? o}</option>`)}</select>`;
        break;
      case "textarea":
      case "prechat":
      case "invitations":
      case "links":
        control = html`<textarea id=${id} name=${field.name} rows="3" data-testid="field-${field.name}" aria-describedby=${described}
          aria-invalid=${invalid} .value=${toText(field, value)}></textarea>`;
        break;
      default:
        control = html`<input id=${id} name=${field.name} data-testid="field-${field.name}"
          type=${field.kind === "number" ? "number" : field.kind === "password" ? "password" : "text"}
          autocomplete=${field.kind === "password" ? "new-password" : "off"}
          min=${field.min ?? nothing} max=${field.max ?? nothing} ?required=${field.required === true}
          aria-describedby=${described} aria-invalid=${invalid} .value=${toText(field, value)} />`;
    }
    const wide = ["textarea", "links", "prechat", "invitations"].includes(field.kind);
    return html`<div class="field ${wide ? "wide" : ""}">
      ${field.kind === "bool" || field.kind === "multi" ? nothing : html`<label for=${id}>${field.label}</label>`}
      ${control}
      ${field.hint ? html`<span class="hint" id="${id}-hint">${field.hint}</span>` : nothing}
      ${error ? html`<span class="error" id="${id}-error" data-testid="error-${field.name}">${error}</span>` : nothing}
    </div>`;
  }

  override render() {
    const general = this.errors[""];
    return html`<form @submit=${(e: SubmitEvent) => void this.submit(e)} novalidate
      @keydown=${(e: KeyboardEvent) => e.key === "Escape" && this.cancel()} aria-label=${this.heading}>
      <h3>${this.heading}</h3>
      ${general ? html`<div class="general" role="alert" tabindex="-1" data-testid="form-error">${general}</div>` : nothing}
      ${this.visible().map((f) => this.renderField(f))}
      ${this.extra}
      <div class="buttons">
        <button class="btn primary" type="submit" data-testid="save" ?disabled=${this.busy}>${this.creating ? msg("Create") : msg("Save")}</button>
        <button class="btn" type="button" data-testid="cancel" @click=${() => this.cancel()}>${msg("Cancel")}</button>
      </div>
      <div class="sr-only" role="status" aria-live="polite">${Object.keys(this.errors).length ? msg("The form has errors.") : ""}</div>
    </form>`;
  }
}
