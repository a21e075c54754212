/**
 * Fakes for engine tests: a clock that records sleeps instead of waiting, a scripted agent
 * runner, an in-memory git, verdict-line prompts and an in-memory state sink.
 *
 * @module
 */
import type { AgentRunner, AttemptFailure, AttemptResult, AttemptSpec, ReviewVerdict } from "../../src/domain/agent.ts";
import type { CommitGateResult, EnsuredWorkspace, Git, WorkspaceRequest } from "../../src/domain/git.ts";
import type { Clock, PromptKit, StateSink } from "../../src/engine/ports.ts";
import type { RunState } from "../../src/domain/run_state.ts";

/** A clock whose sleeps return at once (next macrotask) and advance virtual time. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  #now = Date.parse("2026-01-01T00:00:00Z");
  #random: () => number;
  #advance: boolean;

  /** `advance: false` keeps time still (to observe waits that overlap across WPs). */
  constructor(random: () => number = () => 0.5, options: { advance?: boolean } = {}) {
    this.#random = random;
    this.#advance = options.advance ?? true;
  }
  now(): Date {
    return new Date(this.#now);
  }
  monotonic(): number {
    return this.#now;
  }
  random = (): number => this.#random();
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    if (this.#advance) this.#now += ms;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      setTimeout(() => (signal?.aborted ? reject(signal.reason) : resolve()), 0);
    });
  }
}

/** One scripted attempt. */
export interface FakeAttempt {
  ok?: boolean;
  failure?: AttemptFailure;
  /** Reviewer final message (e.g. `VERDICT: APPROVED`). */
  message?: string;
  /** Whether the agent changes files in the workspace. @default true for implementers */
  write?: boolean;
  cost?: number;
  /** Hang until the run aborts (to test interruption). */
  hang?: boolean;
  /** Finish only once this promise resolves. */
  waitFor?: Promise<unknown>;
}

/** A runner that replays scripted attempts per `WPxx:role` and tracks concurrency. */
export class FakeRunner implements AgentRunner {
  readonly specs: AttemptSpec[] = [];
  readonly script = new Map<string, FakeAttempt[]>();
  readonly git: FakeGit;
  maxConcurrent = 0;
  maxPerWorkspace = 0;
  terminated = 0;
  #running = 0;
  readonly #perWorkspace = new Map<string, number>();
  /** Called when an attempt starts (tests use it to interrupt at a precise point). */
  onStart: ((spec: AttemptSpec) => void) | null = null;

  constructor(git: FakeGit) {
    this.git = git;
  }

  /** Queues attempts for `wp` in `role`. */
  plan(wp: string, role: "implement" | "review", ...attempts: FakeAttempt[]): this {
    const key = `${wp}:${role}`;
    this.script.set(key, [...(this.script.get(key) ?? []), ...attempts]);
    return this;
  }

  async run(spec: AttemptSpec, signal?: AbortSignal): Promise<AttemptResult> {
    this.specs.push(spec);
    const wp = spec.wp ?? "?";
    const next = this.script.get(`${wp}:${spec.role}`)?.shift() ??
      (spec.role === "review" ? { message: "Looks good.\nVERDICT: APPROVED" } : {});
    this.#running++;
    this.#perWorkspace.set(spec.workspace, (this.#perWorkspace.get(spec.workspace) ?? 0) + 1);
    this.maxConcurrent = Math.max(this.maxConcurrent, this.#running);
    this.maxPerWorkspace = Math.max(this.maxPerWorkspace, this.#perWorkspace.get(spec.workspace)!);
    try {
      await spec.onSpawn?.(4242, 4242);
      this.onStart?.(spec);
      await new Promise((r) => setTimeout(r, 1));
      if (next.waitFor !== undefined) await next.waitFor;
      if (next.hang) {
        await new Promise<void>((resolve) => {
          if (signal?.aborted) return resolve();
          signal?.addEventListener("abort", () => resolve(), { once: true });
        });
        // A killed process takes a macrotask or more to be reaped: the engine must not spin meanwhile.
        await new Promise((r) => setTimeout(r, 5));
        return this.#result(spec, { ok: false, failure: { class: "crash", message: "killed" } });
      }
      const ok = next.ok ?? next.failure === undefined;
      if (ok && spec.role === "implement" && (next.write ?? true)) this.git.touch(spec.workspace);
      return this.#result(spec, { ...next, ok });
    } finally {
      this.#running--;
      this.#perWorkspace.set(spec.workspace, this.#perWorkspace.get(spec.workspace)! - 1);
    }
  }

  #result(spec: AttemptSpec, a: FakeAttempt): AttemptResult {
    return {
      agentId: spec.agentId,
      role: spec.role,
      ok: a.ok ?? true,
      exitCode: a.ok === false ? 1 : 0,
      signal: null,
      durationMs: 1000,
      failure: a.ok === false ? a.failure ?? { class: "crash", message: "exit 1" } : null,
      finalMessage: a.message ?? "done",
      costUsd: a.cost ?? null,
      tokens: null,
      logPath: spec.logPath,
      outputTail: "",
      pgid: 4242,
    };
  }

  terminateAll(): Promise<void> {
    this.terminated++;
    return Promise.resolve();
  }
}

interface FakeWorkspace {
  branch: string | null;
  commits: string[];
  dirty: boolean;
}

/** An in-memory git: workspaces with a commit list; agents "write" by marking them dirty. */
export class FakeGit implements Git {
  readonly workspaces = new Map<string, FakeWorkspace>();
  /** Files every successful commit gate reports. */
  files: string[] = [];
  #seq = 0;

