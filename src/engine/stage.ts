/**
 * One stage (implement or review) of a WP: attempts along the stage's agent chain with
 * retries, backoff and fallback (decisions in `retry.ts`), every attempt recorded in the run
 * state before it starts (as `interrupted`, so a crash is visible) and after it ends. Rate
 * limits and overloads are waited out through the run's shared per-agent cooldowns, and the
 * time each WP waits is recorded in its state (`implement_wait_ms` / `review_wait_ms`).
 *
 * @module
 */
import { join } from "node:path";
import type { AgentRole, AttemptFailure, AttemptResult, AttemptSpec } from "../agents/types.ts";
import { errorMessage } from "../errors.ts";
import type { StageConfig } from "../config/types.ts";
import { type EngineContext, InterruptedError } from "./context.ts";
import { afterAttemptFailure, beforeCooldown, isTransient, oneLine } from "./retry.ts";
import { faultPoint } from "./fault_points.ts";
import type { AttemptRecord, WpRunState } from "./state_types.ts";
import { RUN_ID_ENV } from "./reap_tagged.ts";

/** What the caller made of an attempt's result. */
export type Judged<T> =
  | { ok: true; value: T; verdict?: "approved" | "changes_requested" }
  | { ok: false; failure: AttemptFailure };

/** Input of {@link runStage}. */
export interface StageRun<T> {
  wpId: string;
  role: AgentRole;
  stage: StageConfig;
  workspace: string;
  /** The prompt for this agent. */
  prompt(agentId: string): string;
  /** Turns a finished attempt into success or a typed failure (may throw `WpStop`). */
  judge(result: AttemptResult): Promise<Judged<T>>;
}

/** How a stage ended. */
export type StageResult<T> = { ok: true; agent: string; value: T } | { ok: false; reason: string };

function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, "_");
}

