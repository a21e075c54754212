/**
 * An in-memory {@link Host} for engine tests, whose transitions the built-in host's lane machine
 * (`src/builtin-host/lanes.ts`) decides: claims with actors, dependency gate, review results on in_review exits,
 * call counting and failure injection (including "applied, then the transport failed").
 *
 * @module
 */
import { HostError, HostTransportError } from "../../src/domain/host_errors.ts";
import { decideTransition, POLICY_REQUIRED_TARGETS } from "../../src/builtin-host/lanes.ts";
import type {
  AcceptResult,
  ContractInfo,
  HistoryResult,
  Host,
  HostCallCounts,
  Lane,
  MergeResult,
  MissionState,
  ReadyList,
  StartImplementationResult,
  StartReviewResult,
  TransitionInput,
  TransitionResult,
  WorkspaceInfo,
} from "../../src/domain/host.ts";

/** A WP of the fake mission. */
export interface FakeWp {
  id: string;
  lane: Lane;
  deps: string[];
  /** Lane id; WPs with the same one share a worktree. Default: the WP's own lane `lane-<id>`. */
  laneId?: string;
  claimedBy?: string;
  /** Review reference of the current in_review review. */
  reviewRef?: string;
}

/** An injected failure for the next call of `command` (optionally only for one WP). */
export interface InjectedFailure {
  command: string;
  wp?: string;
  error: () => Error;
  /** Apply the call's effect before failing (an ambiguous transport failure). */
  applyFirst?: boolean;
  /** How many calls it hits. @default 1 */
  times?: number;
}

/** One recorded mutating call. */
export interface FakeCall {
  command: string;
  wp?: string;
  to?: Lane;
  input?: unknown;
}

const IDENTITY = { missionSlug: "001-demo", missionNumber: 1, missionType: "software-dev" };

/** The fake host; see the module doc. */
export class FakeHost implements Host {
  readonly kind = "fake";
  readonly wps = new Map<string, FakeWp>();
  readonly calls: FakeCall[] = [];
  readonly failures: InjectedFailure[] = [];
  readonly #counts: HostCallCounts = {};
  readonly repoRoot: string;
  readonly mission: string;

  constructor(repoRoot: string, wps: FakeWp[], mission = "001-demo") {
    this.repoRoot = repoRoot;
    this.mission = mission;
    for (const wp of wps) this.wps.set(wp.id, { ...wp });
  }

  /** Current lane of a WP. */
  lane(id: string): Lane {
    return this.#get(id).lane;
  }

  /** Counts of calls by subcommand. */
  callCounts(): HostCallCounts {
    return { ...this.#counts };
  }

  /** Mutating lifecycle calls (everything but reads and append-history) made for one WP. */
  lifecycleCalls(wp: string): string[] {
    return this.calls.filter((c) => c.wp === wp && c.command !== "append-history").map((c) =>
      c.to === undefined ? c.command : `${c.command}:${c.to}`
    );
  }

  #count(command: string): void {
    this.#counts[command] = (this.#counts[command] ?? 0) + 1;
  }

