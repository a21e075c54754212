/**
 * Lane allocation race (issue 12 §3): the real host refuses a second `start-implementation` of a
 * mission that arrives while the first is still creating branches (`LANE_ALLOCATION_FAILED`,
 * "cannot lock ref ... reference already exists"). The built-in host reproduces that in its test
 * mode (`SKO_BUILTIN_ALLOCATION_RACE_MS`): with `--max-concurrent 2` on a fresh two-lane mission,
 * both WPs must still be started and end done, because the orchestrator never sends two
 * lane-allocating calls of one mission at once.
 */
import { assert, assertEquals } from "../support/assert.ts";
import { ALLOCATION_RACE_ENV } from "../../src/builtin-host/allocation_race.ts";
import {
  checkInvariants,
  MISSION,
  orchestrateArgs,
  readHostEvents,
  runCli,
  spreadMission,
  withE2e,
} from "../support/e2e/harness.ts";

Deno.test("orchestrate --max-concurrent 2: a host that refuses concurrent lane allocation still gets both WPs done", async () => {
  const spec = spreadMission(2, 2);
  await withE2e(spec, {}, async (e) => {
    const out = await runCli(
      e,
      orchestrateArgs(MISSION, "--impl-agent", "claude-code", "--review-agent", "codex", "--max-concurrent", "2"),
      // Each allocation holds the mission for 1.5 s: two calls sent at once always overlap.
      { timeoutMs: 120_000, env: { [ALLOCATION_RACE_ENV]: "1500" } },
    );
    assertEquals(out.code, 0, out.text);
    // Neither refused nor saved by the allocation retry: the calls were never concurrent.
    assert(!out.text.includes("LANE_ALLOCATION_FAILED"), out.text);
    await checkInvariants(e, { lanes: { WP01: "done", WP02: "done" } });
    const started = (await readHostEvents(e)).filter((ev) => ev.to_lane === "in_progress").map((ev) => ev.wp_id);
    assertEquals(started.sort(), ["WP01", "WP02"], "each WP claimed once");
  });
});
