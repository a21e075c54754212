/**
 * Host eras: what each generation of `spec-kitty orchestrator-api` speaks, as pure data and pure
 * functions the one adapter ({@link SpecKittyHost}) consults.
 *
 * Contract 1.3.0 is the reference the {@link Host} interface is written in. Older hosts differ in
 * command and flag names (`feature-state --feature` before the mission rename), payload keys
 * (`feature_slug`), lanes (no `in_review` in the feature era), flags (`--evidence-json` from the
 * mission era, `--review-result-json` only from 1.3) and in which transitions can be made without
 * `--force`. An {@link EraProfile} says all of that; {@link eraArgv} spells a 1.3-shaped request
 * for an era, {@link normalizeData} turns an old payload into the 1.3 shape, and
 * {@link planTransition} turns one logical lane move into the host transitions that make it on
 * that era, preferring a path without `--force` whenever the era has one.
 *
 * `api_version` 1.0.0 is spoken by both the feature era (spec-kitty 2.x) and the early mission
 * era (3.0–3.2.1): {@link eraFromContract} says when a probe is needed, {@link eraFromProbe}
 * reads its answer by error code.
 *
 * @module
 */
import { hostFlags, type HostRequest } from "./argv.ts";
import type { HostSubcommand } from "./subcommands.ts";
import { type EraId, isEraId, type Lane, type TransitionInput } from "../domain/host.ts";
import { parseVersion } from "./version_compare.ts";

/** What an era's host speaks and does. */
export interface EraProfile {
  readonly id: EraId;
  /** The `api_version` its hosts report. */
  readonly contract: string;
  /** Short human name, for headers and `doctor`. */
  readonly label: string;
  /** The spec-kitty releases that speak it. */
  readonly releases: string;
  /** `--feature` (feature era) or `--mission`. */
  readonly missionFlag: "--feature" | "--mission";
  /** Wire command names that differ from the 1.3 ones; null: the era has no such command. */
  readonly commands: Partial<Readonly<Record<HostSubcommand, string | null>>>;
  /** The `in_review` lane exists (mission era and later). */
  readonly inReviewLane: boolean;
  /** `start-review` claims the review (for_review → in_review); false: it sends the WP back. */
  readonly startReviewClaims: boolean;
  /** `transition --evidence-json` exists. */
  readonly evidenceFlag: boolean;
  /** `transition --review-result-json` exists (only 1.3 can leave in_review unforced). */
  readonly reviewResultFlag: boolean;
  /** `--subtasks-complete` / `--implementation-evidence-present` exist. */
  readonly subtaskFlags: boolean;
  /** `start-implementation` refuses a WP whose dependencies are not approved/done. */
  readonly hostDependencyGate: boolean;
  /** `start-implementation` creates the workspace it names (lane worktrees). */
  readonly hostCreatesWorkspace: boolean;
  /** Where subtask completion is recorded: the event log (1.3) or `tasks.md` checkboxes. */
  readonly subtaskSource: "events" | "checkboxes";
  /** Failure envelopes always carry `data.message` (before 1.3 it is dropped next to structured fields). */
  readonly errorMessages: boolean;
  /** What works differently on this era, one line each (dry run, docs). */
  readonly degradations: readonly string[];
}

const MISSION_NAMES: EraProfile["commands"] = { "resolve-workspace": null };

const PRE_13_MISSION_DEGRADATIONS = [
  "the review runs while the WP is in for_review: start-review is not called, since no transition leaves " +
  "in_review without --force before contract 1.3",
  "approval goes for_review -> blocked -> in_progress -> approved -> done with --evidence-json (no --force); " +
  "a rejection goes for_review -> blocked -> in_progress",
  "a WP found in in_review (put there by someone else) can only leave it with --force, counted as forced",
  "subtask completion is read from tasks.md checkboxes; the review verdict is recorded in notes and evidence only",
  "host errors may carry no message: decisions use error codes only",
];

