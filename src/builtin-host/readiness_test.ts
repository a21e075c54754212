import { assertEquals } from "../../test/support/assert.ts";
import { isReady, unsatisfiedDependencies } from "./readiness.ts";

const lanes: Record<string, string> = { WP01: "done", WP02: "approved", WP03: "in_review", WP04: "planned" };
const laneOf = (id: string) => lanes[id] ?? "uninitialized";

Deno.test("isReady() needs a not-started lane and approved/done dependencies", () => {
  assertEquals(isReady("planned", [], laneOf), true);
  assertEquals(isReady("uninitialized", ["WP01", "WP02"], laneOf), true);
  assertEquals(isReady("genesis", ["WP01"], laneOf), true);
  assertEquals(isReady("planned", ["WP03"], laneOf), false);
  assertEquals(isReady("planned", ["WP99"], laneOf), false);
  for (const lane of ["claimed", "in_progress", "for_review", "in_review", "approved", "done", "blocked", "canceled"]) {
    assertEquals(isReady(lane, [], laneOf), false, lane);
  }
});

Deno.test("unsatisfiedDependencies() keeps declaration order", () => {
  assertEquals(unsatisfiedDependencies(["WP04", "WP01", "WP03", "WP99"], laneOf), ["WP04", "WP03", "WP99"]);
});
