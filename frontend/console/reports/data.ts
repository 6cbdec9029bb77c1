// The reports API's shapes (docs/protocol.md, Reports) and how the pages ask for them.

import { api } from "../api";
import type { Contact, FileCard } from "../types";

export interface ReportRow {
  id: number;
  created_at: number;
  state: string;
  outcome: string | null;
  closed_by: string | null;
  medium: string;
  media_used: string[];
  visitor: { name: string; email: string; country: string; id: string; verified_user_id: string | null };
  /** The visitor had come before (an earlier contact with the same visitor id). */
  returning: boolean;
  service: { id: number; name: string };
  agent: { id: number; name: string } | null;
  /** Everyone who held it, in order (earlier holders passed it on by a transfer). */
  agents: { id: number; name: string }[];
  transfers: number;
  wait: number | null;
  duration: number | null;
  files: number;
  requeued: boolean;
  /** The agent's colour tag, or null. */
  colour: string | null;
  /** The visitor's rating at the end (1–5 and a comment), or null. */
  rating: { score: number; comment: string; rated_at: number } | null;
}

export interface ReportPage {
  items: ReportRow[];
  next_cursor: string | null;
}

export interface ReportDetail extends Contact {
  summary: ReportRow;
  /** How many earlier contacts of this visitor the reader may see. */
  earlier_contacts: number;
  /** Waiting for a busy agent: time in the queue (null: never queued), and from being
   * offered (or created) to an agent taking it; how the queue ended it. */
  queued_seconds?: number | null;
  offered_seconds?: number | null;
  queue_exit?: string | null;
  files: (FileCard & { sender: string; created_at: number })[];
}

export interface Figures {
  id: number | null;
  name: string;
  requests: number;
  successful: number;
  no_interaction: number;
  dissuaded: number;
  abandoned: number;
  cancelled: number;
  rejected: number;
  in_progress: number;
  handed_back: number;
  transferred: number;
  answered: number;
  wait_avg: number | null;
  wait_p50: number | null;
  wait_p90: number | null;
  answer_avg: number | null;
  answer_p90: number | null;
  handling_avg: number | null;
  handling_p90: number | null;
  /** How many of these contacts the visitors rated, and the average score (null: none). */
  rating_count: number;
  rating_avg: number | null;
  /** Waiting for a busy agent: requests queued, offered from the queue, dissuaded while
   * queued, turned away by a full queue, and the average time queued. */
  queued?: number;
  queue_offered?: number;
  queue_timeout?: number;
  queue_full?: number;
  queued_avg?: number | null;
}

export interface Overview {
  groups: Figures[];
  total: Figures;
  by_hour: ({ hour: number } & Record<string, number>)[];
  wait_histogram: { label: string; below: number | null; at_least: number | null; contacts: number }[];
  /** The canned replies sent most in these contacts (the services' and the reader's own). */
  canned_replies: { id: number; shortcut: string; title: string; service: string | null; personal: boolean; uses: number }[];
}

export interface Filters {
  since: string; // yyyy-mm-dd, local
  until: string;
  outcome: string;
  visitor: string;
  q: string;
  sort: string;
  /** A colour tag, "none" (untagged) or "" (any). */
  colour: string;
  /** "true": returning visitors only, "false": first visits only, "": any. */
  returning: string;
  /** One visitor's contacts (the link from a returning visitor's details), or "". */
  visitorId: string;
}

export const OUTCOMES = ["successful", "no_interaction", "dissuaded", "abandoned", "cancelled", "rejected"];

/** A local calendar day as UNIX seconds at its start. */
export function dayStart(day: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(y, m - 1, d).getTime() / 1000;
}

export function isoDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function query(f: Filters, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams(extra);
  const since = dayStart(f.since);
  const until = dayStart(f.until);
  if (since !== null) q.set("since", String(since));
  if (until !== null) q.set("until", String(until + 86_400)); // the whole last day
  if (f.outcome) q.set("outcome", f.outcome);
  if (f.colour) q.set("colour", f.colour);
  if (f.visitor.trim()) q.set("visitor", f.visitor.trim());
  if (f.q.trim()) q.set("q", f.q.trim());
  if (f.sort) q.set("sort", f.sort);
  if (f.returning) q.set("returning", f.returning);
  if (f.visitorId) q.set("visitor_id", f.visitorId);
  return q.toString();
}

/** The reader's offset from UTC in minutes (east positive), as the API takes it. */
export const utcOffset = () => String(-new Date().getTimezoneOffset());

/** The contacts CSV for these filters, its times in the reader's time zone. */
export const contactsCsv = (f: Filters) =>
  `/api/reports/contacts.csv?${query(f, { utc_offset_minutes: utcOffset() })}`;

export const fetchPage = (f: Filters, cursor: string | null) =>
  api<ReportPage>("GET", `/api/reports/contacts?${query(f, cursor ? { cursor } : {})}`);

export const fetchDetail = (id: number) => api<ReportDetail>("GET", `/api/reports/contacts/${id}`);

export interface InvitationCount {
  service: { id: number; name: string };
  shown: number;
  accepted: number;
}

/** Proactive invitations shown and accepted per service, in the overview's period. */
export const fetchInvitations = (f: Filters) =>
  api<InvitationCount[]>("GET", `/api/reports/invitations?${query({ ...f, outcome: "", visitor: "", q: "", sort: "", colour: "", returning: "", visitorId: "" })}`);

export function fetchOverview(f: Filters, groupBy: string): Promise<Overview> {
  return api<Overview>("GET", `/api/reports/overview?${query({ ...f, outcome: "", visitor: "", q: "", sort: "", colour: "", returning: "", visitorId: "" }, { group_by: groupBy, utc_offset_minutes: utcOffset() })}`);
}
