/** The end of a conversation: the visitor's rating (once) and the transcript by e-mail
 * (once). What was done is kept on the conversation, so a page change shows it again. */

import { msg } from "@lit/localize";
import { sayVisitorError } from "../shared/errors";
import { call, HttpError } from "./api";
import type { Conversation } from "./types";

export const COMMENT_MAX = 1000;

export class Ending {
  busy: "" | "rating" | "transcript" = "";
  ratingError = "";
  transcriptError = "";

  constructor(
    private readonly base: string,
    private readonly changed: () => void,
  ) {}

  /** Forget the errors of an earlier conversation. */
  reset(): void {
    this.busy = "";
    this.ratingError = "";
    this.transcriptError = "";
  }

  async rate(conv: Conversation, score: number, comment: string): Promise<void> {
    this.busy = "rating";
    this.ratingError = "";
    this.changed();
    try {
      await call(this.base, `/api/visitor/contacts/${conv.contactId}/rating`, {
        token: conv.token,
        body: { score, comment: comment.trim().slice(0, COMMENT_MAX) },
      });
      conv.rating = score;
    } catch (err) {
      if (err instanceof HttpError && err.error.code === "already_rated") {
        const earlier = (err.error.details?.["rating"] as { score?: number } | undefined)?.score;
        conv.rating = earlier ?? score;
      } else {
        this.ratingError = sayVisitorError(err, msg("Your rating could not be sent.", { id: "w.ending.rating.failed" }));
      }
    }
    this.busy = "";
    this.changed();
  }

  async askTranscript(conv: Conversation, email: string, language: string): Promise<void> {
    this.busy = "transcript";
    this.transcriptError = "";
    this.changed();
    try {
      const answer = await call<{ to: string; state: string }>(
        this.base,
        `/api/visitor/contacts/${conv.contactId}/transcript`,
        { token: conv.token, body: { email: email.trim() || undefined, language } },
      );
      conv.transcript = { to: answer.to, state: answer.state };
    } catch (err) {
      const earlier = err instanceof HttpError ? err.error.details?.["transcript"] : undefined;
      if (err instanceof HttpError && err.error.code === "transcript_already_requested" && earlier) {
        const t = earlier as { to: string; state: string };
        conv.transcript = { to: t.to, state: t.state };
      } else {
        this.transcriptError = sayVisitorError(
          err,
          msg("The transcript could not be requested.", { id: "w.ending.transcript.failed" }),
        );
      }
    }
    this.busy = "";
    this.changed();
  }

  /** A `contact.rated` or `transcript.*` event (another tab, or the service's own request). */
  onEvent(conv: Conversation, kind: string, data: Record<string, unknown>): void {
    if (kind === "contact.rated") {
      const rating = data["rating"] as { score?: number } | undefined;
      conv.rating = rating?.score ?? conv.rating ?? null;
      return;
    }
    const t = data["transcript"] as { to?: string; state?: string } | undefined;
    if (t?.to && t.state) conv.transcript = { to: t.to, state: t.state };
  }
}
