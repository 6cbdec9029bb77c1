import { languageName as displayName } from "../format";
import { localized, msg, str } from "@lit/localize";
import { LitElement, css, html, nothing } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { store } from "../store";
import { shared } from "../styles";
import type { Contact, TranslationChoices } from "../types";

/** A language's name in the agent's language (Intl). */
export function languageName(code: string): string {
  return displayName(code);
}

/** The translate tool's chooser: the visitor's language (pre-selected from detection and the
 * widget's locale), the agent's own, only what the engine can do both ways, and the engine. */
@customElement("sp-translate")
@localized()
export class TranslateChooser extends LitElement {
  @property({ attribute: false }) contact!: Contact;
  @state() private choices: TranslationChoices | null = null;
  @state() private visitor = "";
  @state() private agent = "";

  override async connectedCallback(): Promise<void> {
    super.connectedCallback();
    this.choices = await store.translationChoices(this.contact.id);
    if (!this.choices) return;
    const sources = this.sources();
    const guess = this.choices.visitor_language;
    this.visitor = guess && sources.includes(guess) ? guess : (sources[0] ?? "");
    const own = navigator.language.split("-")[0]!.toLowerCase();
    const targets = this.targets(this.visitor);
    this.agent = targets.includes(own) ? own : targets.includes("en") ? "en" : (targets[0] ?? "");
  }

  private both(a: string, b: string): boolean {
    const routes = this.choices?.routes ?? [];
    return routes.some((r) => r.source === a && r.target === b) && routes.some((r) => r.source === b && r.target === a);
  }

  private sources(): string[] {
    return (this.choices?.languages ?? []).filter((l) => this.targets(l).length > 0);
  }

  private targets(visitor: string): string[] {
    return (this.choices?.languages ?? []).filter((l) => l !== visitor && this.both(visitor, l));
  }

  private via(): string | null {
    const r = this.choices?.routes.find((x) => x.source === this.visitor && x.target === this.agent);
    return r?.via ?? null;
  }

  private done(): void {
    this.dispatchEvent(new CustomEvent("done", { bubbles: true, composed: true }));
  }

  override render() {
    const current = this.contact.translation;
    if (current) {
      return html`<div class="box" role="dialog" aria-label=${msg("Automatic translation")} data-testid="translate-chooser">
        <p>${msg(html`Translating: visitor in <b>${languageName(current.visitor)}</b>, you in <b>${languageName(current.agent)}</b> (${current.engine}).`)}</p>
        <div class="actions">
          <button class="btn" data-testid="translate-earlier" @click=${() => { void store.translateEarlier(this.contact.id); this.done(); }}>${msg("Translate earlier messages")}</button>
          <button class="btn danger" data-testid="translate-off" @click=${() => { void store.setTranslation(this.contact.id, null); this.done(); }}>${msg("Turn off")}</button>
        </div>
      </div>`;
    }
    if (!this.choices) return html`<div class="box" data-testid="translate-chooser">${msg("Loading languages…")}</div>`;
    const sources = this.sources();
    if (sources.length === 0) {
      return html`<div class="box" data-testid="translate-chooser">${msg(str`No language pairs are installed for ${this.choices.engine}.`)}</div>`;
    }
    const via = this.via();
    return html`<div class="box" role="dialog" aria-label=${msg("Automatic translation")} data-testid="translate-chooser"
      @keydown=${(e: KeyboardEvent) => e.key === "Escape" && this.done()}>
      <label>${msg("Visitor writes")}
        <select data-testid="translate-visitor" .value=${this.visitor} @change=${(e: Event) => {
          this.visitor = (e.target as HTMLSelectElement).value;
          const targets = this.targets(this.visitor);
          if (!targets.includes(this.agent)) this.agent = targets[0] ?? "";
        }}>${sources.map((l) => html`<option value=${l} ?selected=${l === this.visitor}>${languageName(l)}</option>`)}</select>
      </label>
      <label>${msg("You write")}
        <select data-testid="translate-agent" .value=${this.agent} @change=${(e: Event) => (this.agent = (e.target as HTMLSelectElement).value)}>
          ${this.targets(this.visitor).map((l) => html`<option value=${l} ?selected=${l === this.agent}>${languageName(l)}</option>`)}
        </select>
      </label>
      <p class="engine" data-testid="translate-engine">${msg(str`Engine: ${this.choices.engine}`)}${via
        ? msg(str` — through ${languageName(via)}, so expect rougher results`)
        : nothing}</p>
      <div class="actions">
        <button class="btn" @click=${() => this.done()}>${msg("Cancel")}</button>
        <button class="btn primary" data-testid="translate-ok" ?disabled=${!this.agent} @click=${() => {
          void store.setTranslation(this.contact.id, { visitor: this.visitor, agent: this.agent });
          this.done();
        }}>${msg("OK")}</button>
      </div>
    </div>`;
  }

  static override styles = [
    shared,
    css`
      .box {
        position: absolute;
        right: 0;
        top: 36px;
        width: 280px;
        display: grid;
        gap: 10px;
        padding: 12px;
        background: var(--surface);
        border: 1px solid var(--border);
        border-radius: 10px;
        box-shadow: var(--shadow-lg);
        z-index: 6;
        font-size: 13px;
      }
      label {
        display: grid;
        gap: 4px;
      }
      select {
        font: inherit;
        padding: 4px 6px;
      }
      p {
        margin: 0;
      }
      .engine {
        color: var(--muted);
      }
      .actions {
        display: flex;
        gap: 8px;
        justify-content: flex-end;
      }
    `,
  ];
}
