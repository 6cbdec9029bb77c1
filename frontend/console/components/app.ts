import { localized, msg, str } from "@lit/localize";
import { LitElement, css, html, nothing } from "lit";
import { customElement } from "lit/decorators.js";
import { repeat } from "lit/directives/repeat.js";
import { StoreController } from "../controller";
import { icons } from "../icons";
import { store } from "../store";
import { shared } from "../styles";
import "./details";
import "./keymap";
import "./login";
import "./panel";
import "./topbar";
import "./waiting";

@customElement("sp-console")
@localized()
export class SpConsole extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: flex;
        flex-direction: column;
        height: 100%;
        min-height: 600px;
      }
      .banner {
        display: flex;
        align-items: center;
        justify-content: center;
        gap: 10px;
        padding: 8px 16px;
        background: var(--amber-soft);
        color: #7a4a00;
        border-bottom: 1px solid #f3d9a4;
        font-weight: 550;
        font-size: 13px;
      }
      .banner button {
        text-decoration: underline;
        font-weight: 650;
        color: inherit;
      }
      .spinner {
        width: 14px;
        height: 14px;
        border-radius: 50%;
        border: 2px solid currentColor;
        border-right-color: transparent;
        animation: spin 0.8s linear infinite;
      }
      @keyframes spin {
        to {
          transform: rotate(360deg);
        }
      }
      main {
        flex: 1;
        min-height: 0;
        display: grid;
        grid-template-columns: minmax(0, 1fr) 320px;
        grid-template-rows: minmax(0, 1fr);
        gap: 16px;
        padding: 16px;
      }
      .work {
        display: flex;
        flex-direction: column;
        gap: 12px;
        min-height: 0;
      }
      .assigned {
        flex: 1;
        min-height: 0;
        display: flex;
        flex-direction: column;
        gap: 8px;
      }
      .assigned-head {
        display: flex;
        align-items: center;
        gap: 8px;
        padding: 4px 4px 0;
      }
      .clear-ended {
        margin-left: auto;
        padding: 2px 10px;
        min-height: 26px;
        font-size: 12px;
      }
      h2 {
        margin: 0;
        font-size: 12px;
        text-transform: uppercase;
        letter-spacing: 0.06em;
        color: var(--muted);
      }
      .count {
        font-size: 12px;
        color: var(--muted);
        font-weight: 600;
      }
      .nothing {
        flex: 1;
        display: grid;
        place-items: center;
        border: 1.5px dashed var(--border-strong);
        border-radius: var(--radius);
        color: var(--muted);
        text-align: center;
        padding: 24px;
      }
      .nothing .icon {
        width: 40px;
        height: 40px;
        color: var(--faint);
      }
      .nothing p {
        margin: 6px 0 0;
      }
      sp-details {
        min-height: 0;
      }
      .toasts {
        position: fixed;
        bottom: 20px;
        left: 50%;
        transform: translateX(-50%);
        display: grid;
        gap: 8px;
        z-index: 50;
      }
      .toast {
        display: flex;
        align-items: center;
        gap: 10px;
        background: #1b2230;
        color: #fff;
        padding: 10px 12px 10px 16px;
        border-radius: 10px;
        box-shadow: var(--shadow-lg);
        font-size: 13px;
      }
      .toast button {
        color: #c6cede;
      }
      .toast .icon {
        width: 16px;
        height: 16px;
      }
      .loading {
        flex: 1;
        display: grid;
        place-items: center;
        color: var(--muted);
      }
    `,
  ];

  protected readonly storeCtl = new StoreController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    void store.boot();
  }

  protected override willUpdate(): void {
    document.title = msg("Sportello console");
  }

  override render() {
    if (!store.booted) return html`<div class="loading">${msg("Loading…")}</div>`;
    if (store.conn === "signed-out" || !store.agent) return html`<sp-login></sp-login>${this.toasts()}`;
    const panels = store.panels;
    const active = panels.filter((p) => !p.terminated).length;
    return html`
      <sp-topbar role="banner"></sp-topbar>
      ${store.conn !== "online"
        ? html`<div class="banner" role="status" data-testid="reconnecting-banner">
            <span class="spinner" aria-hidden="true"></span>
            ${store.conn === "connecting" ? msg("Connecting…") : msg("Connection lost — reconnecting. Messages you write will be sent when it returns.")}
            ${store.conn === "reconnecting" ? html`<button @click=${() => store.retryNow()}>${msg("Retry now")}</button>` : nothing}
          </div>`
        : nothing}
      <main>
        <div class="work">
          <sp-waiting></sp-waiting>
          <section class="assigned" aria-label=${msg("Assigned contacts")} data-testid="assigned-area">
            <div class="assigned-head"><h2>${msg("Assigned")}</h2><span class="count" data-testid="assigned-count">${active}</span>
              ${panels.length > active
                ? html`<button class="btn clear-ended" data-testid="clear-ended" title=${msg("Remove every ended conversation from your console")}
                    @click=${() => store.clearEnded()}>${msg(str`Clear ended (${panels.length - active})`)}</button>`
                : nothing}
            </div>
            ${panels.length === 0
              ? html`<div class="nothing">
                  <div>${icons.chat()}<p><b>${msg("No conversations yet")}</b></p><p>${msg("Click the waiting box to take the visitor who has waited longest.")}</p></div>
                </div>`
              : repeat(
                  panels,
                  (p) => p.contact.id,
                  (p) => html`<sp-panel data-testid="panel" data-contact-id=${p.contact.id} .contactId=${p.contact.id}></sp-panel>`,
                )}
          </section>
        </div>
        <sp-details aria-label=${msg("Visitor details")}></sp-details>
      </main>
      <sp-keymap .root=${this.renderRoot}></sp-keymap>
      ${this.toasts()}
    `;
  }

  private toasts() {
    return html`<div class="toasts" role="status" aria-live="polite">
      ${store.notices.map(
        (n) => html`<div class="toast" data-testid="notice">${n.tone === "error" ? icons.alert() : nothing}<span>${n.text}</span>
          <button aria-label=${msg("Dismiss")} @click=${() => store.dismiss(n.id)}>${icons.close()}</button></div>`,
      )}
    </div>`;
  }
}
