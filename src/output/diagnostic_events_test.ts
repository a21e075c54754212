import { join } from "node:path";
import { assertEquals, assertMatch } from "../../test/support/assert.ts";
import type { RunEvent } from "../domain/run_events.ts";
import { logHostCall, logRunEvent, logSignal, logStateSaveFailed } from "./diagnostic_events.ts";
import { openDiagnosticLog } from "./diagnostics.ts";

/** Runs `fn` with a log open and returns the lines it wrote, without timestamps. */
async function captured(fn: () => void): Promise<string[]> {
  const dir = await Deno.makeTempDir({ prefix: "diagnostic-events-" });
  try {
    const log = openDiagnosticLog(join(dir, "orchestrator.log"));
    try {
      fn();
    } finally {
      log.close();
    }
    const text = await Deno.readTextFile(join(dir, "orchestrator.log"));
    return text.trimEnd().split("\n").map((line) => line.replace(/^\S+ /, ""));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const base = { at: "2026-11-21T11:00:00.000Z", run_id: "r1" };

Deno.test("logHostCall() logs success at debug and failures with the error code at warning", async () => {
  const lines = await captured(() => {
    logHostCall({ command: "mission-state", attempt: 1, durationMs: 12, outcome: "ok", willRetry: false });
    logHostCall({
      command: "transition",
      attempt: 2,
      durationMs: 40,
      outcome: "host_error",
      code: "TRANSITION_REJECTED",
      willRetry: false,
    });
    logHostCall({ command: "list-ready", attempt: 1, durationMs: 9, outcome: "timeout", willRetry: true });
  });
  assertEquals(lines, [
    "DEBUG host: mission-state ok in 12 ms (attempt 1)",
    "WARN  host: transition failed in 40 ms (attempt 2): host_error error_code=TRANSITION_REJECTED",
    "WARN  host: list-ready failed in 9 ms (attempt 1): timeout error_code=-, will retry",
  ]);
});

Deno.test("logRunEvent() logs dispatches and attempts with agent, class and duration", async () => {
  const events: RunEvent[] = [
    { ...base, type: "wp_dispatched", wp_id: "WP01", pipeline: "default", lane: "lane-a" },
    {
      ...base,
      type: "attempt_finished",
      wp_id: "WP01",
      role: "implement",
      agent: "claude",
      attempt: 1,
      result: "rate_limit",
      duration_ms: 1500,
      cost_usd: 0.25,
      verdict: null,
      message: "429\nslow down",
    },
    { ...base, type: "warning", wp_id: "WP01", message: "append-history failed" },
  ];
  const lines = await captured(() => events.forEach(logRunEvent));
  assertEquals(lines, [
    "INFO  engine: dispatch WP01: pipeline default, lane lane-a",
    "WARN  engine: attempt WP01 implement #1 finished: agent claude, class rate_limit, 1500 ms, cost_usd 0.25: 429\\nslow down",
    "WARN  engine: WP01: append-history failed",
  ]);
});

Deno.test("logStateSaveFailed() and logSignal() log at error and warning", async () => {
  const lines = await captured(() => {
    logStateSaveFailed(new Error("ENOSPC"));
    logSignal("SIGTERM");
  });
  assertMatch(lines[0]!, /^ERROR state: run state save failed: ENOSPC$/);
  assertMatch(lines[1]!, /^WARN {2}signal: SIGTERM received/);
});
