/**
 * The host adapter: each {@link Host} method is one `<command…> orchestrator-api <sub>` process.
 *
 * Used for both hosts: the real `spec-kitty` and our built-in host (our own binary's `host`
 * command), so the adapter is always exercised through a real subprocess.
 *
 * Transport rules: cwd and `SPECIFY_REPO_ROOT` are the repo root; every call has a timeout and
 * owns its process group (see `process.ts`); the envelope is the last JSON line of stdout.
 * Read-only calls are retried on transport faults with full-jitter backoff; mutating calls are
 * never retried here, and their timeouts/crashes/garbage are flagged `ambiguous` so the engine
 * re-reads `mission-state` before doing anything else.
 *
 * @module
 */
import type { HostRequest } from "./argv.ts";
import { decodeStdout, type HostResultMap, type WireOptions } from "./envelope.ts";
import {
  eraArgv,
  eraFromContract,
  eraFromProbe,
  type EraProfile,
  ERAS,
  normalizeData,
  planTransition,
  PROBE_MISSION,
  startsReviewOnHost,
  wireCommand,
} from "./era.ts";
import type {
  AcceptResult,
  ContractInfo,
  EraId,
  ForcedTransition,
  HistoryResult,
  Host,
  HostCallCounts,
  Lane,
  MergeInput,
  MergeResult,
  MissionState,
  PolicyMetadata,
  ReadyList,
  StartImplementationResult,
  StartReviewResult,
  TransitionInput,
  TransitionResult,
  WorkspaceInfo,
} from "../domain/host.ts";
import { planLegacyWorkspace, readMissionLayout } from "./legacy_workspace.ts";
import { HostError, HostTransportError, type HostTransportKind } from "../domain/host_errors.ts";
import { type BackoffPolicy, withRetry } from "../core/retry.ts";
import { runProcessGroup } from "./process.ts";
import { stderrTail } from "./stderr_tail.ts";
import { type HostSubcommand, isReadOnly } from "./subcommands.ts";

/** Default per-call timeout (config `host.timeoutMs` normally overrides it). */
export const DEFAULT_HOST_TIMEOUT_MS = 60_000;
/** Retries of a read-only call after a transport fault (so at most 1 + 3 attempts). */
export const READ_RETRIES = 3;
/** Full-jitter backoff base of a read retry. */
export const RETRY_BASE_MS = 250;
/** Full-jitter backoff cap of a read retry. */
export const RETRY_CAP_MS = 2_000;
/**
 * A read's attempts together take at most this many call timeouts (`readDeadlineMs`): a read
 * that timed out once gets one more try with the time left, never four full timeouts.
 */
export const READ_DEADLINE_TIMEOUTS = 2;
/** The host's backoff in the shared retry policy (full jitter over 250 ms × 2ⁿ, capped at 2 s). */
export const READ_BACKOFF: BackoffPolicy = {
  initialIntervalMs: RETRY_BASE_MS,
  backoffCoefficient: 2,
  maximumIntervalMs: RETRY_CAP_MS,
  jitter: true,
};

/** Reported after every attempt (for logs and the benchmark). */
export interface HostCallEvent {
  readonly command: HostSubcommand;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly durationMs: number;
  /** `ok`, `host_error` (a failure envelope) or the transport kind. */
  readonly outcome: "ok" | "host_error" | HostTransportKind;
  /** The host's error code for `host_error`. */
  readonly code?: string;
  readonly willRetry: boolean;
}

