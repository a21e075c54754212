/**
 * Resolution (pure): a validated file plus CLI flags → the {@link ResolvedConfig} the engine uses.
 *
 * Precedence, per setting: CLI flag > file > built-in default ({@link DEFAULTS}). Within the
 * file, a pipeline stage's own keys > `defaults:` > built-in. Flags:
 *
 * - `--impl-agent X` / `--review-agent Y`: every pipeline's implement / review chain becomes `[X]` / `[Y]`;
 * - `--max-concurrent N`: overrides `max_concurrent` only when given;
 * - `--pipeline P`: P is used for every WP (selectors are dropped);
 * - `--host K`, `--actor A`: override `host.kind` / `actor`; `--accept` turns accept on.
 *
 * @module
 */
import { ConfigError } from "../domain/errors.ts";
import { DEFAULTS } from "./defaults.ts";
import { parseDuration } from "../core/duration.ts";
import { defaultPipelineName, knownAgentIds, pipelineNames, unknownAgentMessage } from "./references.ts";
import {
  ACTOR_PATTERN,
  MAX_CONCURRENT_LIMIT,
  type OrchestrationFile,
  type PipelineFile,
  type RetryFile,
  type ReviewStageFile,
  type StageFile,
} from "./schema.ts";
import { parseSize } from "./size.ts";
import { didYouMean } from "./suggest.ts";
import type {
  CustomAgentConfig,
  NotifyTarget,
  PipelineConfig,
  ResolvedConfig,
  RetryPolicy,
  StageConfig,
  WpBudget,
} from "../domain/config.ts";
import type { AgentRole, FailureClass } from "../domain/agent.ts";

/** The CLI flags that take part in resolution; undefined means "not given". */
export interface ConfigFlags {
  /** `--config <file>`, relative to the cwd (used by the loader, not by {@link resolveConfig}). */
  config?: string;
  implAgent?: string;
  reviewAgent?: string;
  maxConcurrent?: number;
  pipeline?: string;
  host?: "spec-kitty" | "builtin";
  actor?: string;
  /** `--accept`: true turns accept on; false/undefined leaves the file's value. */
  accept?: boolean;
}

const ms = (text: string | undefined, fallback: number) => (text === undefined ? fallback : parseDuration(text));

function resolveRetry(layers: readonly (RetryFile | undefined)[]): RetryPolicy {
  const pick = <K extends keyof RetryFile>(key: K): RetryFile[K] | undefined => {
    for (const layer of layers) if (layer?.[key] !== undefined) return layer[key];
    return undefined;
  };
  const d = DEFAULTS.retry;
  return {
    maxAttempts: pick("max_attempts") ?? d.maxAttempts,
    initialIntervalMs: ms(pick("initial_interval"), d.initialIntervalMs),
    backoffCoefficient: pick("backoff_coefficient") ?? d.backoffCoefficient,
    maximumIntervalMs: ms(pick("maximum_interval"), d.maximumIntervalMs),
    jitter: pick("jitter") ?? d.jitter,
    nonRetryable: (pick("non_retryable") as FailureClass[] | undefined) ?? [...d.nonRetryable],
    rateLimitBudgetMs: ms(pick("rate_limit_budget"), d.rateLimitBudgetMs),
  };
}

function resolveStage(
  role: AgentRole,
  stage: StageFile | ReviewStageFile | undefined,
  defaults: OrchestrationFile["defaults"],
  override: string | undefined,
): StageConfig {
  // `--review-agent X` makes X the only reviewer: a panel of one is a plain review.
  const require = stage !== undefined && "require" in stage && override === undefined ? stage.require : undefined;
  return {
    agents: override !== undefined ? [override] : [...(stage?.agents ?? DEFAULTS.agents[role])],
    timeoutMs: ms(stage?.timeout ?? defaults?.timeout, DEFAULTS.timeoutMs[role]),
    stallTimeoutMs: ms(stage?.stall_timeout ?? defaults?.stall_timeout, DEFAULTS.stallTimeoutMs),
    retry: resolveRetry([stage?.retry, defaults?.retry]),
    ...(require !== undefined
      ? { consensus: { require, parallel: (stage as ReviewStageFile).parallel ?? DEFAULTS.reviewParallel } }
      : {}),
  };
}

function resolveBudget(pipeline: PipelineFile | undefined, defaults: OrchestrationFile["defaults"]): WpBudget {
  const usd = pipeline?.budget?.per_wp_usd ?? defaults?.budget?.per_wp_usd;
  const minutes = pipeline?.budget?.per_wp_minutes ?? defaults?.budget?.per_wp_minutes;
  return { perWpUsd: usd ?? null, perWpMs: minutes === undefined ? null : Math.round(minutes * 60_000) };
}

function resolvePipelines(file: OrchestrationFile | null, flags: ConfigFlags): Record<string, PipelineConfig> {
  const entries = Object.entries(file?.pipelines ?? {});
  const list: [string, PipelineFile | undefined][] = entries.length > 0 ? entries : [["default", undefined]];
  const out: Record<string, PipelineConfig> = {};
  for (const [name, pipeline] of list) {
    out[name] = {
      name,
      implement: resolveStage("implement", pipeline?.implement, file?.defaults, flags.implAgent),
      review: resolveStage("review", pipeline?.review, file?.defaults, flags.reviewAgent),
      maxReviewCycles: pipeline?.max_review_cycles ?? file?.defaults?.max_review_cycles ?? DEFAULTS.maxReviewCycles,
      budget: resolveBudget(pipeline, file?.defaults),
    };
  }
  return out;
}

