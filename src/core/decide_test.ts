import { assertEquals } from "../../test/support/assert.ts";
import type { Lane } from "../domain/host.ts";
import {
  dependencySkips,
  isFinished,
  laneOutcomes,
  nextDispatches,
  type SchedulerView,
  stallOutcomes,
  type WpView,
} from "./decide.ts";
import type { WpOutcomeKind } from "../domain/run_state.ts";

function wp(
  wpId: string,
  lane: Lane | null,
  deps: string[] = [],
  extra: { outcome?: WpOutcomeKind; reviewRef?: string; laneKey?: string } = {},
): WpView {
  return {
    wpId,
    lane,
    dependencies: deps,
    outcome: extra.outcome ?? null,
    reviewRef: extra.reviewRef ?? null,
    laneKey: extra.laneKey ?? null,
  };
}
function view(wps: WpView[], running: string[] = [], maxConcurrent = 4): SchedulerView {
  return { wps, running: new Set(running), maxConcurrent };
}

Deno.test("nextDispatches() starts ready planned WPs whose dependencies are approved or done", () => {
  const v = view([
    wp("WP01", "done"),
    wp("WP02", "planned", ["WP01"]),
    wp("WP03", "planned", ["WP04"]),
    wp("WP04", "approved"),
    wp("WP05", "planned", ["WP02"]),
  ]);
  assertEquals(nextDispatches(v), [{ wpId: "WP02", mode: "implement" }, { wpId: "WP03", mode: "implement" }]);
});

Deno.test("nextDispatches() treats a null lane as planned", () => {
  assertEquals(nextDispatches(view([wp("WP01", null)])), [{ wpId: "WP01", mode: "implement" }]);
});

Deno.test("nextDispatches() trusts list-ready for WPs it lists", () => {
  const v: SchedulerView = { ...view([wp("WP01", "planned", ["WP09"])]), hostReady: new Set(["WP01"]) };
  assertEquals(nextDispatches(v), [{ wpId: "WP01", mode: "implement" }]);
});

Deno.test("nextDispatches() finishes in-flight work first, in a fixed order", () => {
  const v = view([
    wp("WP01", "planned"),
    wp("WP02", "in_progress"),
    wp("WP03", "for_review"),
    wp("WP04", "in_review", [], { reviewRef: "r" }),
    wp("WP05", "claimed"),
  ]);
  assertEquals(
    nextDispatches(v).map((d) => `${d.wpId}:${d.mode}`),
    [
      "WP04:resume_review",
      "WP03:review",
      "WP02:implement",
      "WP05:implement",
      "WP01:implement",
    ].slice(0, 4),
  );
});

Deno.test("nextDispatches() never adopts an in_review WP whose review we did not start", () => {
  assertEquals(nextDispatches(view([wp("WP01", "in_review")])), []);
});

Deno.test("nextDispatches() respects maxConcurrent and the running set", () => {
  const v = view([wp("WP01", "planned"), wp("WP02", "planned"), wp("WP03", "planned")], ["WP01"], 2);
  assertEquals(nextDispatches(v), [{ wpId: "WP02", mode: "implement" }]);
  assertEquals(nextDispatches(view([wp("WP01", "planned")], [], 0)), []);
});

Deno.test("nextDispatches() never runs two WPs of the same lane worktree", () => {
  const v = view([
    wp("WP01", "in_progress", [], { laneKey: "lane-a" }),
    wp("WP02", "planned", [], { laneKey: "lane-a" }),
    wp("WP03", "planned", [], { laneKey: "lane-b" }),
    wp("WP04", "planned", [], { laneKey: "lane-b" }),
  ]);
  assertEquals(nextDispatches(v).map((d) => d.wpId), ["WP01", "WP03"]);
  const busy = view([
    wp("WP01", "in_progress", [], { laneKey: "lane-a" }),
    wp("WP02", "planned", [], { laneKey: "lane-a" }),
  ], ["WP01"]);
  assertEquals(nextDispatches(busy), []);
});

Deno.test("nextDispatches() skips WPs with an outcome (a failed start is not retried)", () => {
  assertEquals(nextDispatches(view([wp("WP01", "in_progress", [], { outcome: "failed" })])), []);
});

Deno.test("laneOutcomes() decides done/approved/blocked/canceled WPs we are not running", () => {
  const v = view([
    wp("WP01", "done"),
    wp("WP02", "approved"),
    wp("WP03", "blocked"),
    wp("WP04", "canceled"),
    wp("WP05", "done"),
  ], ["WP05"]);
  assertEquals(laneOutcomes(v).map((o) => `${o.wpId}:${o.kind}`), [
    "WP01:done",
    "WP02:approved",
    "WP03:blocked",
    "WP04:skipped",
  ]);
});

Deno.test("dependencySkips() skips dependents of blocked, failed or canceled WPs, transitively", () => {
  const v = view([
    wp("WP01", "in_progress", [], { outcome: "failed" }),
    wp("WP02", "planned", ["WP01"]),
    wp("WP03", "planned", ["WP02"]),
    wp("WP04", "canceled"),
    wp("WP05", "planned", ["WP04"]),
    wp("WP06", "planned", ["WP99"]),
    wp("WP07", "in_progress", ["WP01"]),
  ]);
  assertEquals(dependencySkips(v).map((o) => `${o.wpId}:${o.reason}`), [
    "WP02:dependency WP01 is failed",
    "WP03:dependency WP02 is skipped",
    "WP05:dependency WP04 is canceled",
    "WP06:dependency WP99 is not a WP of this mission",
  ]);
});

Deno.test("dependencySkips() waits while the dependency is still running", () => {
  assertEquals(dependencySkips(view([wp("WP01", "blocked"), wp("WP02", "planned", ["WP01"])], ["WP01"])), []);
});

Deno.test("isFinished() needs an outcome for every WP and nothing running", () => {
  assertEquals(isFinished(view([wp("WP01", "done", [], { outcome: "done" })])), true);
  assertEquals(isFinished(view([wp("WP01", "done", [], { outcome: "done" })], ["WP01"])), false);
  assertEquals(isFinished(view([wp("WP01", "planned")])), false);
  assertEquals(isFinished(view([])), true);
});

Deno.test("stallOutcomes() gives every undriveable WP an explicit reason", () => {
  const v = view([
    wp("WP01", "in_review"),
    wp("WP02", "planned", ["WP01"]),
    wp("WP03", "done", [], { outcome: "done" }),
  ]);
  assertEquals(stallOutcomes(v), [
    {
      wpId: "WP01",
      kind: "skipped",
      reason: "in review by someone else (this run started no review of it); finish that review, then resume",
    },
    { wpId: "WP02", kind: "skipped", reason: "waiting on WP01 (in_review) which this run cannot move" },
  ]);
});

Deno.test("nextDispatches() over the run's budget starts no planned WP but finishes started ones; stall says why", () => {
  const v = {
    ...view([wp("WP01", "in_progress"), wp("WP02", "for_review"), wp("WP03", "planned"), wp("WP04", "planned")]),
    noNewWork: "budget: the run spent $2.00 of its per_run_usd $2.00; no new WP starts",
  };
  assertEquals(nextDispatches(v).map((d) => `${d.wpId}:${d.mode}`), ["WP02:review", "WP01:implement"]);
  const idle = { ...v, wps: v.wps.filter((w) => w.lane === "planned") };
  assertEquals(nextDispatches(idle), []);
  assertEquals(stallOutcomes(idle), [
    { wpId: "WP03", kind: "skipped", reason: v.noNewWork, budget: true },
    { wpId: "WP04", kind: "skipped", reason: v.noNewWork, budget: true },
  ]);
});
