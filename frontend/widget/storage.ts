/** localStorage that never throws (private mode, disabled storage) and falls back to memory. */

const memory = new Map<string, string>();

function store(): Storage | null {
  try {
    const s = window.localStorage;
    const probe = "sportello:probe";
    s.setItem(probe, "1");
    s.removeItem(probe);
    return s;
  } catch {
    return null;
  }
}

const backend = store();

export function load<T>(key: string): T | null {
  try {
    const raw = backend ? backend.getItem(key) : (memory.get(key) ?? null);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

export function save(key: string, value: unknown): void {
  const raw = JSON.stringify(value);
  try {
    if (backend) backend.setItem(key, raw);
    else memory.set(key, raw);
  } catch {
    memory.set(key, raw);
  }
}

export function remove(key: string): void {
  try {
    backend?.removeItem(key);
  } catch {
    /* ignore */
  }
  memory.delete(key);
}

export function randomId(bytes = 16): string {
  const buf = new Uint8Array(bytes);
  crypto.getRandomValues(buf);
  return Array.from(buf, (b) => b.toString(16).padStart(2, "0")).join("");
}
