// The console pages' language (docs/architecture.md, "Localization"): the agent's profile
// language (`ui_language`), else the browser's by primary subtag, else English. Strings are
// wrapped in msg() and translated in xliff/console/<locale>.xlf; `npm run localize:console`
// extracts them and generates console/locales/<locale>.ts.

import { configureLocalization, msg } from "@lit/localize";
import { useLocale } from "../shared/locale";
import { allLocales, sourceLocale, targetLocales } from "./locale-codes";

type Locale = (typeof allLocales)[number];

const loaders: Record<(typeof targetLocales)[number], () => Promise<unknown>> = {
  it: () => import("./locales/it"),
};

const { getLocale, setLocale } = configureLocalization({
  sourceLocale,
  targetLocales,
  loadLocale: (locale) => loaders[locale as (typeof targetLocales)[number]]() as never,
});
// Shared formatting (file sizes, durations) follows the console's language, tag included.
useLocale(() => intlLocale());

function supported(code: string): Locale | null {
  const primary = code.toLowerCase().split("-")[0] ?? "";
  return (allLocales as readonly string[]).includes(primary) ? (primary as Locale) : null;
}

/** The first of the browser's languages the console speaks, else English. */
export function browserLanguage(): Locale {
  for (const code of navigator.languages ?? [navigator.language]) {
    const found = supported(code);
    if (found) return found;
  }
  return sourceLocale;
}

/** The language for a profile setting ("" follows the browser). */
export function chooseLanguage(profile: string | null | undefined): Locale {
  return supported(profile ?? "") ?? browserLanguage();
}

/** Switch the page to the profile's language (or the browser's): <html lang> and messages. */
export async function useLanguage(profile: string | null | undefined): Promise<void> {
  const language = chooseLanguage(profile);
  document.documentElement.lang = language;
  // setLocale itself skips a language loaded or loading, and a later call wins over one
  // still loading (the browser's language, then the profile's).
  await setLocale(language);
}

/** The current language ("en", "it"). */
export function language(): Locale {
  return getLocale() as Locale;
}

/**
 * The tag for Intl: the browser's own tag when it is of the current language (en-GB keeps
 * its 24-hour clock), else the bare language.
 */
export function intlLocale(): string {
  const current = language();
  return (navigator.languages ?? []).find((code) => supported(code) === current) ?? current;
}

/** The singular or plural form for a count (the languages here have one and other). */
export function plural<T>(count: number, one: T, other: T): T {
  return new Intl.PluralRules(intlLocale()).select(count) === "one" ? one : other;
}

/** The profile's choices: the browser's language, or one the console speaks (own names). */
export function languageChoices(): Array<[string, string]> {
  return [
    ["", msg("Browser language")],
    ["en", "English"],
    ["it", "Italiano"],
  ];
}