/** Construction options. */
export interface SpecKittyHostOptions {
  /** argv prefix, e.g. `["spec-kitty"]` or `[<self>, "host"]`. */
  readonly command: readonly string[];
  /** Absolute repository root (cwd and `SPECIFY_REPO_ROOT` of every call). */
  readonly repoRoot: string;
  /** @default "spec-kitty" */
  readonly kind?: string;
  /** @default DEFAULT_HOST_TIMEOUT_MS */
  readonly timeoutMs?: number;
  /** SIGTERM → SIGKILL grace on timeout. @default 2000 */
  readonly killGraceMs?: number;
  /** Total time of one read with its retries. @default READ_DEADLINE_TIMEOUTS × timeoutMs */
  readonly readDeadlineMs?: number;
  /** Injectable for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Injectable for tests; returns [0, 1). */
  readonly random?: () => number;
  readonly onCall?: (event: HostCallEvent) => void;
  /** Aborting kills in-flight calls (Ctrl-C / SIGTERM of the run). */
  readonly signal?: AbortSignal;
  /** Extra environment for the host process. */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * The era to speak before (or instead of) detecting it at `contract-version`.
   * @default "1.3"
   */
  readonly era?: EraId;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A {@link Host} backed by one subprocess per call, speaking the era its host speaks. */
export class SpecKittyHost implements Host {
  readonly kind: string;
  readonly #opts: SpecKittyHostOptions;
  readonly #counts: Record<string, number> = {};
  #profile: EraProfile;
  /** Set while `contract-version` (and the era probe) runs: every other call waits for the era. */
  #detecting: Promise<EraProfile> | null = null;
  /** Last lane seen per `mission\0wp` (older eras plan transitions from it). */
  readonly #lanes = new Map<string, Lane>();
  readonly #deps = new Map<string, string[]>();
  readonly #forced: ForcedTransition[] = [];

  constructor(options: SpecKittyHostOptions) {
    if (options.command.length === 0) throw new TypeError("Cannot create a host as its command is empty");
    this.#opts = options;
    this.kind = options.kind ?? "spec-kitty";
    this.#profile = ERAS[options.era ?? "1.3"];
  }

  /** The era this adapter speaks now (detected by {@link contractVersion}). */
  get era(): EraId {
    return this.#profile.id;
  }

