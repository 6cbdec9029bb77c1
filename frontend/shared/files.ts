/**
 * Sending a file with progress (XMLHttpRequest: fetch cannot report upload progress) and
 * the small helpers both the console and the widget use to show files.
 */

import { msg, str } from "@lit/localize";
import { formatNumber } from "./locale";
import type { FileCard, Message } from "./protocol";

export interface UploadError {
  status: number;
  code: string;
  message: string;
}

export interface Upload {
  /** Resolves with the message carrying the file; rejects with an UploadError. */
  done: Promise<Message>;
  abort: () => void;
}

export function uploadFile(
  url: string,
  file: Blob,
  headers: Record<string, string>,
  onProgress: (fraction: number) => void,
): Upload {
  const xhr = new XMLHttpRequest();
  const done = new Promise<Message>((resolve, reject) => {
    xhr.open("POST", url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (ev) => {
      if (ev.lengthComputable) onProgress(ev.loaded / ev.total);
    };
    xhr.onload = () => {
      let body: { code?: string; message?: string } & Partial<Message> = {};
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        /* not JSON */
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as Message);
      else
        reject({
          status: xhr.status,
          code: body.code ?? `http_${xhr.status}`,
          message: body.message ?? "The file could not be sent.",
        } satisfies UploadError);
    };
    xhr.onerror = () =>
      reject({ status: 0, code: "network", message: "The connection was lost while sending." } satisfies UploadError);
    xhr.onabort = () => reject({ status: 0, code: "aborted", message: "Cancelled." } satisfies UploadError);
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}

export function uploadQuery(name: string, description: string, clientId: string): string {
  const q = new URLSearchParams({ name: name.slice(0, 255) || "file", client_id: clientId });
  if (description) q.set("description", description.slice(0, 1000));
  return q.toString();
}

/** 1536 → "1.5 kB" ("1,5 ko" in French), 10485760 → "10 MB", in the page's language. */
export function formatBytes(bytes: number): string {
  const units = ["byte", "kilobyte", "megabyte", "gigabyte"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return formatNumber(value, {
    style: "unit",
    unit: units[unit],
    unitDisplay: unit === 0 ? "long" : "short",
    maximumFractionDigits: value >= 10 || unit === 0 ? 0 : 1,
  });
}

/** A word for the kind of file, for its icon and label. */
export function fileKind(card: Pick<FileCard, "content_type" | "name">): "image" | "pdf" | "archive" | "text" | "file" {
  const t = card.content_type;
  if (t.startsWith("image/")) return "image";
  if (t === "application/pdf") return "pdf";
  if (/zip|compressed|x-tar|gzip|x-7z|rar/.test(t)) return "archive";
  if (t.startsWith("text/")) return "text";
  return "file";
}

/** The size check a client makes before sending (the server refuses beyond it anyway). */
export function tooLarge(file: Blob, limitBytes: number): string | null {
  if (file.size === 0) return msg("This file is empty.", { id: "error.file_empty" });
  if (file.size > limitBytes) {
    const size = formatBytes(file.size);
    const most = formatBytes(limitBytes);
    return msg(str`This file is ${size}; the limit is ${most}.`, { id: "files.too_large" });
  }
  return null;
}