/** Runs a stage to success or exhaustion; throws `InterruptedError` when the run stops. */
export async function runStage<T>(ctx: EngineContext, run: StageRun<T>): Promise<StageResult<T>> {
  const wp = ctx.wp(run.wpId);
  const implement = run.role === "implement";
  const getIndex = () => implement ? wp.implement_agent_index : wp.review_agent_index;
  const setIndex = (i: number) => implement ? (wp.implement_agent_index = i) : (wp.review_agent_index = i);
  const getFailures = () => implement ? wp.implement_failures : wp.review_failures;
  const setFailures = (n: number) => implement ? (wp.implement_failures = n) : (wp.review_failures = n);
  const waited = (): WaitCounter => ({
    get: () => implement ? wp.implement_wait_ms : wp.review_wait_ms,
    // Whole milliseconds: the monotonic clock has fractions, the state file needs none.
    add: (ms: number) => implement ? (wp.implement_wait_ms += Math.round(ms)) : (wp.review_wait_ms += Math.round(ms)),
  });

  while (true) {
    ctx.checkpoint();
    const index = getIndex();
    const agent = run.stage.agents[index];
    if (agent === undefined) {
      return { ok: false, reason: `no ${run.role} agent left in [${run.stage.agents.join(", ")}]` };
    }
    const before = beforeCooldown(
      run.stage,
      index,
      ctx.cooldowns.remaining(agent, ctx.deps.clock.monotonic()),
      waited().get(),
    );
    if (before.kind === "fallback") {
      const next = run.stage.agents[before.agentIndex] ?? "?";
      setIndex(before.agentIndex);
      setFailures(0);
      await ctx.save();
      ctx.emit({
        type: "warning",
        wp_id: run.wpId,
        message: `${run.role}: ${agent} is still rate limited for longer than this WP's rate_limit_budget allows; ` +
          `using ${next}`,
      });
      ctx.history(run.wpId, `${run.role} falls back from '${agent}' to '${next}' (rate limited)`);
      continue;
    }
    await waitForCooldown(ctx, run, agent, waited());
    const { result, record } = await attempt(ctx, wp, run, agent);
    const judged = await run.judge(result);
    record.result = judged.ok ? "ok" : judged.failure.class;
    record.message = judged.ok ? null : oneLine(judged.failure.message, 500);
    record.verdict = judged.ok ? judged.verdict ?? null : null;
    ctx.emit({
      type: "attempt_finished",
      wp_id: run.wpId,
      role: run.role,
      agent,
      attempt: record.n,
      result: judged.ok ? "ok" : judged.failure.class,
      duration_ms: record.duration_ms ?? 0,
      cost_usd: record.cost_usd,
      verdict: record.verdict,
      message: record.message,
    });
    if (judged.ok) {
      setFailures(0);
      await ctx.save();
      return { ok: true, agent, value: judged.value };
    }
    // Rate limits and overloads are the provider's: waited out, never counted against max_attempts.
    if (!isTransient(judged.failure.class)) setFailures(getFailures() + 1);
    wp.last_error = `${agent} ${judged.failure.class}: ${oneLine(judged.failure.message, 500)}`;
    const decision = afterAttemptFailure(
      run.stage,
      {
        agentIndex: index,
        failures: getFailures(),
        transientStreak: transientStreak(wp, run.role, agent),
        waitedMs: waited().get(),
      },
      judged.failure,
      ctx.deps.clock.random,
    );
    await ctx.save();
    if (decision.kind === "exhausted") return { ok: false, reason: decision.reason };
    if (decision.kind === "fallback") {
      setIndex(decision.agentIndex);
      setFailures(0);
      await ctx.save();
      const next = run.stage.agents[decision.agentIndex] ?? "?";
      ctx.emit({
        type: "warning",
        wp_id: run.wpId,
        message: `${run.role}: ${agent} failed (${judged.failure.class}); falling back to ${next}`,
      });
      ctx.history(run.wpId, `${run.role} falls back from '${agent}' to '${next}' (${judged.failure.class})`);
      continue;
    }
    if (decision.kind === "wait") {
      // The wait applies to every WP using this agent; the next attempt waits it out before starting.
      ctx.cooldowns.note(agent, ctx.deps.clock.monotonic() + decision.delayMs);
      continue;
    }
    await pause(ctx, decision.delayMs);
  }
}

async function pause(ctx: EngineContext, ms: number): Promise<void> {
  try {
    await ctx.deps.clock.sleep(ms, ctx.signal);
  } catch {
    throw new InterruptedError("interrupted while waiting to retry");
  }
}

/** This WP's time spent waiting out rate limits in the current stage (in its run state). */
interface WaitCounter {
  get(): number;
  add(ms: number): void;
}

/** The agent's rate-limited or overloaded attempts in a row at the end of the WP's `role` attempts. */
export function transientStreak(wp: WpRunState, role: AgentRole, agent: string): number {
  let n = 0;
  for (let i = wp.attempts.length - 1; i >= 0; i--) {
    const a = wp.attempts[i]!;
    if (a.role !== role) continue;
    if (a.agent !== agent || a.result === "ok" || a.result === "interrupted" || !isTransient(a.result)) break;
    n++;
  }
  return n;
}

/**
 * Waits out the agent's rate-limit cooldown (set by this WP or another one) and charges the wait
 * to this WP's counter, so it shows in the summary and counts against the budget.
 */
