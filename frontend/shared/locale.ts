/**
 * The language a page speaks, for what `Intl` writes: numbers, sizes, times, durations and
 * plurals. Sentences are @lit/localize's `msg()`; the bundle that sets @lit/localize up
 * (frontend/widget/language.ts) says here where its active locale is read. Until then, and
 * in a bundle that never says, English.
 */

let active: () => string = () => "en";

/** Read the active locale from `get` from now on. */
export function useLocale(get: () => string): void {
  active = get;
}

export function locale(): string {
  return active();
}

export function formatNumber(value: number, options: Intl.NumberFormatOptions = {}): string {
  return new Intl.NumberFormat(locale(), options).format(value);
}

/** 30 → "30 seconds", "30 secondi", "30 Sekunden". */
export function formatSeconds(seconds: number): string {
  return formatNumber(seconds, { style: "unit", unit: "second", unitDisplay: "long" });
}

/** 2 → "2 minutes", "2 minuti", "2 Minuten". */
export function formatMinutes(minutes: number): string {
  return formatNumber(minutes, { style: "unit", unit: "minute", unitDisplay: "long" });
}

/** 30 → "in 30 seconds", "tra 30 secondi", "dans 30 secondes". */
export function inSeconds(seconds: number): string {
  return new Intl.RelativeTimeFormat(locale(), { numeric: "always" }).format(seconds, "second");
}

/** Server seconds → "14:05" (or "2:05 PM"), as the locale writes a time of day. */
export function formatTime(epochSeconds: number): string {
  return new Intl.DateTimeFormat(locale(), { hour: "2-digit", minute: "2-digit" }).format(epochSeconds * 1000);
}

/** 125 → "2 minutes, 5 seconds" (for a screen reader; the screen shows "2:05"). */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const parts = [];
  if (s >= 60) parts.push(formatNumber(Math.floor(s / 60), { style: "unit", unit: "minute", unitDisplay: "long" }));
  if (s % 60 || s < 60) parts.push(formatSeconds(s % 60));
  return new Intl.ListFormat(locale(), { style: "narrow", type: "unit" }).format(parts);
}

/**
 * One of two sentences by the plural rule of the locale for `count`: `one` where the
 * language treats the number as singular (1 in English, 0 and 1 in French), else `other`.
 * Both sentences carry the number themselves.
 */
export function plural(count: number, one: string, other: string): string {
  return new Intl.PluralRules(locale()).select(count) === "one" ? one : other;
}

/** "es" → "Spanish", "spagnolo", "espagnol"; the code itself when the browser cannot say. */
export function languageName(code: string): string {
  try {
    return new Intl.DisplayNames([locale()], { type: "language" }).of(code) ?? code;
  } catch {
    return code;
  }
}