  /** Calls made so far by wire subcommand (`feature-state` on the feature era), retries included. */
  callCounts(): HostCallCounts {
    return { ...this.#counts };
  }

  /** Every transition sent with `--force` because the era has no unforced path, in order. */
  forcedTransitions(): ForcedTransition[] {
    return this.#forced.map((f) => ({ ...f }));
  }

  /**
   * `contract-version`, then the era: from `api_version`, and for 1.0.0 (spoken by the feature
   * and the early mission era alike) from a read-only probe, `mission-state` answering
   * USAGE_ERROR on the feature era.
   */
  contractVersion(providerVersion?: string): Promise<ContractInfo> {
    const run = (async (): Promise<ContractInfo> => {
      const info = await this.#call({ sub: "contract-version", providerVersion });
      const profile = await this.#detectEra(info.apiVersion);
      this.#profile = profile;
      return { ...info, era: profile.id };
    })();
    const detecting = run.then(() => this.#profile, () => this.#profile);
    this.#detecting = detecting;
    void detecting.then(() => {
      if (this.#detecting === detecting) this.#detecting = null;
    });
    return run;
  }

  async #detectEra(apiVersion: string): Promise<EraProfile> {
    const era = eraFromContract(apiVersion);
    // Not a 1.x contract: the contract check refuses it; keep speaking what we speak.
    if (era === null) return this.#profile;
    if (era !== "probe") return ERAS[era];
    try {
      // Sent in the mission spelling, bypassing the wait for the era (this is how it is found).
      await this.#call({ sub: "mission-state", mission: PROBE_MISSION }, ERAS["1.3"]);
      return ERAS["1.0-mission"];
    } catch (error) {
      if (error instanceof HostError) return ERAS[eraFromProbe(error.rawCode)];
      throw error;
    }
  }
  async missionState(mission: string): Promise<MissionState> {
    const state = await this.#call({ sub: "mission-state", mission });
    for (const wp of state.workPackages) {
      if (wp.lane !== null) this.#lanes.set(key(mission, wp.wpId), wp.lane);
      this.#deps.set(key(mission, wp.wpId), wp.dependencies);
    }
    return state;
  }
  listReady(mission: string): Promise<ReadyList> {
    return this.#call({ sub: "list-ready", mission });
  }
  async resolveWorkspace(mission: string, wp: string): Promise<WorkspaceInfo> {
    const profile = await this.#era();
    if (wireCommand(profile, "resolve-workspace") !== null) {
      return this.#call({ sub: "resolve-workspace", mission, wp });
    }
    const planned = await this.#legacyWorkspace(profile, mission, wp);
    return { missionSlug: mission, missionNumber: null, missionType: "", wpId: wp, ...planned };
  }
  async startImplementation(
    input: { mission: string; wp: string; actor: string; policy: PolicyMetadata },
  ): Promise<StartImplementationResult> {
    const profile = await this.#era();
    const started = await this.#call({ sub: "start-implementation", ...input });
    this.#lanes.set(key(input.mission, input.wp), "in_progress");
    if (profile.hostCreatesWorkspace) return started;
    // The host only names the workspace: say which branch the orchestrator creates it on.
    const planned = await this.#legacyWorkspace(profile, input.mission, input.wp);
    return {
      ...started,
      laneBranch: planned.laneBranch,
      ...(planned.laneBaseRef ? { laneBaseRef: planned.laneBaseRef } : {}),
    };
  }
  async startReview(
    input: { mission: string; wp: string; actor: string; policy: PolicyMetadata; reviewRef?: string },
  ): Promise<StartReviewResult> {
    const profile = await this.#era();
    if (startsReviewOnHost(profile)) {
      const started = await this.#call({ sub: "start-review", ...input });
      this.#lanes.set(key(input.mission, input.wp), "in_review");
      return started;
    }
    // No call: the WP is reviewed where it is (for_review), see `era.ts`.
    const lane = await this.#laneOf(input.mission, input.wp);
    const planned = await this.#legacyWorkspace(profile, input.mission, input.wp);
    return {
      missionSlug: input.mission,
      missionNumber: null,
      missionType: "",
      wpId: input.wp,
      fromLane: lane,
      toLane: lane,
      promptPath: planned.promptPath,
      policyMetadataRecorded: false,
      noOp: true,
    };
  }
  async transition(input: TransitionInput): Promise<TransitionResult> {
    const profile = await this.#era();
    const at = key(input.mission, input.wp);
    if (profile.reviewResultFlag) {
      const moved = await this.#call({ sub: "transition", ...input });
      this.#lanes.set(at, input.to);
      return moved;
    }
    const from = await this.#laneOf(input.mission, input.wp);
    let last: TransitionResult | null = null;
    for (const planned of planTransition(profile, from, input)) {
      // Once the first step is applied the rest is finished even when the run is interrupted.
      last = await this.#call({ sub: "transition", ...planned.input }, profile, last !== null);
      this.#lanes.set(at, planned.input.to);
      if (planned.forced !== null) {
        this.#forced.push({ wpId: input.wp, from: planned.from, to: planned.input.to, reason: planned.forced });
      }
    }
    if (last === null) throw new TypeError(`no transition planned for ${input.wp} to ${input.to}`);
    return { ...last, fromLane: from };
  }
  appendHistory(input: { mission: string; wp: string; actor: string; note: string }): Promise<HistoryResult> {
    return this.#call({ sub: "append-history", ...input });
  }
  async acceptMission(input: { mission: string; actor: string }): Promise<AcceptResult> {
    const accepted = await this.#call({ sub: "accept-mission", ...input });
    if (accepted.acceptedWps.length > 0 || (await this.#era()).missionFlag !== "--feature") return accepted;
    // accept-feature names no WPs; it only succeeds when every WP is done, which the lanes we saw say.
    const prefix = `${input.mission}\0`;
    const done = [...this.#lanes.entries()].filter(([k, lane]) => k.startsWith(prefix) && lane === "done")
      .map(([k]) => k.slice(prefix.length)).sort();
    return { ...accepted, acceptedWps: done, doneWps: done };
  }
  mergeMission(input: MergeInput): Promise<MergeResult> {
    return this.#call({ sub: "merge-mission", ...input });
  }

  /** The era to speak: the detected one, waiting for a detection in flight. */
  #era(): Promise<EraProfile> {
    return this.#detecting ?? Promise.resolve(this.#profile);
  }

  /** The WP's lane as last seen, reading mission-state when it was never seen. */
  async #laneOf(mission: string, wp: string): Promise<Lane> {
    const known = this.#lanes.get(key(mission, wp));
    if (known !== undefined) return known;
    await this.missionState(mission);
    return this.#lanes.get(key(mission, wp)) ?? "planned";
  }

  async #legacyWorkspace(profile: EraProfile, mission: string, wp: string) {
    const layout = await readMissionLayout(this.#opts.repoRoot, mission);
    return planLegacyWorkspace(
      profile,
      this.#opts.repoRoot,
      mission,
      wp,
      layout,
      this.#deps.get(key(mission, wp)) ?? [],
    );
  }

  /**
   * One host call. `finish` runs it without the run's abort signal: the later steps of a planned
   * transition, so an interrupt does not strand the WP halfway (e.g. in blocked on the detour).
   */
  async #call<R extends HostRequest>(
    req: R,
    era?: EraProfile,
    finish = false,
  ): Promise<HostResultMap[R["sub"]]> {
    if (era !== undefined || req.sub === "contract-version") return this.#send(req, era ?? this.#profile, finish);
    const detecting = this.#detecting;
    if (detecting === null || !isReadOnly(req.sub)) return this.#send(req, await this.#era(), finish);
    // A read sent while the era is being found goes out at once in the current spelling (the
    // startup reads stay concurrent with contract-version on 1.3); when the era turns out to
    // spell it otherwise, that answer is dropped and the read is sent again in the era's spelling.
    const guess = this.#profile;
    const sent = this.#send(req, guess, finish).then((value) => ({ value }), (error: unknown) => ({ error }));
    const found = await detecting;
    if (JSON.stringify(eraArgv(found, req)) !== JSON.stringify(eraArgv(guess, req))) {
      await sent;
      return this.#send(req, found, finish);
    }
    const answer = await sent;
    if ("error" in answer) throw answer.error;
    return answer.value;
  }

  #send<R extends HostRequest>(
    req: R,
    profile: EraProfile,
    finish: boolean,
  ): Promise<HostResultMap[R["sub"]]> {
    const signal = finish ? undefined : this.#opts.signal;
    const sub = req.sub as R["sub"];
    const argv = eraArgv(profile, req);
    if (argv === null) return Promise.reject(new TypeError(`contract ${profile.contract} has no ${sub} command`));
    const wire = argv[1] ?? sub;
    const options: WireOptions = wire === sub && profile.missionFlag === "--mission"
      ? {}
      : { command: wire, normalize: (data) => normalizeData(profile, data) };
    const timeoutMs = this.#opts.timeoutMs ?? DEFAULT_HOST_TIMEOUT_MS;
    // The one retry layer for host reads (the engine does not retry around it); mutations are
    // never retried here.
    let started = 0;
    return withRetry(async ({ attempt, remainingMs }) => {
      this.#counts[wire] = (this.#counts[wire] ?? 0) + 1;
      started = performance.now();
      const result = await this.#once(sub, argv, options, Math.min(timeoutMs, remainingMs), signal);
      this.#report(sub, attempt, started, "ok", false);
      return result;
    }, {
      maxAttempts: 1 + (isReadOnly(sub) ? READ_RETRIES : 0),
      deadlineMs: this.#opts.readDeadlineMs ?? READ_DEADLINE_TIMEOUTS * timeoutMs,
      // A retry left with less than a quarter of a timeout would only time out.
      minAttemptMs: timeoutMs / 4,
      backoff: READ_BACKOFF,
      retryable: (error) => error instanceof HostTransportError && error.kind !== "not_found" && !signal?.aborted,
      onFailure: (error, attempt, willRetry) => {
        if (error instanceof HostError) {
          this.#report(sub, attempt, started, "host_error", false, error.rawCode ?? error.code);
        } else {
          const kind = error instanceof HostTransportError ? error.kind : "crash";
          this.#report(sub, attempt, started, kind, willRetry);
        }
      },
      clock: {
        now: () => performance.now(),
        sleep: this.#opts.sleep ?? defaultSleep,
        random: this.#opts.random ?? Math.random,
      },
    });
  }

  #report(
    command: HostSubcommand,
    attempt: number,
    started: number,
    outcome: HostCallEvent["outcome"],
    willRetry: boolean,
    code?: string,
  ): void {
    const durationMs = Math.round(performance.now() - started);
    this.#opts.onCall?.({ command, attempt, durationMs, outcome, willRetry, ...(code ? { code } : {}) });
  }

