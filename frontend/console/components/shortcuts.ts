// The console's keyboard shortcuts: one list, read by the keyboard map (`?`) and by the
// handler that runs them. Alt+letter combinations the browsers leave alone (not Alt+D, E, F,
// H, S, T, V or the arrows, which Chrome, Firefox or Windows take for themselves); letters
// are read from `KeyboardEvent.code`, so Option on a Mac works too.

import { msg } from "@lit/localize";
import { store } from "../store";

export interface Shortcut {
  id: string;
  /** The keys as shown, each a <kbd>. */
  keys: () => string[];
  label: () => string;
  /** Where it works, when not anywhere in the console. */
  where?: () => string;
}

const isMac = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);
/** Key names as printed on the reader's keyboard (an Italian one says Invio, Maiusc). */
const keyName = {
  alt: () => (isMac ? `⌥ ${msg("Option")}` : msg("Alt")),
  enter: () => msg("Enter"),
  shift: () => msg("Shift"),
  esc: () => msg("Esc"),
};
const alt = (key: string) => () => [keyName.alt(), key];

export const SHORTCUTS: Shortcut[] = [
  { id: "take", keys: alt("O"), label: () => msg("Take the contact that has waited longest") },
  { id: "next", keys: alt("J"), label: () => msg("Open the next conversation") },
  { id: "previous", keys: alt("K"), label: () => msg("Open the previous conversation") },
  { id: "send", keys: () => [keyName.enter()], label: () => msg("Send the message"), where: () => msg("in the composer") },
  { id: "newline", keys: () => [keyName.shift(), keyName.enter()], label: () => msg("New line"), where: () => msg("in the composer") },
  { id: "canned", keys: () => ["/"], label: () => msg("Canned replies (arrows to choose, Enter to insert)"), where: () => msg("at the start of the composer") },
  { id: "note", keys: alt("P"), label: () => msg("Switch between a reply and a private note") },
  { id: "transfer", keys: alt("R"), label: () => msg("Transfer the open conversation") },
  { id: "stop", keys: alt("Q"), label: () => msg("Stop the open conversation (asks first)") },
  { id: "close", keys: () => [keyName.esc()], label: () => msg("Close a dialog or a list") },
  { id: "map", keys: () => ["?"], label: () => msg("Show this list"), where: () => msg("outside a text field") },
];

const ALT_CODES: Record<string, string> = { KeyO: "take", KeyJ: "next", KeyK: "previous", KeyP: "note", KeyR: "transfer", KeyQ: "stop" };

/** Whether a key press lands in a field where `?` is text. */
function typing(e: KeyboardEvent): boolean {
  const target = e.composedPath()[0];
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

/** The shortcut a key press asks for, or null. */
export function shortcutFor(e: KeyboardEvent): string | null {
  if (e.ctrlKey || e.metaKey || e.isComposing) return null;
  if (e.altKey && !e.shiftKey) return ALT_CODES[e.code] ?? null;
  if (!e.altKey && e.key === "?" && !typing(e)) return "map";
  return null;
}

function step(by: number): void {
  const ids = store.panels.map((p) => p.contact.id);
  if (!ids.length) return;
  const at = store.expandedId === null ? -1 : ids.indexOf(store.expandedId);
  const next = at === -1 ? (by > 0 ? 0 : ids.length - 1) : (at + by + ids.length) % ids.length;
  store.expand(ids[next] ?? null);
}

/** Press a button of the open panel (as a click would: a disabled one does nothing). */
function press(root: ParentNode, selector: string): void {
  if (store.expandedId === null) return;
  const panel = root.querySelector(`sp-panel[data-contact-id="${store.expandedId}"]`);
  const button = panel?.shadowRoot?.querySelector<HTMLButtonElement>(selector);
  if (button && !button.disabled) button.click();
}

/** Run one shortcut; `root` holds the panels. */
export function runShortcut(id: string, root: ParentNode, openMap: () => void): void {
  switch (id) {
    case "take":
      if (store.waiting.some((e) => e.can_take && e.transfer === null)) void store.acceptOldest();
      break;
    case "next":
      step(1);
      break;
    case "previous":
      step(-1);
      break;
    case "note":
      press(root, '[data-testid^="mode-"][aria-pressed="false"]');
      break;
    case "transfer":
      press(root, '[data-testid="transfer-tool"]');
      break;
    case "stop":
      press(root, '[data-testid="stop"]');
      break;
    case "map":
      openMap();
      break;
  }
}
