import { unit } from "../format";
import { localized, msg, str } from "@lit/localize";
import { LitElement, css, html } from "lit";
import { customElement, state } from "lit/decorators.js";
import { ApiError } from "../api";
import { store } from "../store";
import { shared } from "../styles";
import { sayError } from "../../shared/errors";

@customElement("sp-login")
@localized()
export class SpLogin extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: flex;
        align-items: center;
        justify-content: center;
        min-height: 100%;
        padding: 24px;
      }
      form {
        width: 360px;
        background: var(--surface);
        border: 1px solid var(--border);
        border-radius: 16px;
        box-shadow: var(--shadow-lg);
        padding: 32px;
        display: grid;
        gap: 16px;
      }
      .brand {
        display: flex;
        align-items: center;
        gap: 10px;
        font-weight: 700;
        font-size: 18px;
      }
      .logo {
        width: 32px;
        height: 32px;
        border-radius: 9px;
        background: var(--primary);
        display: grid;
        place-items: center;
        color: #fff;
      }
      h1 {
        margin: 4px 0 0;
        font-size: 20px;
      }
      p {
        margin: 0;
      }
      label {
        display: grid;
        gap: 6px;
        font-weight: 600;
        font-size: 13px;
      }
      input {
        font: inherit;
        height: 40px;
        padding: 0 12px;
        border: 1px solid var(--border-strong);
        border-radius: 8px;
        background: var(--surface);
      }
      input:focus {
        outline: 2px solid var(--focus);
        outline-offset: -1px;
        border-color: transparent;
      }
      .error {
        background: var(--red-soft);
        color: #9b1c1c;
        border-radius: 8px;
        padding: 10px 12px;
        font-size: 13px;
      }
      .btn {
        height: 40px;
      }
    `,
  ];

  @state() private error = "";
  @state() private lockedUntil = 0;
  @state() private busy = false;
  private timer: number | null = null;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.timer !== null) window.clearInterval(this.timer);
  }

  private lockText(): string {
    const left = Math.max(0, Math.ceil(this.lockedUntil - Date.now() / 1000));
    if (left <= 0) return msg("You can try signing in again now.");
    const m = Math.floor(left / 60);
    const s = left % 60;
    const wait = m ? `${unit(m, "minute")} ${unit(s, "second")}` : unit(s, "second");
    return msg(str`Too many failed sign-ins: this account is locked for security. Try again in ${wait}.`);
  }

  private async submit(ev: Event): Promise<void> {
    ev.preventDefault();
    const form = ev.target as HTMLFormElement;
    const data = new FormData(form);
    const login = String(data.get("login") ?? "").trim();
    const password = String(data.get("password") ?? "");
    if (!login || !password) {
      this.error = msg("Enter your login and password.");
      return;
    }
    this.busy = true;
    this.error = "";
    this.lockedUntil = 0;
    try {
      await store.login(login, password);
    } catch (err) {
      if (err instanceof ApiError && err.code === "account_locked") {
        const retry = err.retryAfter ?? Number(err.details["retry_after"] ?? 300);
        this.lockedUntil = Date.now() / 1000 + retry;
        if (this.timer !== null) window.clearInterval(this.timer);
        this.timer = window.setInterval(() => this.requestUpdate(), 1000);
      } else if (err instanceof ApiError && err.code === "invalid_credentials") {
        this.error = msg("Wrong login or password. Check them and try again.");
      } else {
        this.error = sayError(err, msg("Sign-in failed. Please try again."));
      }
    } finally {
      this.busy = false;
    }
  }

  override render() {
    const message = this.lockedUntil ? this.lockText() : this.error;
    return html`
      <main><form @submit=${this.submit} novalidate aria-labelledby="title">
        <div class="brand">
          <span class="logo"
            ><svg width="18" height="18" viewBox="0 0 24 24" fill="#fff" aria-hidden="true"><path d="M4 5h16v11H9l-5 4z" /></svg
          ></span>
          Sportello
        </div>
        <div>
          <h1 id="title">${msg("Sign in to the console")}</h1>
          <p class="muted">${msg("Use your agent login.")}</p>
        </div>
        ${message ? html`<div class="error" role="alert" data-testid="login-error">${message}</div>` : null}
        <label>${msg("Login")} <input name="login" autocomplete="username" autofocus required /></label>
        <label>${msg("Password")} <input name="password" type="password" autocomplete="current-password" required /></label>
        <button class="btn primary" type="submit" ?disabled=${this.busy}>${this.busy ? msg("Signing in…") : msg("Sign in")}</button>
      </form></main>
    `;
  }
}
