/**
 * What goes into the diagnostic log (src/output/diagnostics.ts), one function per source: host
 * calls, run events, failed state saves, signals. Only names, ids, durations, outcomes and
 * error codes are logged: host calls carry no arguments (so never the `--policy` JSON), and
 * prompts, agent output and the environment never reach these functions.
 *
 * @module
 */
import type { HostCallEvent } from "../host/mod.ts";
import type { RunEvent } from "../domain/run_events.ts";
import { diagnosticsLogger } from "./diagnostics.ts";
import { clipForeign } from "../core/escape.ts";

/** Longest free-text message (failure reasons, warnings) kept in a line. */
const MAX_TEXT = 300;

/** Logs one host call attempt: debug when it succeeded, warning otherwise. */
export function logHostCall(event: HostCallEvent): void {
  const log = diagnosticsLogger("host");
  const props = {
    command: event.command,
    attempt: event.attempt,
    durationMs: event.durationMs,
    outcome: event.outcome,
    code: event.code ?? "-",
    retry: event.willRetry ? ", will retry" : "",
  };
  if (event.outcome === "ok") {
    log.debug("{command} ok in {durationMs} ms (attempt {attempt})", props);
  } else {
    log.warning("{command} failed in {durationMs} ms (attempt {attempt}): {outcome} error_code={code}{retry}", props);
  }
}

/** Logs a run event: dispatch decisions, attempts, lane changes, outcomes, warnings. */
export function logRunEvent(event: RunEvent): void {
  const log = diagnosticsLogger("engine");
  switch (event.type) {
    case "run_started":
      log.info(
        "run {run_id} started: mission {mission}, host {host}, max_concurrent {max_concurrent}, resumed {resumed}",
        { ...event },
      );
      return;
    case "wp_dispatched":
      log.info("dispatch {wp_id}: pipeline {pipeline}, lane {lane}", { ...event });
      return;
    case "attempt_started":
      log.info("attempt {wp_id} {role} #{attempt} started: agent {agent}, log {log_path}", { ...event });
      return;
    case "attempt_finished": {
      const props = {
        ...event,
        verdict: event.verdict === null ? "" : `, verdict ${event.verdict}`,
        cost: event.cost_usd === null ? "" : `, cost_usd ${event.cost_usd}`,
        message: event.message === null || event.message === "" ? "" : `: ${clip(event.message)}`,
      };
      const text = "attempt {wp_id} {role} #{attempt} finished: agent {agent}, class {result}, {duration_ms} ms" +
        "{verdict}{cost}{message}";
      if (event.result === "ok") log.info(text, props);
      else log.warning(text, props);
      return;
    }
    case "lane_changed":
      log.debug("{wp_id} lane {from} -> {to}", { ...event });
      return;
    case "wp_finished":
      log.info("{wp_id} finished: {outcome} ({reason})", { ...event, reason: clip(event.reason) });
      return;
    case "warning":
      log.warning("{wp_id}{message}", { wp_id: event.wp_id ? `${event.wp_id}: ` : "", message: clip(event.message) });
      return;
    case "run_finished":
      log.info("run {run_id} finished: status {status}, exit code {exit_code}", { ...event });
      return;
    case "cooldown_started":
      log.warning("{family} cooling down until {until}: {reason} of {agent} in {wp_id}", { ...event });
      return;
    case "cooldown_ended":
      log.info("{family} free again: {wp_id}'s {agent} attempt was not limited", { ...event });
      return;
  }
}

/** Logs a failed run-state save (the run stops on it). */
export function logStateSaveFailed(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  diagnosticsLogger("state").error("run state save failed: {message}", { message: clip(message) });
}

/** Logs a signal the orchestrator received. */
export function logSignal(signal: string): void {
  diagnosticsLogger("signal").warning("{signal} received: stopping agents and saving state", { signal });
}

/** Escaped and cut on whole escapes: a cut never leaves half of one. */
function clip(text: string): string {
  return clipForeign(text, MAX_TEXT + 1);
}
