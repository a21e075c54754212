/**
 * Decoding the host's JSON envelope (host-contract.md §2) and each subcommand's `data`.
 *
 * Pure: text in, typed value or typed error out. Extra keys are tolerated everywhere (a newer
 * host may add fields); missing optional fields get contract defaults; snake_case becomes the
 * camelCase of `types.ts`. Relative `workspace_path`/`prompt_path` are resolved against the
 * repository root, never the process cwd (reference weakness 19). Containment of those paths is
 * the engine's job: this module only makes them absolute.
 *
 * @module
 */
import { isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { HostError, HostTransportError } from "./errors.ts";
import { redactSecrets } from "./stderr_tail.ts";
import { type HostSubcommand, MUTATING_SUBCOMMANDS } from "./subcommands.ts";
import {
  type AcceptResult,
  type ContractInfo,
  type HistoryResult,
  type Lane,
  LANES,
  type MergeResult,
  type MissionIdentity,
  type MissionState,
  type ReadyList,
  type StartImplementationResult,
  type StartReviewResult,
  type TransitionResult,
  type WorkspaceInfo,
} from "./types.ts";

/** The typed result of each subcommand. */
export interface HostResultMap {
  "contract-version": ContractInfo;
  "mission-state": MissionState;
  "list-ready": ReadyList;
  "resolve-workspace": WorkspaceInfo;
  "start-implementation": StartImplementationResult;
  "start-review": StartReviewResult;
  "transition": TransitionResult;
  "append-history": HistoryResult;
  "accept-mission": AcceptResult;
  "merge-mission": MergeResult;
}

/** The seven-key envelope; extra keys are tolerated. */
export const EnvelopeSchema = z.looseObject({
  contract_version: z.string(),
  command: z.string(),
  timestamp: z.string(),
  correlation_id: z.string(),
  success: z.boolean(),
  error_code: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
});

/** A validated envelope. */
export type Envelope = z.infer<typeof EnvelopeSchema>;

const LANE_SET = new Set<string>(LANES);

/** A display lane; input is lower-cased and the host's alias `doing` means `in_progress`. */
const laneSchema = z.string().transform((value, ctx): Lane => {
  const lane = value.toLowerCase() === "doing" ? "in_progress" : value.toLowerCase();
  if (!LANE_SET.has(lane)) {
    ctx.addIssue({ code: "custom", message: `unknown lane ${JSON.stringify(value)} (known: ${LANES.join(", ")})` });
    return z.NEVER;
  }
  return lane as Lane;
});

/** `mission_number`: an int, null, or a legacy digit string such as `"001"`. */
const missionNumberSchema = z.union([z.number().int(), z.string(), z.null()]).optional().transform((v) => {
  if (typeof v === "number") return v;
  if (typeof v === "string" && /^\d+$/.test(v)) return Number.parseInt(v, 10);
  return null;
});

const identityShape = {
  mission_slug: z.string().min(1),
  mission_number: missionNumberSchema,
  mission_type: z.string().nullable().optional(),
};

const laneInfoShape = {
  lane_id: z.string().nullable().optional(),
  lane_branch: z.string().nullable().optional(),
  lane_base_ref: z.string().nullable().optional(),
};

const workspaceShape = {
  ...identityShape,
  ...laneInfoShape,
  wp_id: z.string().min(1),
  workspace_path: z.string().min(1),
  prompt_path: z.string().min(1),
};

const transitionShape = {
  ...identityShape,
  wp_id: z.string().min(1),
  from_lane: z.string(),
  to_lane: z.string(),
  policy_metadata_recorded: z.boolean().default(false),
};

const strings = z.array(z.string()).default([]);

const SCHEMAS = {
  "contract-version": z.looseObject({
    api_version: z.string().min(1),
    min_supported_provider_version: z.string().default("0.0.0"),
  }),
  "mission-state": z.looseObject({
    ...identityShape,
    summary: z.record(z.string(), z.number()).default({}),
    work_packages: z.array(z.looseObject({
      wp_id: z.string().min(1),
      lane: laneSchema.nullable().optional(),
      dependencies: strings,
      last_actor: z.string().nullable().optional(),
    })),
  }),
  "list-ready": z.looseObject({
    ...identityShape,
    ready_work_packages: z.array(z.looseObject({
      wp_id: z.string().min(1),
      lane: z.string().default("planned"),
      // The host filters unready entries out, so a missing flag means "ready".
      dependencies_satisfied: z.boolean().default(true),
    })),
  }),
  "resolve-workspace": z.looseObject(workspaceShape),
  "start-implementation": z.looseObject({
    ...workspaceShape,
    from_lane: z.string(),
    to_lane: z.string(),
    policy_metadata_recorded: z.boolean().default(false),
    no_op: z.boolean().default(false),
  }),
  "start-review": z.looseObject({
    ...transitionShape,
    prompt_path: z.string().min(1),
    no_op: z.boolean().default(false),
  }),
  "transition": z.looseObject(transitionShape),
  "append-history": z.looseObject({ ...identityShape, wp_id: z.string().min(1), history_entry_id: z.string() }),
  "accept-mission": z.looseObject({
    ...identityShape,
    accepted: z.boolean(),
    mode: z.string().default(""),
    accepted_at: z.string().default(""),
    accepted_wps: strings,
    approved_wps: strings,
    done_wps: strings,
    merge_pending_wps: strings,
  }),
  "merge-mission": z.looseObject({
    ...identityShape,
    merged: z.boolean(),
    target_branch: z.string().default(""),
    strategy: z.string().default(""),
    merged_wps: strings,
    worktree_removed: z.boolean().default(false),
  }),
} as const;

type Identity = { mission_slug: string; mission_number: number | null; mission_type?: string | null };
type LaneFields = { lane_id?: string | null; lane_branch?: string | null; lane_base_ref?: string | null };

function identity(d: Identity): MissionIdentity {
  return { missionSlug: d.mission_slug, missionNumber: d.mission_number, missionType: d.mission_type ?? "" };
}

function laneInfo(d: LaneFields): { laneId?: string; laneBranch?: string; laneBaseRef?: string } {
  const out: { laneId?: string; laneBranch?: string; laneBaseRef?: string } = {};
  if (d.lane_id) out.laneId = d.lane_id;
  if (d.lane_branch) out.laneBranch = d.lane_branch;
  if (d.lane_base_ref) out.laneBaseRef = d.lane_base_ref;
  return out;
}

/** Makes a host path absolute against the repository root (never the process cwd). */
export function resolveHostPath(path: string, repoRoot: string): string {
  return isAbsolute(path) ? path : resolve(repoRoot, path);
}

type Mappers = { [K in HostSubcommand]: (d: z.output<typeof SCHEMAS[K]>, root: string) => HostResultMap[K] };

const MAPPERS: Mappers = {
  "contract-version": (d) => ({
    apiVersion: d.api_version,
    minSupportedProviderVersion: d.min_supported_provider_version,
  }),
  "mission-state": (d) => ({
    ...identity(d),
    summary: d.summary,
    workPackages: d.work_packages.map((wp) => ({
      wpId: wp.wp_id,
      lane: wp.lane ?? null,
      dependencies: wp.dependencies,
      lastActor: wp.last_actor ?? null,
    })),
  }),
  "list-ready": (d) => ({
    ...identity(d),
    readyWorkPackages: d.ready_work_packages.map((wp) => ({
      wpId: wp.wp_id,
      lane: wp.lane,
      dependenciesSatisfied: wp.dependencies_satisfied,
    })),
  }),
  "resolve-workspace": (d, root) => ({
    ...identity(d),
    ...laneInfo(d),
    wpId: d.wp_id,
    workspacePath: resolveHostPath(d.workspace_path, root),
    promptPath: resolveHostPath(d.prompt_path, root),
  }),
  "start-implementation": (d, root) => ({
    ...identity(d),
    ...laneInfo(d),
    wpId: d.wp_id,
    workspacePath: resolveHostPath(d.workspace_path, root),
    promptPath: resolveHostPath(d.prompt_path, root),
    fromLane: d.from_lane,
    toLane: d.to_lane,
    policyMetadataRecorded: d.policy_metadata_recorded,
    noOp: d.no_op,
  }),
  "start-review": (d, root) => ({
    ...identity(d),
    wpId: d.wp_id,
    fromLane: d.from_lane,
    toLane: d.to_lane,
    promptPath: resolveHostPath(d.prompt_path, root),
    policyMetadataRecorded: d.policy_metadata_recorded,
    noOp: d.no_op,
  }),
  "transition": (d) => ({
    ...identity(d),
    wpId: d.wp_id,
    fromLane: d.from_lane,
    toLane: d.to_lane,
    policyMetadataRecorded: d.policy_metadata_recorded,
  }),
  "append-history": (d) => ({ ...identity(d), wpId: d.wp_id, historyEntryId: d.history_entry_id }),
  "accept-mission": (d) => ({
    ...identity(d),
    accepted: d.accepted,
    mode: d.mode,
    acceptedAt: d.accepted_at,
    acceptedWps: d.accepted_wps,
    approvedWps: d.approved_wps,
    doneWps: d.done_wps,
    mergePendingWps: d.merge_pending_wps,
  }),
  "merge-mission": (d) => ({
    ...identity(d),
    merged: d.merged,
    targetBranch: d.target_branch,
    strategy: d.strategy,
    mergedWps: d.merged_wps,
    worktreeRemoved: d.worktree_removed,
  }),
};

/**
 * Finds the envelope in stdout: the last line that parses as a JSON object. merge-mission
 * prints git's "Deleted branch …" lines before it (host-contract §14.5). Falls back to the
 * whole text, then to the last block starting with a `{` line, for pretty-printed envelopes.
 * Returns undefined when stdout holds no JSON object.
 */
export function extractEnvelopeJson(stdout: string): Record<string, unknown> | undefined {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  const tryParse = (text: string): Record<string, unknown> | undefined => {
    try {
      const value: unknown = JSON.parse(text);
      return isObject(value) ? value : undefined;
    } catch {
      return undefined;
    }
  };
  const lines = stdout.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = (lines[i] ?? "").trim();
    if (!line.startsWith("{")) continue;
    const value = tryParse(line);
    if (value !== undefined) return value;
  }
  const whole = tryParse(stdout.trim());
  if (whole !== undefined) return whole;
  for (let i = lines.length - 1; i >= 0; i--) {
    if ((lines[i] ?? "").startsWith("{")) {
      const value = tryParse(lines.slice(i).join("\n").trim());
      if (value !== undefined) return value;
    }
  }
  return undefined;
}

