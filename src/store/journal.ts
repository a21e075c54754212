import { sha256Hex } from "../core/hex.ts";
/**
 * The run state journal: one checksummed JSON line per change of the run state, appended to
 * `<state file>.journal` between two snapshots (see `run_state.ts` for when a snapshot is
 * written). Pure functions over text and plain data; `run_state.ts` does the I/O.
 *
 * A line is `{"change":<body>,"checksum":"sha256:<hex>"}` where the checksum is the SHA-256 of
 * the body's exact bytes, so a line is verified without re-serialising it. The body says which
 * snapshot it continues (`base`, the snapshot's `seq`), its own `seq` (base + 1, + 2, ...), and
 * what changed: top-level keys set or removed, and per WP only the fields that changed (a WP
 * entry is where a run's bytes are; rewriting it whole on every phase change is what made the
 * old whole-file save O(N²) over a mission).
 *
 * @module
 */

/** Format version of a journal line (`journal` in the body). */
export const JOURNAL_VERSION = 1;

/** Top-level keys whose change alone is not worth a write: they change on every save. */
const BOOKKEEPING = new Set(["seq", "updated_at", "written_by", "schema_version"]);

/** What is on disk, as JSON texts per top-level key and per WP field. */
export interface WrittenImage {
  top: Map<string, string>;
  wps: Map<string, Map<string, string>>;
}

