// The admin resources: services, tags, agents and transfer groups.

import { html, nothing } from "lit";
import { api } from "../api";
import { chips, type Resource, type Row, type SpAdminCrud } from "./crud";

const yes = (v: unknown) => (v ? "yes" : "no");

function snippet(row: Row): string {
  return `<script src="${location.origin}/widget.js" data-service="${String(row.name)}" async></script>`;
}

export const services: Resource = {
  title: "Services",
  singular: "service",
  path: "/api/admin/services",
  update: "PATCH",
  key: (row) => String(row.id),
  label: (row) => String(row.name),
  defaults: {
    language: "en",
    tags: [],
    dissuasion_seconds: 30,
    media: ["chat"],
    priority: 15,
    sites: [],
    dissuasion_message: "",
    enabled: true,
    immediate_redirect: true,
    saved_links: [],
    leave_message: true,
    translation_glossary: [],
  },
  fields: [
    { name: "name", label: "Name", kind: "text", required: true },
    { name: "language", label: "Language", kind: "text", hint: "Two letters, e.g. en, it, es." },
    { name: "tags", label: "Tags", kind: "list", hint: "Agents need every tag. Comma-separated." },
    { name: "priority", label: "Priority", kind: "number", min: 1, max: 30, hint: "1 is served first, 30 last." },
    { name: "dissuasion_seconds", label: "Dissuasion time (seconds)", kind: "number", min: 5, max: 3600, hint: "How long a visitor waits before the message below." },
    { name: "media", label: "Allowed media", kind: "multi", options: ["chat", "voice", "video"] },
    { name: "sites", label: "Allowed sites", kind: "list", hint: "Origins such as https://shop.example. Empty: any site." },
    { name: "dissuasion_message", label: "Dissuasion message", kind: "textarea" },
    { name: "saved_links", label: "Saved links", kind: "links", hint: "One a line: Title | https://address" },
    { name: "translation_glossary", label: "Never translate", kind: "list", hint: "Product and brand names, codes: automatic translation leaves them as written. Comma-separated." },
    { name: "enabled", label: "Offered in the widget", kind: "bool" },
    { name: "leave_message", label: "Leave-a-message form when nobody is available", kind: "bool" },
    { name: "immediate_redirect", label: "Pushed links open at once (no question to the visitor)", kind: "bool" },
  ],
  columns: [
    { label: "Name", cell: (r) => html`<b>${r.name}</b>${r.enabled ? nothing : html` <span class="off">off</span>`}` },
    { label: "Tags", cell: (r) => chips(r.tags) },
    { label: "Media", cell: (r) => ((r.media as string[]) ?? []).join(", ") },
    { label: "Priority", cell: (r) => String(r.priority) },
    { label: "Dissuasion", cell: (r) => `${String(r.dissuasion_seconds)} s` },
    { label: "Sites", cell: (r) => ((r.sites as string[]) ?? []).join(", ") || "any" },
    { label: "Messages", cell: (r) => yes(r.leave_message) },
  ],
  extra: (row) => {
    if (!row) return nothing;
    const code = snippet(row);
    const sites = (row.sites as string[]) ?? [];
    return html`<div class="field wide" data-testid="snippet">
      <label for="snippet">Widget snippet</label>
      <textarea id="snippet" readonly rows="2" data-testid="snippet-code" .value=${code}></textarea>
      <span class="hint">Paste it before &lt;/body&gt; on ${sites.length ? sites.join(", ") : "any site"}.</span>
      <div><button class="btn" type="button" data-testid="copy-snippet"
        @click=${(e: Event) => {
          const button = e.currentTarget as HTMLButtonElement;
          void navigator.clipboard?.writeText(code).then(
            () => (button.textContent = "Copied"),
            () => (button.textContent = "Select the text and copy it"),
          );
        }}>Copy snippet</button></div>
    </div>`;
  },
};

export const tags: Resource = {
  title: "Tags",
  singular: "tag",
  path: "/api/admin/tags",
  update: "PATCH",
  key: (row) => String(row.name),
  label: (row) => String(row.name),
  defaults: { description: "" },
  fields: [
    { name: "name", label: "Name", kind: "text", createOnly: true, required: true, hint: "Letters, digits, _ . -" },
    { name: "description", label: "Description", kind: "text" },
  ],
  columns: [
    { label: "Name", cell: (r) => html`<span class="chip">${r.name}</span>` },
    { label: "Description", cell: (r) => String(r.description ?? "") },
    {
      label: "Used by",
      cell: (r) => {
        const used = r.used_by as Record<string, number>;
        const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
        return `${count(used.services, "service")}, ${count(used.agents, "agent")}, ${count(used.transfer_groups, "group")}`;
      },
    },
  ],
  deletePath: (row) => `/api/admin/tags/${encodeURIComponent(String(row.name))}`,
};

const held = (row: Row) => {
  const n = Number(row.holding ?? 0);
  return n === 0 ? "" : ` · ${String(n)} contact${n === 1 ? "" : "s"}`;
};

