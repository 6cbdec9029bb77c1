// Small pure helpers: flags, clock strings, durations, link splitting.

import { intlLocale } from "./i18n";
import { msg, str } from "@lit/localize";
import { html, nothing, type TemplateResult } from "lit";
import { linkify as splitLinks } from "../shared/linkify";

/** ISO 3166 alpha-2 → regional-indicator emoji flag ("" when unknown). */
export function flag(country: string | null | undefined): string {
  if (!country || !/^[A-Za-z]{2}$/.test(country)) return "";
  const base = 0x1f1e6;
  const upper = country.toUpperCase();
  return String.fromCodePoint(base + upper.charCodeAt(0) - 65, base + upper.charCodeAt(1) - 65);
}

/** The flag-icons set (4×3 SVGs), bundled by the build: one file per flag, fetched only
 * when shown (never inlined), keyed by ISO 3166 alpha-2 code. */
const FLAG_FILES = import.meta.glob<string>("../node_modules/flag-icons/flags/4x3/??.svg", {
  query: "?url&no-inline",
  import: "default",
  eager: true,
});
const FLAGS = new Map<string, string>();
for (const [path, url] of Object.entries(FLAG_FILES)) {
  const code = /\/([a-z]{2})\.svg$/.exec(path)?.[1];
  if (code && code !== "xx") FLAGS.set(code.toUpperCase(), url); // "xx": the set's blank
}

/** A country's flag as an image named in the reader's language; a small letter badge for
 * a code the set has no flag for (emoji flags need a font Linux and Windows lack). */
export function countryBadge(country: string | null | undefined): TemplateResult | string {
  if (!country || !/^[A-Za-z]{2}$/.test(country)) return "";
  const code = country.toUpperCase();
  const name = countryName(code);
  const url = FLAGS.get(code);
  if (url) {
    return html`<img class="flag" data-testid="country" data-country=${code} src=${url}
      alt=${name} title=${name} width="20" height="15" />`;
  }
  // The code is the visible text (labels must hold it); the name is read in brackets after it.
  return html`<span class="cc" data-testid="country" data-country=${code} title=${name}
      >${code}</span
    ><span class="sr-only"> (${name})</span>`;
}

/** The mark of a visitor whose site vouched for who they are (a signed identity claim). */
export function verifiedBadge(userId: string | null | undefined): TemplateResult | typeof nothing {
  if (!userId) return nothing;
  return html`<span class="verified" data-testid="verified-badge"
    title=${msg(str`Identity verified by the site (user ${userId})`)}>✓ ${msg("verified")}</span>`;
}

/** A pre-chat answer as agents read it: a consent as "given". */
export function prechatValue(value: string | boolean): string {
  return value === true ? msg("given") : String(value);
}

export function countryName(country: string | null | undefined): string {
  if (!country) return "";
  try {
    return new Intl.DisplayNames(intlLocale(), { type: "region" }).of(country.toUpperCase()) ?? country;
  } catch {
    return country;
  }
}

export function languageName(code: string | null | undefined): string {
  if (!code) return "";
  try {
    return new Intl.DisplayNames(intlLocale(), { type: "language" }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** HH:MM in the agent's time zone and language for a server timestamp (seconds). */
export function clock(seconds: number): string {
  return new Date(seconds * 1000).toLocaleTimeString(intlLocale(), { hour: "2-digit", minute: "2-digit" });
}

/** Date and time in the agent's language for a server timestamp (seconds). */
export function dateTime(seconds: number, options: Intl.DateTimeFormatOptions = { dateStyle: "short", timeStyle: "short" }): string {
  return new Date(seconds * 1000).toLocaleString(intlLocale(), options);
}

/** A number in the agent's language (grouping, decimal comma). */
export function number(value: number, options: Intl.NumberFormatOptions = {}): string {
  return new Intl.NumberFormat(intlLocale(), options).format(value);
}

/** "5 min", "12 s" (short) or "12 seconds" (long), in the agent's language. */
export function unit(value: number, name: "second" | "minute" | "hour", display: "short" | "long" = "short"): string {
  return new Intl.NumberFormat(intlLocale(), { style: "unit", unit: name, unitDisplay: display }).format(value);
}

export function duration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = String(m).padStart(h ? 2 : 1, "0");
  const ss = String(sec).padStart(2, "0");
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

export function host(url: string | null | undefined): string {
  if (!url) return "";
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? parts[0]![0]! + parts[parts.length - 1]![0]! : (parts[0] ?? "?").slice(0, 2);
  return letters.toUpperCase();
}

/** The origin of an http(s) address without credentials (null for anything else). */
function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    if (u.protocol !== "http:" && u.protocol !== "https:") return null;
    if (u.username || u.password) return null;
    return u.origin;
  } catch {
    return null;
  }
}

/**
 * Whether the server lets the agent send the visitor to ``url``: an http(s) address with no
 * credentials on one of the service's sites (without sites, the site the visitor came from).
 * The server decides (docs/protocol.md, `redirect_refused`); this only spares the agent an
 * affordance that would be refused.
 */
export function canPush(url: string, sites: readonly string[]): boolean {
  const origin = originOf(url);
  return origin !== null && sites.some((site) => originOf(site) === origin);
}

/**
 * The agent's own message: each link the visitor can be sent to is a button that sends the
 * visitor's browser there ("send immediately", or an offer in prompt mode), with a small link
 * to open it yourself; any other link is a plain link.
 */
export function pushableLinks(
  text: string,
  push: (url: string) => void,
  prompt: boolean,
  sites: readonly string[],
): Array<string | TemplateResult> {
  const title = prompt ? msg("Click to offer this page to the visitor") : msg("Click to send immediately");
  return splitLinks(text).map((piece) =>
    piece.href && !canPush(piece.href, sites)
      ? html`<a href=${piece.href} target="_blank" rel="noopener noreferrer" data-testid="plain-link">${piece.text}</a>`
      : piece.href
      ? html`<button class="push" data-testid="push-link" data-url=${piece.href} title=${title} @click=${() => push(piece.href!)}>${piece.text}</button><a class="open" href=${piece.href} target="_blank" rel="noopener noreferrer" title=${msg("Open it yourself (new tab)")} aria-label=${msg(str`Open ${piece.text} in a new tab`)}>↗</a>`
      : piece.text,
  );
}

/** Message text as Lit templates: plain text stays text, http(s) URLs become safe links. */
export function linkify(text: string): Array<string | TemplateResult> {
  return splitLinks(text).map((piece) =>
    piece.href
      ? html`<a href=${piece.href} target="_blank" rel="noopener noreferrer">${piece.text}</a>`
      : piece.text,
  );
}