async function waitForCooldown<T>(
  ctx: EngineContext,
  run: StageRun<T>,
  agent: string,
  waited: WaitCounter,
): Promise<void> {
  const wait = ctx.cooldowns.remaining(agent, ctx.deps.clock.monotonic());
  if (wait <= 0) return;
  ctx.emit({
    type: "warning",
    wp_id: run.wpId,
    message: `${agent} is rate limited or overloaded: waiting ${Math.ceil(wait / 1000)}s before the next ` +
      `${run.role} attempt (this WP has waited ${Math.round(waited.get() / 1000)}s of its ` +
      `${Math.round(run.stage.retry.rateLimitBudgetMs / 60_000)}m rate_limit_budget)`,
  });
  const started = ctx.deps.clock.monotonic();
  try {
    await pause(ctx, wait);
    waited.add(wait);
  } catch (error) {
    // Interrupted: only the part actually waited counts (resume goes on from there).
    waited.add(Math.max(0, Math.min(wait, ctx.deps.clock.monotonic() - started)));
    throw error;
  }
  await ctx.save();
}

async function attempt<T>(
  ctx: EngineContext,
  wp: WpRunState,
  run: StageRun<T>,
  agent: string,
): Promise<{ result: AttemptResult; record: AttemptRecord }> {
  const n = wp.attempts.length + 1;
  const logPath = join(
    ctx.opts.logDir,
    `${safeName(run.wpId)}-${String(n).padStart(2, "0")}-${run.role}-${safeName(agent)}.log`,
  );
  const record: AttemptRecord = {
    n,
    role: run.role,
    agent,
    started_at: ctx.deps.clock.now().toISOString(),
    duration_ms: null,
    result: "interrupted",
    exit_code: null,
    signal: null,
    cost_usd: null,
    tokens: null,
    log_path: logPath,
    message: null,
    verdict: null,
  };
  wp.attempts.push(record);
  const prompt = run.prompt(agent);
  await ctx.save();
  ctx.emit({ type: "attempt_started", wp_id: run.wpId, role: run.role, agent, attempt: n, log_path: logPath });
  const result = await runAttempt(ctx, {
    agentId: agent,
    role: run.role,
    wp: run.wpId,
    workspace: run.workspace,
    prompt,
    logPath,
    timeoutMs: run.stage.timeoutMs,
    stallTimeoutMs: run.stage.stallTimeoutMs,
    // The run id tag lets the next start find this agent and its descendants even if we die before saving them.
    env: { [RUN_ID_ENV]: ctx.state.run_id },
    onSpawn: async (pgid, pid) => {
      const identity = await ctx.deps.procIdentity?.(pid) ?? { procStartTime: null, bootId: null };
      ctx.state.running.push({
        wp_id: run.wpId,
        role: run.role,
        attempt: n,
        agent,
        pid,
        pgid,
        proc_start_time: identity.procStartTime,
        boot_id: identity.bootId,
        started_at: record.started_at,
        log_path: logPath,
      });
      await ctx.save();
      faultPoint(run.role === "implement" ? "implement-running" : "review-running");
    },
  });
  ctx.state.running = ctx.state.running.filter((r) => !(r.wp_id === run.wpId && r.attempt === n));
  record.duration_ms = result.durationMs;
  record.exit_code = result.exitCode;
  record.signal = result.signal;
  record.cost_usd = result.costUsd;
  record.tokens = result.tokens;
  if (result.costUsd !== null) wp.cost_usd += result.costUsd;
  if (ctx.signal.aborted) {
    record.result = "interrupted";
    await ctx.save().catch(() => {});
    throw new InterruptedError("interrupted during an attempt");
  }
  return { result, record };
}

/** Runs an attempt; a runner that throws (a bug or an unusable agent) becomes a `config` failure. */
async function runAttempt(ctx: EngineContext, spec: AttemptSpec): Promise<AttemptResult> {
  try {
    return await ctx.deps.runner.run(spec, ctx.signal);
  } catch (error) {
    return {
      agentId: spec.agentId,
      role: spec.role,
      ok: false,
      exitCode: null,
      signal: null,
      durationMs: 0,
      failure: { class: "config", message: `agent ${spec.agentId} could not be started: ${errorMessage(error)}` },
      finalMessage: "",
      costUsd: null,
      tokens: null,
      logPath: spec.logPath,
      outputTail: "",
      pgid: null,
    };
  }
}
