import { assert, assertEquals, assertStringIncludes } from "../../test/support/assert.ts";
import { HostError } from "../domain/host_errors.ts";
import type { StartImplementationResult } from "../domain/host.ts";
import { FakeHost, type FakeWp } from "../../test/support/fake_host.ts";
import { harness } from "../../test/support/harness.ts";

/**
 * A fake host whose `start-implementation` takes a while and, like the real one, refuses a
 * second allocation of the mission that arrives while one is in flight (unless `refuses` is
 * false: a host that allocates under its own lock, like the built-in one).
 */
class RacyHost extends FakeHost {
  inFlight = 0;
  maxInFlight = 0;
  refused = 0;
  refuses = true;

  override async startImplementation(
    input: { mission: string; wp: string; actor: string },
  ): Promise<StartImplementationResult> {
    if (this.refuses && this.inFlight > 0) {
      this.refused++;
      const reason = "Failed to create mission branch kitty/mission-001-demo from main: fatal: cannot lock ref " +
        "'refs/heads/kitty/mission-001-demo': reference already exists";
      throw new HostError("start-implementation", "LANE_ALLOCATION_FAILED", {
        wp_id: input.wp,
        reason,
        message: reason,
      });
    }
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return await super.startImplementation(input);
    } finally {
      this.inFlight--;
    }
  }
}

const THREE_LANES: FakeWp[] = [
  { id: "WP01", lane: "planned", deps: [], laneId: "lane-a" },
  { id: "WP02", lane: "planned", deps: [], laneId: "lane-b" },
  { id: "WP03", lane: "planned", deps: [], laneId: "lane-c" },
];

function refusal(data: Record<string, unknown> = {}): () => Error {
  return () =>
    new HostError("start-implementation", "LANE_ALLOCATION_FAILED", {
      wp_id: "WP01",
      reason: "cannot lock ref",
      message: "Failed to create mission branch: cannot lock ref",
      ...data,
    });
}

Deno.test("runWpTask() sends one start-implementation of the mission at a time", async () => {
  const host = new RacyHost("/repo", THREE_LANES);
  const h = harness(THREE_LANES, { host, maxConcurrent: 3 });
  // Every implementer waits until all three run: only the allocation is serialised, not the agents.
  let open!: () => void;
  const allRunning = new Promise<void>((resolve) => (open = resolve));
  let started = 0;
  h.runner.onStart = (spec) => {
    if (spec.role === "implement" && ++started === 3) open();
  };
  for (const wp of THREE_LANES) h.runner.plan(wp.id, "implement", { waitFor: allRunning });
  const { exitCode, summary } = await h.engine.run();
  assertEquals(exitCode, 0, JSON.stringify(summary.wps));
  assertEquals(host.maxInFlight, 1);
  assertEquals(host.refused, 0);
  assertEquals(h.runner.maxConcurrent, 3);
});

Deno.test("runWpTask() sends the mission's allocations at once to a host that serialises them itself", async () => {
  const host = new RacyHost("/repo", THREE_LANES);
  host.refuses = false;
  const h = harness(THREE_LANES, { host, maxConcurrent: 3, hostSerializesAllocation: true });
  const { exitCode, summary } = await h.engine.run();
  assertEquals(exitCode, 0, JSON.stringify(summary.wps));
  assertEquals(host.maxInFlight, 3, "no per-mission lock around start-implementation");
  assertEquals(summary.wps.map((w) => w.outcome), ["done", "done", "done"]);
});

Deno.test("runWpTask() retries a LANE_ALLOCATION_FAILED without a structured cause, then the WP ends done", async () => {
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }]);
  h.host.failures.push({ command: "start-implementation", error: refusal(), times: 2 });
  const { exitCode } = await h.engine.run();
  assertEquals(exitCode, 0);
  assertEquals(h.host.lane("WP01"), "done");
  assertEquals(h.host.callCounts()["start-implementation"], 3);
  // Jittered waits (random 0.5): 1.5 s, then 2.5 s.
  assertEquals(h.clock.sleeps.slice(0, 2), [1500, 2500]);
  const warnings = h.events.filter((e) => e.type === "warning").map((e) => e.type === "warning" ? e.message : "");
  assertEquals(warnings.filter((m) => m.includes("LANE_ALLOCATION_FAILED")).length, 2);
});

Deno.test("runWpTask() fails the WP after the bounded allocation retries", async () => {
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }]);
  h.host.failures.push({ command: "start-implementation", error: refusal(), times: 5 });
  const { exitCode, summary } = await h.engine.run();
  assertEquals(exitCode, 3);
  assertEquals(h.host.callCounts()["start-implementation"], 3);
  assertEquals(summary.wps[0]?.outcome, "failed");
  assertStringIncludes(summary.wps[0]?.reason ?? "", "LANE_ALLOCATION_FAILED");
  assertEquals(h.host.lane("WP01"), "planned");
});

Deno.test("runWpTask() does not retry a LANE_ALLOCATION_FAILED that names its cause (data.error_code)", async () => {
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }]);
  h.host.failures.push({
    command: "start-implementation",
    error: refusal({ error_code: "UNHONORABLE_BASE" }),
    times: 5,
  });
  const { exitCode, summary } = await h.engine.run();
  assertEquals(exitCode, 3);
  assertEquals(h.host.callCounts()["start-implementation"], 1);
  assert(summary.wps[0]?.outcome === "failed", JSON.stringify(summary.wps));
  assertEquals(h.clock.sleeps, []);
});
