// The admin resources: services, tags, agents, transfer groups and canned replies.

import { unit } from "../format";
import { mediumName, roleName, statusName } from "../labels";
import { languageChoices, plural } from "../i18n";
import { msg, str } from "@lit/localize";
import { html, nothing } from "lit";
import { api } from "../api";
import { chips, type Resource, type Row, type SpAdminCrud } from "./crud";
import "./identity-secret";
import "../components/reply-file";
import type { ReplyFile } from "../components/reply-file";

const yes = (v: unknown) => (v ? msg("yes") : msg("no"));

function snippet(row: Row): string {
  return `<script src="${location.origin}/widget.js" data-service="${String(row.name)}" async></script>`;
}

export const services = (): Resource => ({
  title: msg("Services"),
  words: {
    add: msg("New service"),
    edit: (name) => msg(str`Edit service “${name}”`),
    created: (name) => msg(str`Service “${name}” created.`),
    saved: (name) => msg(str`Service “${name}” saved.`),
    deleted: (name) => msg(str`Service “${name}” deleted.`),
  },
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
    transcript_auto: false,
    retention_days: 0,
    prechat_fields: [],
    privacy_url: "",
    invitations: [],
    typing_preview: false,
    when_busy: "reject",
    queue_max_wait_seconds: 300,
    queue_max_length: 50,
    opening_hours: [],
    time_zone: "UTC",
    holidays: [],
    when_closed: "leave_message",
  },
  fields: [
    { name: "name", label: msg("Name"), kind: "text", required: true },
    { name: "language", label: msg("Language"), kind: "text", hint: msg("Two letters, e.g. en, it, es.") },
    { name: "tags", label: msg("Tags"), kind: "list", hint: msg("Agents need every tag. Comma-separated.") },
    { name: "priority", label: msg("Priority"), kind: "number", min: 1, max: 30, hint: msg("1 is served first, 30 last.") },
    { name: "dissuasion_seconds", label: msg("Dissuasion time (seconds)"), kind: "number", min: 5, max: 3600, hint: msg("How long a visitor waits before the message below.") },
    {
      name: "when_busy",
      label: msg("When every agent is busy"),
      kind: "choice",
      options: ["reject", "queue"],
      optionLabel: (o) => (o === "queue" ? msg("Queue the request until an agent has room") : msg("Turn the request away at once")),
      hint: msg("Queueing needs at least one qualified agent signed in and ready."),
    },
    { name: "queue_max_wait_seconds", label: msg("Longest queue wait (seconds)"), kind: "number", min: 30, max: 3600, hint: msg("Queued longer than this, the visitor gets the dissuasion message.") },
    { name: "queue_max_length", label: msg("Queue length limit"), kind: "number", min: 1, max: 10000, hint: msg("More queued requests than this are turned away with the leave-a-message form.") },
    { name: "opening_hours", label: msg("Opening hours"), kind: "list", hint: msg("Days then times, comma-separated: mon-fri 09:00-12:30 14:00-18:00, sat 10:00-13:00. Empty: always open.") },
    { name: "time_zone", label: msg("Time zone"), kind: "text", hint: msg("The zone of the opening hours, e.g. Europe/Rome.") },
    { name: "holidays", label: msg("Holidays"), kind: "list", hint: msg("Dates closed all day, comma-separated: 2026-12-25, 2027-01-01.") },
    {
      name: "when_closed",
      label: msg("Outside opening hours"),
      kind: "choice",
      options: ["leave_message", "hide"],
      optionLabel: (o) => (o === "hide" ? msg("Hide the service in the widget") : msg("Offer the leave-a-message form")),
    },
    { name: "media", label: msg("Allowed media"), kind: "multi", options: ["chat", "voice", "video"], optionLabel: mediumName },
    { name: "sites", label: msg("Allowed sites"), kind: "list", hint: msg("Origins such as https://shop.example. Empty: any site.") },
    { name: "dissuasion_message", label: msg("Dissuasion message"), kind: "textarea" },
    { name: "saved_links", label: msg("Saved links"), kind: "links", hint: msg("One a line: Title | https://address") },
    { name: "translation_glossary", label: msg("Never translate"), kind: "list", hint: msg("Product and brand names, codes: automatic translation leaves them as written. Comma-separated.") },
    {
      name: "prechat_fields",
      label: msg("Pre-chat form"),
      kind: "prechat",
      hint: msg("One field a line: kind | label | required or optional | options (a choice only, comma-separated). Kinds: name, email, phone, choice, consent. Empty: the widget asks the name only."),
    },
    { name: "privacy_url", label: msg("Privacy policy address"), kind: "text", hint: msg("Linked from the form's consent checkbox, e.g. https://shop.example/privacy.") },
    {
      name: "invitations",
      label: msg("Chat invitations"),
      kind: "invitations",
      hint: msg("One rule a line: page path (* for any characters, e.g. /pricing*) | seconds on the page | returning or anyone | available (only when an agent can take it) or always | the invitation's text (empty: the widget's own)."),
    },
    { name: "enabled", label: msg("Offered in the widget"), kind: "bool" },
    { name: "leave_message", label: msg("Leave-a-message form when nobody is available"), kind: "bool" },
    { name: "transcript_auto", label: msg("E-mail the transcript when a conversation ends (to visitors who gave an address)"), kind: "bool" },
    { name: "typing_preview", label: msg("Typing preview: agents read what the visitor is typing before it is sent (the widget tells the visitor)"), kind: "bool" },
    { name: "immediate_redirect", label: msg("Pushed links open at once (no question to the visitor)"), kind: "bool" },
    { name: "retention_days", label: msg("Keep ended conversations (days)"), kind: "number", min: 0, max: 3650, hint: msg("Older ones are removed with their messages and files. 0 keeps them.") },
  ],
  columns: [
    { label: msg("Name"), cell: (r) => html`<b>${r.name}</b>${r.enabled ? nothing : html` <span class="off">${msg("off")}</span>`}` },
    { label: msg("Tags"), cell: (r) => chips(r.tags) },
    { label: msg("Media"), cell: (r) => ((r.media as string[]) ?? []).map(mediumName).join(", ") },
    { label: msg("Priority"), cell: (r) => String(r.priority) },
    { label: msg("Dissuasion"), cell: (r) => unit(Number(r.dissuasion_seconds), "second") },
    { label: msg("Sites"), cell: (r) => ((r.sites as string[]) ?? []).join(", ") || msg("any") },
    { label: msg("Messages"), cell: (r) => yes(r.leave_message) },
    { label: msg("When busy"), cell: (r) => (r.when_busy === "queue" ? msg(str`queue (up to ${Number(r.queue_max_length)})`) : msg("reject")) },
  ],
  extra: (row) => {
    if (!row) return nothing;
    const code = snippet(row);
    const sites = (row.sites as string[]) ?? [];
    return html`<div class="field wide" data-testid="snippet">
      <label for="snippet">${msg("Widget snippet")}</label>
      <textarea id="snippet" readonly rows="2" data-testid="snippet-code" .value=${code}></textarea>
      <span class="hint">${msg(str`Paste it before </body> on ${sites.length ? sites.join(", ") : msg("any site")}.`)}</span>
      <div><button class="btn" type="button" data-testid="copy-snippet"
        @click=${(e: Event) => {
          const button = e.currentTarget as HTMLButtonElement;
          void navigator.clipboard?.writeText(code).then(
            () => (button.textContent = msg("Copied")),
            () => (button.textContent = msg("Select the text and copy it")),
          );
        }}>${msg("Copy snippet")}</button></div>
    </div>
    <sp-identity-secret .serviceId=${Number(row.id)} .secret=${(row.identity_secret as string | null) ?? null}></sp-identity-secret>`;
  },
});

