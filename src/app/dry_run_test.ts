import { assertEquals, assertStringIncludes } from "../../test/support/assert.ts";
import { memoryTerminal } from "../output/terminal.ts";
import { actionFor, dependencyOrder, planDryRun, printDryRun } from "./dry_run.ts";
import { FakeHost } from "../../test/support/fake_host.ts";
import { TEST_POLICY, testPipeline } from "../../test/support/harness.ts";

Deno.test("dependencyOrder() puts dependencies first and reports cycles", () => {
  assertEquals(
    dependencyOrder([
      { wpId: "WP03", dependencies: ["WP02"] },
      { wpId: "WP01", dependencies: [] },
      { wpId: "WP02", dependencies: ["WP01"] },
    ]),
    { order: ["WP01", "WP02", "WP03"], cyclic: [] },
  );
  assertEquals(dependencyOrder([{ wpId: "A", dependencies: ["B"] }, { wpId: "B", dependencies: ["A"] }]).cyclic, [
    "A",
    "B",
  ]);
});

Deno.test("planDryRun() reads only, lists the plan and reports missing agents", async () => {
  const host = new FakeHost("/repo", [
    { id: "WP02", lane: "planned", deps: ["WP01"] },
    { id: "WP01", lane: "for_review", deps: [] },
  ]);
  const plan = await planDryRun({
    host,
    mission: "001-demo",
    contract: { apiVersion: "1.3.0", minSupportedProviderVersion: "0.1.0" },
    policy: TEST_POLICY,
    maxConcurrent: 2,
    pipelineFor: () => testPipeline(),
    readText: () => Promise.resolve("---\n---\n"),
    agentInstalled: (id) =>
      Promise.resolve({ installed: id !== "rev-b", detail: id === "rev-b" ? "not on PATH" : "ok" }),
  });
  assertEquals(plan.wps.map((w) => w.wpId), ["WP01", "WP02"]);
  assertEquals(plan.wps[0]!.action, "adopt: review");
  assertEquals(plan.problems, ["agent rev-b is not installed: not on PATH"]);
  assertEquals(host.calls, []);
  const term = memoryTerminal();
  printDryRun(plan, term);
  assertStringIncludes(term.text(), "impl-a > impl-b");
  assertStringIncludes(term.text(), "agent rev-b is not installed");
});

Deno.test("actionFor() says a planned WP with satisfied dependencies is implemented now", () => {
  assertEquals(actionFor("planned", true), "implement now");
  assertEquals(actionFor("planned", false), "implement when its dependencies are approved/done");
  assertEquals(actionFor("for_review"), "adopt: review");
});

Deno.test("printDryRun() shows a consensus review panel with its rule", async () => {
  const host = new FakeHost("/repo", [{ id: "WP01", lane: "planned", deps: [] }]);
  const base = testPipeline();
  const plan = await planDryRun({
    host,
    mission: "001-demo",
    contract: { apiVersion: "1.3.0", minSupportedProviderVersion: "0.1.0" },
    policy: TEST_POLICY,
    maxConcurrent: 1,
    pipelineFor: () => ({ ...base, review: { ...base.review, consensus: { require: "majority", parallel: false } } }),
    readText: () => Promise.resolve("---\n---\n"),
    agentInstalled: () => Promise.resolve({ installed: true, detail: "ok" }),
  });
  const term = memoryTerminal();
  printDryRun(plan, term);
  assertStringIncludes(term.text(), "rev-a + rev-b (majority)");
});
