/**
 * Sportello visitor widget: paste
 *   <script src="https://sportello.example/widget.js" data-service="Sales" async></script>
 * Optional data attributes: data-service (id or name; none = the visitor picks),
 * data-position ("right" | "left"), data-colour, data-title, data-greeting, data-language
 * (forces the widget's language, e.g. "it"; see language.ts), and a signed-in visitor's
 * data-user-id, data-user-name, data-user-email, data-user-issued-at, data-user-signature
 * (see identity.ts; or later `window.Sportello.identify({...})`).
 */

import { readConfig } from "./config";
import { identityFromObject } from "./identity";
import { WidgetSession } from "./session";
import { SportelloWidget } from "./ui";

const TAG = "sportello-widget";
/** Only valid while this script first runs, so read it now. */
const SCRIPT = document.currentScript;

declare global {
  interface Window {
    __sportelloWidget?: WidgetSession;
    Sportello?: { identify(claim: unknown): void };
  }
}

function boot(): void {
  if (window.__sportelloWidget) return;
  const cfg = readConfig(SCRIPT);
  if (!cfg) {
    console.warn("sportello: cannot find the widget's script tag");
    return;
  }
  if (!customElements.get(TAG)) customElements.define(TAG, SportelloWidget);
  const session = new WidgetSession(cfg);
  window.__sportelloWidget = session;
  window.Sportello = { identify: (claim: unknown) => session.identify(identityFromObject(claim)) };
  const host = document.createElement(TAG) as SportelloWidget;
  host.session = session;
  // The host page's rules (even `* { … !important }`) cannot reach into the shadow root; this
  // stops them styling the host element itself, from which the shadow tree would inherit.
  host.style.setProperty("all", "initial", "important");
  host.setAttribute("data-sportello", "");
  (document.body ?? document.documentElement).appendChild(host);
  session.start();
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", boot, { once: true });
} else {
  boot();
}
