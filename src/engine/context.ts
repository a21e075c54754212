/**
 * The shared, mutable side of one engine run: host view (lanes), run state, saves, events,
 * lane locks and the abort signal. WP tasks and the main loop both work through it.
 *
 * @module
 */
import type { AgentRunner } from "../domain/agent.ts";
import { errorMessage } from "../domain/errors.ts";
import { HostError } from "../domain/host_errors.ts";
import type { Host, Lane, MissionState } from "../domain/host.ts";
import type { RunEvent } from "../domain/run_events.ts";
import type { Git } from "../domain/git.ts";
import { AgentCooldowns, type BreakerChange } from "../core/cooldown.ts";
import type { RunBudget } from "../core/budget.ts";
import { KeyedMutex } from "./mutex.ts";
import type { Clock, EventSink, FaultLabel, FaultPort, PipelineChooser, PromptKit, StateSink } from "./ports.ts";
import type { RunState, WpOutcomeKind, WpRunState } from "../domain/run_state.ts";
import { newWpState } from "../core/lifecycle_rules.ts";

/** The injected collaborators of the engine. */
export interface EngineDeps {
  host: Host;
  runner: AgentRunner;
  git: Git;
  clock: Clock;
  store: StateSink;
  emit: EventSink;
  prompts: PromptKit;
  pipelineFor: PipelineChooser;
  /** Reads a WP markdown file. */
  readText(path: string): Promise<string>;
  /** WP id → lane id from lanes.json, when it could be read (scheduling hint only). */
  laneHints?: ReadonlyMap<string, string>;
  /**
   * The subtask marks (id → status) the host recorded for a WP, or null when they cannot be read
   * reliably (then the host's own for_review gate is the only check).
   */
  subtaskMarks?(wpId: string): Promise<Record<string, string> | null>;
  /** Process identity for the reaper (start time, boot id), recorded with running attempts. */
  procIdentity?(pid: number): Promise<{ procStartTime: string | null; bootId: string | null }>;
  /**
   * The family of an agent id (`claude` for claude-code and custom agents of that family): the
   * key of the shared rate-limit breaker. @default each agent is its own family
   */
  familyOf?(agentId: string): string;
  /** Crash points for tests (see {@link FaultPort}); absent in production. */
  faults?: FaultPort;
}

/** Run-level settings of the engine. */
export interface EngineOptions {
  repoRoot: string;
  maxConcurrent: number;
  /** Slow re-read of host state while agents work; 0 disables it. */
  heartbeatMs: number;
  /** Best-effort `append-history` notes (counted apart from lifecycle calls). */
  historyNotes: boolean;
  /** Directory for attempt logs (created by the caller). */
  logDir: string;
  /** Largest diff handed to a reviewer. @default 200_000 */
  diffMaxBytes?: number;
  /** Whether this is a resumed run (for the run_started event). */
  resumed: boolean;
  /** Host kind, for the run_started event. */
  hostLabel: string;
  /**
   * The host allocates the lanes of one mission one at a time itself (it said so in
   * `contract-version`, see `LANE_ALLOCATION_FIELD`), so {@link EngineContext.allocationLock}
   * is not taken. @default false
   */
  hostSerializesAllocation?: boolean;
  /** The run's budget (`per_run_usd`) and each pipeline's WP budget, for the loop and the summary. */
  budget?: RunBudget;
}

/** A run-level failure: stops dispatching and fails the run (exit 1). */
export class RunFatalError extends Error {
  override get name(): string {
    return "RunFatalError";
  }
}

/** The run was interrupted (signal); the WP keeps its phase for `resume`. */
export class InterruptedError extends Error {
  override get name(): string {
    return "InterruptedError";
  }
}

/** A WP ends with this outcome and reason (thrown inside a WP task). */
export class WpStop extends Error {
  readonly kind: WpOutcomeKind;
  constructor(kind: WpOutcomeKind, reason: string) {
    super(reason);
    this.kind = kind;
  }
  override get name(): string {
    return "WpStop";
  }
}

/** Host codes that no retry or other WP can fix: the run stops. */
const FATAL_CODES = new Set([
  "USAGE_ERROR",
  "CONTRACT_VERSION_MISMATCH",
  "POLICY_METADATA_REQUIRED",
  "POLICY_VALIDATION_FAILED",
  "MISSION_NOT_FOUND",
  "STATUS_READ_PATH_NOT_FOUND",
]);

