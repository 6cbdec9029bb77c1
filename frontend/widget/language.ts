/**
 * The widget's language: the one the page forces (the script tag's `data-language`), else the
 * service's, else the browser's first, else English — each only when the widget speaks it,
 * matched by primary subtag (pt-BR → pt). Sentences come from @lit/localize in runtime mode:
 * the catalogues are xliff/widget/<locale>.xlf, built into locales/<locale>.ts
 * (docs/architecture.md, "Languages"). Every locale is bundled into widget.js (an IIFE has no
 * chunks to load later), so switching is immediate.
 */

import { configureLocalization, type LocaleModule } from "@lit/localize";
import { useLocale } from "../shared/locale";
import { allLocales, sourceLocale, targetLocales } from "./locales/locale-codes";
import * as de from "./locales/de";
import * as es from "./locales/es";
import * as fr from "./locales/fr";
import * as it from "./locales/it";
import * as pt from "./locales/pt";

const CATALOGUES: Record<string, LocaleModule> = { de, es, fr, it, pt };

const { getLocale, setLocale } = configureLocalization({
  sourceLocale,
  targetLocales,
  loadLocale: (locale) => Promise.resolve(CATALOGUES[locale]!),
});
useLocale(getLocale);

export { getLocale };

/** The language the widget speaks for `tag` ("pt-BR", "IT", "es_419"), or null. */
export function offered(tag: string | null | undefined): string | null {
  const primary = (tag ?? "").trim().toLowerCase().split(/[-_]/)[0] ?? "";
  return (allLocales as readonly string[]).includes(primary) ? primary : null;
}

/** The rule above; `browser` is navigator.languages, most preferred first. */
export function chooseLanguage(forced: string, service: string | null, browser: readonly string[]): string {
  for (const tag of [forced, service, ...browser]) {
    const found = offered(tag);
    if (found) return found;
  }
  return sourceLocale;
}

/** Speak `locale` from now on (the UI redraws when it is ready). */
export function speak(locale: string): Promise<void> {
  return setLocale(locale);
}
