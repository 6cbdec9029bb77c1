// Personal API tokens: an agent's own (the console's menu) and, for admins, everyone's (the
// administration page). The token is shown once, when made; a revoked one stays listed.

import { dateTime } from "../format";
import { msg, str } from "@lit/localize";
import { html, nothing } from "lit";
import { api } from "../api";
import type { AgentState } from "../types";
import { chips, type Resource, type Row, type SpAdminCrud } from "./crud";

const when = (at: unknown, otherwise: string) => (typeof at === "number" ? dateTime(at) : otherwise);

const scopeName = (scope: string): string =>
  ({
    "reports:read": msg("Read reports"),
    admin: msg("Administration"),
    "contacts:act": msg("Act on contacts"),
  })[scope] ?? scope;

const stateCell = (r: Row) => {
  if (r.revoked_at) return html`<span class="off" data-testid="revoked">${msg(str`Revoked ${when(r.revoked_at, "")}`)}</span>`;
  if (Number(r.expires_at) * 1000 <= Date.now()) return html`<span class="off">${msg("Expired")}</span>`;
  return msg(str`Until ${when(r.expires_at, "")}`);
};

const revoke = (row: Row, page: SpAdminCrud, path: string) =>
  page.ask({
    key: String(row.id),
    text: msg(str`Revoke “${String(row.name)}”? Integrations using it stop working at once.`),
    yes: msg("Revoke"),
    run: () => void page.act(() => api("DELETE", path), msg(str`Token “${String(row.name)}” revoked.`)),
  });

function tokens(list: string, revokePath: (row: Row) => string, owners: boolean): Resource {
  const resource: Resource = {
    title: msg("API tokens"),
    words: {
      add: msg("New API token"),
      edit: (name) => name,
      created: (name) => msg(str`Token “${name}” created.`),
      saved: (name) => name,
      deleted: (name) => msg(str`Token “${name}” revoked.`),
    },
    path: list,
    createPath: "/api/me/tokens",
    noEdit: true,
    update: "PATCH",
    key: (row) => String(row.id),
    label: (row) => String(row.name),
    defaults: { scopes: [], expires_in_days: 90 },
    fields: [
      { name: "name", label: msg("Name"), kind: "text", required: true, hint: msg("What uses it, e.g. CRM.") },
      { name: "scopes", label: msg("Allowed"), kind: "multi", options: ["reports:read", "contacts:act"], optionLabel: scopeName },
      { name: "expires_in_days", label: msg("Valid for (days)"), kind: "number", min: 1, max: 366 },
    ],
    columns: [
      ...(owners ? [{ label: msg("Agent"), cell: (r: Row) => String(r.owner) }] : []),
      { label: msg("Name"), cell: (r) => html`<b>${r.name}</b> <span class="muted">${r.hint}…</span>` },
      { label: msg("Allowed"), cell: (r) => chips(((r.scopes as string[]) ?? []).map(scopeName)) },
      { label: msg("State"), cell: stateCell },
      { label: msg("Last used"), cell: (r) => when(r.last_used_at, msg("never")) },
    ],
    reveal: (created) =>
      typeof created.token === "string"
        ? html`<div class="reveal" data-testid="token">
            <label for="token">${msg("The token, shown this once: send it as “Authorization: Bearer …”.")}</label>
            <input id="token" readonly data-testid="token-value" .value=${created.token} />
          </div>`
        : nothing,
    actions: (row, page) =>
      row.revoked_at
        ? html``
        : html`<button class="btn danger" data-testid="revoke" aria-label=${msg(str`Revoke ${String(row.name)}`)}
            @click=${() => revoke(row, page, revokePath(row))}>${msg("Revoke")}</button>`,
    prepare: async () => {
      const me = await api<AgentState>("GET", "/api/me");
      resource.fields[1].options = me.role === "admin" ? ["reports:read", "contacts:act", "admin"] : ["reports:read", "contacts:act"];
    },
  };
  return resource;
}

/** The agent's own tokens, from the console's menu. */
export const ownTokens = () => tokens("/api/me/tokens", (row) => `/api/me/tokens/${String(row.id)}`, false);

/** Every agent's tokens, for admins (the new ones are the admin's own). */
export const allTokens = () => tokens("/api/admin/tokens", (row) => `/api/admin/tokens/${String(row.id)}`, true);
