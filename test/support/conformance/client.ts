/**
 * The conformance suite's client: raw `orchestrator-api` calls with envelope-frame checks, and
 * the small workflows (commit in a lane, fast-track a WP) the lifecycle is built from.
 *
 * @module
 */
import { join } from "node:path";
import { assert, assertEquals, assertMatch } from "../assert.ts";
import { gitIn } from "./fixture.ts";
import { callHost, type HostUnderTest } from "./hosts.ts";
import { LANE_ALLOCATION_FIELD } from "../../../src/domain/host.ts";

/** The policy of the transcripts. */
export const POLICY = JSON.stringify({
  orchestrator_id: "demo-orch",
  orchestrator_version: "0.1.0",
  agent_family: "claude",
  approval_mode: "full_auto",
  sandbox_mode: "workspace_write",
  network_mode: "none",
  dangerous_flags: [],
});
/** The envelope keys, in wire order. */
export const ENVELOPE_KEYS = [
  "contract_version",
  "command",
  "timestamp",
  "correlation_id",
  "success",
  "error_code",
  "data",
];
/** The identity block of the transcript mission. */
export const IDENTITY = { mission_slug: "001-demo", mission_number: 1, mission_type: "software-dev" };
/** `--mission 001-demo`. */
export const M = ["--mission", "001-demo"];

/** An envelope `data` object. */
export type Data = Record<string, unknown>;

/**
 * What one era's host is asked and answers, as far as the suite checks it: the mission flag its
 * commands take and the envelope frame {@link api} asserts on every answer.
 */
export interface Dialect {
  /** `contract_version` of every envelope. */
  contract: string;
  /** `--mission` or, on the feature era, `--feature`. */
  missionFlag: "--mission" | "--feature";
  /** The envelope keys in wire order; null where the era's recordings do not pin them. */
  keys: readonly string[] | null;
  /** The `timestamp` format; null where the era's recordings do not pin it. */
  timestamp: RegExp | null;
  /** A failure's `data` carries a `message` string (before 1.3 it is dropped next to structured fields). */
  errorMessage: boolean;
}

/** Contract 1.3, the transcripts' dialect. */
export const DIALECT_1_3: Dialect = {
  contract: "1.3.0",
  missionFlag: "--mission",
  keys: ENVELOPE_KEYS,
  timestamp: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/,
  errorMessage: true,
};

/** The host and project one suite run drives. */
export interface Session {
  host: HostUnderTest;
  repo: string;
  /** How the host speaks. @default DIALECT_1_3 */
  dialect?: Dialect;
}

/**
 * `contract-version` as spec-kitty answers it. The built-in host's one extension of that answer
 * (`lane_allocation: "serialized"`, see `LANE_ALLOCATION_FIELD`) is checked and taken out, so one
 * expectation holds for both hosts.
 */
export async function contractVersion(s: Session): Promise<Data> {
  const data = await api(s, "contract-version", []);
  if (!s.host.builtin) return data;
  const { [LANE_ALLOCATION_FIELD]: allocation, ...spoken } = data;
  assertEquals(allocation, "serialized", "the built-in host says it serialises lane allocation");
  return spoken;
}

/** Calls `orchestrator-api <sub> <flags>` and checks the envelope frame of the session's dialect. */
export async function api(
  s: Session,
  sub: string,
  flags: string[],
  expect: { code?: string; exit?: number } = {},
): Promise<Data> {
  const dialect = s.dialect ?? DIALECT_1_3;
  const result = await callHost(s.host, s.repo, ["orchestrator-api", sub, ...flags]);
  const env = result.json;
  assert(env !== null, `${sub}: no envelope (exit ${result.code}); stderr: ${result.stderr.slice(-400)}`);
  if (dialect.keys !== null) assertEquals(Object.keys(env), dialect.keys, `${sub}: envelope keys`);
  assertEquals(env.contract_version, dialect.contract, `${sub}: contract_version`);
  if (dialect.timestamp !== null) assertMatch(String(env.timestamp), dialect.timestamp);
  assertMatch(String(env.correlation_id), /^corr-[0-9a-f]{32}$/);
  const code = expect.code ?? null;
  assertEquals(env.error_code, code, `${sub} ${flags.join(" ")}: ${JSON.stringify(env.data)}`);
  assertEquals(env.success, code === null);
  const exit = expect.exit ?? (code === null ? 0 : 1);
  assertEquals(result.code, exit, `${sub}: exit code`);
  assertEquals(env.command, `orchestrator-api.${exit === 2 ? "unknown" : sub}`);
  const data = env.data as Data;
  if (code !== null && dialect.errorMessage) assertEquals(typeof data.message, "string");
  return data;
}

