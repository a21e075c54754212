/**
 * Validation, checksum and (de)serialisation of the run state file (schema v1, see
 * `state_types.ts`). Pure functions over text and plain data; `store/run_state.ts` does the I/O.
 *
 * The file carries `schema_version`, `seq` and a `checksum` (SHA-256 of the canonical JSON of
 * everything but the checksum), so truncation, bit flips and hand edits are detected instead of
 * being silently accepted. Unknown top-level keys (from a newer minor writer) go to `extra` and
 * are written back; unknown keys inside WP entries, attempts and running entries are kept on
 * those objects and written back too.
 *
 * @module
 */
import { z } from "zod";
import { FAILURE_CLASSES, type FailureClass } from "../domain/agent.ts";
import { type RunState, STATE_SCHEMA_VERSION } from "../domain/run_state.ts";
import { sha256Hex } from "../core/hex.ts";

export { STATE_SCHEMA_VERSION };

const isoTime = z.string().min(1);
const role = z.enum(["implement", "review"]);
const tokens = z.object({ input: z.number(), output: z.number() }).nullable();

const attemptSchema = z.looseObject({
  n: z.number().int().positive(),
  role,
  agent: z.string(),
  started_at: isoTime,
  duration_ms: z.number().nullable(),
  result: z.enum(["ok", "interrupted", ...FAILURE_CLASSES]),
  exit_code: z.number().int().nullable(),
  signal: z.string().nullable(),
  cost_usd: z.number().nullable(),
  tokens,
  log_path: z.string(),
  message: z.string().nullable(),
  verdict: z.enum(["approved", "changes_requested"]).nullable(),
});

const stopCauseSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("agent_config"),
    role,
    agent: z.string(),
    failure_class: z.enum(["auth", "model_not_found", "config"]),
    message: z.string(),
  }),
  z.object({
    kind: z.literal("agent_transient"),
    role,
    agent: z.string(),
    failure_class: z.enum(["rate_limit", "overloaded"]),
    message: z.string(),
  }),
  z.object({
    kind: z.literal("wrong_branch"),
    workspace: z.string(),
    branch: z.string().nullable(),
    message: z.string(),
  }),
  z.object({ kind: z.literal("lane_allocation"), workspace: z.string().nullable(), message: z.string() }),
  z.object({
    kind: z.literal("budget"),
    limit: z.enum(["per_wp_usd", "per_wp_minutes", "per_run_usd"]),
    value: z.number(),
    spent: z.number(),
    message: z.string(),
  }),
]);

const wpSchema = z.looseObject({
  wp_id: z.string().min(1),
  pipeline: z.string(),
  phase: z.enum(["pending", "implementing", "awaiting_review", "reviewing", "rework", "finished"]),
  outcome: z.object({
    kind: z.enum(["done", "approved", "blocked", "failed", "skipped"]),
    reason: z.string(),
    at: isoTime,
  }).nullable(),
  implement_agent_index: z.number().int().nonnegative(),
  review_agent_index: z.number().int().nonnegative(),
  implement_failures: z.number().int().nonnegative(),
  review_failures: z.number().int().nonnegative(),
  // Added within v1 (additive): files written before them read as 0.
  implement_wait_ms: z.number().nonnegative().default(0),
  review_wait_ms: z.number().nonnegative().default(0),
  attempts: z.array(attemptSchema),
  review_cycles: z.number().int().nonnegative(),
  review_feedback: z.string().nullable(),
  review_ref: z.string().nullable(),
  implementation_base: z.string().nullable(),
  workspace_path: z.string().nullable(),
  prompt_path: z.string().nullable(),
  lane_id: z.string().nullable(),
  lane_branch: z.string().nullable(),
  last_error: z.string().nullable(),
  cost_usd: z.number(),
  // Added within v1 (additive): files written before it read as null.
  stop_cause: stopCauseSchema.nullable().default(null),
  review_votes: z.array(z.object({
    reviewer: z.string(),
    verdict: z.enum(["approved", "changes_requested"]).nullable(),
  })).optional(),
});

