// Tables and notices shared by the supervision pages.

import { css } from "lit";

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
  tbody th {
    font-weight: 600;
  }
  .empty {
    padding: 20px;
    text-align: center;
    color: var(--muted);
    background: var(--surface);
    border: 1px solid var(--border);
    border-radius: var(--radius);
    margin: 0;
  }
  .error {
    color: var(--red);
  }
`;