export const tags = (): Resource => ({
  title: msg("Tags"),
  words: {
    add: msg("New tag"),
    edit: (name) => msg(str`Edit tag “${name}”`),
    created: (name) => msg(str`Tag “${name}” created.`),
    saved: (name) => msg(str`Tag “${name}” saved.`),
    deleted: (name) => msg(str`Tag “${name}” deleted.`),
  },
  path: "/api/admin/tags",
  update: "PATCH",
  key: (row) => String(row.name),
  label: (row) => String(row.name),
  defaults: { description: "" },
  fields: [
    { name: "name", label: msg("Name"), kind: "text", createOnly: true, required: true, hint: msg("Letters, digits, _ . -") },
    { name: "description", label: msg("Description"), kind: "text" },
  ],
  columns: [
    { label: msg("Name"), cell: (r) => html`<span class="chip">${r.name}</span>` },
    { label: msg("Description"), cell: (r) => String(r.description ?? "") },
    {
      label: msg("Used by"),
      cell: (r) => {
        const used = r.used_by as Record<string, number>;
        return [
          plural(used.services, msg("1 service"), msg(str`${used.services} services`)),
          plural(used.agents, msg("1 agent"), msg(str`${used.agents} agents`)),
          plural(used.transfer_groups, msg("1 group"), msg(str`${used.transfer_groups} groups`)),
        ].join(", ");
      },
    },
  ],
  deletePath: (row) => `/api/admin/tags/${encodeURIComponent(String(row.name))}`,
});