/** The transcript mission as `dialect` names it (`--mission 001-demo`, `--feature 001-demo`). */
export const missionArgs = (dialect: Dialect = DIALECT_1_3): string[] => [dialect.missionFlag, "001-demo"];

/** `agent tasks mark-status <ids> --status done` on the transcript mission; must exit 0. */
export async function markStatus(s: Session, ids: string[]): Promise<Data> {
  const result = await callHost(s.host, s.repo, [
    "agent",
    "tasks",
    "mark-status",
    ...ids,
    "--status",
    "done",
    ...missionArgs(s.dialect),
    "--json",
  ]);
  assertEquals(result.code, 0, `mark-status: ${result.stdout}${result.stderr}`);
  return result.json as Data;
}

/** `--mission 001-demo --wp <wp> --actor <actor>` (`mission`: another era's spelling). */
export const wpFlags = (wp: string, actor = "demo-orch", mission: readonly string[] = M): string[] => [
  ...mission,
  "--wp",
  wp,
  "--actor",
  actor,
];
/** `start-implementation` with the test policy. */
export const startImpl = (s: Session, wp: string, actor = "demo-orch", code?: string): Promise<Data> =>
  api(s, "start-implementation", [...wpFlags(wp, actor), "--policy", POLICY], { code });
/** `transition --to <lane>` with the test policy. */
export const toLane = (s: Session, wp: string, lane: string, extra: string[] = [], code?: string): Promise<Data> =>
  api(s, "transition", [...wpFlags(wp), "--to", lane, "--policy", POLICY, ...extra], { code });
/** A `--review-result-json` value. */
export const review = (verdict: string, ref: string, reviewer = "reviewer-bot"): string =>
  JSON.stringify({ reviewer, verdict, reference: ref });
/** An approving `--evidence-json` value. */
export const evidence = (ref: string, reviewer = "reviewer-bot"): string =>
  JSON.stringify({ review: { reviewer, verdict: "approved", reference: ref } });

/** Writes and commits a file in a lane worktree, as an agent plus the orchestrator would. */
export async function commitIn(workspace: string, file: string, text: string): Promise<void> {
  await Deno.mkdir(join(workspace, file, ".."), { recursive: true });
  await Deno.writeTextFile(join(workspace, file), text);
  await gitIn(workspace, "add", "-A");
  await gitIn(workspace, "commit", "-q", "-m", `work on ${file}`);
}

/** Implements, reviews and approves a WP whose dependencies are satisfied. */
export async function fastTrack(
  s: Session,
  wp: string,
  subtasks: string[],
  file: string,
  to: "done" | "approved",
): Promise<void> {
  const started = await startImpl(s, wp);
  await commitIn(String(started.workspace_path), file, `${wp}\n`);
  await markStatus(s, subtasks);
  await toLane(s, wp, "for_review", ["--note", "Implementation complete"]);
  const ref = `review/${wp}/attempt-1`;
  await api(s, "start-review", [...wpFlags(wp), "--policy", POLICY, "--review-ref", ref]);
  await toLane(s, wp, to, [
    "--review-ref",
    ref,
    "--review-result-json",
    review("approved", ref),
    "--evidence-json",
    evidence(ref),
    "--note",
    "Approved by reviewer-bot",
  ]);
}
