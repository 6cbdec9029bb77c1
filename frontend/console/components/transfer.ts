// The transfer dialog: agents (status, load; green when they can take the contact now) and
// transfer groups (green when a member can, with available agents and free chat slots),
// refreshed while open; pick one, add an optional note, confirm.

import { number } from "../format";
import { statusName } from "../labels";
import { intlLocale, plural } from "../i18n";
import { localized, msg, str } from "@lit/localize";
import { LitElement, css, html, nothing } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { store } from "../store";
import { shared } from "../styles";
import type { TransferTargets } from "../types";
import { sayError } from "../../shared/errors";

const REFRESH_MS = 3000;

type Pick = { agent_id: number } | { group_id: number };

@customElement("sp-transfer")
@localized()
export class SpTransfer extends LitElement {
  static override styles = [
    shared,
    css`
      .confirm {
        position: fixed;
        z-index: 20;
      }
      .confirm .box {
        width: min(520px, 94vw);
        max-height: 88vh;
        overflow: auto;
      }
      h4 {
        margin: 4px 0 0;
        font-size: 12px;
        text-transform: uppercase;
        letter-spacing: 0.04em;
        color: var(--muted);
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 4px;
      }
      label.target {
        display: flex;
        align-items: center;
        gap: 10px;
        padding: 7px 10px;
        border: 1px solid var(--border);
        border-radius: 8px;
        cursor: pointer;
        font-size: 13px;
      }
      label.target.can {
        border-color: var(--green);
        background: var(--green-soft);
      }
      label.target.off {
        color: var(--muted);
        cursor: not-allowed;
      }
      .dot {
        width: 10px;
        height: 10px;
        border-radius: 50%;
        background: var(--border-strong);
        flex: none;
      }
      .can .dot {
        background: var(--green);
      }
      .name {
        font-weight: 600;
        flex: 1;
      }
      .meta {
        color: var(--muted);
        font-size: 12px;
      }
      textarea {
        font: inherit;
        width: 100%;
        min-height: 64px;
        padding: 8px 10px;
        border: 1px solid var(--border-strong);
        border-radius: 8px;
        resize: vertical;
      }
      .empty {
        color: var(--muted);
        font-size: 13px;
      }
    `,
  ];

  @property({ type: Number }) contactId = 0;
  @property() visitorName = "";
  @state() private targets: TransferTargets | null = null;
  @state() private pick: Pick | null = null;
  @state() private note = "";
  @state() private sending = false;
  @state() private error = "";
  private timer: number | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.refresh();
    this.timer = window.setInterval(() => void this.refresh(), REFRESH_MS);
  }

  /** A modal dialog takes the focus (so Escape and Tab work in it at once). */
  protected override firstUpdated(): void {
    this.renderRoot.querySelector<HTMLElement>("[data-testid=transfer-dialog]")?.focus();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.timer !== null) window.clearInterval(this.timer);
    this.timer = null;
  }

  private async refresh(): Promise<void> {
    try {
      this.targets = await store.transferTargets(this.contactId);
      this.error = "";
    } catch (err) {
      this.error = sayError(err, msg("Could not load the colleagues."));
    }
  }

  private close(): void {
    this.dispatchEvent(new Event("close"));
  }

  private async confirm(): Promise<void> {
    if (!this.pick) return;
    this.sending = true;
    const ok = await store.transfer(this.contactId, this.pick, this.note.trim());
    this.sending = false;
    if (ok) this.close();
  }

  private picked(kind: "agent" | "group", id: number): boolean {
    if (!this.pick) return false;
    return kind === "agent" ? "agent_id" in this.pick && this.pick.agent_id === id : "group_id" in this.pick && this.pick.group_id === id;
  }

  override render() {
    const t = this.targets;
    return html`<div class="confirm" role="dialog" aria-modal="true" aria-labelledby="transfer-title" data-testid="transfer-dialog" tabindex="-1"
      @keydown=${(e: KeyboardEvent) => e.key === "Escape" && this.close()}>
      <form class="box" @submit=${(e: Event) => {
        e.preventDefault();
        void this.confirm();
      }}>
        <h3 id="transfer-title">${msg(str`Transfer ${this.visitorName || msg("the visitor")}`)}</h3>
        <p>${msg("You keep the chat until a colleague accepts. Green: can take it now.")}</p>
        ${t === null ? html`<div class="empty">${msg("Loading…")}</div>` : nothing}
        ${t && t.groups.length
          ? html`<h4>${msg("Transfer groups")}</h4>
              <ul role="radiogroup" aria-label=${msg("Transfer groups")}>
                ${t.groups.map(
                  (g) => html`<li role="none">
                    <label class="target ${g.can_take ? "can" : ""} ${g.qualified ? "" : "off"}" data-testid="transfer-group" data-group-id=${g.id}
                      data-can-take=${g.can_take ? "true" : "false"}>
                      <input type="radio" name="target" .checked=${this.picked("group", g.id)} ?disabled=${!g.qualified}
                        @change=${() => (this.pick = { group_id: g.id })} />
                      <span class="dot" aria-hidden="true"></span>
                      <span class="name">${g.name}</span>
                      <span class="meta">${msg(str`${g.available_agents} available`)} · ${plural(g.free_chat_slots, msg("1 free chat slot"), msg(str`${g.free_chat_slots} free chat slots`))}</span>
                    </label>
                  </li>`,
                )}
              </ul>`
          : nothing}
        ${t
          ? html`<h4>${msg("Agents")}</h4>
              ${t.agents.length === 0 ? html`<div class="empty">${msg("No other agent.")}</div>` : nothing}
              <ul role="radiogroup" aria-label=${msg("Agents")}>
                ${t.agents.map(
                  (a) => html`<li role="none">
                    <label class="target ${a.can_take ? "can" : ""} ${a.qualified ? "" : "off"}" data-testid="transfer-agent" data-agent-id=${a.id}
                      data-can-take=${a.can_take ? "true" : "false"}>
                      <input type="radio" name="target" .checked=${this.picked("agent", a.id)} ?disabled=${!a.qualified}
                        @change=${() => (this.pick = { agent_id: a.id })} />
                      <span class="dot" aria-hidden="true"></span>
                      <span class="name">${a.display_name}</span>
                      <span class="meta" data-testid="transfer-agent-status">${a.reconnecting ? msg("reconnecting, no console") : statusName(a.status).toLocaleLowerCase(intlLocale())} · ${msg(str`load ${number(a.load, { style: "percent" })}`)}</span>
                    </label>
                  </li>`,
                )}
              </ul>`
          : nothing}
        <label class="meta">${msg("Note for your colleague (optional; the visitor never sees it)")}
          <textarea data-testid="transfer-note" maxlength="2000" .value=${this.note}
            @input=${(e: Event) => (this.note = (e.target as HTMLTextAreaElement).value)}></textarea>
        </label>
        ${this.error ? html`<div class="meta" role="alert">${this.error}</div>` : nothing}
        <div class="actions">
          <button type="button" class="btn" data-testid="transfer-cancel" @click=${() => this.close()}>${msg("Cancel")}</button>
          <button type="submit" class="btn primary" data-testid="transfer-confirm" ?disabled=${!this.pick || this.sending}>${msg("Transfer")}</button>
        </div>
      </form>
    </div>`;
  }
}
