// The audit page: every admin change, newest first, with filters; "More" pages on.

import { dateTime } from "../format";
import { localized, msg } from "@lit/localize";
import { LitElement, css, html, nothing } from "lit";
import { customElement, state } from "lit/decorators.js";
import { api } from "../api";
import { fieldStyles, shared, tables } from "../styles";
import { adminStyles } from "./styles";
import { sayError } from "../../shared/errors";

interface AuditRow {
  id: number;
  at: number;
  actor: { id: number | null; login: string };
  action: string;
  target: { kind: string; id: string; name: string };
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

const kinds = (): Array<[string, string]> => [
  ["", msg("everything")],
  ["service", msg("services")],
  ["tag", msg("tags")],
  ["agent", msg("agents")],
  ["transfer_group", msg("transfer groups")],
  ["left_message", msg("left messages")],
  ["contact", msg("contacts (supervisors stepping in)")],
];

/** An audit action (the server's code, e.g. agent.changed) as people read it. */
function actionName(action: string): string {
  const names: Record<string, string> = {
    "agent.created": msg("agent created"),
    "agent.changed": msg("agent changed"),
    "agent.password_reset": msg("agent's password reset"),
    "service.created": msg("service created"),
    "service.changed": msg("service changed"),
    "tag.created": msg("tag created"),
    "tag.changed": msg("tag changed"),
    "tag.deleted": msg("tag deleted"),
    "transfer_group.created": msg("transfer group created"),
    "transfer_group.changed": msg("transfer group changed"),
    "transfer_group.deleted": msg("transfer group deleted"),
    "left_message.reopened": msg("left message reopened"),
    "contact.supervisor_joined": msg("supervisor joined the conversation"),
    "contact.supervisor_left": msg("supervisor left the conversation"),
    "contact.taken_over": msg("contact taken over"),
  };
  return names[action] ?? action;
}

const show = (v: unknown) => (v === "" ? "—" : typeof v === "string" ? v : JSON.stringify(v));

function changes(row: AuditRow) {
  const keys = [...new Set([...Object.keys(row.before ?? {}), ...Object.keys(row.after ?? {})])];
  const whole = (label: string, side: Record<string, unknown>) =>
    html`<span class="muted">${label}:</span> <span class="whole">${keys.map((k) => html`<span><b>${k}</b> ${show(side[k])}</span>`)}</span>`;
  if (row.before === null) return whole(msg("created"), row.after ?? {});
  if (row.after === null) return whole(msg("deleted"), row.before);
  return keys.map(
    (k) => html`<div data-testid="change"><b>${k}</b> <del>${show(row.before?.[k])}</del> → <ins>${show(row.after?.[k])}</ins></div>`,
  );
}

@customElement("sp-admin-audit")
@localized()
export class SpAdminAudit extends LitElement {
  static override styles = [
    shared,
    tables,
    fieldStyles,
    adminStyles,
    css`
      form {
        display: flex;
        flex-wrap: wrap;
        gap: 10px;
        align-items: end;
        margin-bottom: 12px;
      }
      del {
        color: var(--red);
        background: var(--red-soft);
        text-decoration: line-through;
      }
      ins {
        color: var(--green);
        background: var(--green-soft);
        text-decoration: none;
      }
      td div,
      .whole span {
        overflow-wrap: anywhere;
      }
      .whole {
        display: inline-flex;
        flex-wrap: wrap;
        gap: 2px 14px;
      }
      .more {
        margin-top: 12px;
      }
    `,
  ];

  @state() private rows: AuditRow[] = [];
  @state() private people: { id: number; login: string }[] = [];
  @state() private next: number | null = null;
  @state() private loading = true;
  @state() private error = "";
  private query = new URLSearchParams();

  override connectedCallback(): void {
    super.connectedCallback();
    void this.fetch(false);
    void api<{ id: number; login: string }[]>("GET", "/api/admin/agents").then(
      (agents) => (this.people = agents),
      () => undefined,
    );
  }

  private async fetch(more: boolean): Promise<void> {
    this.loading = true;
    const params = new URLSearchParams(this.query);
    if (more && this.next !== null) params.set("before", String(this.next));
    try {
      const page = await api<{ items: AuditRow[]; next: number | null }>("GET", `/api/admin/audit?${params}`);
      this.rows = more ? [...this.rows, ...page.items] : page.items;
      this.next = page.next;
      this.error = "";
    } catch (err) {
      this.error = sayError(err, msg("The audit log could not be loaded. Please try again."));
    }
    this.loading = false;
  }

  private filter(ev: SubmitEvent): void {
    ev.preventDefault();
    const form = new FormData(ev.target as HTMLFormElement);
    const query = new URLSearchParams();
    const kind = String(form.get("target_kind") ?? "");
    const day = String(form.get("day") ?? "");
    const who = String(form.get("action") ?? "").trim();
    const actor = String(form.get("actor_id") ?? "");
    if (kind) query.set("target_kind", kind);
    if (actor) query.set("actor_id", actor);
    if (who) query.set("action", who);
    if (day) {
      const since = new Date(day + "T00:00:00").getTime() / 1000;
      query.set("since", String(since));
      query.set("until", String(since + 86400));
    }
    this.query = query;
    void this.fetch(false);
  }

  override render() {
    return html`<div class="toolbar"><h2>${msg("Audit")}</h2></div>
      <form @submit=${(e: SubmitEvent) => this.filter(e)} aria-label=${msg("Filter the audit")}>
        <label for="kind">${msg("What")}
          <select id="kind" name="target_kind" data-testid="audit-kind">${kinds().map(([v, t]) => html`<option value=${v}>${t}</option>`)}</select>
        </label>
        <label for="actor">${msg("Who")}
          <select id="actor" name="actor_id" data-testid="audit-actor">
            <option value="">${msg("anyone")}</option>
            ${this.people.map((p) => html`<option value=${p.id}>${p.login}</option>`)}
          </select>
        </label>
        <label for="action">${msg("Action")}
          <input id="action" name="action" placeholder=${msg("e.g. agent.changed")} data-testid="audit-action" />
        </label>
        <label for="day">${msg("Day")} <input id="day" name="day" type="date" data-testid="audit-day" /></label>
        <button class="btn primary" type="submit" data-testid="audit-apply">${msg("Apply")}</button>
      </form>
      ${this.error ? html`<div class="off" role="alert">${this.error}</div>` : nothing}
      <div class="scroll"><table aria-label=${msg("Admin changes")}>
        <thead><tr><th scope="col">${msg("When")}</th><th scope="col">${msg("Who")}</th><th scope="col">${msg("What")}</th><th scope="col">${msg("Change")}</th></tr></thead>
        <tbody>${this.rows.map(
          (r) => html`<tr data-testid="audit-row" data-action=${r.action} data-actor=${r.actor.login}>
            <td>${dateTime(r.at)}</td>
            <td>${r.actor.login}</td>
            <td><b title=${r.action}>${actionName(r.action)}</b><div class="muted">${r.target.name}</div></td>
            <td>${changes(r)}</td>
          </tr>`,
        )}</tbody>
      </table></div>
      ${!this.loading && this.rows.length === 0 ? html`<p class="empty">${msg("No changes match.")}</p>` : nothing}
      ${this.next !== null
        ? html`<button class="btn more" data-testid="audit-more" @click=${() => void this.fetch(true)}>${msg("More")}</button>`
        : nothing}`;
  }
}