/** True when a host error must stop the whole run. */
export function isFatalHostError(error: unknown): boolean {
  return error instanceof HostError && FATAL_CODES.has(error.code);
}

/** Shared state of one engine run. */
export class EngineContext {
  readonly deps: EngineDeps;
  readonly opts: EngineOptions;
  readonly state: RunState;
  readonly laneLocks = new KeyedMutex();
  /**
   * Held around every lane-allocating host call: the real host creates the mission and lane
   * branches and worktrees without a lock of its own and refuses a concurrent allocation of the
   * same mission with `LANE_ALLOCATION_FAILED` ("cannot lock ref"). Of the contract's calls only
   * `start-implementation` allocates while WPs run (`resolve-workspace` is read-only,
   * transitions only append events); `merge-mission`, which removes worktrees and branches, is
   * never called by the engine, and `accept-mission` runs once after every WP has ended.
   * Skipped for a host that serialises allocation itself ({@link EngineOptions.hostSerializesAllocation}).
   */
  readonly allocationLock = new KeyedMutex();
  /** The rate-limit breaker shared by every WP, per agent family. */
  readonly cooldowns: AgentCooldowns;
  readonly controller = new AbortController();
  /** Host lanes and dependencies as last read (and as changed by our own calls). */
  readonly lanes = new Map<string, Lane | null>();
  readonly dependencies = new Map<string, string[]>();
  /** Set when the run must fail. */
  fatal: Error | null = null;
  /** Why the run was interrupted (SIGINT/SIGTERM), if it was. */
  interruptedBy: "SIGINT" | "SIGTERM" | null = null;
  #refreshing: Promise<MissionState> | null = null;
  #historyCalls = 0;
  readonly #pendingNotes = new Set<Promise<void>>();
  /** Counts our own lane moves; a read started before a move must not undo it. */
  #moveSeq = 0;
  readonly #movedAt = new Map<string, number>();

  constructor(deps: EngineDeps, opts: EngineOptions, state: RunState) {
    this.deps = deps;
    this.opts = opts;
    this.state = state;
    // Cooldowns belong to the process that waits them out: one left by a dead run is stale.
    if (state.cooldowns !== undefined) state.cooldowns = [];
    this.cooldowns = new AgentCooldowns((id) => deps.familyOf?.(id) ?? id, (change) => this.#cooldownChanged(change));
  }

  /** Mirrors a breaker change in the state (for `status`, saved by the caller) and the events. */
  #cooldownChanged(change: BreakerChange): void {
    const wall = (monotonicMs: number) =>
      new Date(this.deps.clock.now().getTime() + monotonicMs - this.deps.clock.monotonic()).toISOString();
    this.state.cooldowns = this.cooldowns.entries().map((e) => ({
      family: e.family,
      agent: e.agent,
      reason: e.reason,
      until: wall(e.untilMs),
    }));
    if (change.kind === "extended") return;
    if (change.kind === "started") {
      const { family, agent, reason, untilMs } = change.entry;
      this.emit({ type: "cooldown_started", family, agent, reason, until: wall(untilMs), wp_id: change.wpId });
    } else {
      this.emit({ type: "cooldown_ended", family: change.family, agent: change.agent, wp_id: change.wpId });
    }
  }

  /** Aborted on interruption or a fatal error. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Number of `append-history` calls made (kept apart from the lifecycle budget). */
  get historyCalls(): number {
    return this.#historyCalls;
  }

  /** Stops the run with a fatal error (first one wins). */
  fail(error: Error): void {
    this.fatal ??= error;
    if (!this.controller.signal.aborted) this.controller.abort(error);
  }

  /** Passes the crash point `label` (a no-op unless a test wired a {@link FaultPort}). */
  fault(label: FaultLabel): void {
    this.deps.faults?.reached(label);
  }

  /** Throws {@link InterruptedError} when the run is stopping. */
  checkpoint(): void {
    if (this.signal.aborted) throw new InterruptedError("run is stopping");
  }

  /** The WP's run state, created on first use. */
  wp(wpId: string): WpRunState {
    const existing = this.state.wps[wpId];
    if (existing !== undefined) return existing;
    const fresh = newWpState(wpId, "");
    this.state.wps[wpId] = fresh;
    return fresh;
  }

