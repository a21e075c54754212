/**
 * JSON written the way the real (Python) host writes it, so files and envelopes diff cleanly
 * against its output: `", "` and `": "` separators, optionally sorted keys, and atomic file
 * replacement for derived files (through `store/atomic_write.ts`).
 *
 * @module
 */
import { writeFileAtomic } from "../store/atomic_write.ts";

/** Options of {@link pyJson}. */
export interface PyJsonOptions {
  /** Sort object keys (Python `sort_keys=True`). @default true */
  sortKeys?: boolean;
}

/** Serializes `value` on one line like Python's `json.dumps` (`", "`, `": "`). */
export function pyJson(value: unknown, options: PyJsonOptions = {}): string {
  const sortKeys = options.sortKeys ?? true;
  const walk = (v: unknown): string => {
    if (v === null || v === undefined) return "null";
    if (Array.isArray(v)) return `[${v.map(walk).join(", ")}]`;
    if (typeof v === "object") {
      let keys = Object.keys(v as Record<string, unknown>).filter((k) =>
        (v as Record<string, unknown>)[k] !== undefined
      );
      if (sortKeys) keys = keys.sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}: ${walk((v as Record<string, unknown>)[k])}`).join(", ")}}`;
    }
    return JSON.stringify(v);
  };
  return walk(value);
}

/** Returns a deep copy of `value` with object keys sorted (for pretty `status.json`/`meta.json`). */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeysDeep((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** Pretty JSON with sorted keys and a trailing newline, like `json.dumps(indent=2, sort_keys=True)`. */
export function prettyJson(value: unknown): string {
  return `${JSON.stringify(sortKeysDeep(value), null, 2)}\n`;
}

/**
 * Replaces `path` with `text` atomically and durably (the store's one atomic write), so readers
 * never see a half-written file and a crash leaves the old version intact. The mode is the one
 * a plain write gives (0666 less the umask), as the real host's files have.
 */
export function writeAtomic(path: string, text: string): Promise<void> {
  return writeFileAtomic(path, text, { mode: 0o666 });
}