  async #call<T>(command: string, wp: string | undefined, effect: () => T): Promise<T> {
    this.#count(command);
    await Promise.resolve();
    const index = this.failures.findIndex((f) => f.command === command && (f.wp === undefined || f.wp === wp));
    if (index >= 0) {
      const failure = this.failures[index]!;
      failure.times = (failure.times ?? 1) - 1;
      if (failure.times <= 0) this.failures.splice(index, 1);
      if (failure.applyFirst) effect();
      throw failure.error();
    }
    return effect();
  }

  #get(id: string): FakeWp {
    const wp = this.wps.get(id);
    if (wp === undefined) throw new HostError("x", "WP_NOT_FOUND", { message: `WP ${id} not found` });
    return wp;
  }

  #workspace(wp: FakeWp): WorkspaceInfo {
    const laneId = wp.laneId ?? `lane-${wp.id.toLowerCase()}`;
    return {
      ...IDENTITY,
      wpId: wp.id,
      workspacePath: `${this.repoRoot}/.worktrees/${this.mission}-${laneId}`,
      promptPath: `${this.repoRoot}/kitty-specs/${this.mission}/tasks/${wp.id}.md`,
      laneId,
      laneBranch: `kitty/mission-${this.mission}-${laneId}`,
      laneBaseRef: "main",
    };
  }

  contractVersion(): Promise<ContractInfo> {
    return this.#call(
      "contract-version",
      undefined,
      () => ({ apiVersion: "1.3.0", minSupportedProviderVersion: "0.1.0" }),
    );
  }

  missionState(mission: string): Promise<MissionState> {
    return this.#call("mission-state", undefined, () => {
      this.#mission(mission);
      const list = [...this.wps.values()].sort((a, b) => a.id.localeCompare(b.id));
      const summary: Record<string, number> = {};
      for (const wp of list) summary[wp.lane] = (summary[wp.lane] ?? 0) + 1;
      return {
        ...IDENTITY,
        summary,
        workPackages: list.map((wp) => ({ wpId: wp.id, lane: wp.lane, dependencies: [...wp.deps], lastActor: null })),
      };
    });
  }

  #mission(mission: string): void {
    if (mission !== this.mission) {
      throw new HostError("mission-state", "MISSION_NOT_FOUND", { message: `Mission ${mission} not found` });
    }
  }

  #depsOk(wp: FakeWp): boolean {
    return wp.deps.every((d) => ["approved", "done"].includes(this.wps.get(d)?.lane ?? ""));
  }

  listReady(mission: string): Promise<ReadyList> {
    return this.#call("list-ready", undefined, () => {
      this.#mission(mission);
      const ready = [...this.wps.values()].filter((wp) => wp.lane === "planned" && this.#depsOk(wp));
      return {
        ...IDENTITY,
        readyWorkPackages: ready.map((wp) => ({ wpId: wp.id, lane: wp.lane, dependenciesSatisfied: true })),
      };
    });
  }

  resolveWorkspace(mission: string, wp: string): Promise<WorkspaceInfo> {
    return this.#call("resolve-workspace", wp, () => {
      this.#mission(mission);
      return this.#workspace(this.#get(wp));
    });
  }

  startImplementation(input: { mission: string; wp: string; actor: string }): Promise<StartImplementationResult> {
    this.calls.push({ command: "start-implementation", wp: input.wp });
    return this.#call("start-implementation", input.wp, () => {
      const wp = this.#get(input.wp);
      const from = wp.lane;
      if (
        (from === "claimed" || from === "in_progress") && wp.claimedBy !== undefined && wp.claimedBy !== input.actor
      ) {
        throw new HostError("start-implementation", "WP_ALREADY_CLAIMED", {
          message: `WP ${wp.id} is already claimed by ${wp.claimedBy}`,
          claimed_by: wp.claimedBy,
          requesting_actor: input.actor,
        });
      }
      if (from === "planned") {
        if (!this.#depsOk(wp)) {
          throw new HostError("start-implementation", "DEPENDENCIES_NOT_SATISFIED", { message: "deps" });
        }
      } else if (from !== "claimed" && from !== "in_progress") {
        throw new HostError("start-implementation", "TRANSITION_REJECTED", {
          message: `WP ${wp.id} is in '${from}', cannot start implementation`,
        });
      }
      const noOp = from === "in_progress";
      wp.lane = "in_progress";
      wp.claimedBy = input.actor;
      return { ...this.#workspace(wp), fromLane: from, toLane: "in_progress", policyMetadataRecorded: true, noOp };
    });
  }

  startReview(input: { mission: string; wp: string; actor: string; reviewRef?: string }): Promise<StartReviewResult> {
    this.calls.push({ command: "start-review", wp: input.wp });
    return this.#call("start-review", input.wp, () => {
      const wp = this.#get(input.wp);
      const from = wp.lane;
      if (from !== "for_review" && from !== "in_review") {
        throw new HostError("start-review", "TRANSITION_REJECTED", { message: `WP ${wp.id} cannot start review` });
      }
      if (from === "for_review") wp.reviewRef = input.reviewRef;
      wp.lane = "in_review";
      return {
        ...IDENTITY,
        wpId: wp.id,
        fromLane: from,
        toLane: "in_review",
        promptPath: this.#workspace(wp).promptPath,
        policyMetadataRecorded: true,
        noOp: from === "in_review",
      };
    });
  }

  transition(input: TransitionInput): Promise<TransitionResult> {
    this.calls.push({ command: "transition", wp: input.wp, to: input.to, input });
    return this.#call("transition", input.wp, () => {
      const wp = this.#get(input.wp);
      const from = wp.lane;
      if (!input.force && POLICY_REQUIRED_TARGETS.includes(input.to) && input.policy === undefined) {
        throw new HostError("transition", "POLICY_METADATA_REQUIRED", { message: "policy required" });
      }
      // The built-in host's lane machine decides (the same edges and guards), so engine tests
      // cannot pass against a laxer host than the one users run. The fake tracks no subtasks or
      // commits: it takes the engine's word for them.
      const decision = decideTransition({
        from,
        to: input.to,
        actor: input.actor,
        force: input.force ?? false,
        reason: input.note ?? null,
        reviewRef: input.reviewRef ?? null,
        reviewResult: input.reviewResult ?? null,
        evidence: (input.evidence as Record<string, unknown> | undefined) ?? null,
        subtasksComplete: input.subtasksComplete ?? true,
        implementationEvidence: input.implementationEvidencePresent ?? true,
      });
      if (!decision.ok) throw new HostError("transition", "TRANSITION_REJECTED", { message: decision.message });
      wp.lane = input.to;
      return {
        ...IDENTITY,
        wpId: wp.id,
        fromLane: from,
        toLane: input.to,
        policyMetadataRecorded: input.policy !== undefined,
      };
    });
  }

  appendHistory(input: { mission: string; wp: string; actor: string; note: string }): Promise<HistoryResult> {
    this.calls.push({ command: "append-history", wp: input.wp });
    return this.#call("append-history", input.wp, () => ({ ...IDENTITY, wpId: input.wp, historyEntryId: "hist-1" }));
  }

  acceptMission(input: { mission: string; actor: string }): Promise<AcceptResult> {
    return this.#call("accept-mission", undefined, () => {
      const incomplete = [...this.wps.values()].filter((w) => w.lane !== "done" && w.lane !== "approved");
      if (incomplete.length > 0) {
        throw new HostError("accept-mission", "MISSION_NOT_READY", { message: "not ready" });
      }
      void input;
      const ids = [...this.wps.keys()];
      return {
        ...IDENTITY,
        accepted: true,
        mode: "auto",
        acceptedAt: "2026-01-01T00:00:00Z",
        acceptedWps: ids,
        approvedWps: [],
        doneWps: ids,
        mergePendingWps: [],
      };
    });
  }

  mergeMission(): Promise<MergeResult> {
    return Promise.reject(new Error("not used by the engine"));
  }
}

/** An ambiguous transport failure, as the adapter raises it for a timed-out mutating call. */
export function ambiguousTimeout(command: string): HostTransportError {
  return new HostTransportError("timeout", command, `host ${command} timed out`, { ambiguous: true });
}
