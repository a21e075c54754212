/**
 * The four pairings of the guide, end to end with the built-in host and the fake CLIs: each
 * ends done with approved evidence and no forced transition.
 */
import { assertEquals } from "../support/assert.ts";
import {
  checkInvariants,
  laneEvents,
  MISSION,
  orchestrateArgs,
  readCalls,
  readHostEvents,
  readState,
  runCli,
  spreadMission,
  withE2e,
} from "../support/e2e/harness.ts";

const PAIRINGS: [string, string, string, string][] = [
  // [impl agent id, review agent id, impl binary, review binary]
  ["claude-code", "codex", "claude", "codex"],
  ["codex", "claude-code", "codex", "claude"],
  ["claude-code", "opencode", "claude", "opencode"],
  ["opencode", "claude-code", "opencode", "claude"],
];

for (const [impl, review, implBin, reviewBin] of PAIRINGS) {
  Deno.test(`orchestrate --impl-agent ${impl} --review-agent ${review} ends done with approved evidence`, async () => {
    await withE2e(spreadMission(1, 1), {}, async (e) => {
      const out = await runCli(
        e,
        orchestrateArgs(
          MISSION,
          "--impl-agent",
          impl,
          "--review-agent",
          review,
          "--max-concurrent",
          "1",
          "--host",
          "builtin",
        ),
      );
      assertEquals(out.code, 0, out.text);
      await checkInvariants(e, { lanes: { WP01: "done" } });
      const lanes = laneEvents(await readHostEvents(e));
      assertEquals(
        lanes.map((ev) => ev.to_lane),
        ["planned", "claimed", "in_progress", "for_review", "in_review", "done"],
      );
      const calls = await readCalls(e.control);
      assertEquals(
        calls.map((c) => `${c.cli} ${c.role} ${c.wp}`),
        [`${implBin} impl WP01`, `${reviewBin} review WP01`],
      );
      const state = await readState(e);
      assertEquals(state.status, "finished");
      assertEquals(state.wps.WP01?.outcome?.kind, "done");
    });
  });
}
