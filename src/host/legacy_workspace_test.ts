import { assertEquals } from "../../test/support/assert.ts";
import { ERAS } from "./era.ts";
import { type MissionLayout, planLegacyWorkspace, readMissionLayout } from "./legacy_workspace.ts";

const LAYOUT: MissionLayout = {
  promptFiles: { WP01: "WP01-part-1.md", WP02: "WP02-part-2.md" },
  laneOf: { WP01: "lane-a", WP02: "lane-b" },
  targetBranch: "feature/x",
};

Deno.test("planLegacyWorkspace(): 1.0 eras name .worktrees/<mission>-WPnn on branch <mission>-WPnn, based on the last dependency", () => {
  for (const era of [ERAS["1.0-feature"], ERAS["1.0-mission"]]) {
    assertEquals(planLegacyWorkspace(era, "/r", "034-x", "WP01", LAYOUT, []), {
      workspacePath: "/r/.worktrees/034-x-WP01",
      promptPath: "/r/kitty-specs/034-x/tasks/WP01-part-1.md",
      laneBranch: "034-x-WP01",
    });
    assertEquals(planLegacyWorkspace(era, "/r", "034-x", "WP02", LAYOUT, ["WP01"]).laneBaseRef, "034-x-WP01");
  }
});

Deno.test("planLegacyWorkspace(): 1.1 uses the lane worktree from lanes.json, else the bare path", () => {
  assertEquals(planLegacyWorkspace(ERAS["1.1-mission"], "/r", "034-x", "WP02", LAYOUT, ["WP01"]), {
    workspacePath: "/r/.worktrees/034-x-lane-b",
    promptPath: "/r/kitty-specs/034-x/tasks/WP02-part-2.md",
    laneId: "lane-b",
    laneBranch: "kitty/mission-034-x-lane-b",
    laneBaseRef: "feature/x",
  });
  assertEquals(planLegacyWorkspace(ERAS["1.1-mission"], "/r", "034-x", "WP09", LAYOUT, []), {
    workspacePath: "/r/.worktrees/034-x-WP09",
    promptPath: "/r/kitty-specs/034-x/tasks/WP09.md",
  });
});

Deno.test("readMissionLayout() reads prompt files, lanes.json and the target branch; missing parts are empty", async () => {
  const root = await Deno.makeTempDir({ prefix: "sko-layout-" });
  try {
    assertEquals(await readMissionLayout(root, "m"), { promptFiles: {}, laneOf: {}, targetBranch: null });
    await Deno.mkdir(`${root}/kitty-specs/m/tasks`, { recursive: true });
    await Deno.writeTextFile(`${root}/kitty-specs/m/tasks/WP01-a.md`, "");
    await Deno.writeTextFile(`${root}/kitty-specs/m/tasks/notes.md`, "");
    await Deno.writeTextFile(`${root}/kitty-specs/m/meta.json`, JSON.stringify({ target_branch: "main" }));
    await Deno.writeTextFile(
      `${root}/kitty-specs/m/lanes.json`,
      JSON.stringify({ lanes: [{ lane_id: "lane-a", wp_ids: ["WP01"] }, { lane_id: 7 }] }),
    );
    assertEquals(await readMissionLayout(root, "m"), {
      promptFiles: { WP01: "WP01-a.md" },
      laneOf: { WP01: "lane-a" },
      targetBranch: "main",
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
