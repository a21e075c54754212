import { assertEquals, assertRejects, assertStringIncludes } from "../../test/support/assert.ts";
import { UserError } from "../domain/errors.ts";
import type { Lane, WorkPackageState } from "../domain/host.ts";
import { assertDependencies, dependencyProblems, findCycles } from "./dependencies.ts";
import { FakeHost } from "../../test/support/fake_host.ts";

const wp = (wpId: string, dependencies: string[], lane: Lane = "planned"): WorkPackageState => ({
  wpId,
  lane,
  dependencies,
  lastActor: null,
});

Deno.test("dependencyProblems() accepts a chain and a diamond", () => {
  assertEquals(dependencyProblems([wp("WP01", []), wp("WP02", ["WP01"]), wp("WP03", ["WP01", "WP02"])]), {
    missing: [],
    cycles: [],
  });
});

Deno.test("dependencyProblems() names unknown dependencies per WP", () => {
  const p = dependencyProblems([wp("WP02", ["WP99", "WP01", "WP98"]), wp("WP01", ["WP99"])]);
  assertEquals(p.missing, [{ wpId: "WP01", unknown: ["WP99"] }, { wpId: "WP02", unknown: ["WP98", "WP99"] }]);
});

Deno.test("dependencyProblems() finds the cycle itself, not the WPs waiting behind it", () => {
  // WP01 -> WP03 -> WP02 -> WP01, and WP04 waits on WP01 (stuck, but not part of the cycle).
  const p = dependencyProblems([
    wp("WP01", ["WP03"]),
    wp("WP02", ["WP01"]),
    wp("WP03", ["WP02"]),
    wp("WP04", ["WP01"]),
  ]);
  assertEquals(p.cycles, [["WP01", "WP03", "WP02", "WP01"]]);
  assertEquals(findCycles(new Map([["A", ["A"]]])), [["A", "A"]]);
  assertEquals(findCycles(new Map([["A", ["B"]], ["B", ["A"]], ["C", ["D"]], ["D", ["C"]]])), [
    ["A", "B", "A"],
    ["C", "D", "C"],
  ]);
});

Deno.test("dependencyProblems() ignores settled WPs: their edges cannot stall a run", () => {
  const p = dependencyProblems([wp("WP01", ["WP02"], "done"), wp("WP02", ["WP01"]), wp("WP03", ["WP99"], "canceled")]);
  assertEquals(p, { missing: [], cycles: [] });
});

Deno.test("assertDependencies() refuses with exit 2 naming the WP files, after read-only calls only", async () => {
  const host = new FakeHost("/repo", [
    { id: "WP01", lane: "planned", deps: ["WP03"] },
    { id: "WP02", lane: "planned", deps: ["WP01"] },
    { id: "WP03", lane: "planned", deps: ["WP02"] },
    { id: "WP04", lane: "planned", deps: ["WP99"] },
  ]);
  const state = await host.missionState("001-demo");
  const error = await assertRejects(() => assertDependencies(host, "001-demo", state), UserError);
  assertEquals(error.exitCode, 2);
  assertStringIncludes(error.message, "dependency cycle WP01 -> WP03 -> WP02 -> WP01");
  assertStringIncludes(error.message, "WP04 depends on WP99, which has no WP file in the mission");
  const files = await Promise.all(
    ["WP01", "WP02", "WP03", "WP04"].map(async (id) => (await host.resolveWorkspace("001-demo", id)).promptPath),
  );
  for (const file of files) assertStringIncludes(error.fix ?? "", file);
  assertStringIncludes(error.fix ?? "", "dependencies:");
  const calls = Object.keys(host.callCounts());
  assertEquals(calls.filter((c) => c !== "mission-state" && c !== "resolve-workspace"), []);
});

Deno.test("assertDependencies() sees through a WP the host lists only because it is named as a dependency", async () => {
  const host = new FakeHost("/repo", [{ id: "WP01", lane: "planned", deps: ["WP99"] }, {
    id: "WP02",
    lane: "planned",
    deps: [],
  }]);
  const real = await host.missionState("001-demo");
  // As the real host does: WP99 is listed (from the graph), planned, not counted in the summary.
  const state = { ...real, workPackages: [...real.workPackages, wp("WP99", [])] };
  const error = await assertRejects(() => assertDependencies(host, "001-demo", state), UserError);
  assertStringIncludes(error.message, "WP01 depends on WP99");
  assertStringIncludes(error.fix ?? "", (await host.resolveWorkspace("001-demo", "WP01")).promptPath);
});

Deno.test("assertDependencies() costs no host call on a healthy mission", async () => {
  const host = new FakeHost("/repo", [{ id: "WP01", lane: "planned", deps: [] }, {
    id: "WP02",
    lane: "planned",
    deps: ["WP01"],
  }]);
  const state = await host.missionState("001-demo");
  const before = { ...host.callCounts() };
  await assertDependencies(host, "001-demo", state);
  assertEquals(host.callCounts(), before);
});