export const agents: Resource = {
  title: "Agents",
  singular: "agent",
  path: "/api/admin/agents",
  update: "PATCH",
  key: (row) => String(row.id),
  label: (row) => String(row.login),
  defaults: { languages: ["en"], tags: [], chat_limit: 4, voice_allowed: true, video_allowed: true, role: "agent", enabled: true },
  fields: [
    { name: "login", label: "Login", kind: "text", createOnly: true, required: true },
    { name: "display_name", label: "Name", kind: "text", required: true },
    { name: "nickname", label: "Name shown to visitors", kind: "text", hint: "Empty: the first name." },
    { name: "password", label: "Password", kind: "password", hint: "At least 8 characters. When editing, a new one signs the agent out everywhere; empty keeps it." },
    { name: "role", label: "Role", kind: "choice", options: ["agent", "supervisor", "admin"] },
    { name: "languages", label: "Languages", kind: "list", hint: "Two-letter codes, comma-separated." },
    { name: "tags", label: "Tags", kind: "list", hint: "The services whose tags they all hold come to them." },
    { name: "chat_limit", label: "Chats at once", kind: "number", min: 1, max: 20 },
    { name: "voice_allowed", label: "Voice calls allowed", kind: "bool" },
    { name: "video_allowed", label: "Video calls allowed", kind: "bool" },
  ],
  columns: [
    { label: "Login", cell: (r) => html`<b>${r.login}</b>${r.enabled ? nothing : html` <span class="off" data-testid="disabled">disabled</span>`}` },
    { label: "Name", cell: (r) => String(r.display_name) },
    { label: "Role", cell: (r) => String(r.role) },
    { label: "Tags", cell: (r) => chips(r.tags) },
    { label: "Languages", cell: (r) => ((r.languages as string[]) ?? []).join(", ") },
    { label: "Chats", cell: (r) => String(r.chat_limit) },
    { label: "Calls", cell: (r) => [r.voice_allowed ? "voice" : "", r.video_allowed ? "video" : ""].filter(Boolean).join(", ") || "none" },
    { label: "Now", cell: (r) => (r.enabled ? `${String(r.status)}${held(r)}` : "—") },
  ],
  beforeUpdate: async (row, body) => {
    const { password, ...rest } = body;
    if (typeof password === "string" && password !== "") {
      await api("PUT", `/api/admin/agents/${String(row.id)}/password`, { password });
    }
    return rest;
  },
  actions: (row, page) =>
    html`<button class="btn ${row.enabled ? "danger" : ""}" data-testid="toggle-enabled"
      aria-label="${row.enabled ? "Disable" : "Enable"} ${row.login}"
      @click=${() => void (row.enabled ? askToDisable(row, page) : setEnabled(row, page, true))}>${row.enabled ? "Disable" : "Enable"}</button>`,
};

const setEnabled = (row: Row, page: SpAdminCrud, enabled: boolean) =>
  page.act(
    () => api<{ handed_back: number[] }>("PATCH", `/api/admin/agents/${String(row.id)}`, { enabled }),
    (answer) => {
      if (enabled) return `${String(row.login)} enabled.`;
      const n = answer.handed_back.length;
      const back = n === 0 ? "" : ` ${n === 1 ? "1 contact" : `${String(n)} contacts`} handed back to the queue.`;
      return `${String(row.login)} disabled and signed out.${back}`;
    },
  );

/** Disabling means now: say first how many contacts go back to the queue (counted afresh). */
const askToDisable = async (row: Row, page: SpAdminCrud): Promise<void> => {
  await page.load();
  const fresh = page.rows?.find((r) => r.id === row.id) ?? row;
  const holding = Number(fresh.holding ?? 0);
  const contacts = holding === 1 ? "1 contact" : `${String(holding)} contacts`;
  page.ask({
    key: String(row.id),
    text:
      holding > 0
        ? `Disable ${String(row.login)}? ${contacts} will be handed back to the queue now, and their consoles close.`
        : `Disable ${String(row.login)}? They hold no contacts; their consoles close.`,
    yes: "Disable now",
    run: () => void setEnabled(row, page, false),
  });
};

export const groups: Resource = {
  title: "Transfer groups",
  singular: "transfer group",
  path: "/api/admin/transfer-groups",
  update: "PUT",
  key: (row) => String(row.id),
  label: (row) => String(row.name),
  defaults: { tags: [], match_all: false, priority: 15 },
  fields: [
    { name: "name", label: "Name", kind: "text", required: true },
    { name: "tags", label: "Member tags", kind: "list", hint: "Agents holding any of these tags are members." },
    { name: "match_all", label: "Members must hold every tag", kind: "bool" },
    { name: "priority", label: "Priority", kind: "number", min: 1, max: 30 },
  ],
  columns: [
    { label: "Name", cell: (r) => html`<b>${r.name}</b>` },
    { label: "Members hold", cell: (r) => html`<span class="muted">${r.match_all ? "all of" : "any of"}</span> ${chips(r.tags)}` },
    { label: "Priority", cell: (r) => String(r.priority) },
  ],
  deletePath: (row) => `/api/admin/transfer-groups/${String(row.id)}`,
};
