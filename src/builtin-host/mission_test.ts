import { join } from "node:path";
import { assertEquals, assertRejects, assertThrows } from "../../test/support/assert.ts";
import { HostFailure } from "./failure.ts";
import { findWp, identityOf, loadMission, parseWpFile, resolveMissionSlug } from "./mission.ts";
import { makeMission } from "../../test/support/mission_fixture.ts";

Deno.test("resolveMissionSlug() accepts the slug, the mission_id and its mid8", async () => {
  const root = await makeMission([], { slug: "demo-01M7YMXC", meta: { mission_id: "01M7YMXC697B9BDBQPCZPJ3PGD" } });
  try {
    assertEquals(await resolveMissionSlug(root, "demo-01M7YMXC"), "demo-01M7YMXC");
    assertEquals(await resolveMissionSlug(root, "01M7YMXC"), "demo-01M7YMXC");
    assertEquals(await resolveMissionSlug(root, "01M7YMXC697B9BDBQPCZPJ3PGD"), "demo-01M7YMXC");
    for (const handle of ["demo", "001"]) {
      const error = await assertRejects(() => resolveMissionSlug(root, handle), HostFailure);
      assertEquals(error.code, "MISSION_NOT_FOUND");
      assertEquals(error.message, `Mission '${handle}' not found in kitty-specs/`);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("resolveMissionSlug() refuses traversal without touching the filesystem", async () => {
  for (const handle of ["../etc", "a/b", "a\\b", "..", ""]) {
    const error = await assertRejects(() => resolveMissionSlug("/nonexistent", handle), HostFailure);
    assertEquals(error.code, "USAGE_ERROR", handle);
  }
});

Deno.test("loadMission() reads meta, WP frontmatter sorted by file name, and lanes.json", async () => {
  const root = await makeMission([{ id: "WP02", deps: ["WP01"], subtasks: ["T003"] }, { id: "WP01" }]);
  try {
    await Deno.writeTextFile(
      join(root, "kitty-specs", "001-demo", "lanes.json"),
      JSON.stringify({ lanes: [{ lane_id: "lane-a", wp_ids: ["WP01", "WP02"], depends_on_lanes: [] }] }),
    );
    const mission = await loadMission(root, "001-demo");
    assertEquals(mission.identity, { mission_slug: "001-demo", mission_number: 1, mission_type: "software-dev" });
    assertEquals(mission.wps.map((w) => [w.wpId, w.dependencies, w.subtasks]), [
      ["WP01", [], []],
      ["WP02", ["WP01"], ["T003"]],
    ]);
    assertEquals(mission.lanes, [{ laneId: "lane-a", wpIds: ["WP01", "WP02"], dependsOnLanes: [] }]);
    assertEquals(findWp(mission, "WP02").path, join(root, "kitty-specs", "001-demo", "tasks", "WP02-work.md"));
    assertEquals(
      assertThrows(() => findWp(mission, "WP09"), HostFailure).message,
      "Work package 'WP09' not found in 001-demo",
    );
    assertEquals(assertThrows(() => findWp(mission, "../WP01"), HostFailure).code, "USAGE_ERROR");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("parseWpFile() reads frontmatter and rejects invalid YAML", () => {
  const wp = parseWpFile(
    "/p",
    "WP01-x.md",
    "WP01",
    "---\r\ntitle: X\r\nsubtasks:\r\n  - T001\r\n  - 'T002'\r\n---\r\nBody\r\n",
  );
  assertEquals([wp.title, wp.subtasks, wp.body], ["X", ["T001", "T002"], "Body\n"]);
  assertEquals(parseWpFile("/p", "WP01.md", "WP01", "no frontmatter").frontmatter, {});
  assertEquals(
    assertThrows(() => parseWpFile("/p", "WP01.md", "WP01", "---\n[unclosed\n---\n"), HostFailure).code,
    "INVALID_WP_FRONTMATTER",
  );
});

Deno.test("identityOf() reads mission_number as an int or null", () => {
  assertEquals(identityOf("m", { mission_number: "001" }).mission_number, 1);
  assertEquals(identityOf("m", { mission_number: 7 }).mission_number, 7);
  assertEquals(identityOf("m", { mission_number: null }), {
    mission_slug: "m",
    mission_number: null,
    mission_type: "",
  });
});
