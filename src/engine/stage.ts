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
import {
  type AgentRole,
  type AttemptFailure,
  type AttemptResult,
  type AttemptSpec,
  notStarted,
} from "../domain/agent.ts";
import { errorMessage } from "../domain/errors.ts";
import type { StageConfig, WpBudget } from "../domain/config.ts";
import { type BudgetStop, wpBudgetStop } from "../core/budget.ts";
import { type EngineContext, InterruptedError } from "./context.ts";
import { afterAttemptFailure, beforeCooldown, isTransient, oneLine } from "../core/attempt_retry.ts";
import { cooldownUntil } from "../core/cooldown.ts";
import { type AttemptRecord, RUN_ID_ENV, type WpRunState } from "../domain/run_state.ts";

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
  /** The WP's budget: no attempt starts once it is reached (absent: no limit). */
  budget?: WpBudget;
  /**
   * This stage's chain position and counters, when they are not the WP's own (a consensus
   * reviewer keeps its own, so reviewers running at once do not share them).
   */
  counters?: StageCounters;
}

/** Where a stage is in its chain: agent index, counted failures, time waited on rate limits. */
export interface StageCounters {
  index: number;
  failures: number;
  waitedMs: number;
}

/** How a stage ended; `budget` when it stopped because the WP reached its budget. */
export type StageResult<T> =
  | { ok: true; agent: string; value: T }
  | { ok: false; reason: string; budget?: BudgetStop };

function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, "_");
}

