/**
 * The visitor's files: the one being attached (with its progress and any refusal), sending
 * it, and reading files back. Files are fetched with the visitor token (an <img src> cannot
 * carry it) and shown from blob URLs kept for the life of the page.
 */

import { msg } from "@lit/localize";
import { tooLarge, uploadFile, uploadQuery, type Upload, type UploadError } from "../shared/files";
import type { FileCard, Limits, Message } from "../shared/protocol";
import { randomId } from "./storage";
import { sayVisitorError } from "../shared/errors";

export interface Attachment {
  file: File;
  /** 0..1 while sending, null before. */
  progress: number | null;
  error: string;
}

const DEFAULT_LIMITS: Limits = { message_chars: 10_000, upload_bytes: 10 * 1024 * 1024, upload_text: "" };

export class Attachments {
  current: Attachment | null = null;
  limits: Limits = DEFAULT_LIMITS;
  private upload: Upload | null = null;
  private clientId = "";
  private readonly urls = new Map<string, string>();
  private readonly loading = new Set<string>();
  private readonly failed = new Set<string>();

  constructor(
    private readonly base: string,
    private readonly changed: () => void,
  ) {}

  attach(file: File): void {
    this.upload?.abort();
    this.clientId = randomId();
    this.current = { file, progress: null, error: tooLarge(file, this.limits.upload_bytes) ?? "" };
    this.changed();
  }

  clear(): void {
    this.upload?.abort();
    this.upload = null;
    this.current = null;
    this.changed();
  }

  /** Send the attached file with an optional description; resolves with its message. */
  async send(token: string, description: string): Promise<Message | null> {
    const current = this.current;
    if (!current || current.error || current.progress !== null) return null;
    current.progress = 0;
    this.changed();
    const url = `${this.base}/api/visitor/contact/files?${uploadQuery(current.file.name, description, this.clientId)}`;
    this.upload = uploadFile(url, current.file, { Authorization: `Bearer ${token}` }, (f) => {
      current.progress = f;
      this.changed();
    });
    try {
      const message = await this.upload.done;
      if (this.current === current) this.current = null;
      return message;
    } catch (err) {
      const e = err as UploadError;
      current.progress = null;
      current.error = e.code === "aborted" ? "" : sayVisitorError(e, msg("The file could not be sent.", { id: "w.file.not_sent" }));
      return null;
    } finally {
      this.upload = null;
      this.changed();
    }
  }

  /** A blob URL for the file or its thumbnail, once fetched (null meanwhile). */
  url(token: string, card: FileCard, thumbnail: boolean): string | null {
    const path = `/api/visitor/files/${encodeURIComponent(card.id)}${thumbnail ? "/thumbnail" : ""}`;
    const known = this.urls.get(path);
    if (known) return known;
    if (!this.loading.has(path) && !this.failed.has(path)) {
      this.loading.add(path);
      void this.fetchBlob(token, path).then((blob) => {
        if (blob) this.urls.set(path, URL.createObjectURL(blob));
        else this.failed.add(path);
        this.changed();
      });
    }
    return null;
  }

  /** Save the file the way a download link would. */
  async download(token: string, card: FileCard): Promise<void> {
    const blob = await this.fetchBlob(token, `/api/visitor/files/${encodeURIComponent(card.id)}`);
    if (!blob) return;
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = card.name;
    link.rel = "noopener";
    document.body.appendChild(link);
    link.click();
    link.remove();
    window.setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
  }

  private async fetchBlob(token: string, path: string): Promise<Blob | null> {
    try {
      const response = await fetch(this.base + path, {
        headers: { Authorization: `Bearer ${token}` },
        credentials: "omit",
        mode: "cors",
      });
      return response.ok ? await response.blob() : null;
    } catch {
      return null;
    } finally {
      this.loading.delete(path);
    }
  }
}
