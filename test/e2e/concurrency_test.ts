/**
 * Concurrency end to end: 6 WPs in 3 lanes with `--max-concurrent 2` never run more than two
 * agents at once, never two WPs of one lane at once, and all end done.
 */
import { assert, assertEquals } from "../support/assert.ts";
import { type FakeSpan, setFakeMode } from "../support/e2e/fake_cli.ts";
import {
  checkInvariants,
  MISSION,
  orchestrateArgs,
  readSpans,
  runCli,
  spreadMission,
  withE2e,
} from "../support/e2e/harness.ts";

/** The largest number of spans running at one instant (a span ending at t does not overlap one starting at t). */
function maxOverlap(spans: FakeSpan[]): number {
  const points = spans.flatMap((s) => [
    { at: s.start, delta: 1 },
    { at: s.end ?? Number.POSITIVE_INFINITY, delta: -1 },
  ]).sort((a, b) => a.at - b.at || a.delta - b.delta);
  let now = 0;
  let max = 0;
  for (const p of points) {
    now += p.delta;
    max = Math.max(max, now);
  }
  return max;
}

Deno.test("maxOverlap() counts spans running at the same instant", () => {
  const span = (start: number, end: number): FakeSpan => ({ cli: "c", role: "r", wp: "W", n: 1, pid: 1, start, end });
  assertEquals(maxOverlap([span(0, 10), span(10, 20)]), 1);
  assertEquals(maxOverlap([span(0, 10), span(5, 20), span(6, 7)]), 3);
  assertEquals(maxOverlap([]), 0);
});

Deno.test("orchestrate: 6 WPs in 3 lanes with --max-concurrent 2 run at most 2 agents, one per lane", async () => {
  const spec = spreadMission(6, 3);
  await withE2e(spec, {}, async (e) => {
    // Implementations sleep long enough that two always overlap, even on a loaded machine.
    await setFakeMode(e.control, "claude", "impl", "slow:2");
    await setFakeMode(e.control, "codex", "review", "slow:1");
    const out = await runCli(
      e,
      orchestrateArgs(MISSION, "--impl-agent", "claude-code", "--review-agent", "codex", "--max-concurrent", "2"),
      { timeoutMs: 90_000 },
    );
    assertEquals(out.code, 0, out.text);
    await checkInvariants(e, { lanes: Object.fromEntries(spec.wps.map((wp) => [wp.id, "done"])) });
    const spans = await readSpans(e.control);
    assertEquals(spans.length, 12, "one implementation and one review per WP");
    assert(spans.every((s) => s.end !== null), "an agent never finished");
    assertEquals(maxOverlap(spans), 2, "agents running at once");
    const laneOf = new Map(spec.wps.map((wp) => [wp.id, wp.lane]));
    for (const lane of new Set(laneOf.values())) {
      const inLane = spans.filter((s) => laneOf.get(s.wp) === lane);
      assertEquals(maxOverlap(inLane), 1, `two agents of ${lane} ran at once`);
    }
  });
});