/** What the mission eras before 1.3 (1.0, 1.1, 1.2) have in common. */
const MISSION_ERA_1X = {
  missionFlag: "--mission",
  inReviewLane: true,
  startReviewClaims: true,
  evidenceFlag: true,
  reviewResultFlag: false,
  subtaskFlags: true,
  hostDependencyGate: true,
  subtaskSource: "checkboxes",
  errorMessages: false,
} as const satisfies Partial<EraProfile>;

/** Every era's profile, by id. */
export const ERAS: Readonly<Record<EraId, EraProfile>> = {
  "1.0-feature": {
    id: "1.0-feature",
    contract: "1.0.0",
    label: "feature era",
    releases: "spec-kitty 2.0 - 2.1.x",
    missionFlag: "--feature",
    commands: {
      "mission-state": "feature-state",
      "resolve-workspace": null,
      "accept-mission": "accept-feature",
      "merge-mission": "merge-feature",
    },
    inReviewLane: false,
    startReviewClaims: false,
    evidenceFlag: false,
    reviewResultFlag: false,
    subtaskFlags: false,
    hostDependencyGate: false,
    hostCreatesWorkspace: false,
    subtaskSource: "checkboxes",
    errorMessages: false,
    degradations: [
      "commands are feature-named (feature-state, accept-feature, merge-feature, --feature)",
      "no in_review lane: the WP stays in for_review while it is reviewed (start-review would send it back)",
      "approval to done needs --force (the host has no --evidence-json): one forced transition per approved WP, " +
      "its note naming the reviewer and review reference",
      "a rejection goes for_review -> in_progress with --review-ref (no --force)",
      "dependencies are gated by the orchestrator (the host does not), worktrees .worktrees/<feature>-WPnn " +
      "on branch <feature>-WPnn are created by the orchestrator",
      "subtask completion is read from tasks.md checkboxes (mark-status --feature)",
      "accept-feature needs every WP done; host errors may carry no message",
    ],
  },
  "1.0-mission": {
    id: "1.0-mission",
    contract: "1.0.0",
    label: "mission era 1.0",
    releases: "spec-kitty 3.0 - 3.2.1",
    ...MISSION_ERA_1X,
    commands: MISSION_NAMES,
    hostCreatesWorkspace: false,
    degradations: [
      ...PRE_13_MISSION_DEGRADATIONS,
      "the host names .worktrees/<mission>-WPnn but does not create it: the orchestrator does (branch <mission>-WPnn)",
      "no resolve-workspace: the workspace path is computed by the orchestrator",
    ],
  },
  "1.1-mission": {
    id: "1.1-mission",
    contract: "1.1.0",
    label: "mission era 1.1",
    releases: "spec-kitty 3.2.2 - 3.2.3",
    ...MISSION_ERA_1X,
    commands: MISSION_NAMES,
    hostCreatesWorkspace: true,
    degradations: [
      ...PRE_13_MISSION_DEGRADATIONS,
      "no resolve-workspace: the lane worktree of a resumed WP is computed from lanes.json",
    ],
  },
  "1.2-mission": {
    id: "1.2-mission",
    contract: "1.2.0",
    label: "mission era 1.2",
    releases: "spec-kitty 3.2.4 - 3.2.5",
    ...MISSION_ERA_1X,
    commands: {},
    hostCreatesWorkspace: true,
    degradations: PRE_13_MISSION_DEGRADATIONS,
  },
  "1.3": {
    id: "1.3",
    contract: "1.3.0",
    label: "current era",
    releases: "spec-kitty 3.2.6rc1 and later",
    missionFlag: "--mission",
    commands: {},
    inReviewLane: true,
    startReviewClaims: true,
    evidenceFlag: true,
    reviewResultFlag: true,
    subtaskFlags: true,
    hostDependencyGate: true,
    hostCreatesWorkspace: true,
    subtaskSource: "events",
    errorMessages: true,
    degradations: [],
  },
};