const runningSchema = z.looseObject({
  wp_id: z.string(),
  role,
  attempt: z.number().int(),
  agent: z.string(),
  pid: z.number().int().positive(),
  pgid: z.number().int().positive(),
  proc_start_time: z.string().nullable(),
  boot_id: z.string().nullable(),
  started_at: isoTime,
  log_path: z.string(),
});

/** The known top-level fields of RunState v1 (everything but `extra`). */
export const runStateSchema: z.ZodType<Omit<RunState, "extra">> = z.object({
  schema_version: z.number().int(),
  written_by: z.string(),
  seq: z.number().int().nonnegative(),
  run_id: z.string().min(1),
  mission: z.string().min(1),
  actor: z.string().min(1),
  started_at: isoTime,
  updated_at: isoTime,
  status: z.enum(["running", "finished", "interrupted", "aborted", "failed"]),
  resume_count: z.number().int().nonnegative(),
  flags: z.object({
    impl_agent: z.string().nullable(),
    review_agent: z.string().nullable(),
    max_concurrent: z.number().int().positive().nullable(),
    pipeline: z.string().nullable(),
    host: z.string().nullable(),
    config: z.string().nullable(),
  }),
  policy: z.object({
    orchestrator_id: z.string(),
    orchestrator_version: z.string(),
    agent_family: z.string(),
    approval_mode: z.string(),
    sandbox_mode: z.string(),
    network_mode: z.string(),
    dangerous_flags: z.array(z.string()),
    tool_restrictions: z.string().nullable(),
  }),
  wps: z.record(z.string(), wpSchema),
  running: z.array(runningSchema),
  created: z.object({ worktrees: z.array(z.string()), branches: z.array(z.string()) }),
  cooldowns: z.array(z.looseObject({
    family: z.string(),
    agent: z.string(),
    reason: z.enum(FAILURE_CLASSES as [FailureClass, ...FailureClass[]]),
    until: isoTime,
  })).optional(),
  host_era: z.string().nullable().optional(),
});

/** Top-level keys in the order they are written. */
const KNOWN_KEYS = [
  "schema_version",
  "written_by",
  "seq",
  "run_id",
  "mission",
  "actor",
  "started_at",
  "updated_at",
  "status",
  "resume_count",
  "flags",
  "policy",
  "wps",
  "running",
  "created",
  "cooldowns",
  "host_era",
] as const;
const RESERVED = new Set<string>([...KNOWN_KEYS, "checksum", "extra"]);

/** A migration from schema version N (the key) to N+1, over the raw parsed document. */
export type Migration = (doc: Record<string, unknown>) => Record<string, unknown>;

/** Migrations by source version. None yet: v1 is the first schema. */
export const migrations: Record<number, Migration> = {};

/** Why a state text was rejected. `newer` is not corruption: the file is valid but not ours to read. */
export type StateDecodeFailure =
  | { ok: false; kind: "empty"; detail: string }
  | { ok: false; kind: "json"; detail: string }
  | { ok: false; kind: "checksum"; detail: string }
  | { ok: false; kind: "schema"; detail: string }
  | { ok: false; kind: "newer"; detail: string; version: number };

/** Result of {@link decodeState}. */
export type StateDecodeResult =
  | { ok: true; state: RunState; migratedFrom: number | null }
  | StateDecodeFailure;

/** Options of {@link decodeState} (tests inject migrations and versions). */
export interface DecodeOptions {
  migrations?: Record<number, Migration>;
  currentVersion?: number;
}

/**
 * JSON with object keys sorted recursively and no whitespace: the byte string the checksum is
 * computed over, so formatting and key order never matter.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(JSON.parse(JSON.stringify(value) ?? "null")));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** `sha256:<hex>` of the canonical JSON of `doc` without its `checksum` key. */
export async function stateChecksum(doc: Record<string, unknown>): Promise<string> {
  const { checksum: _ignored, ...body } = doc;
  return "sha256:" + await sha256Hex(canonicalJson(body));
}

