// Webhook endpoints: where the event stream is sent, their state (parked after failing too
// long) and a replay from the event they stopped at (docs/integrations.md).

import { dateTime, number } from "../format";
import { plural } from "../i18n";
import { msg, str } from "@lit/localize";
import { html, nothing } from "lit";
import { api } from "../api";
import { chips, type Resource, type Row, type SpAdminCrud } from "./crud";

const when = (at: unknown) => (typeof at === "number" ? dateTime(at) : "—");

const stateCell = (r: Row) => {
  if (r.state === "parked") {
    return html`<span class="off" data-testid="parked">${msg(str`Parked since ${when(r.parked_at)}`)}</span>
      <br /><span class="muted" data-testid="last-error">${String(r.last_error)}</span>`;
  }
  const failing = Number(r.attempts ?? 0) > 0;
  return html`${r.enabled ? msg("Active") : html`<span class="off">${msg("disabled")}</span>`}
    ${failing
      ? html`<br /><span class="muted" data-testid="last-error">${plural(
          Number(r.attempts),
          msg("1 failed attempt"),
          msg(str`${Number(r.attempts)} failed attempts`),
        )}: ${String(r.last_error)}</span>`
      : nothing}`;
};

const replay = (row: Row, page: SpAdminCrud) => {
  const from = Number(row.cursor) + 1;
  page.ask({
    key: String(row.id),
    text: msg(str`Send again from event ${number(from)} on, the first not delivered?`),
    yes: msg("Replay"),
    run: () =>
      void page.act(
        () => api("POST", `/api/admin/webhooks/${String(row.id)}/replay`, { from_position: from }),
        msg(str`Deliveries to ${String(row.url)} resume from event ${number(from)}.`),
      ),
  });
};

export const webhooks = (): Resource => ({
  title: msg("Webhooks"),
  words: {
    add: msg("New webhook"),
    edit: (name) => msg(str`Edit webhook ${name}`),
    created: (name) => msg(str`Webhook ${name} created.`),
    saved: (name) => msg(str`Webhook ${name} saved.`),
    deleted: (name) => msg(str`Webhook ${name} deleted.`),
  },
  path: "/api/admin/webhooks",
  update: "PATCH",
  key: (row) => String(row.id),
  label: (row) => String(row.url),
  defaults: { kinds: ["*"], agent_side: false, enabled: true },
  fields: [
    { name: "url", label: msg("Address (URL)"), kind: "text", required: true, hint: msg("https://… on the internet. Each event is sent there, signed.") },
    { name: "kinds", label: msg("Events"), kind: "list", hint: msg("* for all, a family such as message.*, or kinds such as contact.closed. Comma-separated.") },
    { name: "secret", label: msg("Secret"), kind: "password", hint: msg("At least 16 characters, to check the signature. Empty: a new one is made and shown once; when editing, empty keeps it.") },
    { name: "agent_side", label: msg("Also private notes and whispers"), kind: "bool" },
    { name: "enabled", label: msg("Enabled"), kind: "bool" },
  ],
  columns: [
    { label: msg("Address"), cell: (r) => html`<b>${r.url}</b>` },
    { label: msg("Events"), cell: (r) => html`${chips(r.kinds)}${r.agent_side ? html` <span class="chip">${msg("notes")}</span>` : nothing}` },
    { label: msg("State"), cell: stateCell },
    { label: msg("Waiting"), cell: (r) => plural(Number(r.backlog), msg("1 event"), msg(str`${number(Number(r.backlog))} events`)) },
    { label: msg("Last delivery"), cell: (r) => when(r.delivered_at) },
  ],
  beforeUpdate: async (_row, body) => {
    const { secret, ...rest } = body;
    return typeof secret === "string" && secret !== "" ? { ...rest, secret } : rest;
  },
  beforeCreate: (body) => {
    const { secret, ...rest } = body;
    return typeof secret === "string" && secret !== "" ? { ...rest, secret } : rest;
  },
  reveal: (created) =>
    typeof created.secret === "string"
      ? html`<div class="reveal" data-testid="secret">
          <label for="secret">${msg("The secret, shown this once: keep it where the receiver checks signatures.")}</label>
          <input id="secret" readonly data-testid="secret-value" .value=${created.secret} />
        </div>`
      : nothing,
  actions: (row, page) =>
    html`<button class="btn" data-testid="replay" aria-label=${msg(str`Replay ${String(row.url)}`)}
      @click=${() => replay(row, page)}>${msg("Replay")}</button>`,
  deletePath: (row) => `/api/admin/webhooks/${String(row.id)}`,
});