/** The profile of `id`. */
export function eraProfile(id: EraId): EraProfile {
  return ERAS[id];
}

/**
 * The era an `api_version` names, or `probe` for 1.0.x (feature or mission era: ask the host),
 * or null when it is not a 1.x version at all (the contract check refuses those).
 */
export function eraFromContract(apiVersion: string): EraId | "probe" | null {
  const v = parseVersion(apiVersion);
  if (v === null || v.major !== 1) return null;
  if (v.minor >= 3) return "1.3";
  if (v.minor === 2) return "1.2-mission";
  if (v.minor === 1) return "1.1-mission";
  return "probe";
}

/** The mission handle of the era probe: it only has to be a well-formed `--mission` value. */
export const PROBE_MISSION = "sko-era-probe";

/**
 * Reads the probe `mission-state --mission <PROBE_MISSION>` of a 1.0.0 host: a `USAGE_ERROR`
 * (no such command or option: the mission spelling is unknown) means the feature era; any
 * other answer (success, MISSION_NOT_FOUND, ...) means the command exists: mission era.
 */
export function eraFromProbe(errorCode: string | null): EraId {
  return errorCode === "USAGE_ERROR" ? "1.0-feature" : "1.0-mission";
}

/** The wire command of `sub` on `era`; null when the era has no such command. */
export function wireCommand(era: EraProfile, sub: HostSubcommand): string | null {
  const mapped = era.commands[sub];
  return mapped === undefined ? sub : mapped;
}

/** Flags of `transition` that an era may lack, with the profile field that says it has them. */
const OPTIONAL_FLAGS: readonly { flag: string; negated?: string; has: (e: EraProfile) => boolean; value: boolean }[] = [
  { flag: "--review-result-json", has: (e) => e.reviewResultFlag, value: true },
  { flag: "--evidence-json", has: (e) => e.evidenceFlag, value: true },
  { flag: "--subtasks-complete", negated: "--no-subtasks-complete", has: (e) => e.subtaskFlags, value: false },
  {
    flag: "--implementation-evidence-present",
    negated: "--no-implementation-evidence-present",
    has: (e) => e.subtaskFlags,
    value: false,
  },
];

/**
 * `orchestrator-api <wire command> <flags>` for `req` on `era`: the mission flag renamed and the
 * flags the era does not have left out (sending one would be a USAGE_ERROR). Null when the era
 * has no such command (the adapter answers it locally).
 */
export function eraArgv(era: EraProfile, req: HostRequest): string[] | null {
  const command = wireCommand(era, req.sub);
  if (command === null) return null;
  const flags = hostFlags(req);
  const out: string[] = [];
  for (let i = 0; i < flags.length; i++) {
    const token = flags[i] ?? "";
    const optional = OPTIONAL_FLAGS.find((o) => o.flag === token || o.negated === token);
    if (optional !== undefined && !optional.has(era)) {
      if (optional.value) i++;
      continue;
    }
    out.push(token === "--mission" ? era.missionFlag : token);
  }
  return ["orchestrator-api", command, ...out];
}

/**
 * An old payload in the 1.3 shape: `feature_slug` becomes `mission_slug` (the feature era has
 * no mission number or type). Other keys are kept; the decoder supplies contract defaults.
 */
export function normalizeData(era: EraProfile, data: Record<string, unknown>): Record<string, unknown> {
  if (era.missionFlag !== "--feature" || data.mission_slug !== undefined) return data;
  if (typeof data.feature_slug !== "string") return data;
  const { feature_slug: slug, ...rest } = data;
  return { mission_slug: slug, mission_number: null, mission_type: "", ...rest };
}

/** One host transition of a plan; `forced` says why it needs `--force` (counted in the summary). */
export interface PlannedStep {
  readonly input: TransitionInput;
  readonly from: Lane;
  readonly forced: string | null;
}

