/**
 * Carrying the chat to another of the service's sites (a page the agent sends the visitor
 * to). Each site keeps its own storage, so the widget leaving asks the server for a one-use
 * handoff code and puts it in the new page's URL fragment — never sent to any server — and
 * the widget arriving takes it up and removes it from the address bar at once.
 */

const KEY = "sportello-handoff";
const FOUND = new RegExp(`(?:^|&)${KEY}=([A-Za-z0-9_.-]+)`);

/** ``url`` carrying ``code`` in its fragment (after any fragment of its own). */
export function withHandoff(url: string, code: string): string {
  const target = new URL(url);
  const own = target.hash.replace(/^#/, "");
  target.hash = own ? `${own}&${KEY}=${code}` : `${KEY}=${code}`;
  return target.href;
}

/** The code this page arrived with, if any; the address bar keeps only the page's own
 * fragment, and the page scrolls to it as it would have. */
export function takeHandoffCode(): string | null {
  const hash = location.hash.slice(1);
  const found = FOUND.exec(hash);
  if (!found) return null;
  const own = (hash.slice(0, found.index) + hash.slice(found.index + found[0].length)).replace(/^&/, "");
  history.replaceState(history.state, "", location.pathname + location.search + (own ? `#${own}` : ""));
  if (own) document.getElementById(decodeURIComponent(own))?.scrollIntoView();
  return found[1] ?? null;
}

export function otherSite(url: string): boolean {
  try {
    return new URL(url).origin !== location.origin;
  } catch {
    return false;
  }
}
