// What an error means for a person, from the API's machine-readable `code` (docs/protocol.md,
// Error codes). The API's own `message` is for developers: no screen shows it.

type Details = Record<string, unknown>;
type Sentence = string | ((details: Details) => string);

/** What to say when a code has no sentence (a code newer than this page, say). */
export const FALLBACK = "Something went wrong. Please try again.";

function seconds(details: Details): number | null {
  const value = Number(details["retry_after"]);
  return Number.isFinite(value) && value > 0 ? Math.ceil(value) : null;
}

/** Every code of docs/protocol.md, and the client's own `network`. */
export const SENTENCES: Record<string, Sentence> = {
  network: "The server cannot be reached. Check your connection and try again.",
  invalid_input: "Some of what was entered is not valid. Please check it and try again.",
  malformed_frame: "The page sent something the server did not understand. Reload the page and try again.",
  method_not_allowed: "The page asked for something the server does not do. Reload the page and try again.",
  unknown_frame_type: "The page sent something the server did not understand. Reload the page and try again.",
  text_too_long: "This message is too long. Shorten it and send it again.",
  not_authenticated: "You are signed out. Please sign in again.",
  invalid_credentials: "The login or the password is wrong.",
  account_disabled: "This account has been disabled. Ask an administrator.",
  account_locked: "Too many failed sign-ins. Please wait a few minutes before trying again.",
  rate_limited: (d) => {
    const wait = seconds(d);
    return wait ? `Too many at once. Please wait ${wait} seconds and try again.` : "Too many at once. Please wait a moment and try again.";
  },
  token_expired: "This chat has expired. Please start a new one.",
  forbidden: "You are not allowed to do this.",
  origin_rejected: "This site is not allowed to use this chat.",
  redirect_refused: "The visitor can only be sent to pages of this service's sites.",
  handoff_refused: "This link has expired. The chat goes on on the page you came from.",
  csrf_rejected: "The request was refused for safety. Reload the page and try again.",
  not_found: "This could not be found. It may have been removed.",
  file_too_large: (d) =>
    typeof d["limit_text"] === "string" ? `This file is too large: the limit is ${d["limit_text"]}.` : "This file is too large.",
  file_empty: "This file is empty.",
  file_type_refused: "Files of this type cannot be sent, for safety.",
  file_invalid: "This image cannot be opened, or is too large.",
  upload_budget_exceeded: (d) =>
    typeof d["limit_text"] === "string"
      ? `You cannot send more files in this conversation: the limit is ${d["limit_text"]}.`
      : "You cannot send more files in this conversation.",
  range_not_satisfiable: "This part of the file does not exist. Download the whole file again.",
  already_taken: "Another agent has already taken this contact.",
  contact_not_pending: "This contact is no longer waiting.",
  contact_closed: "This conversation has ended.",
  contact_not_ended: "Only ended conversations can be removed.",
  not_eligible: "This contact is not offered to you any more.",
  at_limit: "You are at your chat limit: end a chat to take another.",
  contacts_in_progress: "You still have conversations in progress: choose what becomes of them first.",
  nothing_waiting: "Nobody is waiting right now.",
  translation_unavailable: "Translation is not available between these languages.",
  translation_failed: "The translation could not be made just now.",
  duplicate: "This name is already taken. Please choose another.",
  tag_in_use: "This tag is still in use by services, agents or transfer groups: remove it from them first.",
  conflict: "Someone changed this at the same time. Reload and try again.",
  own_account: "You cannot do this to your own account.",
  already_done: "Someone has already marked this message done.",
  not_done: "This message is not marked done.",
  transfer_pending: "This contact is already being transferred.",
  not_transferable: "They cannot take this contact now. Pick someone shown as available.",
  no_transfer_pending: "This transfer is over: it was cancelled, timed out or taken.",
  call_in_progress: "A call is already going on in this conversation.",
  no_call: "This call has already ended.",
  call_move_refused: "The call cannot do that now.",
  medium_unavailable: "Calls of this kind are not available right now.",
  service_unavailable: "This is not available for this service.",
  internal: "Something went wrong on the server. Please try again.",
  overloaded: (d) => {
    const wait = seconds(d);
    return wait
      ? `Many people are asking for help right now. Please try again in ${wait} seconds.`
      : "Many people are asking for help right now. Please try again in a moment.";
  },
  client_gone: "The request was given up before it finished. Please try again.",
  resync_required: "The connection is catching up. One moment, please.",
};

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
export function sayError(err: unknown, fallback: string = FALLBACK, overrides: Record<string, Sentence> = {}): string {
  const found = parts(err);
  if (!found) return fallback;
  const sentence = overrides[found.code] ?? SENTENCES[found.code];
  if (sentence === undefined) return fallback;
  return typeof sentence === "string" ? sentence : sentence(found.details);
}

/** "between 1 and 20 chats" → "Between 1 and 20 chats." */
function asSentence(text: string): string {
  const t = text.trim();
  return t.charAt(0).toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? "" : ".");
}

/** A sentence for one field's problem in `invalid_input` (`details.problems[]`), by its `code`. */
export function sayProblem(problem: { code?: string; message?: string; limit?: unknown }): string {
  const limit = typeof problem.limit === "number" ? problem.limit : null;
  switch (problem.code) {
    case "missing":
      return "This is required.";
    case "string_too_short":
      return limit === 1 ? "This is required." : `Use at least ${limit ?? "a few"} characters.`;
    case "string_too_long":
      return `Use at most ${limit ?? "fewer"} characters.`;
    case "too_short":
      return limit === 1 ? "Give at least one." : `Give at least ${limit ?? "more"}.`;
    case "too_long":
      return `Give at most ${limit ?? "fewer"}.`;
    case "greater_than_equal":
    case "greater_than":
      return `Use a number of at least ${limit ?? "the minimum"}.`;
    case "less_than_equal":
    case "less_than":
      return `Use a number of at most ${limit ?? "the maximum"}.`;
    case "int_parsing":
    case "int_type":
    case "float_parsing":
    case "int_from_float":
      return "Use a whole number.";
    case "literal_error":
    case "enum":
      return "Choose one of the options offered.";
    case "string_pattern_mismatch":
    case "value_error":
    case "url_parsing":
      return "This is not in the expected form.";
    case "duplicate":
      return "This is already taken. Please choose another.";
    case "invalid":
      // the server's own check: its message is a hint written for the person
      return problem.message ? asSentence(problem.message) : "This is not valid.";
    default:
      return "This is not valid.";
  }
}

/** The widget speaks to visitors: a few codes read differently for them. */
export const VISITOR_SENTENCES: Record<string, Sentence> = {
  not_authenticated: "This chat has ended. Please start a new one.",
  forbidden: "This chat cannot do that.",
  not_found: "This chat has ended. Please start a new one.",
  service_unavailable: "This service cannot take that right now.",
};

/** sayError in the visitor's words. */
export function sayVisitorError(err: unknown, fallback: string = FALLBACK): string {
  return sayError(err, fallback, VISITOR_SENTENCES);
}
