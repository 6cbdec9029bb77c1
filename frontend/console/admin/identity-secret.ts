// The service's identity secret on its admin form: shown to the admin (the only place it
// ever leaves the server), generated anew or turned off (docs/integrations.md).

import { localized, msg } from "@lit/localize";
import { LitElement, html, nothing } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { api } from "../api";
import { sayError } from "../../shared/errors";

@customElement("sp-identity-secret")
@localized()
export class SpIdentitySecret extends LitElement {
  @property({ type: Number }) serviceId = 0;
  @property({ attribute: false }) secret: string | null = null;
  @state() private busy = false;
  @state() private error = "";
  @state() private confirming = false;

  /** Light DOM: the admin form's field styles apply (the host is the form's grid cell). */
  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.classList.add("field", "wide");
    this.dataset.testid = "identity-secret";
  }

  private async change(enabled: boolean): Promise<void> {
    this.busy = true;
    this.error = "";
    this.confirming = false;
    const path = `/api/admin/services/${this.serviceId}/identity-secret`;
    try {
      if (enabled) {
        this.secret = (await api<{ identity_secret: string }>("POST", path)).identity_secret;
      } else {
        await api<void>("DELETE", path);
        this.secret = null;
      }
    } catch (err) {
      this.error = sayError(err);
    } finally {
      this.busy = false;
    }
  }

  override render() {
    return html`<label for="identity-secret">${msg("Identity secret (verified visitors)")}</label>
      ${this.secret
        ? html`<input id="identity-secret" readonly data-testid="identity-secret-value" .value=${this.secret} />`
        : html`<span class="hint" data-testid="identity-secret-off">${msg("Off: identity claims from the site are ignored.")}</span>`}
      <span class="hint">${msg("Your site signs its signed-in visitors' id, name and e-mail with this secret on its server (docs/integrations.md). Keep it there: never put it in a page.")}</span>
      ${this.error ? html`<span class="error" role="alert">${this.error}</span>` : nothing}
      <div>
        ${this.confirming
          ? html`<span class="hint">${msg("Claims signed with the current secret stop verifying at once.")}</span>
              <button class="btn" type="button" data-testid="identity-secret-confirm" ?disabled=${this.busy}
                @click=${() => void this.change(true)}>${msg("Generate a new secret")}</button>
              <button class="btn" type="button" @click=${() => (this.confirming = false)}>${msg("Cancel")}</button>`
          : html`<button class="btn" type="button" data-testid="identity-secret-generate" ?disabled=${this.busy}
              @click=${() => (this.secret ? (this.confirming = true) : void this.change(true))}>
              ${this.secret ? msg("Generate a new secret") : msg("Generate a secret")}</button>`}
        ${this.secret
          ? html`<button class="btn" type="button" data-testid="identity-secret-off-button" ?disabled=${this.busy}
              @click=${() => void this.change(false)}>${msg("Turn off")}</button>`
          : nothing}
      </div>`;
  }
}
