import { localized, msg, str } from "@lit/localize";
import { LitElement, css, html, nothing } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { ApiError, api } from "../api";
import { languageName } from "../format";
import { translationReason } from "../labels";
import { shared } from "../styles";
import { sayError } from "../../shared/errors";
import type { OwnTranslation, TranslationSetting } from "../../shared/protocol";

/** The visible words, said when shown so they are in the agent's language. */
export const previewWords = {
  heading: (language: string): string => msg(str`${language} — what the visitor will read`),
  translating: (): string => msg("Translating…"),
  unavailable: (why: string): string => msg(str`No preview: ${why}`),
  edited: (): string => msg("Edited by you"),
  again: (): string => msg("Translate again"),
  original: (): string => msg("Send my text untranslated"),
  unknown: (words: string): string => msg(str`Not in the dictionary, sent as written: ${words}`),
};

/** Why there is no preview: the engine's reason when it gave one this page knows
 * (`translation_failed`, `details.reason`), else the sentence for the error's code. */
export function noPreview(err: unknown): string {
  const reason = err instanceof ApiError ? err.details["reason"] : undefined;
  const said = typeof reason === "string" ? translationReason(reason) : null;
  return said === null ? sayError(err) : previewWords.unavailable(said);
}

const DEBOUNCE_MS = 400;

/** What the agent chose for the draft it belongs to, announced as a ``preview-change``. */
export interface PreviewChoice {
  draft: string;
  translation: OwnTranslation;
}

/** Under the composer of a translated contact: the draft's translation, fetched as the agent
 * types (debounced), editable, or turned off to send the draft as written. Until a preview is
 * ready for the current draft nothing is chosen and the server translates as usual. */
@customElement("sp-translation-preview")
@localized()
export class TranslationPreview extends LitElement {
  @property({ type: Number }) contactId = 0;
  @property({ attribute: false }) setting!: TranslationSetting;
  @property() draft = "";
  @state() private text = "";
  @state() private unknown: string[] = [];
  @state() private edited = false;
  @state() private original = false;
  @state() private pending = false;
  /** Why the last preview failed (said in the agent's language when shown), or null. */
  @state() private problem: unknown = null;
  private shownFor = "";
  private timer: number | null = null;
  private asked = 0;

  override updated(changed: Map<string, unknown>): void {
    if (changed.has("draft") && this.draft !== this.shownFor && !this.edited) this.schedule();
    if (changed.has("draft") && !this.draft.trim()) this.reset();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.timer !== null) window.clearTimeout(this.timer);
  }

  private reset(): void {
    this.text = "";
    this.unknown = [];
    this.shownFor = "";
    this.edited = false;
    this.original = false;
    this.problem = null;
    this.announce();
  }

  private schedule(): void {
    if (this.timer !== null) window.clearTimeout(this.timer);
    if (!this.draft.trim()) return;
    this.pending = true;
    this.announce();
    this.timer = window.setTimeout(() => void this.fetch(), DEBOUNCE_MS);
  }

  private async fetch(): Promise<void> {
    const draft = this.draft;
    const ask = ++this.asked;
    try {
      const done = await api<{ text: string; unknown: string[] }>(
        "POST",
        `/api/contacts/${this.contactId}/translation/preview`,
        { text: draft },
      );
      if (ask !== this.asked) return;
      this.text = done.text;
      this.unknown = done.unknown;
      this.shownFor = draft;
      this.problem = null;
    } catch (err) {
      if (ask !== this.asked) return;
      this.text = "";
      this.unknown = [];
      this.shownFor = "";
      this.problem = err;
    }
    this.pending = false;
    this.announce();
  }

  /** The choice for the current draft, or null (the server translates it). */
  private choice(): PreviewChoice | null {
    if (this.original) return { draft: this.draft, translation: { original: true } };
    if (this.pending || !this.text.trim() || (this.shownFor !== this.draft && !this.edited)) return null;
    return { draft: this.draft, translation: { text: this.text, edited: this.edited } };
  }

  private announce(): void {
    this.dispatchEvent(new CustomEvent<PreviewChoice | null>("preview-change", { detail: this.choice() }));
  }

  private onEdit(e: InputEvent): void {
    this.text = (e.target as HTMLTextAreaElement).value;
    this.edited = true;
    this.announce();
  }

  private again(): void {
    this.edited = false;
    this.shownFor = "";
    this.schedule();
  }

  private onOriginal(e: Event): void {
    this.original = (e.target as HTMLInputElement).checked;
    this.announce();
  }

  override render() {
    if (!this.draft.trim()) return nothing;
    const language = languageName(this.setting.visitor);
    return html`<div class="box" data-testid="translation-preview" data-state=${this.pending ? "pending" : this.problem !== null ? "failed" : "ready"}>
      <div class="head">
        <span>${previewWords.heading(language)}</span>
        ${this.pending ? html`<span class="note" data-testid="preview-pending">${previewWords.translating()}</span>` : nothing}
        ${this.edited
          ? html`<span class="note">${previewWords.edited()}</span>
              <button class="link" data-testid="preview-again" @click=${() => this.again()}>${previewWords.again()}</button>`
          : nothing}
        <label class="skip"><input type="checkbox" data-testid="preview-original" .checked=${this.original}
          @change=${this.onOriginal} />${previewWords.original()}</label>
      </div>
      ${this.problem !== null
        ? html`<div class="note warn" data-testid="preview-problem">${noPreview(this.problem)}</div>`
        : html`<textarea rows="2" lang=${this.setting.visitor} data-testid="preview-text" aria-label=${previewWords.heading(language)}
            ?disabled=${this.original} .value=${this.text} @input=${this.onEdit}></textarea>
          ${this.unknown.length && !this.original
            ? html`<div class="note warn" data-testid="preview-unknown">${previewWords.unknown(this.unknown.join(", "))}</div>`
            : nothing}`}
    </div>`;
  }

  static override styles = [
    shared,
    css`
      .box {
        padding: 6px 12px 0;
        background: var(--surface);
        border-top: 1px solid var(--border);
        font-size: 12px;
      }
      .head {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        align-items: center;
        color: var(--muted);
        margin-bottom: 4px;
      }
      .skip {
        margin-left: auto;
        display: flex;
        gap: 4px;
        align-items: center;
      }
      .note.warn {
        color: var(--warn-ink, #8a5300);
        padding-bottom: 6px;
      }
      textarea + .note.warn {
        padding-top: 2px;
      }
      .link {
        font: inherit;
        background: none;
        border: 0;
        padding: 0;
        color: var(--accent, inherit);
        text-decoration: underline;
        cursor: pointer;
      }
      textarea {
        width: 100%;
        box-sizing: border-box;
        font: inherit;
        font-size: 13px;
        resize: vertical;
        border: 1px dashed var(--border-strong);
        border-radius: 8px;
        padding: 6px 10px;
        background: var(--surface-2, #f6f7fa);
      }
      textarea:disabled {
        opacity: 0.5;
      }
    `,
  ];
}