/** Runs a stage to success or exhaustion; throws `InterruptedError` when the run stops. */
export async function runStage<T>(ctx: EngineContext, run: StageRun<T>): Promise<StageResult<T>> {
  const wp = ctx.wp(run.wpId);
  const implement = run.role === "implement";
  const own = run.counters;
  const getIndex = () => own?.index ?? (implement ? wp.implement_agent_index : wp.review_agent_index);
  const setIndex = (i: number) =>
    own !== undefined ? (own.index = i) : implement ? (wp.implement_agent_index = i) : (wp.review_agent_index = i);
  const getFailures = () => own?.failures ?? (implement ? wp.implement_failures : wp.review_failures);
  const setFailures = (n: number) =>
    own !== undefined ? (own.failures = n) : implement ? (wp.implement_failures = n) : (wp.review_failures = n);
  const waited = (): WaitCounter => ({
    get: () => own?.waitedMs ?? (implement ? wp.implement_wait_ms : wp.review_wait_ms),
    // Whole milliseconds: the monotonic clock has fractions, the state file needs none. A stage
    // with its own counters still adds its waits to the WP's (the summary shows them).
    add: (ms: number) => {
      if (own !== undefined) own.waitedMs += Math.round(ms);
      if (implement) wp.implement_wait_ms += Math.round(ms);
      else wp.review_wait_ms += Math.round(ms);
    },
  });

  while (true) {
    ctx.checkpoint();
    const index = getIndex();
    const agent = run.stage.agents[index];
    if (agent === undefined) {
      return { ok: false, reason: `no ${run.role} agent left in [${run.stage.agents.join(", ")}]` };
    }
    // A hard stop: the attempt that crossed the budget finished; no new one starts.
    const over = wpBudgetStop(run.budget, wp);
    if (over !== null) return { ok: false, reason: over.reason, budget: over };
    // The family's shared breaker: wait out its cooldown, or for the one WP testing the provider;
    // past this WP's rate_limit_budget the next agent of the chain runs instead.
    const gate = await passBreaker(ctx, run, index, agent, waited());
    if (gate.kind === "fallback") {
      const next = run.stage.agents[gate.agentIndex] ?? "?";
      setIndex(gate.agentIndex);
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
    let judged: Judged<T>;
    let record: AttemptRecord;
    try {
      const done = await attempt(ctx, wp, run, agent);
      record = done.record;
      judged = await run.judge(done.result);
    } catch (error) {
      // Abandoned (interrupted, or the WP stopped): another WP takes over testing the provider.
      ctx.cooldowns.release(agent, run.wpId, false);
      throw error;
    }
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
    // Not limited: when this was the probe after a cooldown, the family is free again.
    if (judged.ok || !isTransient(judged.failure.class)) ctx.cooldowns.release(agent, run.wpId);
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
    if (isTransient(judged.failure.class)) {
      // Every WP using this family waits (the next attempt of this one too); past this WP's
      // budget the family still cools down for the others.
      const delay = decision.kind === "wait"
        ? decision.delayMs
        : judged.failure.retryAfterMs ?? run.stage.retry.initialIntervalMs;
      const now = ctx.deps.clock.monotonic();
      const until = cooldownUntil(now, delay, run.stage.retry.jitter, ctx.deps.clock.random);
      ctx.cooldowns.note(agent, until, judged.failure.class, run.wpId, now);
    }
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
    // The cooldown noted above applies to every WP of the family; the next attempt waits it out.
    if (decision.kind === "wait") continue;
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
 * Passes the family's shared breaker before an attempt: at once when it is closed (or this WP is
 * the one probing the provider after a cooldown); otherwise waits out the cooldown, or for another
 * WP's probe to end, and asks again. When a cooldown would take this WP past its rate_limit_budget
 * and the chain has another agent, answers `fallback` instead ({@link beforeCooldown}). Every wait
 * is charged to this WP's counter, so it shows in the summary and counts against its budget.
 */
async function passBreaker<T>(
  ctx: EngineContext,
  run: StageRun<T>,
  index: number,
  agent: string,
  waited: WaitCounter,
): Promise<{ kind: "go" } | { kind: "fallback"; agentIndex: number }> {
  const family = ctx.cooldowns.familyOf(agent);
  // Never earlier than the end of a cooldown already waited out (a clock may lag the sleep).
  let now = ctx.deps.clock.monotonic();
  while (true) {
    ctx.checkpoint();
    now = Math.max(now, ctx.deps.clock.monotonic());
    const gate = ctx.cooldowns.enter(agent, run.wpId, now);
    if (gate.kind === "go") return { kind: "go" };
    if (gate.kind === "wait") {
      const before = beforeCooldown(run.stage, index, gate.ms, waited.get());
      if (before.kind === "fallback") return before;
    }
    const budget = `this WP has waited ${Math.round(waited.get() / 1000)}s of its ` +
      `${Math.round(run.stage.retry.rateLimitBudgetMs / 60_000)}m rate_limit_budget`;
    ctx.emit({
      type: "warning",
      wp_id: run.wpId,
      message: gate.kind === "wait"
        ? `${agent} is rate limited or overloaded (${family} cooling down): waiting ${Math.ceil(gate.ms / 1000)}s ` +
          `before the next ${run.role} attempt (${budget})`
        : `${family} is cooling down: ${gate.probe}'s attempt is testing the provider; the next ${run.role} ` +
          `attempt of ${agent} waits for it (${budget})`,
    });
    const started = ctx.deps.clock.monotonic();
    if (gate.kind === "wait") {
      try {
        await pause(ctx, gate.ms);
      } catch (error) {
        // Interrupted: only the part actually waited counts (resume goes on from there).
        waited.add(Math.max(0, Math.min(gate.ms, ctx.deps.clock.monotonic() - started)));
        throw error;
      }
      waited.add(gate.ms);
      now += gate.ms;
    } else {
      // The probe may take a whole attempt: with another agent in the chain this WP waits only
      // what is left of its rate_limit_budget, then moves on to it.
      const next = index + 1 < run.stage.agents.length ? index + 1 : null;
      const outcome = await waitForProbe(ctx, next === null ? null : run.stage.retry.rateLimitBudgetMs - waited.get())
        .finally(() => waited.add(Math.max(0, ctx.deps.clock.monotonic() - started)));
      if (outcome === "budget" && next !== null) {
        await ctx.save();
        return { kind: "fallback", agentIndex: next };
      }
    }
    await ctx.save();
  }
}

/**
 * Waits until a breaker changes (the probe ended, or was limited again) or, when `budgetLeftMs`
 * is given, until that much time has passed (`budget`); throws `InterruptedError` on stop.
 */
async function waitForProbe(ctx: EngineContext, budgetLeftMs: number | null): Promise<"changed" | "budget"> {
  const timer = new AbortController();
  const changed = ctx.cooldowns.changed(ctx.signal).then(() => "changed" as const);
  const waits: Promise<"changed" | "budget">[] = [changed];
  if (budgetLeftMs !== null) {
    const slept = ctx.deps.clock.sleep(Math.max(0, budgetLeftMs), AbortSignal.any([ctx.signal, timer.signal]));
    waits.push(slept.then(() => "budget" as const));
    // The loser is settled on purpose (aborted timer, or a wake-up nobody waits for).
    slept.catch(() => {});
  }
  changed.catch(() => {});
  try {
    return await Promise.race(waits);
  } catch {
    throw new InterruptedError("interrupted while waiting for a rate-limit probe");
  } finally {
    timer.abort();
  }
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
      ctx.fault(run.role === "implement" ? "implement-running" : "review-running");
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
    return notStarted(spec, {
      class: "config",
      message: `agent ${spec.agentId} could not be started: ${errorMessage(error)}`,
    }, 0);
  }
}
