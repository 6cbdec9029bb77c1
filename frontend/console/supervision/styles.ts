// What the supervision pages add to the pages' shared look (../styles.ts).

import { css } from "lit";

export const notices = css`
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
