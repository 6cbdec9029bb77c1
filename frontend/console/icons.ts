// Inline SVG icons (24×24, stroke = currentColor). Drawn for Sportello; nothing fetched.

import { svg, html, type TemplateResult } from "lit";

function icon(body: ReturnType<typeof svg>, label?: string): TemplateResult {
  return html`<svg class="icon" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8"
    stroke-linecap="round" stroke-linejoin="round" aria-hidden=${label ? "false" : "true"}
    role=${label ? "img" : "presentation"} aria-label=${label ?? ""}>${body}</svg>`;
}

export const icons = {
  chat: (l?: string) => icon(svg`<path d="M4 5h16v11H9l-5 4z"/>`, l),
  voice: (l?: string) => icon(svg`<path d="M5 4h4l2 5-2.5 1.5a11 11 0 0 0 5 5L15 13l5 2v4a1 1 0 0 1-1 1A16 16 0 0 1 4 5a1 1 0 0 1 1-1z"/>`, l),
  video: (l?: string) => icon(svg`<rect x="3" y="6" width="13" height="12" rx="2"/><path d="M16 10l5-3v10l-5-3z"/>`, l),
  share: (l?: string) => icon(svg`<circle cx="18" cy="5" r="2.5"/><circle cx="6" cy="12" r="2.5"/><circle cx="18" cy="19" r="2.5"/><path d="M8.2 10.8l7.6-4.4M8.2 13.2l7.6 4.4"/>`, l),
  globe: (l?: string) => icon(svg`<circle cx="12" cy="12" r="9"/><path d="M3 12h18M12 3a14 14 0 0 1 0 18M12 3a14 14 0 0 0 0 18"/>`, l),
  pencil: (l?: string) => icon(svg`<path d="M4 20h4L19 9l-4-4L4 16z"/><path d="M13.5 6.5l4 4"/>`, l),
  unread: (l?: string) => icon(svg`<path d="M4 5h16v11H9l-5 4z"/><circle cx="19" cy="5" r="3" fill="currentColor"/>`, l),
  close: (l?: string) => icon(svg`<path d="M6 6l12 12M18 6L6 18"/>`, l),
  stop: (l?: string) => icon(svg`<circle cx="12" cy="12" r="9"/><rect x="9" y="9" width="6" height="6" rx="1"/>`, l),
  upload: (l?: string) => icon(svg`<path d="M12 16V4M7 9l5-5 5 5"/><path d="M4 16v3a1 1 0 0 0 1 1h14a1 1 0 0 0 1-1v-3"/>`, l),
  translate: (l?: string) => icon(svg`<path d="M4 5h9M8.5 3v2M6 5c0 4 3 7 6 8M11 5c0 3-3 7-7 8"/><path d="M13 21l4-9 4 9M14.5 18h5"/>`, l),
  download: (l?: string) => icon(svg`<path d="M12 4v12M7 11l5 5 5-5"/><path d="M4 18v1a1 1 0 0 0 1 1h14a1 1 0 0 0 1-1v-1"/>`, l),
  file: (l?: string) => icon(svg`<path d="M6 3h8l5 5v12a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1z"/><path d="M14 3v5h5"/>`, l),
  tag: (l?: string) => icon(svg`<path d="M3 12V4h8l10 10-8 8z"/><circle cx="7.5" cy="8.5" r="1.5"/>`, l),
  play: (l?: string) => icon(svg`<path d="M8 5v14l11-7z" fill="currentColor"/>`, l),
  pause: (l?: string) => icon(svg`<rect x="6" y="5" width="4" height="14" rx="1" fill="currentColor"/><rect x="14" y="5" width="4" height="14" rx="1" fill="currentColor"/>`, l),
  star: (l?: string) => icon(svg`<path d="M12 3l2.7 5.6 6.1.9-4.4 4.3 1 6.1L12 17l-5.4 2.9 1-6.1L3.2 9.5l6.1-.9z" fill="currentColor"/>`, l),
  clock: (l?: string) => icon(svg`<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/>`, l),
  chevron: (l?: string) => icon(svg`<path d="M6 9l6 6 6-6"/>`, l),
  send: (l?: string) => icon(svg`<path d="M4 12l16-8-6 16-3-7z"/><path d="M11 13l9-9"/>`, l),
  bell: (l?: string) => icon(svg`<path d="M6 16V11a6 6 0 0 1 12 0v5l2 2H4z"/><path d="M10 20a2 2 0 0 0 4 0"/>`, l),
  sound: (l?: string) => icon(svg`<path d="M4 9h4l5-4v14l-5-4H4z"/><path d="M16.5 8.5a5 5 0 0 1 0 7M19 6a8.5 8.5 0 0 1 0 12"/>`, l),
  logout: (l?: string) => icon(svg`<path d="M15 4h4a1 1 0 0 1 1 1v14a1 1 0 0 1-1 1h-4"/><path d="M10 16l-4-4 4-4M6 12h10"/>`, l),
  check: (l?: string) => icon(svg`<path d="M4 12.5l5 5L20 6.5"/>`, l),
  checks: (l?: string) => icon(svg`<path d="M2 12.5l5 5L18 6.5"/><path d="M12 16.5l1 1L22 6.5"/>`, l),
  alert: (l?: string) => icon(svg`<circle cx="12" cy="12" r="9"/><path d="M12 7v6M12 16.5v.5"/>`, l),
  offline: (l?: string) => icon(svg`<path d="M3 3l18 18"/><path d="M8.5 8.6A6 6 0 0 0 6 13.5M12 6a8 8 0 0 1 8 8M2 10a14 14 0 0 1 3-3M12 18.5h.01"/>`, l),
  retry: (l?: string) => icon(svg`<path d="M20 11a8 8 0 1 0-2.3 5.7"/><path d="M20 4v7h-7"/>`, l),
  inbox: (l?: string) => icon(svg`<path d="M4 13l2-8h12l2 8v6H4z"/><path d="M4 13h5l1 2h4l1-2h5"/>`, l),
  user: (l?: string) => icon(svg`<circle cx="12" cy="8" r="4"/><path d="M4 21a8 8 0 0 1 16 0"/>`, l),
  transfer: (l?: string) => icon(svg`<path d="M3 12h14M13 7l5 5-5 5"/><path d="M21 5v14"/>`, l),
  lock: (l?: string) => icon(svg`<rect x="5" y="11" width="14" height="9" rx="2"/><path d="M8 11V8a4 4 0 0 1 8 0v3"/>`, l),
  whisper: (l?: string) => icon(svg`<path d="M4 5h16v11H9l-5 4z"/><path d="M9 10.5h.01M12 10.5h.01M15 10.5h.01"/>`, l),
  at: (l?: string) => icon(svg`<circle cx="12" cy="12" r="3.5"/><path d="M15.5 12v1.5a2.5 2.5 0 0 0 5 0V12a8.5 8.5 0 1 0-3.3 6.7"/>`, l),
  link: (l?: string) => icon(svg`<path d="M10 14a4 4 0 0 0 5.7 0l3-3A4 4 0 0 0 13 5.3l-1 1"/><path d="M14 10a4 4 0 0 0-5.7 0l-3 3A4 4 0 0 0 11 18.7l1-1"/>`, l),
};

export const zzz = html`<span class="zzz" aria-hidden="true">zZZ</span>`;
