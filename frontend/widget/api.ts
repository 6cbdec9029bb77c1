/** The widget's HTTP calls (cross-origin, bearer token, never cookies). */

import type { ApiError } from "./types";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly error: ApiError,
  ) {
    super(error.message);
  }
}

export async function call<T>(
  base: string,
  path: string,
  options: { method?: string; body?: unknown; token?: string } = {},
): Promise<T> {
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  if (options.token) headers["Authorization"] = `Bearer ${options.token}`;
  let response: Response;
  try {
    response = await fetch(base + path, {
      method: options.method ?? (options.body === undefined ? "GET" : "POST"),
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: "omit",
      mode: "cors",
    });
  } catch {
    throw new HttpError(0, { code: "network", message: "The chat server cannot be reached." });
  }
  const text = await response.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    const err = (data ?? {}) as Partial<ApiError>;
    throw new HttpError(response.status, {
      code: err.code ?? "http_" + response.status,
      message: err.message ?? response.statusText,
      details: err.details,
    });
  }
  return data as T;
}
