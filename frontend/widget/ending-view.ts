/** The end screen: rate the conversation, ask for its transcript by e-mail, start again. */

import { msg, str } from "@lit/localize";
import { html, nothing, type TemplateResult } from "lit";
import { COMMENT_MAX } from "./ending";
import { getLocale } from "./language";
import type { WidgetSession } from "./session";
import type { Conversation } from "./types";

const SCORES = [1, 2, 3, 4, 5] as const;

function scoreLabel(score: number): string {
  switch (score) {
    case 1:
      return msg("1 of 5: very poor", { id: "w.ending.score.1" });
    case 2:
      return msg("2 of 5: poor", { id: "w.ending.score.2" });
    case 3:
      return msg("3 of 5: fair", { id: "w.ending.score.3" });
    case 4:
      return msg("4 of 5: good", { id: "w.ending.score.4" });
    default:
      return msg("5 of 5: excellent", { id: "w.ending.score.5" });
  }
}

function renderRating(s: WidgetSession, conv: Conversation): TemplateResult {
  if (conv.rating) {
    return html`<p class="ending-done" data-test="rated" role="status">
      ${msg("Thank you for your rating.", { id: "w.ending.rated" })}
      <span class="stars" aria-hidden="true">${"★".repeat(conv.rating)}${"☆".repeat(5 - conv.rating)}</span>
    </p>`;
  }
  const submit = (e: Event): void => {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const score = Number(data.get("score"));
    if (score >= 1 && score <= 5) void s.ending.rate(conv, score, String(data.get("comment") ?? ""));
  };
  return html`<form class="rating" data-test="rating" @submit=${submit}>
    <fieldset>
      <legend>${msg("How was this conversation?", { id: "w.ending.rating.question" })}</legend>
      <div class="stars-input">
        ${SCORES.map(
          (n) => html`<input type="radio" name="score" value=${n} id="sportello-score-${n}" required
              aria-label=${scoreLabel(n)} data-test="score-${n}" /><label for="sportello-score-${n}" title=${scoreLabel(n)}
              aria-hidden="true">★</label>`,
        )}
      </div>
    </fieldset>
    <label class="small muted" for="sportello-rating-comment">${msg("Comment (optional)", { id: "w.ending.comment" })}</label>
    <textarea id="sportello-rating-comment" name="comment" rows="2" maxlength=${COMMENT_MAX} data-test="rating-comment"></textarea>
    ${s.ending.ratingError ? html`<p class="error" role="alert">${s.ending.ratingError}</p>` : nothing}
    <button class="secondary" type="submit" data-test="send-rating" ?disabled=${s.ending.busy === "rating"}>
      ${msg("Send rating", { id: "w.ending.rating.send" })}
    </button>
  </form>`;
}

function renderTranscript(s: WidgetSession, conv: Conversation): TemplateResult {
  const t = conv.transcript;
  if (t) {
    const to = t.to;
    return html`<p class="ending-done" data-test="transcript-asked" role="status">
      ${t.state === "sent"
        ? msg(str`The transcript was sent to ${to}.`, { id: "w.ending.transcript.sent" })
        : t.state === "failed"
          ? msg(str`The transcript could not be sent to ${to}.`, { id: "w.ending.transcript.undelivered" })
          : msg(str`The transcript will be sent to ${to}.`, { id: "w.ending.transcript.pending" })}
    </p>`;
  }
  const submit = (e: Event): void => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    if (!form.reportValidity()) return;
    const email = String(new FormData(form).get("email") ?? "");
    s.prefs.email = email;
    void s.ending.askTranscript(conv, email, getLocale());
  };
  return html`<form class="transcript-ask" data-test="transcript-form" @submit=${submit}>
    <label class="small muted" for="sportello-transcript-email">
      ${msg("E-mail me the transcript", { id: "w.ending.transcript.label" })}
    </label>
    <div class="row">
      <input id="sportello-transcript-email" name="email" type="email" required maxlength="200" autocomplete="email"
        placeholder=${msg("your@email.com", { id: "w.ending.transcript.placeholder" })}
        .value=${s.prefs.email ?? ""} data-test="transcript-email" />
      <button class="secondary" type="submit" data-test="send-transcript" ?disabled=${s.ending.busy === "transcript"}>
        ${msg("Send", { id: "w.ending.transcript.send" })}
      </button>
    </div>
    ${s.ending.transcriptError ? html`<p class="error" role="alert">${s.ending.transcriptError}</p>` : nothing}
  </form>`;
}

export function renderEnding(s: WidgetSession, conv: Conversation): TemplateResult {
  const reachable = conv.state === "closed" && !conv.endReason;
  return html`<div class="ended ending" data-test="ended">
    <strong>${msg("The conversation has ended", { id: "w.ended.title" })}</strong>
    ${reachable ? renderRating(s, conv) : nothing}
    ${reachable ? renderTranscript(s, conv) : nothing}
    <button class="primary" data-test="new-chat" @click=${() => s.startAgain()}>
      ${msg("Start a new conversation", { id: "w.ended.new" })}
    </button>
  </div>`;
}