/** The first `n` bytes of `text` (UTF-8), redacted, for error messages. */
export function headBytes(text: string, n = 200): string {
  const bytes = new TextEncoder().encode(text);
  const head = new TextDecoder().decode(bytes.slice(0, n));
  return redactSecrets(head) + (bytes.length > n ? "…" : "");
}

function formatIssues(error: z.ZodError): string {
  return error.issues.slice(0, 5).map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`).join(
    "; ",
  );
}

/**
 * Interprets a parsed envelope for `sub`: typed data on success, {@link HostError} for a
 * failure envelope, {@link HostTransportError} `protocol` when the envelope or data is invalid.
 * `stdout` is only used to quote the first 200 bytes in protocol errors.
 */
export function interpretEnvelope<K extends HostSubcommand>(
  sub: K,
  value: unknown,
  repoRoot: string,
  stdout = JSON.stringify(value),
): HostResultMap[K] {
  const protocol = (why: string): HostTransportError =>
    new HostTransportError(
      "protocol",
      sub,
      `Cannot use the answer of host 'orchestrator-api ${sub}' as it is not a valid envelope (${why}): ` +
        `stdout starts with ${JSON.stringify(headBytes(stdout))}`,
      { ambiguous: MUTATING_SUBCOMMANDS.has(sub) },
    );
  const env = EnvelopeSchema.safeParse(value);
  if (!env.success) throw protocol(formatIssues(env.error));
  const { command, success, error_code: errorCode, data } = env.data;
  const expected = `orchestrator-api.${sub}`;
  const usageCommand = !success && command === "orchestrator-api.unknown";
  if (command !== expected && !usageCommand) {
    throw protocol(`command must be ${JSON.stringify(expected)} but is ${JSON.stringify(command)}`);
  }
  if (!success) throw new HostError(sub, errorCode, data);
  const parsed = SCHEMAS[sub].safeParse(data);
  if (!parsed.success) throw protocol(`data: ${formatIssues(parsed.error)}`);
  return (MAPPERS[sub] as (d: unknown, root: string) => HostResultMap[K])(parsed.data, repoRoot);
}

/** Decodes a whole stdout for `sub` (see {@link extractEnvelopeJson}, {@link interpretEnvelope}). */
export function decodeStdout<K extends HostSubcommand>(sub: K, stdout: string, repoRoot: string): HostResultMap[K] {
  const value = extractEnvelopeJson(stdout);
  if (value === undefined) {
    throw new HostTransportError(
      "protocol",
      sub,
      `Cannot use the answer of host 'orchestrator-api ${sub}' as stdout holds no JSON object: ` +
        `stdout starts with ${JSON.stringify(headBytes(stdout))}`,
      { ambiguous: MUTATING_SUBCOMMANDS.has(sub) },
    );
  }
  return interpretEnvelope(sub, value, repoRoot, stdout);
}
