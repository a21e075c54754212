import { join } from "node:path";
import { assertEquals, assertStringIncludes } from "../../test/support/assert.ts";
import { runMarkStatus } from "./mark_status.ts";
import { makeMission } from "../../test/support/mission_fixture.ts";

Deno.test("runMarkStatus() marks roster subtasks once, reports already-satisfied and unknown ids", async () => {
  const root = await makeMission([{ id: "WP01", subtasks: ["T001", "T002"] }, { id: "WP02", subtasks: ["T003"] }]);
  const resolve = () => Promise.resolve(root);
  try {
    const first = await runMarkStatus(["T001", "T003", "--status", "done", "--mission", "001-demo", "--json"], resolve);
    assertEquals(first.exitCode, 0);
    assertEquals(JSON.parse(first.stdout).summary, { updated: 2, already_satisfied: 0, not_found: 0 });
    const again = await runMarkStatus(["T001", "T009", "--status=done", "--mission=001-demo", "--json"], resolve);
    assertEquals(again.exitCode, 1);
    const parsed = JSON.parse(again.stdout);
    assertEquals(parsed.results.map((r: { outcome: string }) => r.outcome), ["already_satisfied", "not_found"]);
    const lines = (await Deno.readTextFile(join(root, "kitty-specs", "001-demo", "status.events.jsonl"))).trimEnd()
      .split("\n").map((l) => JSON.parse(l)).filter((e) => e.kind === "annotation");
    assertEquals(lines.map((e) => [e.wp_id, e.delta]), [["WP01", { subtasks: { T001: "done" } }], [
      "WP02",
      { subtasks: { T003: "done" } },
    ]]);
    const human = await runMarkStatus(["T002", "--status", "done", "--mission", "001-demo"], resolve);
    assertStringIncludes(human.stdout, "T002: updated");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("runMarkStatus() reports usage errors with exit 2", async () => {
  const resolve = () => Promise.reject(new Error("unused"));
  for (
    const [args, message] of [
      [["--status", "done", "--mission", "m"], "Missing argument 'TASK_IDS...'."],
      [["T001", "--mission", "m"], "Missing option '--status'."],
      [["T001", "--status", "finished", "--mission", "m"], "Invalid value for '--status'"],
      [["T001", "--status", "done"], "Missing option '--mission'."],
      [["T001", "--bogus"], "No such option '--bogus'."],
    ] as const
  ) {
    const outcome = await runMarkStatus(args, resolve);
    assertEquals(outcome.exitCode, 2);
    assertStringIncludes(outcome.stderr, message);
  }
  const traversal = await runMarkStatus(
    ["T001", "--status", "done", "--mission", "../x", "--json"],
    () => Promise.resolve("/nonexistent"),
  );
  assertEquals([traversal.exitCode, JSON.parse(traversal.stdout).error_code], [1, "USAGE_ERROR"]);
});
