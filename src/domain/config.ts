/**
 * The resolved configuration the engine consumes: `orchestration.yaml` (or defaults) with CLI
 * flags applied. Durations are milliseconds. Deeply readonly: config is parsed once.
 *
 * The zod schema in `config/schema.ts` describes the file; `config/resolve.ts` turns a parsed
 * file plus flags into this shape.
 *
 * @module
 */
import type { EraId } from "./host.ts";
import type { FailureClass } from "./agent.ts";

/** A retry policy in Temporal's vocabulary. */
export interface RetryPolicy {
  /** Attempts per agent, including the first. */
  readonly maxAttempts: number;
  readonly initialIntervalMs: number;
  readonly backoffCoefficient: number;
  readonly maximumIntervalMs: number;
  /** Full jitter: sleep = random(0, computed interval). */
  readonly jitter: boolean;
  /** Classes that skip the remaining attempts and go straight to the next agent. */
  readonly nonRetryable: readonly FailureClass[];
  /**
   * Total time one WP may wait out rate limits and overloads in a stage (these waits do not
   * count against `maxAttempts`); past it the next agent of the chain runs.
   */
  readonly rateLimitBudgetMs: number;
}

/** How a consensus review decides: every reviewer, at least one, or more than half must approve. */
export type ConsensusRule = "all" | "any" | "majority";

/** A review stage whose agents form a panel (`review.require`) instead of a fallback chain. */
export interface ConsensusConfig {
  readonly require: ConsensusRule;
  /** Reviewers run at the same time (else one after another). */
  readonly parallel: boolean;
}

/** One stage (implement or review) of a pipeline. */
export interface StageConfig {
  /** Ordered fallback chain of agent ids (with {@link consensus}: the reviewers of the panel). */
  readonly agents: readonly string[];
  readonly timeoutMs: number;
  readonly stallTimeoutMs: number;
  readonly retry: RetryPolicy;
  /** Review stages only, when `require` is set; absent: the agents are a fallback chain. */
  readonly consensus?: ConsensusConfig;
}

/** Spend limits of one WP (null: no limit). */
export interface WpBudget {
  readonly perWpUsd: number | null;
  /** Agent time (sum of attempt durations) in ms. */
  readonly perWpMs: number | null;
}

/** A named pipeline. */
export interface PipelineConfig {
  readonly name: string;
  readonly implement: StageConfig;
  readonly review: StageConfig;
  /** Review rejections allowed before the WP is blocked. */
  readonly maxReviewCycles: number;
  /** This pipeline's WP budget (absent: no limit). */
  readonly budget?: WpBudget;
}

/** Picks a pipeline for WPs whose id matches `wp` (a glob like `WP0*`) or that carry `tag`. */
export interface PipelineSelector {
  readonly wp?: string;
  readonly tag?: string;
  readonly pipeline: string;
}

/** How a custom agent receives its prompt. */
export type PromptDelivery = "stdin" | "file" | "arg";

/** How a custom agent's stdout is parsed. */
export type OutputFormat = "text" | "json" | "jsonl";

/** A custom agent defined as a command in orchestration.yaml. */
export interface CustomAgentConfig {
  readonly id: string;
  /** argv; placeholders `{prompt_file}`, `{workspace}`, `{prompt}`, `{role}`, `{wp}`, `{mission}`. */
  readonly command: readonly string[];
  /** argv for the reviewer role; defaults to `command`. */
  readonly reviewCommand?: readonly string[];
  readonly prompt: PromptDelivery;
  readonly output: OutputFormat;
  /** Extra environment variables passed through to this agent (names only; values from our env). */
  readonly passEnv: readonly string[];
  /** Agent family recorded in policy metadata. @default "custom" */
  readonly family: string;
}

/** Policy modes declared to the host (honestly: see docs/host-contract.md §7). */
export interface PolicyConfig {
  readonly approvalMode: string;
  readonly sandboxMode: string;
  readonly networkMode: string;
  readonly toolRestrictions: string | null;
}

/** Which host to talk to. */
export interface HostConfig {
  readonly kind: "spec-kitty" | "builtin";
  /** argv prefix for the spec-kitty host (default `["spec-kitty"]`). */
  readonly command: readonly string[];
  readonly timeoutMs: number;
  /** Slow heartbeat to notice outside changes while agents work. */
  readonly heartbeatMs: number;
  /** Built-in host only: the spec-kitty era it answers as (absent: contract 1.3). */
  readonly emulate?: EraId;
}

/** A notification target (webhook). URLs come only from environment variables. */
export interface NotifyTarget {
  readonly kind: "webhook" | "slack";
  /** Name of the environment variable holding the URL. */
  readonly urlEnv: string;
  readonly events: readonly ("run_finished" | "wp_blocked" | "run_failed")[];
  readonly timeoutMs: number;
  readonly retries: number;
}

/** The whole resolved configuration. */
export interface ResolvedConfig {
  /** The file it came from, or null for built-in defaults. */
  readonly source: string | null;
  readonly host: HostConfig;
  readonly actor: string;
  readonly maxConcurrent: number;
  readonly defaultPipeline: string;
  readonly pipelines: Readonly<Record<string, PipelineConfig>>;
  readonly selectors: readonly PipelineSelector[];
  readonly agents: Readonly<Record<string, CustomAgentConfig>>;
  readonly policy: PolicyConfig;
  /** Call accept-mission when every WP is done/approved. */
  readonly accept: boolean;
  /** Write best-effort append-history notes to the host (one host call each). */
  readonly historyNotes: boolean;
  readonly notify: readonly NotifyTarget[];
  /** Per-attempt log size cap in bytes. */
  readonly logMaxBytes: number;
  /** How many run directories under .kittify/runs/ to keep. */
  readonly runsRetention: number;
  /** `defaults.budget.per_run_usd`: the run's cost limit (null or absent: none). */
  readonly budget?: { readonly perRunUsd: number | null };
}
