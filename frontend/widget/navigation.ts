/**
 * Calls `onChange` whenever the page's address changes: full loads are covered by the widget
 * starting again, and this covers single-page sites, which change it with the History API.
 */
export function watchNavigation(onChange: () => void): void {
  const later = () => window.setTimeout(onChange, 50); // after the page has set its new title
  for (const name of ["pushState", "replaceState"] as const) {
    const original = history[name];
    history[name] = function (this: History, ...args: Parameters<History["pushState"]>): void {
      original.apply(this, args);
      later();
    };
  }
  window.addEventListener("popstate", later);
  window.addEventListener("hashchange", later);
}