  touch(ws: string): void {
    const w = this.workspaces.get(ws);
    if (w !== undefined) w.dirty = true;
  }
  #ws(ws: string): FakeWorkspace {
    const w = this.workspaces.get(ws);
    if (w === undefined) throw new Error(`no workspace ${ws}`);
    return w;
  }
  head(ws: string): Promise<string> {
    return Promise.resolve(this.#ws(ws).commits.at(-1)!);
  }
  currentBranch(ws: string): Promise<string | null> {
    return Promise.resolve(this.#ws(ws).branch);
  }
  mergeBase(ws: string): Promise<string | null> {
    return Promise.resolve(this.#ws(ws).commits[0] ?? null);
  }
  ensureWorkspace(_root: string, req: WorkspaceRequest): Promise<EnsuredWorkspace> {
    const existing = this.workspaces.get(req.workspacePath);
    const branch = req.laneBranch ?? req.fallbackBranch;
    if (existing !== undefined) {
      return Promise.resolve({ path: req.workspacePath, branch, createdWorktree: false, createdBranch: null });
    }
    this.workspaces.set(req.workspacePath, { branch, commits: [`base${this.#seq++}`], dirty: false });
    return Promise.resolve({ path: req.workspacePath, branch, createdWorktree: true, createdBranch: branch });
  }
  commitGate(ws: string, branch: string | null, base: string): Promise<CommitGateResult> {
    const w = this.#ws(ws);
    if (w.branch === null || (branch !== null && branch !== w.branch)) {
      return Promise.resolve({ ok: false, kind: "wrong_branch", message: `wrong branch ${w.branch}` });
    }
    let committed = false;
    if (w.dirty) {
      w.commits.push(`c${this.#seq++}`);
      w.dirty = false;
      committed = true;
    }
    const since = w.commits.length - 1 - w.commits.indexOf(base);
    if (since <= 0) return Promise.resolve({ ok: false, kind: "no_output", message: `no commit since ${base}` });
    return Promise.resolve({ ok: true, head: w.commits.at(-1)!, committed, files: [...this.files] });
  }
  discardChanges(ws: string, head: string): Promise<string[]> {
    const w = this.#ws(ws);
    const out: string[] = [];
    const at = w.commits.indexOf(head);
    if (at >= 0 && at < w.commits.length - 1) {
      out.push(`HEAD moved to ${w.commits.at(-1)}`);
      w.commits.splice(at + 1);
    }
    if (w.dirty) out.push("(dirty tree)");
    w.dirty = false;
    return Promise.resolve(out);
  }
  /** What {@link configFingerprint} answers (tests change it to simulate tampering). */
  config = "cfg";
  configFingerprint(): Promise<string> {
    return Promise.resolve(this.config);
  }
  diff(ws: string, base: string): Promise<string> {
    const w = this.#ws(ws);
    return Promise.resolve(`diff ${base}..${w.commits.at(-1)}`);
  }
}

/** Prompts that name the WP, and a `VERDICT: APPROVED|CHANGES_REQUESTED` parser. */
export const fakePrompts: PromptKit = {
  implement: ({ wpId, feedback }) => `implement ${wpId}${feedback === null ? "" : `\nfeedback: ${feedback}`}`,
  review: ({ wpId, diff }) => `review ${wpId}\n${diff}`,
  parseVerdict(text: string): ReviewVerdict | null {
    const m = /VERDICT:\s*(APPROVED|CHANGES_REQUESTED)/.exec(text);
    if (m === null) return null;
    const feedback = text.slice(0, m.index).trim();
    return { verdict: m[1] === "APPROVED" ? "approved" : "changes_requested", feedback };
  },
};

/** Keeps every saved state (deep copies). */
export class MemoryStore implements StateSink {
  readonly saves: RunState[] = [];
  save(state: RunState): Promise<void> {
    this.saves.push(structuredClone(state));
    return Promise.resolve();
  }
  get last(): RunState | undefined {
    return this.saves.at(-1);
  }
}
