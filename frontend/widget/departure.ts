/**
 * Tells the server when this page goes away for good (``pagehide``), and whether the visitor
 * is following a link or a form to another page of the same site (the chat follows them) or
 * leaving. Nothing can tell a reload from a close here: the server's grace decides.
 */

const FOLLOW_WINDOW_MS = 5000;

function sameSite(target: string): boolean {
  try {
    return new URL(target, location.href).origin === location.origin;
  } catch {
    return false;
  }
}

/** Returns a function to call before the widget itself moves the page (a pushed link). */
export function watchDeparture(onDeparture: (navigating: boolean) => void): () => void {
  let followingAt = 0;
  document.addEventListener(
    "click",
    (ev) => {
      const anchor = ev.composedPath().find((n): n is HTMLAnchorElement => n instanceof HTMLAnchorElement);
      if (!anchor?.href || (anchor.target && anchor.target !== "_self")) return;
      if (sameSite(anchor.href)) followingAt = Date.now();
    },
    true,
  );
  document.addEventListener(
    "submit",
    (ev) => {
      const form = ev.target instanceof HTMLFormElement ? ev.target : null;
      if (form && sameSite(form.action || location.href)) followingAt = Date.now();
    },
    true,
  );
  window.addEventListener("pagehide", () => onDeparture(Date.now() - followingAt < FOLLOW_WINDOW_MS));
  return () => {
    followingAt = Date.now();
  };
}