  /**
   * Persists the run state; a failed save is fatal (we must not run on without a record). The
   * sink is called at once: it orders the writes itself and may serve several queued saves with
   * one write (see `store/run_state.ts`).
   */
  save(): Promise<void> {
    this.state.updated_at = this.deps.clock.now().toISOString();
    return this.deps.store.save(this.state).catch((error) => {
      const fatal = new RunFatalError(`Cannot save the run state as the write failed: ${errorMessage(error)}`);
      this.fail(fatal);
      throw fatal;
    });
  }

  /** Emits an event (timestamp and run id filled in). */
  emit(event: DistributiveOmit<RunEvent, "at" | "run_id">): void {
    this.deps.emit({ ...event, at: this.deps.clock.now().toISOString(), run_id: this.state.run_id } as RunEvent);
  }

  /**
   * Applies a mission-state read to the lane view. `readSince` is the {@link moveMark} taken
   * before the read was sent: lanes we moved ourselves after it are newer than the read and kept.
   */
  applyMissionState(ms: MissionState, readSince?: number): void {
    for (const wp of ms.workPackages) {
      const movedAt = this.#movedAt.get(wp.wpId);
      const stale = readSince !== undefined && movedAt !== undefined && movedAt > readSince;
      if (!stale) this.lanes.set(wp.wpId, wp.lane);
      this.dependencies.set(wp.wpId, [...wp.dependencies]);
    }
  }

  /** A mark of our lane moves so far, taken before a read (see {@link applyMissionState}). */
  moveMark(): number {
    return this.#moveSeq;
  }

  /**
   * Re-reads `mission-state`; concurrent callers share one call. A read failure rejects as is:
   * the host adapter is the one layer that retries reads (with a total deadline, see
   * `core/retry.ts`); retrying here too multiplied its attempts (3 × 4 host processes of up to a
   * timeout each for one read). With `fresh`, a call already in flight is not shared (it may
   * predate what the caller needs to see): a new read starts after it.
   */
  refresh(options: { fresh?: boolean } = {}): Promise<MissionState> {
    if (this.#refreshing !== null) {
      if (!options.fresh) return this.#refreshing;
      // Any read in flight once this one settles was started after the caller asked: share it.
      return this.#refreshing.then(() => this.refresh(), () => this.refresh());
    }
    const run = async () => {
      const since = this.moveMark();
      const ms = await this.deps.host.missionState(this.state.mission);
      this.applyMissionState(ms, since);
      return ms;
    };
    this.#refreshing = run().finally(() => (this.#refreshing = null));
    return this.#refreshing;
  }

  /** Records a lane change made by one of our calls. */
  moved(wpId: string, from: string, to: Lane): void {
    this.lanes.set(wpId, to);
    this.#movedAt.set(wpId, ++this.#moveSeq);
    if (from !== to) this.emit({ type: "lane_changed", wp_id: wpId, from, to });
  }

  /** Gives a WP its outcome (once) and emits `wp_finished`. */
  finish(wpId: string, kind: WpOutcomeKind, reason: string): void {
    const wp = this.wp(wpId);
    if (wp.outcome !== null) return;
    wp.outcome = { kind, reason, at: this.deps.clock.now().toISOString() };
    wp.phase = "finished";
    if (kind === "failed" || kind === "blocked") wp.last_error ??= reason;
    this.emit({ type: "wp_finished", wp_id: wpId, outcome: kind, reason });
  }

  /**
   * Best-effort history note, sent in the background so it never delays the WP (the run awaits
   * it in {@link flushHistory}); failures become warnings, never WP failures. Only for facts no
   * lane transition carries: a transition's own `--note` already records its reason.
   */
  history(wpId: string, note: string): void {
    if (!this.opts.historyNotes) return;
    this.#historyCalls++;
    const sent = this.deps.host.appendHistory({ mission: this.state.mission, wp: wpId, actor: this.state.actor, note })
      .then(
        () => {},
        (error) => {
          this.emit({
            type: "warning",
            wp_id: wpId,
            message: `append-history failed (ignored): ${errorMessage(error)}`,
          });
        },
      );
    this.#pendingNotes.add(sent);
    void sent.finally(() => this.#pendingNotes.delete(sent));
  }

  /** Waits for every history note still being sent. */
  async flushHistory(): Promise<void> {
    while (this.#pendingNotes.size > 0) await Promise.allSettled([...this.#pendingNotes]);
  }
}

/** `Omit` that distributes over a union. */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
