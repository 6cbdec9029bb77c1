// What an error means for a person, from the API's machine-readable `code` (docs/protocol.md,
// Error codes). The API's own `message` is for developers: no screen shows it. Every sentence
// is a `msg()` (@lit/localize), said when it is needed, so it is in the page's language.

import { msg, str } from "@lit/localize";
import { formatBytes } from "./files";
import { formatNumber, formatSeconds, inSeconds, plural } from "./locale";

type Details = Record<string, unknown>;
type Sentence = (details: Details) => string;

/** What to say when a code has no sentence (a code newer than this page, say). */
export function fallbackSentence(): string {
  return msg("Something went wrong. Please try again.", { id: "error.fallback" });
}

function seconds(details: Details): number | null {
  const value = Number(details["retry_after"]);
  return Number.isFinite(value) && value > 0 ? Math.ceil(value) : null;
}

/** The size in `details.limit` (bytes), written in the page's language. */
function limit(details: Details): string | null {
  const value = Number(details["limit"]);
  return Number.isFinite(value) && value > 0 ? formatBytes(value) : null;
}

/** Every code of docs/protocol.md, and the client's own `network`. */
export const SENTENCES: Record<string, Sentence> = {
  network: () => msg("The server cannot be reached. Check your connection and try again.", { id: "error.network" }),
  invalid_input: () => msg("Some of what was entered is not valid. Please check it and try again.", { id: "error.invalid_input" }),
  malformed_frame: () => msg("The page sent something the server did not understand. Reload the page and try again.", { id: "error.malformed_frame" }),
  method_not_allowed: () => msg("The page asked for something the server does not do. Reload the page and try again.", { id: "error.method_not_allowed" }),
  unknown_frame_type: () => msg("The page sent something the server did not understand. Reload the page and try again.", { id: "error.unknown_frame_type" }),
  text_too_long: () => msg("This message is too long. Shorten it and send it again.", { id: "error.text_too_long" }),
  not_authenticated: () => msg("You are signed out. Please sign in again.", { id: "error.not_authenticated" }),
  invalid_credentials: () => msg("The login or the password is wrong.", { id: "error.invalid_credentials" }),
  account_disabled: () => msg("This account has been disabled. Ask an administrator.", { id: "error.account_disabled" }),
  account_locked: () => msg("Too many failed sign-ins. Please wait a few minutes before trying again.", { id: "error.account_locked" }),
  rate_limited: (d) => {
    const wait = seconds(d);
    return wait
      ? msg(str`Too many at once. Please wait ${formatSeconds(wait)} and try again.`, { id: "error.rate_limited.wait" })
      : msg("Too many at once. Please wait a moment and try again.", { id: "error.rate_limited" });
  },
  token_expired: () => msg("This chat has expired. Please start a new one.", { id: "error.token_expired" }),
  forbidden: () => msg("You are not allowed to do this.", { id: "error.forbidden" }),
  origin_rejected: () => msg("This site is not allowed to use this chat.", { id: "error.origin_rejected" }),
  unknown_placeholder: () =>
    msg("This text uses a placeholder that does not exist: use {visitor_name}, {agent_name} or {service}.", { id: "error.unknown_placeholder" }),
  redirect_refused: () => msg("The visitor can only be sent to pages of this service's sites.", { id: "error.redirect_refused" }),
  api_token_revoked: () => msg("This API token was revoked. Make a new one.", { id: "error.api_token_revoked" }),
  api_token_expired: () => msg("This API token has expired. Make a new one.", { id: "error.api_token_expired" }),
  token_scope: () => msg("This API token is not allowed to do this.", { id: "error.token_scope" }),
  webhook_url_refused: () =>
    msg("Use an http or https address on the internet: private and local addresses are not allowed.", { id: "error.webhook_url_refused" }),
  handoff_refused: () => msg("This link has expired. The chat goes on on the page you came from.", { id: "error.handoff_refused" }),
  csrf_rejected: () => msg("The request was refused for safety. Reload the page and try again.", { id: "error.csrf_rejected" }),
  not_found: () => msg("This could not be found. It may have been removed.", { id: "error.not_found" }),
  file_too_large: (d) => {
    const most = limit(d);
    return most
      ? msg(str`This file is too large: the limit is ${most}.`, { id: "error.file_too_large.limit" })
      : msg("This file is too large.", { id: "error.file_too_large" });
  },
  file_empty: () => msg("This file is empty.", { id: "error.file_empty" }),
  file_type_refused: () => msg("Files of this type cannot be sent, for safety.", { id: "error.file_type_refused" }),
  file_invalid: () => msg("This image cannot be opened, or is too large.", { id: "error.file_invalid" }),
  upload_budget_exceeded: (d) => {
    const most = limit(d);
    return most
      ? msg(str`You cannot send more files in this conversation: the limit is ${most}.`, {
          id: "error.upload_budget_exceeded.limit",
        })
      : msg("You cannot send more files in this conversation.", { id: "error.upload_budget_exceeded" });
  },
  range_not_satisfiable: () => msg("This part of the file does not exist. Download the whole file again.", { id: "error.range_not_satisfiable" }),
  already_taken: () => msg("Another agent has already taken this contact.", { id: "error.already_taken" }),
  contact_not_pending: () => msg("This contact is no longer waiting.", { id: "error.contact_not_pending" }),
  contact_closed: () => msg("This conversation has ended.", { id: "error.contact_closed" }),
  contact_not_in_progress: () => msg("Nobody is handling this conversation now, so there is no one to whisper to.", { id: "error.contact_not_in_progress" }),
  contact_not_ended: () => msg("Only ended conversations can be removed.", { id: "error.contact_not_ended" }),
  not_eligible: () => msg("This contact is not offered to you any more.", { id: "error.not_eligible" }),
  contact_queued: () =>
    msg("Every agent who can take this contact is full: it waits in the queue and is offered as soon as one of you has room.", { id: "error.contact_queued" }),
  at_limit: () => msg("You are at your chat limit: end a chat to take another.", { id: "error.at_limit" }),
  contacts_in_progress: () => msg("You still have conversations in progress: choose what becomes of them first.", { id: "error.contacts_in_progress" }),
  nothing_waiting: () => msg("Nobody is waiting right now.", { id: "error.nothing_waiting" }),
  translation_unavailable: () => msg("Translation is not available between these languages.", { id: "error.translation_unavailable" }),
  translation_failed: () => msg("The translation could not be made just now.", { id: "error.translation_failed" }),
  duplicate: () => msg("This name is already taken. Please choose another.", { id: "error.duplicate" }),
  tag_in_use: () => msg("This tag is still in use by services, agents or transfer groups: remove it from them first.", { id: "error.tag_in_use" }),
  conflict: () => msg("Someone changed this at the same time. Reload and try again.", { id: "error.conflict" }),
  own_account: () => msg("You cannot do this to your own account.", { id: "error.own_account" }),
  already_rated: () => msg("This conversation has already been rated.", { id: "error.already_rated" }),
  transcript_already_requested: () =>
    msg("The transcript of this conversation has already been requested.", { id: "error.transcript_already_requested" }),
  already_done: () => msg("Someone has already marked this message done.", { id: "error.already_done" }),
  not_done: () => msg("This message is not marked done.", { id: "error.not_done" }),
  not_supervising: () => msg("Only a supervisor of this contact's service can do that.", { id: "error.not_supervising" }),
  not_handling_visitor: () => msg("You can read this visitor's earlier conversations only while you are handling them.", { id: "error.not_handling_visitor" }),
  already_joined: () => msg("You are already in this conversation.", { id: "error.already_joined" }),
  not_joined: () => msg("You are not in this conversation: join it first.", { id: "error.not_joined" }),
  holder_changed: () => msg("This contact changed hands meanwhile. Look again before taking it over.", { id: "error.holder_changed" }),
  transfer_pending: () => msg("This contact is already being transferred.", { id: "error.transfer_pending" }),
  not_transferable: () => msg("They cannot take this contact now. Pick someone shown as available.", { id: "error.not_transferable" }),
  no_transfer_pending: () => msg("This transfer is over: it was cancelled, timed out or taken.", { id: "error.no_transfer_pending" }),
  call_in_progress: () => msg("A call is already going on in this conversation.", { id: "error.call_in_progress" }),
  no_call: () => msg("This call has already ended.", { id: "error.no_call" }),
  call_move_refused: () => msg("The call cannot do that now.", { id: "error.call_move_refused" }),
  medium_unavailable: () => msg("Calls of this kind are not available right now.", { id: "error.medium_unavailable" }),
  service_unavailable: () => msg("This is not available for this service.", { id: "error.service_unavailable" }),
  service_closed: () => msg("This service is closed now: outside its opening hours.", { id: "error.service_closed" }),
  internal: () => msg("Something went wrong on the server. Please try again.", { id: "error.internal" }),
  overloaded: (d) => {
    const wait = seconds(d);
    return wait
      ? msg(str`Many people are asking for help right now. Please try again ${inSeconds(wait)}.`, {
          id: "error.overloaded.wait",
        })
      : msg("Many people are asking for help right now. Please try again in a moment.", { id: "error.overloaded" });
  },
  write_conflict: () => msg("Another change got in the way. Please send it again.", { id: "error.write_conflict" }),
  client_gone: () => msg("The request was given up before it finished. Please try again.", { id: "error.client_gone" }),
  resync_required: () => msg("The connection is catching up. One moment, please.", { id: "error.resync_required" }),
};