function resolveAgents(file: OrchestrationFile | null): Record<string, CustomAgentConfig> {
  const out: Record<string, CustomAgentConfig> = {};
  for (const [id, agent] of Object.entries(file?.agents ?? {})) {
    out[id] = {
      id,
      command: [...agent.command],
      ...(agent.review_command !== undefined ? { reviewCommand: [...agent.review_command] } : {}),
      prompt: agent.prompt ?? "stdin",
      output: agent.output ?? "text",
      passEnv: [...(agent.pass_env ?? [])],
      family: agent.family ?? "custom",
    };
  }
  return out;
}

function resolveNotify(file: OrchestrationFile | null): NotifyTarget[] {
  return (file?.notify ?? []).map((n) => ({
    kind: n.kind,
    urlEnv: n.url_env,
    events: [...(n.events ?? DEFAULTS.notify.events)],
    timeoutMs: ms(n.timeout, DEFAULTS.notify.timeoutMs),
    retries: n.retries ?? DEFAULTS.notify.retries,
  }));
}

/** Rejects flag values the file would also reject. */
function checkFlags(file: OrchestrationFile | null, flags: ConfigFlags, source: string | null): void {
  const where = source === null ? "the built-in defaults" : source;
  const known = knownAgentIds(file);
  for (const [flag, id] of [["--impl-agent", flags.implAgent], ["--review-agent", flags.reviewAgent]] as const) {
    if (id !== undefined && !known.includes(id)) {
      throw new ConfigError(`Cannot use '${flag}' as it ${unknownAgentMessage(id, known)}`, {
        fix: `Use one of ${known.join(", ")}, or define it under \`agents:\` in ${source ?? "orchestration.yaml"}.`,
      });
    }
  }
  const names = file === null ? ["default"] : pipelineNames(file);
  if (flags.pipeline !== undefined && !names.includes(flags.pipeline)) {
    throw new ConfigError(
      `Cannot use '--pipeline' as it must name a pipeline in ${where} (${names.join(", ")}): current value is ` +
        `${JSON.stringify(flags.pipeline)}${didYouMean(flags.pipeline, names)}`,
      { fix: "Run `spec-kitty-orchestrator validate` to list the pipelines." },
    );
  }
  const n = flags.maxConcurrent;
  if (n !== undefined && (!Number.isSafeInteger(n) || n < 1 || n > MAX_CONCURRENT_LIMIT)) {
    throw new ConfigError(
      `Cannot use '--max-concurrent' as it must be an integer from 1 to ${MAX_CONCURRENT_LIMIT}: current value is ${n}`,
    );
  }
  if (flags.actor !== undefined && !ACTOR_PATTERN.test(flags.actor)) {
    throw new ConfigError(
      `Cannot use '--actor' as it must be letters, digits and . _ @ - (max 64): current value is ${
        JSON.stringify(flags.actor)
      }`,
    );
  }
}

/**
 * Resolves a validated file (or null for the defaults) with `flags`; `source` is the file's path.
 *
 * @throws {ConfigError} when a flag names an unknown agent or pipeline, or is out of range.
 */
export function resolveConfig(
  file: OrchestrationFile | null,
  flags: ConfigFlags,
  source: string | null,
): ResolvedConfig {
  checkFlags(file, flags, source);
  const fileDefault = file === null ? "default" : defaultPipelineName(file) ?? "default";
  const p = file?.policy;
  return {
    source,
    host: {
      kind: flags.host ?? file?.host?.kind ?? DEFAULTS.host.kind,
      command: [...(file?.host?.command ?? DEFAULTS.host.command)],
      timeoutMs: ms(file?.host?.timeout, DEFAULTS.host.timeoutMs),
      heartbeatMs: ms(file?.host?.heartbeat, DEFAULTS.host.heartbeatMs),
      ...(file?.host?.emulate === undefined ? {} : { emulate: file.host.emulate }),
    },
    actor: flags.actor ?? file?.actor ?? DEFAULTS.actor,
    maxConcurrent: flags.maxConcurrent ?? file?.max_concurrent ?? DEFAULTS.maxConcurrent,
    defaultPipeline: flags.pipeline ?? fileDefault,
    pipelines: resolvePipelines(file, flags),
    selectors: flags.pipeline !== undefined ? [] : (file?.select ?? []).map((s) => ({ ...s })),
    agents: resolveAgents(file),
    policy: {
      approvalMode: p?.approval_mode ?? DEFAULTS.policy.approvalMode,
      sandboxMode: p?.sandbox_mode ?? DEFAULTS.policy.sandboxMode,
      networkMode: p?.network_mode ?? DEFAULTS.policy.networkMode,
      toolRestrictions: p?.tool_restrictions === undefined ? DEFAULTS.policy.toolRestrictions : p.tool_restrictions,
    },
    accept: flags.accept === true || (file?.accept ?? DEFAULTS.accept),
    historyNotes: file?.history_notes ?? DEFAULTS.historyNotes,
    notify: resolveNotify(file),
    logMaxBytes: file?.logs?.max_bytes === undefined ? DEFAULTS.logMaxBytes : parseSize(file.logs.max_bytes),
    runsRetention: file?.runs?.retention ?? DEFAULTS.runsRetention,
    budget: { perRunUsd: file?.defaults?.budget?.per_run_usd ?? null },
  };
}
