// HTTP calls to the server. Errors carry the server's {code, message, details}.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }
}

/** Seconds to add to Date.now()/1000 to get the server's clock, from the Date header. */
export let httpClockSample: number | null = null;

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  const raw = body instanceof Blob; // a file, sent as the body itself
  try {
    response = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: body === undefined || raw ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "network", "The server cannot be reached. Check your connection.");
  }
  const date = response.headers.get("Date");
  if (date) {
    const parsed = Date.parse(date);
    if (!Number.isNaN(parsed)) httpClockSample = parsed / 1000 + 0.5 - Date.now() / 1000;
  }
  if (response.status === 204) return undefined as T;
  let data: unknown = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const err = (data ?? {}) as { code?: string; message?: string; details?: Record<string, unknown> };
    const retry = response.headers.get("Retry-After");
    throw new ApiError(
      response.status,
      err.code ?? "http_" + response.status,
      err.message ?? response.statusText,
      err.details ?? {},
      retry ? Number(retry) : null,
    );
  }
  return data as T;
}
