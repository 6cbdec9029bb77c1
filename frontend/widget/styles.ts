import { css } from "lit";

/** Everything in px (never rem: the host page may change the root font size). */
export const styles = css`
  :host {
    all: initial !important;
  }
  .wrap {
    all: initial;
    --accent: #2f5bea;
    --accent-ink: #ffffff;
    --ink: #1d2433;
    --muted: #667085;
    --line: #e4e7ec;
    --soft: #f4f6fa;
    font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
    font-size: 14px;
    line-height: 20px;
    color: var(--ink);
    font-weight: 400;
    font-style: normal;
    letter-spacing: normal;
    text-align: left;
    text-transform: none;
    direction: ltr;
    -webkit-font-smoothing: antialiased;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  button,
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
    letter-spacing: inherit;
    margin: 0;
  }
  button {
    cursor: pointer;
    border: 0;
    background: none;
    padding: 0;
  }
  .launcher {
    position: fixed;
    bottom: 24px;
    z-index: 2147483646;
    width: 60px;
    height: 60px;
    border-radius: 30px;
    background: var(--accent);
    color: var(--accent-ink);
    display: flex;
    align-items: center;
    justify-content: center;
    box-shadow: 0 8px 24px rgba(16, 24, 40, 0.25);
    transition: transform 0.15s ease;
  }
  .launcher:hover {
    transform: scale(1.06);
  }
  .launcher svg {
    width: 28px;
    height: 28px;
  }
  .right .launcher,
  .right .panel {
    right: 24px;
  }
  .left .launcher,
  .left .panel {
    left: 24px;
  }
  .invitation {
    position: fixed;
    bottom: 96px;
    z-index: 2147483647;
    width: 280px;
    max-width: calc(100vw - 48px);
    padding: 16px 16px 14px;
    background: #fff;
    border-radius: 14px;
    box-shadow:
      0 16px 36px rgba(16, 24, 40, 0.2),
      0 2px 6px rgba(16, 24, 40, 0.08);
    display: flex;
    flex-direction: column;
    gap: 10px;
  }
  .right .invitation {
    right: 24px;
  }
  .left .invitation {
    left: 24px;
  }
  .invitation p {
    margin: 0 24px 0 0;
    font-size: 14px;
  }
  .invitation-close {
    position: absolute;
    top: 8px;
    right: 8px;
    width: 28px;
    height: 28px;
    padding: 4px;
    border: 0;
    border-radius: 8px;
    background: transparent;
    color: var(--muted);
  }
  .badge {
    position: absolute;
    top: -4px;
    right: -4px;
    min-width: 22px;
    height: 22px;
    padding: 0 6px;
    border-radius: 11px;
    background: #e5484d;
    color: #fff;
    font-size: 12px;
    font-weight: 700;
    line-height: 22px;
    text-align: center;
    border: 2px solid #fff;
  }
  .panel {
    position: fixed;
    bottom: 96px;
    z-index: 2147483647;
    width: 370px;
    max-width: calc(100vw - 32px);
    height: 600px;
    max-height: calc(100vh - 116px);
    display: flex;
    flex-direction: column;
    background: #fff;
    border-radius: 16px;
    overflow: hidden;
    box-shadow:
      0 24px 48px rgba(16, 24, 40, 0.22),
      0 2px 6px rgba(16, 24, 40, 0.08);
  }
  header {
    display: flex;
    align-items: center;
    gap: 12px;
    padding: 14px 12px 14px 16px;
    background: var(--accent);
    color: var(--accent-ink);
    flex: none;
  }
  header .who {
    flex: 1;
    min-width: 0;
  }
  header .title {
    display: block;
    font-size: 16px;
    line-height: 22px;
    font-weight: 650;
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  header .sub {
    display: block;
    font-size: 12px;
    line-height: 16px;
    opacity: 0.9;
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  header .dot {
    display: inline-block;
    width: 8px;
    height: 8px;
    border-radius: 4px;
    background: #3ddc84;
    margin-right: 6px;
    vertical-align: 1px;
  }
  header .dot.away {
    background: #ffb224;
  }
  header .dot.off {
    background: #98a2b3;
  }
  .icon-btn {
    width: 32px;
    height: 32px;
    border-radius: 8px;
    display: flex;
    align-items: center;
    justify-content: center;
    color: inherit;
    flex: none;
  }
  .icon-btn:hover {
    background: rgba(255, 255, 255, 0.18);
  }
  .icon-btn svg {
    width: 18px;
    height: 18px;
  }
  .avatar {
    width: 38px;
    height: 38px;
    border-radius: 19px;
    flex: none;
    background: rgba(255, 255, 255, 0.1);
    box-shadow: inset 0 0 0 1px rgba(255, 255, 255, 0.4);
    color: inherit;
    font-weight: 700;
    font-size: 14px;
    display: flex;
    align-items: center;
    justify-content: center;
    overflow: hidden;
  }
  .avatar img {
    width: 100%;
    height: 100%;
    object-fit: cover;
    display: block;
  }
  .body {
    flex: 1;
    min-height: 0;
    overflow-y: auto;
    padding: 16px;
    display: flex;
    flex-direction: column;
    gap: 12px;
    background: #fff;
  }
  .center {
    flex: 1;
    display: flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    text-align: center;
    gap: 12px;
    padding: 8px;
  }
  h2 {
    margin: 0;
    font-size: 17px;
    line-height: 24px;
    font-weight: 650;
    color: var(--ink);
  }
  p {
    margin: 0;
  }
  .muted {
    color: var(--muted);
  }
  .small {
    font-size: 12px;
    line-height: 16px;
  }
  form {
    display: flex;
    flex-direction: column;
    gap: 10px;
  }
  label {
    display: flex;
    flex-direction: column;
    gap: 6px;
    font-size: 13px;
    font-weight: 600;
    color: #344054;
  }
  input,
  select,
  textarea {
    display: block;
    width: 100%;
    padding: 9px 12px;
    border: 1px solid #d0d5dd;
    border-radius: 10px;
    background: #fff;
    font-weight: 400;
    color: var(--ink);
    outline: none;
  }
  textarea {
    resize: none;
    min-height: 60px;
  }
  input:focus,
  select:focus,
  textarea:focus {
    border-color: var(--accent);
    box-shadow: 0 0 0 3px color-mix(in srgb, var(--accent) 20%, transparent);
  }
  .field-problem {
    font-size: 12px;
    font-weight: 500;
    color: #b42318;
  }
  [aria-invalid="true"] {
    border-color: #d92d20;
  }
  label.check {
    flex-direction: row;
    align-items: flex-start;
    gap: 8px;
    font-weight: 400;
  }
  label.check input {
    width: 18px;
    height: 18px;
    margin: 1px 0 0;
    padding: 0;
    flex: none;
    accent-color: var(--accent);
  }
  label.check a {
    color: var(--accent);
  }
  .services {
    display: flex;
    flex-direction: column;
    gap: 8px;
    border: 0;
    padding: 0;
    margin: 0;
  }
  .services legend {
    font-size: 13px;
    font-weight: 600;
    color: #344054;
    padding: 0;
    margin-bottom: 6px;
  }
  .service {
    display: flex;
    align-items: center;
    gap: 10px;
    padding: 8px 12px;
    border: 1px solid var(--line);
    border-radius: 10px;
    text-align: left;
    font-weight: 500;
    background: #fff;
  }
  .service[aria-pressed="true"] {
    border-color: var(--accent);
    background: color-mix(in srgb, var(--accent) 8%, #fff);
    box-shadow: 0 0 0 1px var(--accent);
  }
  .service .lang {
    margin-left: auto;
    font-size: 11px;
    text-transform: uppercase;
    color: var(--muted);
  }
  .primary {
    display: block;
    width: 100%;
    padding: 11px 16px;
    border-radius: 10px;
    background: var(--accent);
    color: var(--accent-ink);
    font-weight: 600;
    text-align: center;
  }
  .primary:disabled {
    opacity: 0.5;
    cursor: default;
  }
  .secondary {
    display: block;
    width: 100%;
    padding: 10px 16px;
    border-radius: 10px;
    border: 1px solid #d0d5dd;
    background: #fff;
    color: #344054;
    font-weight: 600;
    text-align: center;
  }
  .greeting {
    background: var(--soft);
    border-radius: 12px;
    padding: 12px 14px;
  }
  .notice {
    border-radius: 10px;
    padding: 10px 12px;
    background: #fff4e5;
    color: #8a4b00;
    font-size: 13px;
  }
  .notice.error {
    background: #fdecec;
    color: #a3151b;
  }
  .pulse {
    width: 56px;
    height: 56px;
    border-radius: 28px;
    background: color-mix(in srgb, var(--accent) 15%, #fff);
    display: flex;
    align-items: center;
    justify-content: center;
    position: relative;
  }
  .pulse::after {
    content: "";
    position: absolute;
    inset: 0;
    border-radius: 28px;
    border: 2px solid var(--accent);
    animation: pulse 1.6s ease-out infinite;
  }
  .pulse span {
    width: 18px;
    height: 18px;
    border-radius: 9px;
    background: var(--accent);
  }
  @keyframes pulse {
    from {
      transform: scale(1);
      opacity: 0.9;
    }
    to {
      transform: scale(1.6);
      opacity: 0;
    }
  }
  .place {
    margin: 4px 0 10px;
  }
  .place p {
    margin: 2px 0;
  }
  .place-line {
    font-weight: 650;
  }
  .waited {
    font-size: 28px;
    line-height: 34px;
    font-weight: 650;
    font-variant-numeric: tabular-nums;
  }
  .transcript {
    display: flex;
    flex-direction: column;
    gap: 6px;
  }
  .msg {
    display: flex;
    flex-direction: column;
    max-width: 82%;
  }
  .msg.visitor {
    align-self: flex-end;
    align-items: flex-end;
  }
  .msg.agent {
    align-self: flex-start;
    align-items: flex-start;
  }
  .msg.system {
    align-self: center;
    align-items: center;
    max-width: 100%;
  }
  .bubble {
    padding: 8px 12px;
    border-radius: 16px;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    word-break: break-word;
  }
  .visitor .bubble {
    background: var(--accent);
    color: var(--accent-ink);
    border-bottom-right-radius: 4px;
  }
  .agent .bubble {
    background: #eef1f6;
    color: var(--ink);
    border-bottom-left-radius: 4px;
  }
  .system .bubble,
  .event {
    align-self: center;
    background: none;
    color: var(--muted);
    font-size: 12px;
    line-height: 16px;
    padding: 2px 8px;
    text-align: center;
  }
  .bubble a {
    color: inherit;
    text-decoration: underline;
  }
  .author {
    font-size: 11px;
    font-weight: 600;
    color: var(--muted);
    margin: 0 0 2px 2px;
  }
  .meta {
    display: flex;
    gap: 4px;
    align-items: center;
    font-size: 11px;
    line-height: 14px;
    color: var(--muted);
    margin-top: 3px;
    padding: 0 4px;
  }
  .tr-mark {
    margin-top: 0;
    white-space: nowrap;
  }
  .tr-toggle {
    font: inherit;
    color: inherit;
    background: none;
    border: 0;
    padding: 0;
    text-decoration: underline;
    cursor: pointer;
  }
  .mark {
    font-size: 12px;
    font-weight: 700;
    letter-spacing: -3px;
    padding-right: 3px;
  }
  .mark.read {
    color: var(--accent);
  }
  .mark.failed {
    color: #d92d20;
    letter-spacing: normal;
  }
  .mark.failed button {
    text-decoration: underline;
    color: inherit;
  }
  .typing {
    align-self: flex-start;
    display: flex;
    align-items: center;
    gap: 8px;
    color: var(--muted);
    font-size: 12px;
  }
  .dots {
    display: inline-flex;
    gap: 3px;
    padding: 10px 12px;
    background: #eef1f6;
    border-radius: 16px;
  }
  .dots i {
    width: 6px;
    height: 6px;
    border-radius: 3px;
    background: #98a2b3;
    animation: blink 1.2s infinite;
  }
  .dots i:nth-child(2) {
    animation-delay: 0.2s;
  }
  .dots i:nth-child(3) {
    animation-delay: 0.4s;
  }
  @keyframes blink {
    0%,
    80%,
    100% {
      opacity: 0.3;
    }
    40% {
      opacity: 1;
    }
  }
  .banner {
    flex: none;
    padding: 8px 16px;
    font-size: 12px;
    line-height: 16px;
    background: #fff4e5;
    color: #8a4b00;
    border-bottom: 1px solid #fde1b8;
  }
  .banner.offline {
    background: #f2f4f7;
    color: #475467;
    border-bottom-color: var(--line);
  }
  .privacy-note {
    flex: none;
    margin: 0;
    padding: 0 12px 8px;
    font-size: 11.5px;
    color: #475467;
    background: #fff;
  }
  .composer {
    flex: none;
    display: flex;
    align-items: flex-end;
    gap: 8px;
    padding: 10px 12px;
    border-top: 1px solid var(--line);
    background: #fff;
  }
  .composer textarea {
    min-height: 40px;
    max-height: 120px;
    border-radius: 20px;
    padding: 9px 14px;
  }
  .send {
    width: 40px;
    height: 40px;
    border-radius: 20px;
    flex: none;
    background: var(--accent);
    color: var(--accent-ink);
    display: flex;
    align-items: center;
    justify-content: center;
  }
  .send:disabled {
    opacity: 0.4;
    cursor: default;
  }
  .send svg {
    width: 18px;
    height: 18px;
  }
  .ended {
    flex: none;
    display: flex;
    flex-direction: column;
    gap: 8px;
    padding: 12px 16px 14px;
    border-top: 1px solid var(--line);
    background: var(--soft);
    text-align: center;
  }
  .ending {
    max-height: 62%;
    overflow-y: auto;
  }
  .ending form {
    display: flex;
    flex-direction: column;
    gap: 6px;
    text-align: left;
  }
  .ending fieldset {
    border: 0;
    margin: 0;
    padding: 0;
    text-align: center;
  }
  .ending legend {
    padding: 0;
    margin: 0 auto 2px;
    font-size: 14px;
  }
  .stars-input {
    display: flex;
    justify-content: center;
    gap: 2px;
  }
  .stars-input input {
    position: absolute;
    opacity: 0;
    width: 1px;
    height: 1px;
  }
  .stars-input label {
    font-size: 30px;
    line-height: 1;
    padding: 2px 4px;
    color: #c9ced6;
    cursor: pointer;
    border-radius: 6px;
  }
  /* Every star up to the chosen one is lit: the row is reversed in the cascade with :has. */
  .stars-input:has(input:checked) label {
    color: #f5a524;
  }
  .stars-input input:checked + label ~ label {
    color: #c9ced6;
  }
  .stars-input label:hover,
  .stars-input:has(label:hover) label {
    color: #f5a524;
  }
  .stars-input label:hover ~ label {
    color: #c9ced6;
  }
  .stars-input input:focus-visible + label {
    outline: 2px solid var(--accent, #2563eb);
    outline-offset: 1px;
  }
  .ending textarea,
  .ending input[type="email"] {
    font: inherit;
    font-size: 14px;
    padding: 6px 8px;
    border: 1px solid var(--line);
    border-radius: 8px;
    resize: vertical;
    min-width: 0;
  }
  .ending .row {
    display: flex;
    gap: 6px;
  }
  .ending .row input {
    flex: 1;
  }
  .ending .row button {
    flex: none;
    width: auto;
    padding-left: 16px;
    padding-right: 16px;
  }
  .ending .error {
    color: #b42318;
    font-size: 13px;
    margin: 0;
  }
  .ending-done {
    margin: 0;
    font-size: 14px;
  }
  .ending .stars {
    color: #f5a524;
    margin-left: 4px;
  }
  .overlay {
    position: absolute;
    inset: 0;
    background: rgba(16, 24, 40, 0.45);
    display: flex;
    align-items: center;
    justify-content: center;
    padding: 24px;
    z-index: 2;
  }
  .dialog {
    background: #fff;
    border-radius: 14px;
    padding: 20px;
    display: flex;
    flex-direction: column;
    gap: 12px;
    width: 100%;
    text-align: center;
  }
  .row {
    display: flex;
    gap: 8px;
  }
  .danger {
    background: #d92d20;
  }
  .footer {
    flex: none;
    text-align: center;
    font-size: 11px;
    line-height: 14px;
    color: var(--muted);
    padding: 6px 0 8px;
    background: #fff;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  @media (max-width: 480px) {
    .panel {
      bottom: 0;
      right: 0 !important;
      left: 0 !important;
      width: 100vw;
      max-width: 100vw;
      height: 100vh;
      max-height: 100vh;
      border-radius: 0;
    }
  }
  /* files */
  .bubble.with-file {
    white-space: normal;
    padding: 6px;
  }
  .file {
    display: flex;
    align-items: center;
    gap: 8px;
    color: inherit;
    text-align: left;
  }
  .file.image {
    flex-direction: column;
    align-items: stretch;
    gap: 4px;
    padding: 0;
    cursor: zoom-in;
  }
  .file.image img {
    display: block;
    max-width: 220px;
    max-height: 180px;
    border-radius: 10px;
    background: #fff;
  }
  .thumb-wait {
    display: block;
    width: 180px;
    height: 120px;
    border-radius: 10px;
    background: rgba(0, 0, 0, 0.08);
  }
  .file .cap,
  .fname .s {
    font-size: 12px;
    opacity: 0.8;
  }
  .ficon {
    position: relative;
    display: inline-grid;
    place-items: center;
    width: 34px;
    height: 34px;
    flex: none;
    border-radius: 8px;
    background: rgba(0, 0, 0, 0.07);
  }
  .ficon b {
    position: absolute;
    bottom: 2px;
    font-size: 8px;
  }
  .fname {
    display: grid;
    min-width: 0;
    flex: 1;
  }
  .fname .n {
    font-weight: 600;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .secondary.small {
    display: inline-block;
    width: auto;
    padding: 5px 10px;
    font-size: 12px;
  }
  .clip {
    width: 40px;
    height: 40px;
    flex: none;
    border-radius: 20px;
    color: var(--muted);
    display: flex;
    align-items: center;
    justify-content: center;
  }
  .clip svg {
    width: 20px;
    height: 20px;
  }
  input[type="file"] {
    display: none !important;
  }
  .clip:hover {
    background: var(--soft);
    color: var(--ink);
  }
  .attachment {
    flex: none;
    display: flex;
    align-items: center;
    gap: 10px;
    padding: 8px 12px;
    border-top: 1px solid var(--line);
    background: var(--soft);
  }
  .attachment progress {
    width: 100%;
    height: 6px;
  }
  .attachment .refused {
    color: #b42318;
    font-weight: 600;
  }
  .icon-btn.dark:hover {
    background: rgba(0, 0, 0, 0.08);
  }
  .viewer {
    position: absolute;
    inset: 0;
    z-index: 5;
    display: flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    gap: 10px;
    padding: 48px 16px 24px;
    background: rgba(15, 20, 30, 0.9);
  }
  .viewer img {
    max-width: 100%;
    max-height: calc(100% - 40px);
    border-radius: 8px;
    background: #fff;
  }
  .viewer .cap {
    color: #e8ecf3;
    font-size: 12px;
    text-align: center;
  }
  .close-viewer {
    position: absolute;
    top: 10px;
    right: 10px;
    color: #fff;
    font-size: 18px;
  }
  .banner.offer {
    display: flex;
    align-items: center;
    gap: 8px;
    flex-wrap: wrap;
    background: var(--soft);
    color: var(--ink);
  }
  .banner.offer a {
    color: var(--accent);
    font-weight: 600;
    overflow-wrap: anywhere;
  }
  .call-bar {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    padding: 8px 12px;
    border-bottom: 1px solid #eaecf0;
    align-items: center;
    font-size: 13px;
  }
  /* a longer language wraps the buttons under the label rather than squeeze it */
  .call-bar .label {
    flex: 1 1 auto;
    min-width: 8em;
    color: #475467;
  }
  .call-bar .secondary,
  .call-bar .primary {
    width: auto;
    padding: 6px 12px;
    font-size: 13px;
  }
  .call-notice {
    margin: 8px 12px 0;
    border-radius: 10px;
    padding: 8px 12px;
    background: #f2f4f7;
    color: #344054;
    font-size: 13px;
  }
  .call-prompt {
    margin: 10px 12px;
    padding: 12px;
    border-radius: 12px;
    background: var(--soft);
    display: grid;
    gap: 8px;
  }
  .call-prompt strong {
    font-size: 15px;
  }
  .call-stage {
    flex: none;
    display: flex;
    flex-direction: column;
    background: #101828;
  }
  .call-stage .picture {
    position: relative;
    height: 200px;
    min-height: 0;
    display: flex;
    align-items: center;
    justify-content: center;
    overflow: hidden;
  }
  .call-stage .picture.voice {
    height: 96px;
  }
  .call-stage video.remote {
    display: block;
    width: 100%;
    height: 100%;
    object-fit: contain;
    background: #101828;
  }
  .call-stage video.local {
    position: absolute;
    right: 8px;
    bottom: 8px;
    width: 84px;
    max-height: calc(100% - 16px);
    object-fit: cover;
    border: 2px solid #fff;
    border-radius: 6px;
    background: #344054;
  }
  .call-stage .voice-only {
    color: #f2f4f7;
  }
  .call-stage .status {
    position: absolute;
    left: 8px;
    top: 8px;
    color: #fff;
    font-size: 12px;
    background: rgba(0, 0, 0, 0.45);
    padding: 2px 8px;
    border-radius: 10px;
  }
  .call-stage .status.reconnecting {
    background: #b45309;
  }
  /* Below the picture, never over it. */
  .call-controls {
    flex: none;
    display: flex;
    justify-content: center;
    flex-wrap: wrap;
    gap: 4px;
    padding: 6px 4px;
    background: #1d2939;
  }
  /* A landscape phone: the panel takes the screen's height, and during a call the picture
     runs down the left half while the conversation keeps the right half, full height. */
  @media (max-height: 500px) and (min-width: 481px) {
    .panel {
      top: 8px;
      bottom: 8px;
      height: auto;
      max-height: none;
    }
    header {
      padding-top: 8px;
      padding-bottom: 8px;
    }
    .right .panel:has(> .call-stage) {
      right: 8px;
    }
    .left .panel:has(> .call-stage) {
      left: 8px;
    }
    .panel:has(> .call-stage) {
      width: min(calc(100vw - 16px), 820px);
      max-width: none;
      flex-flow: column wrap;
    }
    .panel:has(> .call-stage) > :not(.overlay, .viewer) {
      width: 50%;
    }
    .panel > .call-stage {
      order: -1;
      height: 100%;
      overflow: hidden;
      border-radius: 16px 0 0 16px;
    }
    .call-stage .picture,
    .call-stage .picture.voice {
      height: auto;
      flex: 1 1 auto;
    }
  }
  .call-controls button {
    padding: 5px 9px;
    border-radius: 16px;
    background: rgba(255, 255, 255, 0.92);
    font-size: 12px;
    font-weight: 600;
  }
  .call-controls button[aria-pressed="true"] {
    background: #fde68a;
  }
  .call-controls .hang-up {
    background: #d92d20;
    color: #fff;
  }
  .start-call {
    display: flex;
    gap: 8px;
    margin-top: 8px;
  }
  .start-call .secondary {
    font-size: 13px;
    padding: 8px 10px;
  }
`;
