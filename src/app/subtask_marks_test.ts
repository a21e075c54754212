import { assertEquals } from "../../test/support/assert.ts";
import { join } from "node:path";
import { readSubtaskMarks } from "./subtask_marks.ts";

const lane = (wp: string, to: string) =>
  JSON.stringify({ event_id: `e-${wp}-${to}`, wp_id: wp, from_lane: "planned", to_lane: to, at: "t", actor: "a" });
const mark = (wp: string, id: string) =>
  JSON.stringify({
    kind: "annotation",
    event_id: `m-${id}`,
    wp_id: wp,
    at: "t",
    actor: "a",
    delta: { subtasks: { [id]: "done" } },
  });

Deno.test("readSubtaskMarks() reads the live log (most lane events) and returns null without one", async () => {
  const root = await Deno.makeTempDir({ prefix: "marks-" });
  try {
    assertEquals(await readSubtaskMarks(root, "001-demo", "WP01"), null);
    const primary = join(root, "kitty-specs", "001-demo");
    const coord = join(root, ".worktrees", "001-demo-coord", "kitty-specs", "001-demo");
    await Deno.mkdir(primary, { recursive: true });
    await Deno.mkdir(coord, { recursive: true });
    await Deno.writeTextFile(join(primary, "status.events.jsonl"), [lane("WP01", "planned"), ""].join("\n"));
    await Deno.writeTextFile(
      join(coord, "status.events.jsonl"),
      [lane("WP01", "planned"), lane("WP01", "in_progress"), mark("WP01", "T001"), ""].join("\n"),
    );
    assertEquals(await readSubtaskMarks(root, "001-demo", "WP01"), { T001: "done" });
    assertEquals(await readSubtaskMarks(root, "001-demo", "WP09"), null);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
