// Shared component styles. Design tokens (colours, spacing) live on :root in console.html
// so they reach every shadow root.

import { css } from "lit";

export const shared = css`
  :host {
    box-sizing: border-box;
    font: inherit;
    color: var(--text);
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  .icon {
    width: 18px;
    height: 18px;
    flex: none;
    display: inline-block;
    vertical-align: middle;
  }
  button {
    font: inherit;
    color: inherit;
    background: none;
    border: 0;
    padding: 0;
    cursor: pointer;
  }
  button:disabled {
    cursor: not-allowed;
  }
  :focus-visible {
    outline: 2px solid var(--focus);
    outline-offset: 2px;
    border-radius: 6px;
  }
  .btn {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 6px;
    height: 34px;
    padding: 0 14px;
    border-radius: 8px;
    border: 1px solid var(--border-strong);
    background: var(--surface);
    font-weight: 550;
    font-size: 13px;
    white-space: nowrap;
  }
  .btn:hover:not(:disabled) {
    background: var(--hover);
  }
  .btn.primary {
    background: var(--primary);
    border-color: var(--primary);
    color: #fff;
  }
  .btn.primary:hover:not(:disabled) {
    background: var(--primary-strong);
  }
  .btn.danger {
    background: var(--red);
    border-color: var(--red);
    color: #fff;
  }
  .btn.danger:hover:not(:disabled) {
    filter: brightness(0.93);
  }
  .btn:disabled {
    opacity: 0.55;
  }
  .icon-btn {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    width: 32px;
    height: 32px;
    border-radius: 8px;
    color: var(--muted);
  }
  .icon-btn:hover:not(:disabled) {
    background: var(--hover);
    color: var(--text);
  }
  .icon-btn:disabled {
    color: var(--faint);
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  .muted {
    color: var(--muted);
  }
  .avatar {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    width: 32px;
    height: 32px;
    border-radius: 50%;
    background: var(--avatar-bg);
    color: var(--avatar-fg);
    font-weight: 650;
    font-size: 12px;
    letter-spacing: 0.02em;
    flex: none;
  }
  .chip {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    height: 20px;
    padding: 0 7px;
    border-radius: 10px;
    font-size: 11px;
    font-weight: 600;
    background: var(--chip-bg);
    color: var(--muted);
    white-space: nowrap;
  }
  .chip.new {
    background: var(--primary-soft);
    color: var(--primary-strong);
  }
  .verified {
    display: inline-flex;
    align-items: center;
    gap: 3px;
    height: 18px;
    padding: 0 6px;
    border-radius: 999px;
    background: #e3f5ea;
    border: 1px solid #9fd8b5;
    color: #0b6a39;
    font-size: 11px;
    font-weight: 600;
    line-height: 1;
    white-space: nowrap;
    vertical-align: middle;
  }
  img.flag {
    display: inline-block;
    width: 20px;
    height: 15px;
    border-radius: 2px;
    box-shadow: 0 0 0 1px var(--border-strong);
    vertical-align: -2px;
    object-fit: cover;
  }
  .cc {
    display: inline-flex;
    align-items: center;
    height: 16px;
    padding: 0 4px;
    border-radius: 3px;
    background: linear-gradient(180deg, #ffffff, #eef1f6);
    border: 1px solid var(--border-strong);
    font-size: 10px;
    font-weight: 700;
    letter-spacing: 0.04em;
    color: var(--grey-dark);
    line-height: 1;
  }
  .confirm {
    position: absolute;
    inset: 0;
    background: rgba(27, 34, 48, 0.35);
    display: grid;
    place-items: center;
    z-index: 6;
  }
  .confirm .box {
    background: var(--surface);
    border-radius: 12px;
    box-shadow: var(--shadow-lg);
    padding: 20px;
    width: min(360px, 90%);
    display: grid;
    gap: 12px;
  }
  .confirm h3 {
    margin: 0;
    font-size: 16px;
  }
  .confirm p {
    margin: 0;
    color: var(--muted);
  }
  .confirm .actions {
    display: flex;
    justify-content: flex-end;
    gap: 8px;
  }
  /* a dialog over the whole page rather than over one panel */
  .confirm.page {
    position: fixed;
    z-index: 50;
  }
  .confirm.page .box {
    width: min(460px, 92%);
  }
`;

/** The tables of the pages beside the console (reports, admin, supervision). */
export const tables = css`
  table {
    width: 100%;
    border-collapse: collapse;
    background: var(--surface);
    border: 1px solid var(--border);
    border-radius: var(--radius);
    overflow: hidden;
  }
  th,
  td {
    text-align: left;
    padding: 8px 10px;
    border-bottom: 1px solid var(--border);
    font-size: 13px;
    vertical-align: top;
  }
  thead th {
    white-space: nowrap;
    background: var(--surface-2);
    color: var(--muted);
    font-size: 12px;
  }
`;

/** The header, navigation and tables of the pages beside the console (reports, supervision). */
export const pageStyles = css`
  ${tables}
  a.btn {
    text-decoration: none;
    color: inherit;
  }
  :host > header {
    display: flex;
    align-items: center;
    flex-wrap: wrap;
    gap: 12px 16px;
    margin-bottom: 16px;
  }
  :host > header h1 {
    font-size: 18px;
    margin: 0;
  }
  nav a {
    padding: 6px 10px;
    border-radius: 8px;
    color: var(--muted);
    text-decoration: none;
    font-weight: 600;
  }
  nav a[aria-current="page"] {
    background: var(--primary-soft);
    color: var(--primary);
  }
  .spacer {
    flex: 1;
  }
`;

/** Filter forms: labelled fields in a row (reports, audit, left messages). */
export const fieldStyles = css`
  form.filters {
    display: flex;
    flex-wrap: wrap;
    gap: 10px;
    align-items: end;
    background: var(--surface);
    border: 1px solid var(--border);
    border-radius: var(--radius);
    padding: 12px;
  }
  label {
    display: grid;
    gap: 3px;
    font-size: 12px;
    color: var(--muted);
    font-weight: 600;
  }
  input,
  select {
    font: inherit;
    padding: 6px 8px;
    border: 1px solid var(--border-strong);
    border-radius: 8px;
    background: #fff;
    color: var(--text);
  }
`;
