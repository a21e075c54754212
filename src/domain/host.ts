/**
 * The host contract as TypeScript types: the ten `orchestrator-api` subcommands.
 *
 * Everything the orchestrator knows about workflow state comes through a {@link Host}.
 * Two implementations exist: the spec-kitty adapter (a subprocess per call) and the built-in
 * file-backed host (also reached through a subprocess of our own binary). Tests use fakes.
 *
 * Field names are camelCase here; the adapter maps them from the host's snake_case JSON.
 *
 * @module
 */

/** Every era we drive, oldest first. */
export const ERA_IDS = ["1.0-feature", "1.0-mission", "1.1-mission", "1.2-mission", "1.3"] as const;

/** One era id. */
export type EraId = typeof ERA_IDS[number];

/** True when `value` names an era. */
export function isEraId(value: unknown): value is EraId {
  return typeof value === "string" && (ERA_IDS as readonly string[]).includes(value);
}

/** The nine display lanes of the host's lane machine. */
export const LANES = [
  "planned",
  "claimed",
  "in_progress",
  "for_review",
  "in_review",
  "approved",
  "done",
  "blocked",
  "canceled",
] as const;

/** A display lane. */
export type Lane = typeof LANES[number];

/** Policy metadata sent with run-affecting calls (`--policy`), see docs/host-contract.md §7. */
export interface PolicyMetadata {
  orchestrator_id: string;
  orchestrator_version: string;
  agent_family: string;
  approval_mode: string;
  sandbox_mode: string;
  network_mode: string;
  dangerous_flags: string[];
  tool_restrictions: string | null;
}

/** The identity block that starts every mission payload. */
export interface MissionIdentity {
  missionSlug: string;
  missionNumber: number | null;
  missionType: string;
}

/** `contract-version` data. */
/**
 * Our extension of the `contract-version` answer: `"lane_allocation": "serialized"` says the host
 * itself allocates the lanes of one mission one at a time (the built-in host, under its mission
 * lock), so concurrent `start-implementation` calls are safe. The real host sends no such field;
 * without it the engine sends one lane-allocating call per mission at a time.
 */
export const LANE_ALLOCATION_FIELD = "lane_allocation";

export interface ContractInfo {
  apiVersion: string;
  minSupportedProviderVersion: string;
  /** The host declared `lane_allocation: "serialized"` ({@link LANE_ALLOCATION_FIELD}); absent means no. */
  serializesAllocation?: boolean;
  /**
   * The host era the adapter detected (see `era.ts`); absent from hosts that do not detect one
   * (test fakes), where it follows from `apiVersion`.
   */
  era?: EraId;
}

/** A transition the adapter had to send with `--force`, and why the era offers no other path. */
export interface ForcedTransition {
  wpId: string;
  from: string;
  to: string;
  reason: string;
}

/** One WP in `mission-state`. */
export interface WorkPackageState {
  wpId: string;
  /** Null only for hosts that report no lane (treated as planned by callers). */
  lane: Lane | null;
  dependencies: string[];
  /** Always null on the real host at contract 1.3.0; never rely on it. */
  lastActor: string | null;
}

/** `mission-state` data. */
export interface MissionState extends MissionIdentity {
  summary: Record<string, number>;
  workPackages: WorkPackageState[];
}

/** One entry of `list-ready`. */
export interface ReadyWorkPackage {
  wpId: string;
  lane: string;
  dependenciesSatisfied: boolean;
}

/** `list-ready` data. */
export interface ReadyList extends MissionIdentity {
  readyWorkPackages: ReadyWorkPackage[];
}

/** Lane worktree fields, present for WPs that belong to a lane in lanes.json. */
export interface LaneInfo {
  laneId?: string;
  laneBranch?: string;
  laneBaseRef?: string;
}

/** `resolve-workspace` data. */
export interface WorkspaceInfo extends MissionIdentity, LaneInfo {
  wpId: string;
  /** Absolute path (the adapter resolves relative paths against the repo root). May not exist yet. */
  workspacePath: string;
  /** Absolute path of the WP markdown. */
  promptPath: string;
}

