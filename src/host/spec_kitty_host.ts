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
import { hostArgv, type HostRequest } from "./argv.ts";
import { decodeStdout, type HostResultMap } from "./envelope.ts";
import { HostError, HostTransportError, type HostTransportKind } from "./errors.ts";
import { runProcessGroup } from "./process.ts";
import { stderrTail } from "./stderr_tail.ts";
import { type HostSubcommand, isReadOnly } from "./subcommands.ts";
import type {
  AcceptResult,
  ContractInfo,
  HistoryResult,
  Host,
  HostCallCounts,
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
} from "./types.ts";

/** Default per-call timeout (config `host.timeoutMs` normally overrides it). */
export const DEFAULT_HOST_TIMEOUT_MS = 60_000;
/** Retries of a read-only call after a transport fault (so at most 1 + 3 attempts). */
export const READ_RETRIES = 3;
/** Full-jitter backoff base and cap. */
export const RETRY_BASE_MS = 250;
export const RETRY_CAP_MS = 2_000;

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
  /** Injectable for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Injectable for tests; returns [0, 1). */
  readonly random?: () => number;
  readonly onCall?: (event: HostCallEvent) => void;
  /** Aborting kills in-flight calls (Ctrl-C / SIGTERM of the run). */
  readonly signal?: AbortSignal;
  /** Extra environment for the host process. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Full-jitter backoff delay before retry number `retry` (1-based). */
export function backoffDelayMs(retry: number, random: () => number): number {
  return Math.floor(random() * Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** (retry - 1)));
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A {@link Host} backed by one subprocess per call. */
export class SpecKittyHost implements Host {
  readonly kind: string;
  readonly #opts: SpecKittyHostOptions;
  readonly #counts: Record<string, number> = {};

  constructor(options: SpecKittyHostOptions) {
    if (options.command.length === 0) throw new TypeError("Cannot create a host as its command is empty");
    this.#opts = options;
    this.kind = options.kind ?? "spec-kitty";
  }

  /** Calls made so far by subcommand, retries included. */
  callCounts(): HostCallCounts {
    return { ...this.#counts };
  }

  contractVersion(providerVersion?: string): Promise<ContractInfo> {
    return this.#call({ sub: "contract-version", providerVersion });
  }
  missionState(mission: string): Promise<MissionState> {
    return this.#call({ sub: "mission-state", mission });
  }
  listReady(mission: string): Promise<ReadyList> {
    return this.#call({ sub: "list-ready", mission });
  }
  resolveWorkspace(mission: string, wp: string): Promise<WorkspaceInfo> {
    return this.#call({ sub: "resolve-workspace", mission, wp });
  }
  startImplementation(
    input: { mission: string; wp: string; actor: string; policy: PolicyMetadata },
  ): Promise<StartImplementationResult> {
    return this.#call({ sub: "start-implementation", ...input });
  }
  startReview(
    input: { mission: string; wp: string; actor: string; policy: PolicyMetadata; reviewRef?: string },
  ): Promise<StartReviewResult> {
    return this.#call({ sub: "start-review", ...input });
  }
  transition(input: TransitionInput): Promise<TransitionResult> {
    return this.#call({ sub: "transition", ...input });
  }
  appendHistory(input: { mission: string; wp: string; actor: string; note: string }): Promise<HistoryResult> {
    return this.#call({ sub: "append-history", ...input });
  }
  acceptMission(input: { mission: string; actor: string }): Promise<AcceptResult> {
    return this.#call({ sub: "accept-mission", ...input });
  }
  mergeMission(input: MergeInput): Promise<MergeResult> {
    return this.#call({ sub: "merge-mission", ...input });
  }

  async #call<R extends HostRequest>(req: R): Promise<HostResultMap[R["sub"]]> {
    const sub = req.sub as R["sub"];
    const retries = isReadOnly(sub) ? READ_RETRIES : 0;
    for (let attempt = 1;; attempt++) {
      this.#counts[sub] = (this.#counts[sub] ?? 0) + 1;
      const started = performance.now();
      try {
        const result = await this.#once(sub, req);
        this.#report(sub, attempt, started, "ok", false);
        return result;
      } catch (error) {
        if (error instanceof HostError) {
          this.#report(sub, attempt, started, "host_error", false, error.rawCode ?? error.code);
          throw error;
        }
        const transport = error instanceof HostTransportError ? error : undefined;
        const retry = transport !== undefined && transport.kind !== "not_found" && attempt <= retries &&
          !this.#opts.signal?.aborted;
        this.#report(sub, attempt, started, transport?.kind ?? "crash", retry);
        if (!retry) throw error;
        await (this.#opts.sleep ?? defaultSleep)(backoffDelayMs(attempt, this.#opts.random ?? Math.random));
      }
    }
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

  async #once<K extends HostSubcommand>(sub: K, req: HostRequest): Promise<HostResultMap[K]> {
    const { command, repoRoot } = this.#opts;
    const argv = [...command, ...hostArgv(req)];
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
        timeoutMs: this.#opts.timeoutMs ?? DEFAULT_HOST_TIMEOUT_MS,
        killGraceMs: this.#opts.killGraceMs,
        signal: this.#opts.signal,
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
      const why = result.timedOut
        ? `did not answer within ${this.#opts.timeoutMs ?? DEFAULT_HOST_TIMEOUT_MS} ms`
        : "was interrupted";
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
      return decodeStdout(sub, result.stdout, repoRoot) as HostResultMap[K];
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