  async #once<K extends HostSubcommand>(
    sub: K,
    wireArgv: string[],
    wire: WireOptions,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): Promise<HostResultMap[K]> {
    const { command, repoRoot } = this.#opts;
    const argv = [...command, ...wireArgv];
    const ambiguous = !isReadOnly(sub);
    const label = `${this.kind} host 'orchestrator-api ${sub}'`;
    const unknownEffect = ambiguous ? " The change may or may not have been applied: re-read mission-state." : "";
    let result;
    try {
      result = await runProcessGroup(argv, {
        cwd: repoRoot,
        env: {
          SPECIFY_REPO_ROOT: repoRoot,
          SPEC_KITTY_NO_UPGRADE_CHECK: "1",
          SPEC_KITTY_NO_NAG: "1",
          ...this.#opts.env,
        },
        timeoutMs,
        killGraceMs: this.#opts.killGraceMs,
        signal,
      });
    } catch (error) {
      if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.PermissionDenied) {
        throw new HostTransportError("not_found", sub, this.#notFoundMessage(), { cause: error });
      }
      throw new HostTransportError("crash", sub, `Cannot start ${label}: ${String(error)}`, { cause: error });
    }
    const tail = stderrTail(result.stderr);
    const tailText = tail === "" ? " (stderr was empty)" : `; last stderr lines:\n${tail}`;
    if (result.timedOut || result.aborted) {
      const why = result.timedOut ? `did not answer within ${Math.round(timeoutMs)} ms` : "was interrupted";
      throw new HostTransportError("timeout", sub, `${label} ${why}; its process group was killed.${unknownEffect}`, {
        ambiguous,
        stderrTail: tail,
        exitCode: result.code,
      });
    }
    if (result.stdout.trim() === "" && (result.code !== 0 || result.signal !== null)) {
      const how = result.signal !== null ? `was killed by ${result.signal}` : `exited with ${result.code}`;
      throw new HostTransportError("crash", sub, `${label} crashed: it ${how} without an answer${tailText}`, {
        ambiguous,
        stderrTail: tail,
        exitCode: result.code,
      });
    }
    try {
      return decodeStdout(sub, result.stdout, repoRoot, wire) as HostResultMap[K];
    } catch (error) {
      if (error instanceof HostTransportError) {
        throw new HostTransportError(error.kind, sub, `${error.message} (exit ${result.code})${unknownEffect}`, {
          ambiguous,
          stderrTail: tail,
          exitCode: result.code,
          cause: error,
        });
      }
      throw error;
    }
  }

  #notFoundMessage(): string {
    const bin = this.#opts.command[0] ?? "";
    if (this.kind === "builtin") {
      return `Cannot run the built-in host as ${JSON.stringify(bin)} could not be executed. ` +
        "Reinstall spec-kitty-orchestrator or set SKO_SELF_COMMAND.";
    }
    return `Cannot run the spec-kitty host as ${JSON.stringify(bin)} was not found or is not executable. ` +
      "Install it with `pipx install spec-kitty-cli` (or point SPEC_KITTY_BIN / host.command at it), " +
      "or use the built-in host with `--host builtin`.";
  }
}

function key(mission: string, wp: string): string {
  return `${mission}\0${wp}`;
}
