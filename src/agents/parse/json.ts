/**
 * Tolerant JSON helpers for agent output: "the last complete JSON value", JSONL events, and
 * typed field access on unknown data.
 *
 * @module
 */

/** A JSON object. */
export type Json = Record<string, unknown>;

/** The value when it is a plain object, else null. */
export function asObject(value: unknown): Json | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? value as Json : null;
}

/** The string at `key`, else undefined. */
export function str(obj: Json | null | undefined, key: string): string | undefined {
  const v = obj?.[key];
  return typeof v === "string" ? v : undefined;
}

/** The finite number at `key`, else undefined. */
export function num(obj: Json | null | undefined, key: string): number | undefined {
  const v = obj?.[key];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** The object at `key`, else null. */
export function obj(o: Json | null | undefined, key: string): Json | null {
  return asObject(o?.[key]);
}

/** Parses text, returning undefined instead of throwing. */
export function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The JSON object one stdout line holds, or null (not JSON, or not an object: banners, warnings). */
export function lineObject(line: string): Json | null {
  return line.startsWith("{") ? asObject(tryParse(line)) : null;
}

/** Every line of `text` that parses as a JSON object, in order. */
export function jsonLines(text: string): Json[] {
  const out: Json[] = [];
  for (const raw of text.split("\n")) {
    const o = lineObject(raw.trim());
    if (o) out.push(o);
  }
  return out;
}

/**
 * The events in `text`: a whole-document array's elements, a whole-document object, or the
 * JSON-object lines (JSONL). Warnings printed before the JSON are skipped.
 */
export function jsonEvents(text: string): Json[] {
  const trimmed = text.trim();
  if (trimmed === "") return [];
  const whole = tryParse(trimmed);
  if (Array.isArray(whole)) return whole.map(asObject).filter((o): o is Json => o !== null);
  const single = asObject(whole);
  if (single) return [single];
  const lines = jsonLines(trimmed);
  if (lines.length > 0) return lines;
  // A pretty-printed object after some warning lines: parse from the first line that starts one.
  const lines2 = trimmed.split("\n");
  for (let i = 0; i < lines2.length; i++) {
    if (!(lines2[i] ?? "").startsWith("{") && !(lines2[i] ?? "").startsWith("[")) continue;
    const rest = tryParse(lines2.slice(i).join("\n"));
    if (Array.isArray(rest)) return rest.map(asObject).filter((o): o is Json => o !== null);
    const o = asObject(rest);
    if (o) return [o];
  }
  return [];
}

/** The last element matching `pred`. */
export function findLast<T>(items: readonly T[], pred: (item: T) => boolean): T | undefined {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i] as T;
    if (pred(item)) return item;
  }
  return undefined;
}