/** `start-implementation` data. */
export interface StartImplementationResult extends WorkspaceInfo {
  fromLane: string;
  toLane: string;
  policyMetadataRecorded: boolean;
  noOp: boolean;
}

/** `start-review` data. */
export interface StartReviewResult extends MissionIdentity {
  wpId: string;
  fromLane: string;
  toLane: string;
  promptPath: string;
  policyMetadataRecorded: boolean;
  noOp: boolean;
}

/** A structured review result (`--review-result-json`), required on every in_review exit. */
export interface ReviewResult {
  reviewer: string;
  verdict: "approved" | "changes_requested";
  reference: string;
  feedback_path?: string;
}

/** Evidence for `--evidence-json` (`{"review": {...}, "repos": [...], "verification": [...]}`). */
export interface TransitionEvidence {
  review: { reviewer: string; verdict: string; reference: string };
  repos?: unknown[];
  verification?: unknown[];
}

/** Input of `transition`. */
export interface TransitionInput {
  mission: string;
  wp: string;
  to: Lane;
  actor: string;
  note?: string;
  policy?: PolicyMetadata;
  force?: boolean;
  reviewRef?: string;
  reviewResult?: ReviewResult;
  evidence?: TransitionEvidence;
  subtasksComplete?: boolean;
  implementationEvidencePresent?: boolean;
}

/** `transition` data. */
export interface TransitionResult extends MissionIdentity {
  wpId: string;
  fromLane: string;
  toLane: string;
  policyMetadataRecorded: boolean;
}

/** `append-history` data. */
export interface HistoryResult extends MissionIdentity {
  wpId: string;
  historyEntryId: string;
}

/** `accept-mission` data. */
export interface AcceptResult extends MissionIdentity {
  accepted: boolean;
  mode: string;
  acceptedAt: string;
  acceptedWps: string[];
  approvedWps: string[];
  doneWps: string[];
  mergePendingWps: string[];
}

/** `merge-mission` data. */
export interface MergeResult extends MissionIdentity {
  merged: boolean;
  targetBranch: string;
  strategy: string;
  mergedWps: string[];
  worktreeRemoved: boolean;
}

/** Input of `merge-mission`. */
export interface MergeInput {
  mission: string;
  target?: string;
  strategy?: "merge" | "squash" | "rebase";
  push?: boolean;
}

/** Per-call counters, by subcommand (the benchmark reads them). */
export type HostCallCounts = Record<string, number>;

/**
 * The host contract. Every method either resolves with typed data or rejects with a
 * `HostError` (see `domain/host_errors.ts`), keyed by `error_code`, or a transport error.
 */
export interface Host {
  /** Which implementation this is (`spec-kitty` or `builtin`), for messages. */
  readonly kind: string;
  contractVersion(providerVersion?: string): Promise<ContractInfo>;
  missionState(mission: string): Promise<MissionState>;
  listReady(mission: string): Promise<ReadyList>;
  resolveWorkspace(mission: string, wp: string): Promise<WorkspaceInfo>;
  startImplementation(
    input: { mission: string; wp: string; actor: string; policy: PolicyMetadata },
  ): Promise<StartImplementationResult>;
  startReview(
    input: { mission: string; wp: string; actor: string; policy: PolicyMetadata; reviewRef?: string },
  ): Promise<StartReviewResult>;
  transition(input: TransitionInput): Promise<TransitionResult>;
  appendHistory(input: { mission: string; wp: string; actor: string; note: string }): Promise<HistoryResult>;
  acceptMission(input: { mission: string; actor: string }): Promise<AcceptResult>;
  mergeMission(input: MergeInput): Promise<MergeResult>;
  /** Calls made so far, by subcommand name (e.g. `mission-state`). */
  callCounts(): HostCallCounts;
  /** Transitions forced because the host's era has no unforced path (none on contract 1.3). */
  forcedTransitions?(): ForcedTransition[];
}
