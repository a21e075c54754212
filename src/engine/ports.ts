/**
 * The small interfaces the engine talks through (functional core, imperative shell).
 *
 * The engine never touches the clock, the file system, git or the terminal directly: the CLI
 * wires real implementations, tests wire fakes (`test/support/`).
 *
 * @module
 */
import type { ReviewVerdict } from "../domain/agent.ts";
import type { PipelineConfig } from "../domain/config.ts";
import type { RunEvent } from "../domain/run_events.ts";
import type { RunState } from "../domain/run_state.ts";

/** Time and randomness, injected so retries and backoff are testable without waiting. */
export interface Clock {
  /** Wall-clock now (timestamps only; never used to measure timeouts across hosts). */
  now(): Date;
  /** Monotonic milliseconds, for elapsed times. */
  monotonic(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Uniform random number in [0, 1), for jitter and review references. */
  random(): number;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => new Date(),
  monotonic: () => performance.now(),
  random: () => Math.random(),
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, Math.max(0, ms));
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  },
};

/** Where the engine persists its run state (`store/run_state.ts`'s `StateStore` fits). */
export interface StateSink {
  /** Makes `state` durable; several calls may be in flight, the sink orders them. */
  save(state: RunState): Promise<void>;
  /** What persisting has cost so far, for the run summary (absent: not counted). */
  stats?(): { writes: number; fsyncs: number; bytes: number };
}

/** Prompt building and verdict parsing, bound to one mission (the agents module provides them). */
export interface PromptKit {
  /** The implementer prompt; `feedback` is the reviewer's text on rework. */
  implement(input: { wpId: string; wpMarkdown: string; feedback: string | null }): string;
  /** The reviewer prompt, with the diff since the implementation base. */
  review(input: { wpId: string; wpMarkdown: string; diff: string }): string;
  /** Parses a reviewer's final message; null when no verdict can be found. */
  parseVerdict(text: string): ReviewVerdict | null;
}

/** Chooses the pipeline of a WP (by id and frontmatter tags). */
export type PipelineChooser = (wpId: string, wpMarkdown: string | null) => PipelineConfig;

/** Receives every run event (recorder, terminal view, notifier). */
export type EventSink = (event: RunEvent) => void;

/** The points of a WP's lifecycle where a test may crash the orchestrator (`test/support/e2e/crash.ts`). */
export type FaultLabel =
  | "after-start-implementation"
  | "implement-running"
  | "after-commit"
  | "after-for-review"
  | "after-start-review"
  | "review-running"
  | "before-done"
  | "after-done";

/**
 * Told each time the engine passes a crash point. Production wires none; the end-to-end tests
 * crash the process here (`app/fault_injection.ts`, from `SKO_FAULT`), unit tests record the
 * order or throw. It is how `resume` is proven to recover from a kill in every phase.
 */
export interface FaultPort {
  reached(label: FaultLabel): void;
}
