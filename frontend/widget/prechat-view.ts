/**
 * The pre-chat form in the start view: the fields the service asks (its admin's labels,
 * in the service's language), each marked optional or required, checked by the browser
 * (required, e-mail, telephone pattern) and again by the server, whose problems are shown
 * under their fields. A verified identity (identity.ts) fills name and e-mail: those fields
 * are not shown.
 */

import { msg } from "@lit/localize";
import { html, nothing, type TemplateResult } from "lit";
import type { IdentityClaim } from "./identity";
import type { PrechatField } from "./types";

/** What the server said was wrong, by field: "name", "email", "prechat.<key>". */
export type Problems = Record<string, string>;

export interface PrechatAnswers {
  name: string;
  email: string;
  answers: Record<string, string | boolean>;
}

const PHONE = "\\+?[0-9][0-9 ().\\-]{4,24}";

/** The built-in name field of a service without a form (the widget always asked a name). */
const DEFAULT_NAME: PrechatField = { key: "name", kind: "name", label: "", required: true };

export function problemText(code: string): string {
  switch (code) {
    case "required":
      return msg("Please fill this in.", { id: "w.form.problem.required" });
    case "invalid_email":
      return msg("Enter a valid e-mail address.", { id: "w.form.problem.email" });
    case "invalid_phone":
      return msg("Enter a valid telephone number.", { id: "w.form.problem.phone" });
    case "unknown_choice":
      return msg("Choose one of the options.", { id: "w.form.problem.choice" });
    default:
      return msg("Please check this answer.", { id: "w.form.problem.other" });
  }
}

/** The fields to show: the form's, with the default name field when it has none, less
 * what the verified identity already says. */
export function shownFields(fields: PrechatField[], identity: IdentityClaim | null): PrechatField[] {
  const all = fields.some((f) => f.kind === "name") ? fields : [DEFAULT_NAME, ...fields];
  return all.filter(
    (f) => !(f.kind === "name" && identity?.name.trim()) && !(f.kind === "email" && identity?.email.trim()),
  );
}

function problemFor(problems: Problems, field: PrechatField): string {
  const where = field.kind === "name" || field.kind === "email" ? field.kind : `prechat.${field.key}`;
  return problems[where] ?? "";
}

function caption(field: PrechatField): TemplateResult {
  const optional = field.required
    ? nothing
    : html` <span class="muted small">${msg("(optional)", { id: "w.form.optional" })}</span>`;
  const text = field.kind === "name" && !field.label ? msg("Your name", { id: "w.form.name" }) : field.label;
  return html`<span>${text}${optional}</span>`;
}

export function renderPrechat(
  fields: PrechatField[],
  privacyUrl: string,
  problems: Problems,
  rememberedName: string,
  rememberedEmail: string,
): TemplateResult[] {
  return fields.map((field) => {
    const code = problemFor(problems, field);
    const error = code
      ? html`<span class="field-problem" role="alert" data-test="problem-${field.key}">${problemText(code)}</span>`
      : nothing;
    const invalid = code ? "true" : "false";
    switch (field.kind) {
      case "name":
        return html`<label>${caption(field)}
          <input name="name" data-test="name" ?required=${field.required} maxlength="120" autocomplete="name"
            aria-invalid=${invalid} .value=${rememberedName} />${error}</label>`;
      case "email":
        return html`<label>${caption(field)}
          <input name="email" type="email" data-test="prechat-email" ?required=${field.required} maxlength="200"
            autocomplete="email" aria-invalid=${invalid} .value=${rememberedEmail} />${error}</label>`;
      case "phone":
        return html`<label>${caption(field)}
          <input name="prechat.${field.key}" type="tel" data-test="prechat-${field.key}" ?required=${field.required}
            maxlength="25" pattern=${PHONE} autocomplete="tel" aria-invalid=${invalid} />${error}</label>`;
      case "choice":
        return html`<label>${caption(field)}
          <select name="prechat.${field.key}" data-test="prechat-${field.key}" ?required=${field.required}
            aria-invalid=${invalid}>
            <option value="">${msg("Choose…", { id: "w.form.choose" })}</option>
            ${(field.options ?? []).map((o) => html`<option value=${o}>${o}</option>`)}
          </select>${error}</label>`;
      case "consent":
        return html`<div class="consent">
          <label class="check"><input type="checkbox" name="prechat.${field.key}" data-test="prechat-${field.key}"
            ?required=${field.required} aria-invalid=${invalid} />
            <span>${field.label}${privacyUrl
              ? html` (<a href=${privacyUrl} target="_blank" rel="noopener noreferrer" data-test="privacy-link">${msg("privacy policy", { id: "w.form.privacy" })}</a>)`
              : nothing}${field.required ? nothing : html` <span class="muted small">${msg("(optional)", { id: "w.form.optional" })}</span>`}</span></label>${error}</div>`;
    }
  });
}

/** The answers as the request sends them; the identity's name and e-mail when it has them. */
export function readPrechat(
  form: HTMLFormElement,
  fields: PrechatField[],
  identity: IdentityClaim | null,
): PrechatAnswers {
  const value = (name: string): string =>
    ((form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null)?.value ?? "").trim();
  const answers: Record<string, string | boolean> = {};
  for (const field of fields) {
    if (field.kind === "name" || field.kind === "email") continue;
    if (field.kind === "consent") {
      const box = form.elements.namedItem(`prechat.${field.key}`) as HTMLInputElement | null;
      if (box?.checked) answers[field.key] = true;
      continue;
    }
    const text = value(`prechat.${field.key}`);
    if (text) answers[field.key] = text;
  }
  return {
    name: identity?.name.trim() || value("name"),
    email: identity?.email.trim() || value("email"),
    answers,
  };
}