/** One change, as parsed from a line. */
export interface JournalChange {
  journal: number;
  base: number;
  seq: number;
  set?: Record<string, unknown>;
  unset?: string[];
  wps?: Record<string, Record<string, unknown>>;
  wp_unset?: Record<string, string[]>;
  drop_wps?: string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The image of a state document just written whole (a snapshot). */
export function imageOf(doc: Record<string, unknown>): WrittenImage {
  const top = new Map<string, string>();
  const wps = new Map<string, Map<string, string>>();
  for (const [key, value] of Object.entries(doc)) {
    if (key === "checksum" || value === undefined) continue;
    if (key === "wps" && isRecord(value)) {
      for (const [id, entry] of Object.entries(value)) wps.set(id, fieldsOf(entry));
    } else top.set(key, JSON.stringify(value));
  }
  return { top, wps };
}

function fieldsOf(entry: unknown): Map<string, string> {
  const fields = new Map<string, string>();
  if (isRecord(entry)) {
    for (const [field, value] of Object.entries(entry)) {
      if (value !== undefined) fields.set(field, JSON.stringify(value));
    }
  }
  return fields;
}

/**
 * The body of a change line and the image once it is written; `body` is null (and `image` the
 * old one) when nothing but bookkeeping changed.
 */
export interface Diff {
  body: string | null;
  image: WrittenImage;
}

/**
 * What changed in `doc` since `image`, as the text of a change body continuing snapshot `base`
 * with `seq`. Values are serialised once and the texts reused for the next diff.
 */
export function diffDocument(image: WrittenImage, doc: Record<string, unknown>, base: number, seq: number): Diff {
  const top = new Map<string, string>();
  const set: string[] = [];
  const unset: string[] = [];
  let meaningful = false;
  for (const [key, value] of Object.entries(doc)) {
    if (key === "checksum" || key === "wps" || value === undefined) continue;
    const text = JSON.stringify(value);
    top.set(key, text);
    if (image.top.get(key) !== text) {
      set.push(`${JSON.stringify(key)}:${text}`);
      if (!BOOKKEEPING.has(key)) meaningful = true;
    }
  }
  for (const key of image.top.keys()) {
    if (!top.has(key)) {
      unset.push(JSON.stringify(key));
      meaningful = true;
    }
  }
  const wps = new Map<string, Map<string, string>>();
  const wpSet: string[] = [];
  const wpUnset: string[] = [];
  const rawWps = isRecord(doc.wps) ? doc.wps : {};
  for (const [id, entry] of Object.entries(rawWps)) {
    const fields = new Map<string, string>();
    const before = image.wps.get(id);
    const changed: string[] = [];
    const removed: string[] = [];
    if (isRecord(entry)) {
      for (const [field, value] of Object.entries(entry)) {
        if (value === undefined) continue;
        const text = JSON.stringify(value);
        fields.set(field, text);
        if (before?.get(field) !== text) changed.push(`${JSON.stringify(field)}:${text}`);
      }
    }
    for (const field of before?.keys() ?? []) if (!fields.has(field)) removed.push(JSON.stringify(field));
    wps.set(id, fields);
    if (changed.length > 0 || before === undefined) wpSet.push(`${JSON.stringify(id)}:{${changed.join(",")}}`);
    if (removed.length > 0) wpUnset.push(`${JSON.stringify(id)}:[${removed.join(",")}]`);
  }
  const dropped = [...image.wps.keys()].filter((id) => !wps.has(id)).map((id) => JSON.stringify(id));
  if (wpSet.length > 0 || wpUnset.length > 0 || dropped.length > 0) meaningful = true;
  // Nothing worth a write: the disk keeps the old image.
  if (!meaningful) return { body: null, image };
  const next = { top, wps };
  const parts = [`"journal":${JOURNAL_VERSION}`, `"base":${base}`, `"seq":${seq}`, `"set":{${set.join(",")}}`];
  if (unset.length > 0) parts.push(`"unset":[${unset.join(",")}]`);
  if (wpSet.length > 0) parts.push(`"wps":{${wpSet.join(",")}}`);
  if (wpUnset.length > 0) parts.push(`"wp_unset":{${wpUnset.join(",")}}`);
  if (dropped.length > 0) parts.push(`"drop_wps":[${dropped.join(",")}]`);
  return { body: `{${parts.join(",")}}`, image: next };
}

const LINE_HEAD = '{"change":';
const SUM_MARK = ',"checksum":"sha256:';

/** The journal line (with its newline) of a change body. */
export async function encodeLine(body: string): Promise<string> {
  return `${LINE_HEAD}${body}${SUM_MARK}${await sha256Hex(body)}"}\n`;
}

/** Why a line was not applied. */
export type LineProblem = "torn" | "damaged" | "gap";

/** What {@link readJournal} found. */
export interface JournalRead {
  /** Changes that continue the snapshot, in order. */
  changes: JournalChange[];
  /** Lines that belong to an older snapshot (a crash between a snapshot and the journal's reset). */
  stale: number;
  /** The first line that could not be applied (nothing after it is applied), or null. */
  problem: { kind: LineProblem; line: number; detail: string } | null;
}

/** Verifies and parses one line (without its newline); null when it is not a good line. */
export async function parseLine(line: string): Promise<JournalChange | null> {
  if (!line.startsWith(LINE_HEAD) || !line.endsWith('"}')) return null;
  const at = line.lastIndexOf(SUM_MARK);
  if (at < LINE_HEAD.length) return null;
  const body = line.slice(LINE_HEAD.length, at);
  const sum = line.slice(at + SUM_MARK.length, -2);
  if (sum !== await sha256Hex(body)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  if (!isRecord(parsed) || !Number.isInteger(parsed.base) || !Number.isInteger(parsed.seq)) return null;
  if (!Number.isInteger(parsed.journal)) return null;
  return parsed as unknown as JournalChange;
}

/**
 * Reads a journal that continues the snapshot whose `seq` is `base`. A last line without its
 * newline or checksum is `torn` (a crash mid-append); a bad line before the end is `damaged`; a
 * line that does not follow the previous one is a `gap`. Nothing after a problem is applied.
 */
export async function readJournal(text: string, base: number): Promise<JournalRead> {
  const changes: JournalChange[] = [];
  let stale = 0;
  const lines = text.split("\n");
  const complete = text.endsWith("\n") ? lines.length - 1 : lines.length;
  let expected = base + 1;
  for (let i = 0; i < complete; i++) {
    const raw = lines[i] ?? "";
    const last = i === complete - 1;
    const change = await parseLine(raw);
    if (change === null || change.journal > JOURNAL_VERSION) {
      const unterminated = last && !text.endsWith("\n");
      const kind: LineProblem = unterminated || last ? "torn" : "damaged";
      const detail = change === null
        ? (unterminated ? "it ends without a newline" : "its checksum or JSON is bad")
        : `it was written by a newer journal format (v${change.journal})`;
      return { changes, stale, problem: { kind, line: i + 1, detail } };
    }
    if (change.base < base) {
      stale++;
      continue;
    }
    if (change.base !== base || change.seq !== expected) {
      return {
        changes,
        stale,
        problem: {
          kind: "gap",
          line: i + 1,
          detail: `it continues snapshot seq ${change.base} at seq ${change.seq}, expected snapshot seq ${base} ` +
            `at seq ${expected}`,
        },
      };
    }
    changes.push(change);
    expected++;
  }
  return { changes, stale, problem: null };
}

/** Applies changes to a raw state document (as parsed from the snapshot), in place. */
export function applyChanges(doc: Record<string, unknown>, changes: readonly JournalChange[]): void {
  for (const change of changes) {
    for (const [key, value] of Object.entries(change.set ?? {})) doc[key] = value;
    for (const key of change.unset ?? []) delete doc[key];
    const wps = isRecord(doc.wps) ? doc.wps : (doc.wps = {}) as Record<string, unknown>;
    for (const [id, fields] of Object.entries(change.wps ?? {})) {
      const entry = isRecord(wps[id]) ? wps[id] as Record<string, unknown> : (wps[id] = {}) as Record<string, unknown>;
      for (const [field, value] of Object.entries(fields)) entry[field] = value;
    }
    for (const [id, fields] of Object.entries(change.wp_unset ?? {})) {
      const entry = wps[id];
      if (isRecord(entry)) { for (const field of fields) delete entry[field]; }
    }
    for (const id of change.drop_wps ?? []) delete wps[id];
  }
}
