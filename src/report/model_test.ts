import { buildRunModel } from "./model.ts";
import { assertEquals } from "../../test/support/assert.ts";
import { sampleEvents, sampleSummary } from "../../test/support/sample_run.ts";
import { formatElapsed } from "../core/duration.ts";

Deno.test("buildRunModel() pairs attempts into bars and marks rework after changes requested", () => {
  const m = buildRunModel({ events: sampleEvents, summary: sampleSummary });
  const wp01 = m.wps.find((w) => w.wp_id === "WP01")!;
  assertEquals(wp01.bars.map((b) => [b.kind, b.agent, b.start_ms / 60_000, b.end_ms! / 60_000, b.verdict]), [
    ["implement", "claude", 0, 20, null],
    ["review", "codex", 20, 28, "changes_requested"],
    ["rework", "claude", 28, 42, null],
    ["review", "codex", 42, 50, "approved"],
  ]);
  assertEquals(m.agents, ["claude", "codex", "opencode"]);
  assertEquals(m.duration_ms, 60 * 60_000);
  assertEquals([m.attempts, m.review_cycles, m.cost_usd], [8, 1, 2.25]);
});

Deno.test("buildRunModel() without a summary derives outcomes, counts and open bars from events", () => {
  const live = sampleEvents.slice(0, 14);
  const m = buildRunModel({ events: live, summary: null });
  assertEquals(m.status, "running/unknown");
  assertEquals(m.exit_code, null);
  const byId = Object.fromEntries(m.wps.map((w) => [w.wp_id, w]));
  assertEquals(byId.WP03!.outcome, "blocked");
  assertEquals(byId.WP01!.outcome, "unfinished");
  assertEquals(byId.WP01!.review_cycles, 1);
  const open = m.wps.flatMap((w) => w.bars).filter((b) => b.end_ms === null);
  assertEquals(open.map((b) => [b.wp_id, b.kind, b.result]), [["WP01", "rework", "unfinished"]]);
});

Deno.test("buildRunModel() of an empty run has no rows and zero totals", () => {
  const m = buildRunModel({ events: [], summary: null });
  assertEquals([m.wps.length, m.attempts, m.cost_usd, m.run_id], [0, 0, 0, "unknown"]);
});

Deno.test("formatElapsed() picks the unit by size", () => {
  assertEquals([formatElapsed(4_400), formatElapsed(750_000), formatElapsed(3_900_000), formatElapsed(-1)], [
    "4s",
    "12m30s",
    "1h05m",
    "?",
  ]);
});
