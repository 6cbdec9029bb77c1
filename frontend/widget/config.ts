/** What the host page says in the script tag's data attributes. */

import { type IdentityClaim, identityFromDataset } from "./identity";

export interface WidgetConfig {
  /** The Sportello server, e.g. "https://sportello.example" (no trailing slash). */
  base: string;
  /** Service id or name; empty to let the visitor pick. */
  service: string;
  position: "right" | "left";
  colour: string;
  /** The page's own title and greeting; empty for the widget's, in its language. */
  title: string;
  greeting: string;
  /** A language the page forces (e.g. "it"); empty to follow the service and the browser. */
  language: string;
  /** The signed-in visitor's signed claim (data-user-*), or null: see identity.ts. */
  identity: IdentityClaim | null;
}

const COLOUR = /^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20}|(rgb|hsl)a?\([0-9.,%\s]+\))$/;

function findScript(current: Element | null): HTMLScriptElement | null {
  if (current instanceof HTMLScriptElement && current.src) return current;
  const all = document.querySelectorAll<HTMLScriptElement>("script[src]");
  for (const s of Array.from(all)) {
    if (/\/widget\.js(\?|#|$)/.test(s.src)) return s;
  }
  return null;
}

export function readConfig(current: Element | null): WidgetConfig | null {
  const script = findScript(current);
  if (!script) return null;
  const src = new URL(script.src, location.href);
  const base = new URL(".", src).href.replace(/\/$/, "");
  const data = script.dataset;
  const colour = (data.colour ?? data.color ?? "").trim();
  return {
    base,
    service: (data.service ?? "").trim(),
    position: data.position === "left" ? "left" : "right",
    colour: COLOUR.test(colour) ? colour : "#2f5bea",
    title: (data.title ?? "").trim(),
    greeting: (data.greeting ?? "").trim(),
    language: (data.language ?? "").trim(),
    identity: identityFromDataset(data),
  };
}
