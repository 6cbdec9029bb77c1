// The admin pages' styles, on top of the console's shared ones.

import { css } from "lit";

export const adminStyles = css`
  td.actions {
    white-space: nowrap;
    text-align: right;
  }
  td.actions .btn + .btn {
    margin-left: 6px;
  }
  @media (max-width: 900px) {
    td.actions .btn {
      display: block;
      margin: 0 0 6px auto;
    }
    td.actions .btn + .btn {
      margin-left: auto;
    }
  }
  .question {
    display: flex;
    align-items: center;
    justify-content: flex-end;
    flex-wrap: wrap;
    gap: 6px;
    margin-top: 8px;
    white-space: normal;
    font-weight: 600;
  }
  .question > span {
    color: var(--red);
  }
  .chip {
    margin: 0 4px 2px 0;
  }
  .off {
    color: var(--red);
    font-weight: 600;
  }
  .toolbar {
    display: flex;
    align-items: center;
    gap: 10px;
    margin-bottom: 12px;
  }
  .toolbar h2 {
    margin: 0;
    font-size: 16px;
    flex: 1;
  }
  .status-line {
    color: var(--green);
    font-weight: 600;
    min-height: 1.4em;
  }
  .scroll {
    overflow-x: auto;
  }
  .reveal {
    display: flex;
    flex-direction: column;
    gap: 6px;
    background: var(--surface);
    border: 1px solid var(--border);
    border-radius: var(--radius);
    padding: 12px 16px;
    margin: 4px 0 12px;
  }
  .reveal label {
    font-weight: 600;
  }
  .reveal input {
    font-family: ui-monospace, monospace;
    font-size: 14px;
    padding: 6px 8px;
    max-width: 480px;
    width: 100%;
  }
  .empty {
    color: var(--muted);
    padding: 24px;
    text-align: center;
  }
`;