/** Strips what `era` cannot send from a transition input (review result; evidence and subtask flags before the mission era). */
function forEra(era: EraProfile, input: TransitionInput): TransitionInput {
  const out: TransitionInput = { ...input };
  if (!era.reviewResultFlag) delete out.reviewResult;
  if (!era.evidenceFlag) delete out.evidence;
  if (!era.subtaskFlags) {
    delete out.subtasksComplete;
    delete out.implementationEvidencePresent;
  }
  return out;
}

function step(era: EraProfile, from: Lane, input: TransitionInput, forced: string | null = null): PlannedStep {
  const wire = forEra(era, input);
  if (forced !== null) {
    wire.force = true;
    wire.note = `${input.note ?? `moved to ${input.to}`} [forced: ${forced}]`;
  }
  return { input: wire, from, forced };
}

function detour(input: TransitionInput, to: Lane, note: string): TransitionInput {
  const { mission, wp, actor, policy } = input;
  return { mission, wp, to, actor, ...(policy === undefined ? {} : { policy }), note };
}

/**
 * The host transitions that move a WP from `from` as `input` asks, on `era`.
 *
 * Contract 1.3 sends `input` as it is. Older eras use the unforced path where one exists:
 * - mission era, from for_review: approval passes through blocked → in_progress → approved (with
 *   evidence) → done; a rejection through blocked → in_progress (for_review has no other exits);
 * - feature era: a rejection is for_review → in_progress with `--review-ref`.
 * Only where the era has no unforced path is one step forced, with the reason in its note:
 * leaving in_review before 1.3 (every exit needs a review result `transition` cannot pass) and
 * reaching approved/done on the feature era (no `--evidence-json`, so its evidence guard cannot
 * be met).
 */
export function planTransition(era: EraProfile, from: Lane, input: TransitionInput): PlannedStep[] {
  if (era.reviewResultFlag || input.force === true) return [step(era, from, input)];
  const to = input.to;
  const cv = era.contract;
  if (from === "in_review" && to !== "in_review") {
    return [
      step(era, from, input, `contract ${cv} has no --review-result-json, so no transition leaves in_review unforced`),
    ];
  }
  if (!era.evidenceFlag && (to === "done" || to === "approved")) {
    return [
      step(
        era,
        from,
        input,
        `contract ${cv} (feature era) has no --evidence-json, so its evidence guard on ${to} can only be passed with --force`,
      ),
    ];
  }
  if (from === "for_review" && era.inReviewLane && (to === "in_progress" || to === "approved" || to === "done")) {
    const why = `contract ${cv} has no unforced edge from for_review to ${
      to === "in_progress" ? "in_progress" : "approved"
    }`;
    const said = input.note ?? (to === "in_progress" ? "changes requested" : "review approved");
    const steps = [
      step(era, "for_review", detour(input, "blocked", `${said} (passing through blocked: ${why})`)),
      step(era, "blocked", detour(input, "in_progress", said)),
    ];
    if (to === "in_progress") return steps;
    return [...steps, ...planTransition(era, "in_progress", input)];
  }
  if (from === "in_progress" && to === "done" && era.evidenceFlag) {
    return [step(era, "in_progress", { ...input, to: "approved" }), step(era, "approved", input)];
  }
  return [step(era, from, input)];
}

/** What the engine should do for "start the review" on `era`: call start-review, or nothing. */
export function startsReviewOnHost(era: EraProfile): boolean {
  // Before 1.3 in_review can only be left with --force, and on the feature era start-review is
  // the reviewer's send-back: the WP stays in for_review while it is reviewed.
  return era.reviewResultFlag && era.startReviewClaims;
}

/** True when a run recorded on era `id` reviews WPs in for_review (every era before 1.3). */
export function reviewsInForReview(id: string | null | undefined): boolean {
  return isEraId(id) && !startsReviewOnHost(ERAS[id]);
}

/** The branch a 1.0-era WP's worktree is created on (`merge-feature` merges exactly that name). */
export function legacyWpBranch(mission: string, wp: string): string {
  return `${mission}-${wp}`;
}