/**
 * The document a state is written as: known keys in order, then `extra` keys flattened, no
 * checksum. Shares the state's objects (not a copy): serialise it before the next await.
 */
export function stateDocument(state: RunState): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  for (const key of KNOWN_KEYS) doc[key] = state[key];
  for (const [key, value] of Object.entries(state.extra ?? {})) {
    if (!RESERVED.has(key)) doc[key] = value;
  }
  return doc;
}

/** Serialises a state document (see {@link stateDocument}) with its checksum, as the file holds it. */
export async function encodeStateDocument(doc: Record<string, unknown>): Promise<string> {
  // Deep copy before the first await: the engine may mutate the live state while we hash.
  const { checksum: _old, ...body } = doc;
  const snapshot = JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
  snapshot.checksum = await stateChecksum(snapshot);
  return JSON.stringify(snapshot, null, 2) + "\n";
}

/** Serialises a state: known keys in order, then `extra` keys flattened, then the checksum. */
export function encodeState(state: RunState): Promise<string> {
  return encodeStateDocument(stateDocument(state));
}

/**
 * Parses and verifies a state file's text: JSON, version, checksum, migrations, schema.
 * Never throws; the failure says what is wrong in words a user can act on.
 */
export async function decodeState(text: string, opts: DecodeOptions = {}): Promise<StateDecodeResult> {
  const current = opts.currentVersion ?? STATE_SCHEMA_VERSION;
  if (text.trim() === "") {
    return { ok: false, kind: "empty", detail: `the file is empty (${byteLength(text)} bytes)` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, kind: "json", detail: describeJsonError(text, error) };
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    return { ok: false, kind: "schema", detail: "the top level must be a JSON object" };
  }
  let doc = raw as Record<string, unknown>;
  const version = doc.schema_version;
  if (typeof version !== "number" || !Number.isInteger(version) || version < 0) {
    return {
      ok: false,
      kind: "schema",
      detail: `'schema_version' must be an integer: current value is ${show(version)}`,
    };
  }
  if (version > current) {
    return {
      ok: false,
      kind: "newer",
      version,
      detail: `it was written by a newer orchestrator (schema v${version}; this one reads up to v${current})`,
    };
  }
  if (typeof doc.checksum !== "string") {
    return { ok: false, kind: "checksum", detail: "the 'checksum' field is missing" };
  }
  const expected = await stateChecksum(doc);
  if (expected !== doc.checksum) {
    return { ok: false, kind: "checksum", detail: "the checksum does not match the content (damaged or hand-edited)" };
  }
  const table = opts.migrations ?? migrations;
  for (let v = version; v < current; v++) {
    const migrate = table[v];
    if (migrate === undefined) {
      return { ok: false, kind: "schema", detail: `no migration exists from schema v${v} to v${v + 1}` };
    }
    doc = { ...migrate(doc), schema_version: v + 1 };
  }
  const known: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) {
    if (key === "checksum") continue;
    if (RESERVED.has(key)) known[key] = value;
    else extra[key] = value;
  }
  const parsed = runStateSchema.safeParse(known);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join(".") : "(top level)";
    return { ok: false, kind: "schema", detail: `field '${where}' is invalid: ${issue?.message ?? "unknown problem"}` };
  }
  const state: RunState = { ...parsed.data };
  if (Object.keys(extra).length > 0) state.extra = extra;
  return { ok: true, state, migratedFrom: version < current ? version : null };
}

/**
 * Says where JSON breaks. A text that ends inside a string or an open object/array is reported
 * as truncated at its length (decided by scanning, not by reading the engine's message).
 */
function describeJsonError(text: string, error: unknown): string {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (const ch of text) {
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === "\\") escaped = true;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "{" || ch === "[") depth++;
    else if (ch === "}" || ch === "]") depth--;
  }
  if (inString || depth > 0) return `truncated JSON at byte ${byteLength(text)}`;
  return `invalid JSON: ${error instanceof Error ? error.message : String(error)}`;
}

function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}

function show(value: unknown): string {
  return value === undefined ? "missing" : JSON.stringify(value);
}