/**
 * How long to wait before sending a refused write again by itself, or null when a person
 * must decide: only `write_conflict` (the database broke a lock cycle; nothing was written,
 * and the same client id makes a second try safe).
 */
export function resendAfterMs(err: ErrorLike): number | null {
  if (err.code !== "write_conflict") return null;
  return (seconds(err.details ?? {}) ?? 1) * 1000;
}

export interface ErrorLike {
  code?: string;
  message?: string;
  details?: Details;
}

/** The code and details of an error from any client of this project (or none). */
function parts(err: unknown): { code: string; details: Details } | null {
  if (!err || typeof err !== "object") return null;
  const inner = (err as { error?: unknown }).error; // the widget's HttpError wraps the body
  const body = (inner && typeof inner === "object" ? inner : err) as ErrorLike;
  if (typeof body.code !== "string") return null;
  return { code: body.code, details: body.details && typeof body.details === "object" ? body.details : {} };
}

/**
 * A sentence for a person about `err`: the one for its code (`overrides` first, for a screen
 * that says it better), else `fallback`.
 */
export function sayError(err: unknown, fallback?: string, overrides: Record<string, Sentence> = {}): string {
  const found = parts(err);
  const sentence = found ? (overrides[found.code] ?? SENTENCES[found.code]) : undefined;
  if (!found || sentence === undefined) return fallback ?? fallbackSentence();
  return sentence(found.details);
}

