import { assertEquals } from "../../test/support/assert.ts";
import type { RunEvent } from "../domain/run_events.ts";
import { describeEvent, formatCost, formatDuration } from "./event_text.ts";

const base = { at: "2026-01-01T00:00:00.000Z", run_id: "r1" };

Deno.test("formatDuration() and formatCost() are short and stable", () => {
  assertEquals([formatDuration(4_400), formatDuration(185_000), formatDuration(3_720_000)], ["4s", "3m05s", "1h02m"]);
  assertEquals([formatCost(null), formatCost(0), formatCost(0.416)], ["-", "-", "$0.42"]);
});

Deno.test("describeEvent() names the WP, role, agent and result", () => {
  const e: RunEvent = {
    ...base,
    type: "attempt_finished",
    wp_id: "WP01",
    role: "implement",
    agent: "claude",
    attempt: 2,
    result: "timeout",
    duration_ms: 61_000,
    cost_usd: null,
    verdict: null,
    message: "wall clock",
  };
  assertEquals(describeEvent(e), "WP01 implement attempt 2 with claude: timeout (1m01s, -): wall clock");
});

Deno.test("describeEvent() shows a family's cooldown with its end (UTC clock time) and when it is free again", () => {
  const base = { at: "2026-01-01T09:40:00.000Z", run_id: "r" };
  assertEquals(
    describeEvent({
      ...base,
      type: "cooldown_started",
      family: "claude",
      agent: "claude-code",
      reason: "rate_limit",
      until: "2026-01-01T09:42:10.000Z",
      wp_id: "WP02",
    }),
    "claude cooling down until 09:42:10 (rate_limit of claude-code in WP02): no WP starts a claude attempt " +
      "before, then one goes first",
  );
  assertEquals(
    describeEvent({ ...base, type: "cooldown_ended", family: "claude", agent: "claude-code", wp_id: "WP03" }),
    "claude is free again (WP03's claude-code attempt was not limited)",
  );
});
