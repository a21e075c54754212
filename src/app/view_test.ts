import { assertEquals, assertStringIncludes } from "../../test/support/assert.ts";
import { memoryTerminal } from "../output/terminal.ts";
import type { RunEvent, RunSummary } from "../domain/run_events.ts";
import { waitLine } from "../core/event_text.ts";
import { createRunView } from "./view.ts";

const base = { at: "2026-01-01T00:00:00.000Z", run_id: "r1" };
const summary: RunSummary = {
  run_id: "r1",
  mission: "001-demo",
  started_at: base.at,
  finished_at: base.at,
  status: "incomplete",
  exit_code: 3,
  wps: [{
    wp_id: "WP01",
    outcome: "blocked",
    reason: "review rejected 3 times",
    lane: "blocked",
    attempts: 4,
    review_cycles: 3,
    cost_usd: 1.5,
    duration_ms: 1000,
    agents: ["a"],
  }],
  cost_usd: 1.5,
  host_calls: {},
  next_steps: ["resolve WP01"],
};

Deno.test("createRunView() in plain mode prints stamped lines and the summary table", () => {
  const term = memoryTerminal({ now: () => new Date(base.at) });
  const view = createRunView(term);
  view.onEvent({ ...base, type: "wp_finished", wp_id: "WP01", outcome: "done", reason: "approved by codex" });
  view.printSummary(summary);
  view.close();
  const text = term.text();
  assertStringIncludes(text, "2026-01-01T00:00:00.000Z WP01 done: approved by codex");
  assertStringIncludes(text, "WP01  blocked");
  assertStringIncludes(text, "  - resolve WP01");
});

Deno.test("createRunView() in JSON mode emits NDJSON events on stdout", () => {
  const term = memoryTerminal({ json: true });
  const view = createRunView(term);
  view.onEvent({ ...base, type: "lane_changed", wp_id: "WP01", from: "planned", to: "in_progress" });
  view.close();
  assertEquals(JSON.parse(term.out.join("")).to, "in_progress");
});

Deno.test("createRunView() in JSON mode: an agent's C1 and bidi characters reach stdout escaped", () => {
  const term = memoryTerminal({ json: true });
  const view = createRunView(term);
  const reason = "rejected\u009b2J\u202etxt.exe";
  view.onEvent({ ...base, type: "warning", wp_id: "WP01", message: reason });
  view.close();
  const line = term.out.join("");
  assertEquals(/[\u0080-\u009f\u202e]/.test(line), false);
  assertEquals(JSON.parse(line).message, reason);
});

Deno.test("createRunView() on a TTY draws a live table of WPs in flight", () => {
  const term = memoryTerminal({ isTty: true });
  const view = createRunView(term, { tickMs: 0, now: () => 0 });
  view.onEvent({ ...base, type: "wp_dispatched", wp_id: "WP01", pipeline: "default", lane: "in_progress" });
  view.onEvent({
    ...base,
    type: "attempt_started",
    wp_id: "WP01",
    role: "implement",
    agent: "claude",
    attempt: 1,
    log_path: "x",
  });
  view.close();
  assertStringIncludes(term.out.join(""), "WP01  in_progress  implement  claude");
});

Deno.test("waitLine() sums the WPs' rate-limit waits and the summary prints it, only when there were some", () => {
  assertEquals(waitLine(summary), null);
  const waited: RunSummary = {
    ...summary,
    wps: [
      { ...summary.wps[0]!, wait_ms: 120_000 },
      { ...summary.wps[0]!, wp_id: "WP02", wait_ms: 65_000 },
      { ...summary.wps[0]!, wp_id: "WP03", wait_ms: 0 },
    ],
  };
  assertEquals(waitLine(waited), "Waited out rate limits: 3m05s (WP01 2m00s, WP02 1m05s)");
  const term = memoryTerminal();
  createRunView(term).printSummary(waited);
  assertStringIncludes(term.text(), "Waited out rate limits: 3m05s (WP01 2m00s, WP02 1m05s)");
});

Deno.test("createRunView() shows agent and host text with control characters escaped (events, table, next steps)", () => {
  const attack = "\x1b]0;PWNED\x07\x1b[2J";
  const term = memoryTerminal();
  const view = createRunView(term, { tickMs: 0 });
  view.onEvent({ ...base, type: "warning", wp_id: "WP01", message: `host said ${attack}` } as RunEvent);
  view.printSummary({
    ...summary,
    wps: summary.wps.map((w) => ({ ...w, reason: `agent said ${attack}` })),
    next_steps: [`look at ${attack}`],
  });
  const text = term.text();
  assertEquals(text.includes("\x1b") || text.includes("\x07"), false, JSON.stringify(text));
  assertStringIncludes(text, "host said \\x1b]0;PWNED\\x07\\x1b[2J");
  assertStringIncludes(text, "agent said \\x1b]0;PWNED\\x07\\x1b[2J");
  assertStringIncludes(text, "  - look at \\x1b]0;PWNED");
});
