/**
 * Builds an {@link Engine} over the fakes, for tests.
 *
 * @module
 */
import type { PipelineConfig, StageConfig } from "../../src/domain/config.ts";
import type { PolicyMetadata } from "../../src/domain/host.ts";
import type { RunEvent } from "../../src/domain/run_events.ts";
import { Engine, type RunOptions } from "../../src/engine/run.ts";
import type { FaultPort } from "../../src/engine/ports.ts";
import { newRunState } from "../../src/core/new_run_state.ts";
import type { RunState } from "../../src/domain/run_state.ts";
import { FakeHost, type FakeWp } from "./fake_host.ts";
import { FakeClock, FakeGit, fakePrompts, FakeRunner, MemoryStore } from "./fakes.ts";

/** A policy that passes validation. */
export const TEST_POLICY: PolicyMetadata = {
  orchestrator_id: "spec-kitty-orchestrator",
  orchestrator_version: "0.1.0",
  agent_family: "claude",
  approval_mode: "full_auto",
  sandbox_mode: "workspace_write",
  network_mode: "none",
  dangerous_flags: [],
  tool_restrictions: null,
};

/** A stage with fast retries. */
export function testStage(agents: string[], overrides: Partial<StageConfig["retry"]> = {}): StageConfig {
  return {
    agents,
    timeoutMs: 60_000,
    stallTimeoutMs: 60_000,
    retry: {
      maxAttempts: 2,
      initialIntervalMs: 1000,
      backoffCoefficient: 2,
      maximumIntervalMs: 8000,
      jitter: false,
      nonRetryable: ["auth", "model_not_found", "config"],
      rateLimitBudgetMs: 30 * 60_000,
      ...overrides,
    },
  };
}

/** A pipeline for tests. */
export function testPipeline(overrides: Partial<PipelineConfig> = {}): PipelineConfig {
  return {
    name: "default",
    implement: testStage(["impl-a", "impl-b"]),
    review: testStage(["rev-a", "rev-b"]),
    maxReviewCycles: 2,
    ...overrides,
  };
}

const NO_LIMIT = { perWpUsd: null, perWpMs: null };

/** Everything a test needs to drive and inspect a run. */
export interface Harness {
  host: FakeHost;
  runner: FakeRunner;
  git: FakeGit;
  clock: FakeClock;
  store: MemoryStore;
  events: RunEvent[];
  state: RunState;
  engine: Engine;
}

/** Options of {@link harness}. */
export interface HarnessOptions {
  pipeline?: PipelineConfig;
  maxConcurrent?: number;
  historyNotes?: boolean;
  accept?: boolean;
  state?: RunState;
  laneHints?: Map<string, string>;
  host?: FakeHost;
  git?: FakeGit;
  /** @default 0 (no heartbeat) */
  heartbeatMs?: number;
  clock?: FakeClock;
  /** Agent id → family (the rate-limit breaker's key). @default each agent its own family */
  familyOf?: (agentId: string) => string;
  /** The run's cost limit (`defaults.budget.per_run_usd`); pipeline budgets come from `pipeline.budget`. */
  runBudgetUsd?: number | null;
  /** Crash points the engine reports to (see `FaultPort`). @default none */
  faults?: FaultPort;
  /** The host said it serialises lane allocation itself (`EngineOptions.hostSerializesAllocation`). */
  hostSerializesAllocation?: boolean;
}

/** Builds a harness over `wps`. */
export function harness(wps: FakeWp[], options: HarnessOptions = {}): Harness {
  const host = options.host ?? new FakeHost("/repo", wps);
  const git = options.git ?? new FakeGit();
  const runner = new FakeRunner(git);
  const clock = options.clock ?? new FakeClock();
  const store = new MemoryStore();
  const events: RunEvent[] = [];
  const state = options.state ??
    newRunState({
      runId: "20260101T000000Z-abcd",
      mission: "001-demo",
      actor: "orch",
      policy: TEST_POLICY,
      flags: { impl_agent: null, review_agent: null, max_concurrent: null, pipeline: null, host: null, config: null },
      now: clock.now(),
    });
  const pipeline = options.pipeline ?? testPipeline();
  const opts: RunOptions = {
    repoRoot: "/repo",
    maxConcurrent: options.maxConcurrent ?? 4,
    heartbeatMs: options.heartbeatMs ?? 0,
    historyNotes: options.historyNotes ?? false,
    logDir: "/repo/.kittify/logs/run",
    resumed: options.state !== undefined,
    hostLabel: "fake",
    ...(options.hostSerializesAllocation === undefined
      ? {}
      : { hostSerializesAllocation: options.hostSerializesAllocation }),
    accept: options.accept ?? false,
    mergeCommand: "spec-kitty merge --mission 001-demo",
    budget: {
      perRunUsd: options.runBudgetUsd ?? null,
      pipelines: {
        [(options.pipeline ?? testPipeline()).name]: (options.pipeline ?? testPipeline()).budget ?? NO_LIMIT,
      },
    },
  };
  const engine = new Engine(
    {
      host,
      runner,
      git,
      clock,
      store,
      emit: (e) => events.push(e),
      prompts: fakePrompts,
      pipelineFor: () => pipeline,
      readText: (path) => Promise.resolve(`---\nwork_package_id: x\n---\n# ${path}\n`),
      laneHints: options.laneHints,
      ...(options.familyOf !== undefined ? { familyOf: options.familyOf } : {}),
      ...(options.faults !== undefined ? { faults: options.faults } : {}),
    },
    opts,
    state,
  );
  return { host, runner, git, clock, store, events, state, engine };
}
