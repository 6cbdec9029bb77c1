// The keyboard map: `?` (outside a text field) or the agent menu opens a dialog listing every
// shortcut. A modal dialog: the focus stays inside it, Escape closes it, and the focus goes
// back where it was.

import { localized, msg } from "@lit/localize";
import { LitElement, css, html, nothing } from "lit";
import { customElement, state } from "lit/decorators.js";
import { shared } from "../styles";
import { SHORTCUTS, runShortcut, shortcutFor } from "./shortcuts";

/** Ask the console's keyboard map to open (the agent menu's entry). */
export function openKeymap(): void {
  window.dispatchEvent(new Event("sp-keymap"));
}

/** The element that has the focus, looking into shadow roots. */
function focused(): HTMLElement | null {
  let el: Element | null = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el instanceof HTMLElement ? el : null;
}

@customElement("sp-keymap")
@localized()
export class SpKeymap extends LitElement {
  static override styles = [
    shared,
    css`
      .box {
        width: min(560px, 94%) !important;
      }
      table {
        border-collapse: collapse;
        width: 100%;
        font-size: 13.5px;
      }
      td {
        padding: 6px 4px;
        border-top: 1px solid var(--border);
        vertical-align: top;
      }
      td.keys {
        white-space: nowrap;
        width: 1%;
        padding-right: 16px;
      }
      kbd {
        display: inline-block;
        min-width: 1.6em;
        padding: 2px 6px;
        border: 1px solid var(--border-strong);
        border-bottom-width: 2px;
        border-radius: 5px;
        background: var(--surface-2);
        font: 600 12px/1.3 ui-monospace, monospace;
        text-align: center;
      }
      .plus {
        color: var(--muted);
        padding: 0 3px;
      }
      .where {
        color: var(--muted);
        font-size: 12px;
      }
    `,
  ];

  /** Where the panels are, for the shortcuts that press a panel's button. */
  root: ParentNode = document;

  @state() private open = false;
  private returnTo: HTMLElement | null = null;

  private readonly onKey = (e: KeyboardEvent): void => {
    if (this.open) return;
    const id = shortcutFor(e);
    if (id === null) return;
    e.preventDefault();
    runShortcut(id, this.root, () => this.show());
  };
  private readonly onAsk = (): void => this.show();

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener("keydown", this.onKey);
    window.addEventListener("sp-keymap", this.onAsk);
  }

  override disconnectedCallback(): void {
    document.removeEventListener("keydown", this.onKey);
    window.removeEventListener("sp-keymap", this.onAsk);
    super.disconnectedCallback();
  }

  private show(): void {
    this.returnTo = focused();
    this.open = true;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>("[data-testid=keymap-close]")?.focus());
  }

  private close(): void {
    this.open = false;
    const back = this.returnTo;
    this.returnTo = null;
    if (back?.isConnected) back.focus();
  }

  /** Tab and Shift+Tab go round the dialog's own controls. */
  private trap(e: KeyboardEvent): void {
    if (e.key === "Escape") {
      e.preventDefault();
      this.close();
      return;
    }
    if (e.key !== "Tab") return;
    const items = [...this.renderRoot.querySelectorAll<HTMLElement>("button, [tabindex='0']")];
    const first = items[0];
    const last = items.at(-1);
    if (!first || !last) return;
    const now = this.renderRoot instanceof ShadowRoot ? this.renderRoot.activeElement : null;
    if (e.shiftKey && now === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && now === last) {
      e.preventDefault();
      first.focus();
    }
  }

  override render() {
    if (!this.open) return nothing;
    return html`<div class="confirm page" role="dialog" aria-modal="true" aria-labelledby="keymap-title" data-testid="keymap"
      @keydown=${(e: KeyboardEvent) => this.trap(e)} @click=${(e: Event) => e.target === e.currentTarget && this.close()}>
      <div class="box">
        <h3 id="keymap-title">${msg("Keyboard shortcuts")}</h3>
        <div class="list" tabindex="0" aria-label=${msg("Keyboard shortcuts")}>
          <table>
            <tbody>
              ${SHORTCUTS.map(
                (s) => html`<tr data-testid="keymap-row" data-shortcut=${s.id}>
                  <td class="keys">${s.keys().map((k, i) => html`${i ? html`<span class="plus">+</span>` : nothing}<kbd>${k}</kbd>`)}</td>
                  <td>${s.label()}${s.where ? html` <span class="where">(${s.where()})</span>` : nothing}</td>
                </tr>`,
              )}
            </tbody>
          </table>
        </div>
        <div class="actions">
          <button class="btn primary" data-testid="keymap-close" @click=${() => this.close()}>${msg("Close")}</button>
        </div>
      </div>
    </div>`;
  }
}
