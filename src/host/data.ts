/**
 * Decoding each subcommand's success `data` (docs/host-contract.md §4) into the camelCase types.
 *
 * Pure. Extra keys are tolerated (a newer host may add fields); fields real hosts or the
 * recorded fixtures omit get contract defaults; required fields are the ones the engine relies
 * on. Relative `workspace_path`/`prompt_path` are resolved against the repository root, never
 * the process cwd (reference weakness 19); containment is the engine's check.
 *
 * @module
 */
import { isAbsolute, resolve } from "node:path";
import { z } from "zod";
import type { HostSubcommand } from "./subcommands.ts";
import {
  type AcceptResult,
  type ContractInfo,
  type HistoryResult,
  type Lane,
  LANE_ALLOCATION_FIELD,
  LANES,
  type MergeResult,
  type MissionIdentity,
  type MissionState,
  type ReadyList,
  type StartImplementationResult,
  type StartReviewResult,
  type TransitionResult,
  type WorkspaceInfo,
} from "../domain/host.ts";

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
    [LANE_ALLOCATION_FIELD]: z.unknown().optional(),
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
    ...(d[LANE_ALLOCATION_FIELD] === "serialized" ? { serializesAllocation: true } : {}),
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

/** Short, readable zod issues for error messages. */
export function formatIssues(error: z.ZodError): string {
  return error.issues.slice(0, 5).map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`).join(
    "; ",
  );
}

/** Decodes `data` of a success envelope for `sub`; `ok: false` carries the issues. */
export function decodeData<K extends HostSubcommand>(
  sub: K,
  data: unknown,
  repoRoot: string,
): { ok: true; value: HostResultMap[K] } | { ok: false; issues: string } {
  const parsed = SCHEMAS[sub].safeParse(data);
  if (!parsed.success) return { ok: false, issues: formatIssues(parsed.error) };
  return { ok: true, value: (MAPPERS[sub] as (d: unknown, root: string) => HostResultMap[K])(parsed.data, repoRoot) };
}
