import { join } from "node:path";
import { assert, assertEquals, assertRejects } from "../../test/support/assert.ts";
import {
  allocationDeclaration,
  concurrentAllocationFailure,
  raceHoldMs,
  withAllocationRace,
} from "./allocation_race.ts";
import { HostFailure } from "./failure.ts";
import type { Mission } from "./mission.ts";

function mission(root: string): Mission {
  return {
    root,
    slug: "001-bench",
    dir: join(root, "kitty-specs", "001-bench"),
    meta: { target_branch: "feature/bench" },
    identity: { mission_slug: "001-bench", mission_number: 1, mission_type: "software-dev" },
    wps: [],
    lanes: [{ laneId: "lane-a", wpIds: ["WP01"], dependsOnLanes: [] }, {
      laneId: "lane-b",
      wpIds: ["WP02"],
      dependsOnLanes: [],
    }],
    lanesError: null,
  };
}

async function withRoot(fn: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "sko-race-" });
  try {
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("raceHoldMs() is on only for a positive integer", () => {
  assertEquals(raceHoldMs(undefined), null);
  assertEquals(raceHoldMs(""), null);
  assertEquals(raceHoldMs("0"), null);
  assertEquals(raceHoldMs("-5"), null);
  assertEquals(raceHoldMs("1.5"), null);
  assertEquals(raceHoldMs(" 250 "), 250);
});

Deno.test("allocationDeclaration() says lane allocation is serialised, except in the race mode", () => {
  assertEquals(allocationDeclaration(undefined), { lane_allocation: "serialized" });
  assertEquals(allocationDeclaration("0"), { lane_allocation: "serialized" });
  assertEquals(allocationDeclaration("1500"), {});
});

Deno.test("concurrentAllocationFailure() is the real host's LANE_ALLOCATION_FAILED with its message", () => {
  const failure = concurrentAllocationFailure(mission("/r"), "WP02");
  assertEquals(failure.code, "LANE_ALLOCATION_FAILED");
  const expected = "Failed to create mission branch kitty/mission-001-bench from feature/bench: fatal: " +
    "cannot lock ref 'refs/heads/kitty/mission-001-bench': reference already exists";
  assertEquals(failure.message, expected);
  assertEquals(failure.data(), {
    mission_slug: "001-bench",
    mission_number: 1,
    mission_type: "software-dev",
    wp_id: "WP02",
    reason: expected,
    message: expected,
  });
  assertEquals(failure.data().error_code, undefined, "no structured sub-code, like the real host");
});

Deno.test("withAllocationRace() refuses a second lane allocation of the mission while one is in flight", async () => {
  await withRoot(async (root) => {
    const m = mission(root);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = withAllocationRace(m, "WP01", 1, async () => {
      await gate;
      return "first";
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const error = await assertRejects(() => withAllocationRace(m, "WP02", 1, () => Promise.resolve("second")));
    assert(error instanceof HostFailure && error.code === "LANE_ALLOCATION_FAILED", String(error));
    release();
    assertEquals(await first, "first");
    // Once the first allocation is over, the next one goes through.
    assertEquals(await withAllocationRace(m, "WP02", 1, () => Promise.resolve("second")), "second");
  });
});

Deno.test("withAllocationRace() keeps the mission marked for the hold after the allocation itself returned", async () => {
  await withRoot(async (root) => {
    const m = mission(root);
    let allocated!: () => void;
    const done = new Promise<void>((resolve) => (allocated = resolve));
    const first = withAllocationRace(m, "WP01", 500, () => {
      allocated();
      return Promise.resolve("first");
    });
    await done;
    await assertRejects(() => withAllocationRace(m, "WP02", 500, () => Promise.resolve("x")), HostFailure);
    assertEquals(await first, "first");
  });
});

Deno.test("withAllocationRace() is a plain call when off or for a WP in no lane", async () => {
  await withRoot(async (root) => {
    const m = mission(root);
    const results = await Promise.all([
      withAllocationRace(m, "WP01", null, () => Promise.resolve(1)),
      withAllocationRace(m, "WP02", null, () => Promise.resolve(2)),
      withAllocationRace(m, "WP09", 1000, () => Promise.resolve(9)),
      withAllocationRace(m, "WP09", 1000, () => Promise.resolve(10)),
    ]);
    assertEquals(results, [1, 2, 9, 10]);
  });
});

Deno.test("withAllocationRace() takes over a mark left by a killed call", async () => {
  await withRoot(async (root) => {
    const m = mission(root);
    await Deno.mkdir(join(root, ".worktrees"));
    await Deno.writeTextFile(join(root, ".worktrees", ".allocating-001-bench"), String(Date.now() - 120_000));
    assertEquals(await withAllocationRace(m, "WP01", 10, () => Promise.resolve("ok")), "ok");
    await assertRejects(() => Deno.stat(join(root, ".worktrees", ".allocating-001-bench")), Deno.errors.NotFound);
  });
});
