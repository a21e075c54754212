import { assertEquals } from "../../test/support/assert.ts";
import { harness } from "../../test/support/harness.ts";
import type { FaultLabel } from "./ports.ts";

/** One WP through the whole lifecycle, recording each crash point and the phase saved before it. */
async function recordPoints(): Promise<{ label: FaultLabel; phase: string | undefined; lane: string }[]> {
  const seen: { label: FaultLabel; phase: string | undefined; lane: string }[] = [];
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }], {
    faults: {
      reached: (label) => seen.push({ label, phase: h.store.last?.wps["WP01"]?.phase, lane: h.host.lane("WP01") }),
    },
  });
  const { exitCode } = await h.engine.run();
  assertEquals(exitCode, 0);
  return seen;
}

Deno.test("the engine reports each crash point of a WP's lifecycle to the injected port, in order", async () => {
  const seen = await recordPoints();
  assertEquals(seen.map((s) => s.label), [
    "after-start-implementation",
    "implement-running",
    "after-commit",
    "after-for-review",
    "after-start-review",
    "review-running",
    "before-done",
    "after-done",
  ]);
});

Deno.test("before each crash point the run state resume needs is already saved", async () => {
  const phases = new Map((await recordPoints()).map((s) => [s.label, `${s.lane} / ${s.phase}`]));
  // A kill while an agent runs: the running attempt's phase is durable (the reaper finds it).
  assertEquals(phases.get("implement-running"), "in_progress / implementing");
  assertEquals(phases.get("review-running"), "in_review / reviewing");
  // A kill after the commit: resume hands the commit to review instead of implementing again.
  assertEquals(phases.get("after-commit"), "in_progress / awaiting_review");
  assertEquals(phases.get("after-for-review"), "for_review / awaiting_review");
  assertEquals(phases.get("after-done"), "done / finished");
});

Deno.test("without a port the engine runs the same lifecycle (crash points are no-ops)", async () => {
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }]);
  assertEquals((await h.engine.run()).exitCode, 0);
  assertEquals(h.host.lane("WP01"), "done");
});