/** "between 1 and 20 chats" → "Between 1 and 20 chats." */
function asSentence(text: string): string {
  const t = text.trim();
  return t.charAt(0).toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? "" : ".");
}

/** A sentence for one field's problem in `invalid_input` (`details.problems[]`), by its `code`. */
export function sayProblem(problem: { code?: string; message?: string; limit?: unknown }): string {
  const n = typeof problem.limit === "number" ? problem.limit : null;
  const count = n === null ? "" : formatNumber(n);
  switch (problem.code) {
    case "missing":
      return msg("This is required.", { id: "problem.missing" });
    case "string_too_short":
      if (n === null) return msg("This is too short.", { id: "problem.string_too_short" });
      return n === 1
        ? msg("This is required.", { id: "problem.missing" })
        : plural(
            n,
            msg(str`Use at least ${count} character.`, { id: "problem.string_too_short.one" }),
            msg(str`Use at least ${count} characters.`, { id: "problem.string_too_short.other" }),
          );
    case "string_too_long":
      if (n === null) return msg("This is too long.", { id: "problem.string_too_long" });
      return plural(
        n,
        msg(str`Use at most ${count} character.`, { id: "problem.string_too_long.one" }),
        msg(str`Use at most ${count} characters.`, { id: "problem.string_too_long.other" }),
      );
    case "too_short":
      if (n === null) return msg("Give more.", { id: "problem.too_short" });
      return n === 1
        ? msg("Give at least one.", { id: "problem.too_short.one" })
        : msg(str`Give at least ${count}.`, { id: "problem.too_short.other" });
    case "too_long":
      if (n === null) return msg("Give fewer.", { id: "problem.too_long" });
      return msg(str`Give at most ${count}.`, { id: "problem.too_long.limit" });
    case "greater_than_equal":
    case "greater_than":
      if (n === null) return msg("This number is too small.", { id: "problem.greater_than" });
      return msg(str`Use a number of at least ${count}.`, { id: "problem.greater_than.limit" });
    case "less_than_equal":
    case "less_than":
      if (n === null) return msg("This number is too large.", { id: "problem.less_than" });
      return msg(str`Use a number of at most ${count}.`, { id: "problem.less_than.limit" });
    case "int_parsing":
    case "int_type":
    case "float_parsing":
    case "int_from_float":
      return msg("Use a whole number.", { id: "problem.int" });
    case "literal_error":
    case "enum":
      return msg("Choose one of the options offered.", { id: "problem.enum" });
    case "string_pattern_mismatch":
    case "value_error":
    case "url_parsing":
      return msg("This is not in the expected form.", { id: "problem.pattern" });
    case "duplicate":
      return msg("This is already taken. Please choose another.", { id: "problem.duplicate" });
    case "invalid":
      // the server's own check: its message is a hint written for the person (in English)
      return problem.message ? asSentence(problem.message) : msg("This is not valid.", { id: "problem.invalid" });
    default:
      return msg("This is not valid.", { id: "problem.invalid" });
  }
}

/** The widget speaks to visitors: a few codes read differently for them. */
export const VISITOR_SENTENCES: Record<string, Sentence> = {
  not_authenticated: () => msg("This chat has ended. Please start a new one.", { id: "visitor_error.chat_ended" }),
  forbidden: () => msg("This chat cannot do that.", { id: "visitor_error.forbidden" }),
  not_found: () => msg("This chat has ended. Please start a new one.", { id: "visitor_error.chat_ended" }),
  service_unavailable: () => msg("This service cannot take that right now.", { id: "visitor_error.service_unavailable" }),
  service_closed: () => msg("We are closed right now. Please come back during our opening hours.", { id: "visitor_error.service_closed" }),
};

/** sayError in the visitor's words. */
export function sayVisitorError(err: unknown, fallback?: string): string {
  return sayError(err, fallback, VISITOR_SENTENCES);
}