const held = (row: Row) => {
  const n = Number(row.holding ?? 0);
  return n === 0 ? "" : " · " + plural(n, msg("1 contact"), msg(str`${n} contacts`));
};

export const agents = (): Resource => ({
  title: msg("Agents"),
  words: {
    add: msg("New agent"),
    edit: (name) => msg(str`Edit agent “${name}”`),
    created: (name) => msg(str`Agent “${name}” created.`),
    saved: (name) => msg(str`Agent “${name}” saved.`),
    deleted: (name) => msg(str`Agent “${name}” deleted.`),
  },
  path: "/api/admin/agents",
  update: "PATCH",
  key: (row) => String(row.id),
  label: (row) => String(row.login),
  defaults: { languages: ["en"], tags: [], chat_limit: 4, voice_allowed: true, video_allowed: true, role: "agent", enabled: true, ui_language: "" },
  fields: [
    { name: "login", label: msg("Login"), kind: "text", createOnly: true, required: true },
    { name: "display_name", label: msg("Name"), kind: "text", required: true },
    { name: "nickname", label: msg("Name shown to visitors"), kind: "text", hint: msg("Empty: the first name.") },
    { name: "password", label: msg("Password"), kind: "password", hint: msg("At least 8 characters. When editing, a new one signs the agent out everywhere; empty keeps it.") },
    { name: "role", label: msg("Role"), kind: "choice", options: ["agent", "supervisor", "admin"], optionLabel: roleName },
    {
      name: "ui_language",
      label: msg("Console language"),
      kind: "choice",
      options: languageChoices().map(([code]) => code),
      optionLabel: (code) => languageChoices().find(([c]) => c === code)?.[1] ?? code,
      hint: msg("The console, supervision, reports and administration pages. The agent can change it in the console's menu."),
    },
    { name: "languages", label: msg("Languages"), kind: "list", hint: msg("Two-letter codes, comma-separated.") },
    { name: "tags", label: msg("Tags"), kind: "list", hint: msg("The services whose tags they all hold come to them.") },
    { name: "chat_limit", label: msg("Chats at once"), kind: "number", min: 1, max: 20 },
    { name: "voice_allowed", label: msg("Voice calls allowed"), kind: "bool" },
    { name: "video_allowed", label: msg("Video calls allowed"), kind: "bool" },
  ],
  columns: [
    { label: msg("Login"), cell: (r) => html`<b>${r.login}</b>${r.enabled ? nothing : html` <span class="off" data-testid="disabled">${msg("disabled")}</span>`}` },
    { label: msg("Name"), cell: (r) => String(r.display_name) },
    { label: msg("Role"), cell: (r) => roleName(String(r.role)) },
    { label: msg("Tags"), cell: (r) => chips(r.tags) },
    { label: msg("Languages"), cell: (r) => ((r.languages as string[]) ?? []).join(", ") },
    { label: msg("Chats"), cell: (r) => String(r.chat_limit) },
    { label: msg("Calls"), cell: (r) => [r.voice_allowed ? mediumName("voice") : "", r.video_allowed ? mediumName("video") : ""].filter(Boolean).join(", ") || msg("none") },
    { label: msg("Now"), cell: (r) => (r.enabled ? `${statusName(String(r.status))}${held(r)}` : "—") },
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
      aria-label=${row.enabled ? msg(str`Disable ${String(row.login)}`) : msg(str`Enable ${String(row.login)}`)}
      @click=${() => void (row.enabled ? askToDisable(row, page) : setEnabled(row, page, true))}>${row.enabled ? msg("Disable") : msg("Enable")}</button>`,
});

const setEnabled = (row: Row, page: SpAdminCrud, enabled: boolean) =>
  page.act(
    () => api<{ handed_back: number[] }>("PATCH", `/api/admin/agents/${String(row.id)}`, { enabled }),
    (answer) => {
      const login = String(row.login);
      if (enabled) return msg(str`${login} enabled.`);
      const n = answer.handed_back.length;
      const back = n === 0 ? "" : " " + plural(n, msg("1 contact handed back to the queue."), msg(str`${n} contacts handed back to the queue.`));
      return msg(str`${login} disabled and signed out.`) + back;
    },
  );

/** Disabling means now: say first how many contacts go back to the queue (counted afresh). */
const askToDisable = async (row: Row, page: SpAdminCrud): Promise<void> => {
  await page.load();
  const fresh = page.rows?.find((r) => r.id === row.id) ?? row;
  const holding = Number(fresh.holding ?? 0);
  const login = String(row.login);
  page.ask({
    key: String(row.id),
    text:
      holding > 0
        ? plural(
            holding,
            msg(str`Disable ${login}? 1 contact will be handed back to the queue now, and their consoles close.`),
            msg(str`Disable ${login}? ${holding} contacts will be handed back to the queue now, and their consoles close.`),
          )
        : msg(str`Disable ${login}? They hold no contacts; their consoles close.`),
    yes: msg("Disable now"),
    run: () => void setEnabled(row, page, false),
  });
};

export const groups = (): Resource => ({
  title: msg("Transfer groups"),
  words: {
    add: msg("New transfer group"),
    edit: (name) => msg(str`Edit transfer group “${name}”`),
    created: (name) => msg(str`Transfer group “${name}” created.`),
    saved: (name) => msg(str`Transfer group “${name}” saved.`),
    deleted: (name) => msg(str`Transfer group “${name}” deleted.`),
  },
  path: "/api/admin/transfer-groups",
  update: "PUT",
  key: (row) => String(row.id),
  label: (row) => String(row.name),
  defaults: { tags: [], match_all: false, priority: 15 },
  fields: [
    { name: "name", label: msg("Name"), kind: "text", required: true },
    { name: "tags", label: msg("Member tags"), kind: "list", hint: msg("Agents holding any of these tags are members.") },
    { name: "match_all", label: msg("Members must hold every tag"), kind: "bool" },
    { name: "priority", label: msg("Priority"), kind: "number", min: 1, max: 30 },
  ],
  columns: [
    { label: msg("Name"), cell: (r) => html`<b>${r.name}</b>` },
    { label: msg("Members hold"), cell: (r) => html`<span class="muted">${r.match_all ? msg("all of") : msg("any of")}</span> ${chips(r.tags)}` },
    { label: msg("Priority"), cell: (r) => String(r.priority) },
  ],
  deletePath: (row) => `/api/admin/transfer-groups/${String(row.id)}`,
});

/** The placeholders a canned reply's text may hold (docs/protocol.md, "Canned replies"). */
export const placeholdersHint = () => msg("Placeholders: {visitor_name}, {agent_name}, {service}.");

export const cannedReplies = (): Resource => {
  const names = new Map<string, string>();
  const resource: Resource = {
    title: msg("Canned replies"),
    words: {
      add: msg("New canned reply"),
      edit: (name) => msg(str`Edit canned reply “${name}”`),
      created: (name) => msg(str`Canned reply “${name}” created.`),
      saved: (name) => msg(str`Canned reply “${name}” saved.`),
      deleted: (name) => msg(str`Canned reply “${name}” deleted.`),
    },
    path: "/api/admin/canned-replies",
    update: "PATCH",
    key: (row) => String(row.id),
    label: (row) => `/${String(row.shortcut)}`,
    defaults: { link_url: "" },
    fields: [
      { name: "service_id", label: msg("Service"), kind: "choice", numeric: true, createOnly: true, options: [], optionLabel: (id) => names.get(id) ?? id },
      { name: "shortcut", label: msg("Shortcut"), kind: "text", required: true, hint: msg("Typed after / in the composer: lower-case letters, digits, _ or -.") },
      { name: "title", label: msg("Title"), kind: "text", required: true },
      { name: "text", label: msg("Text"), kind: "textarea", required: true, hint: placeholdersHint() },
      { name: "link_url", label: msg("Link"), kind: "text", hint: msg("Optional: an address added on the reply's last line.") },
    ],
    columns: [
      { label: msg("Shortcut"), cell: (r) => html`<b>/${r.shortcut}</b>` },
      { label: msg("Service"), cell: (r) => names.get(String(r.service_id)) ?? "" },
      { label: msg("Title"), cell: (r) => String(r.title) },
      { label: msg("Text"), cell: (r) => html`<span class="muted">${String(r.text)}</span>${r.link_url ? html`<br />${r.link_url}` : nothing}` },
      { label: msg("File"), cell: (r) => replyFile("/api/admin/canned-replies", r) },
    ],
    deletePath: (row) => `/api/admin/canned-replies/${String(row.id)}`,
    prepare: async () => {
      const list = await api<Row[]>("GET", "/api/admin/services");
      names.clear();
      for (const s of list) names.set(String(s.id), String(s.name));
      resource.fields[0].options = [...names.keys()];
      resource.defaults.service_id = list.length ? Number(list[0].id) : undefined;
    },
  };
  return resource;
};

/** A reply's saved file, attached or removed in place (components/reply-file.ts). */
function replyFile(path: string, r: Row) {
  return html`<sp-reply-file data-testid="reply-file" .base=${`${path}/${String(r.id)}`} .file=${(r.file as ReplyFile | null) ?? null}
    shortcut=${String(r.shortcut)}></sp-reply-file>`;
}

/** The agent's own canned replies, managed from the console's menu. */
export const ownReplies = (): Resource => ({
  title: msg("My canned replies"),
  words: {
    add: msg("New canned reply"),
    edit: (name) => msg(str`Edit canned reply “${name}”`),
    created: (name) => msg(str`Canned reply “${name}” created.`),
    saved: (name) => msg(str`Canned reply “${name}” saved.`),
    deleted: (name) => msg(str`Canned reply “${name}” deleted.`),
  },
  path: "/api/me/canned-replies",
  update: "PATCH",
  key: (row) => String(row.id),
  label: (row) => `/${String(row.shortcut)}`,
  defaults: { link_url: "" },
  fields: cannedReplies().fields.slice(1),
  columns: [
    { label: msg("Shortcut"), cell: (r) => html`<b>/${r.shortcut}</b>` },
    { label: msg("Title"), cell: (r) => String(r.title) },
    { label: msg("Text"), cell: (r) => html`<span class="muted">${String(r.text)}</span>${r.link_url ? html`<br />${r.link_url}` : nothing}` },
    { label: msg("File"), cell: (r) => replyFile("/api/me/canned-replies", r) },
  ],
  deletePath: (row) => `/api/me/canned-replies/${String(row.id)}`,
});
