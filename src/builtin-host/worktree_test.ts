import { join } from "node:path";
import { assertEquals, assertRejects, assertThrows } from "../../test/support/assert.ts";
import { HostFailure } from "./failure.ts";
import { loadMission, type Mission } from "./mission.ts";
import { makeMission } from "../../test/support/mission_fixture.ts";
import { allocateLane, implementationCommits, planWorkspace } from "./worktree.ts";

const GIT_ENV = { GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t" };

async function git(cwd: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", { args: ["-c", "commit.gpgsign=false", ...args], cwd, env: GIT_ENV })
    .output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).trim();
}

/** A git repo with WP01 (lane-a) and WP02 (lane-b, depends on WP01) on main. */
async function laneRepo(): Promise<Mission> {
  const root = await makeMission([{ id: "WP01" }, { id: "WP02", deps: ["WP01"] }]);
  await Deno.writeTextFile(
    join(root, "kitty-specs", "001-demo", "lanes.json"),
    JSON.stringify({
      lanes: [
        { lane_id: "lane-a", wp_ids: ["WP01"], depends_on_lanes: [] },
        { lane_id: "lane-b", wp_ids: ["WP02"], depends_on_lanes: ["lane-a"] },
      ],
    }),
  );
  await Deno.writeTextFile(join(root, ".gitignore"), ".worktrees/\n.status.lock\n");
  await git(root, "init", "-q", "-b", "main");
  await git(root, "add", "-A");
  await git(root, "commit", "-q", "-m", "mission");
  return await loadMission(root, "001-demo");
}

async function commitFile(dir: string, file: string, text: string): Promise<void> {
  await Deno.writeTextFile(join(dir, file), text);
  await git(dir, "add", "-A");
  await git(dir, "commit", "-q", "-m", file);
}

Deno.test("planWorkspace() gives legacy missions the bare path and lane WPs lane fields", async () => {
  const root = await makeMission([{ id: "WP01" }]);
  try {
    const legacy = await loadMission(root, "001-demo");
    assertEquals(planWorkspace(legacy, "WP01", new Set()).workspacePath, join(root, ".worktrees", "001-demo-WP01"));
    assertEquals(planWorkspace(legacy, "WP01", new Set()).laneId, undefined);
    const lanes = { ...legacy, lanes: [{ laneId: "lane-a", wpIds: ["WP01"], dependsOnLanes: [] }] };
    const plan = planWorkspace(lanes, "WP01", new Set());
    assertEquals([plan.workspacePath, plan.laneBranch, plan.laneBaseRef], [
      join(root, ".worktrees", "001-demo-lane-a"),
      "kitty/mission-001-demo-lane-a",
      "main",
    ]);
    const broken = { ...legacy, lanesError: "lanes.json is not valid JSON: x" };
    assertEquals(
      assertThrows(() => planWorkspace(broken, "WP01", new Set()), HostFailure).fields.reason,
      broken.lanesError,
    );
    const unsafe = { ...legacy, lanes: [{ laneId: "../x", wpIds: ["WP01"], dependsOnLanes: [] }] };
    let code = "";
    try {
      planWorkspace(unsafe, "WP01", new Set());
    } catch (error) {
      code = (error as HostFailure).code;
    }
    assertEquals(code, "LANE_ALLOCATION_FAILED");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("allocateLane() creates the lane worktree, reuses it, and merges approved dependency lanes", async () => {
  const mission = await laneRepo();
  try {
    const a = planWorkspace(mission, "WP01", new Set());
    await allocateLane(mission, "WP01", a);
    assertEquals(await git(a.workspacePath, "rev-parse", "--abbrev-ref", "HEAD"), "kitty/mission-001-demo-lane-a");
    assertEquals(await implementationCommits(mission, a), 0);
    await commitFile(a.workspacePath, "a.txt", "a\n");
    assertEquals(await implementationCommits(mission, a), 1);
    await allocateLane(mission, "WP01", a); // clean reuse
    const b = planWorkspace(mission, "WP02", new Set(["WP01"]));
    assertEquals(b.mergeableBranches, ["kitty/mission-001-demo-lane-a"]);
    await allocateLane(mission, "WP02", b);
    await Deno.stat(join(b.workspacePath, "a.txt"));
    assertEquals(await implementationCommits(mission, b), 0, "merged dependency work is not WP02's");
    await commitFile(b.workspacePath, "b.txt", "b\n");
    assertEquals(await implementationCommits(mission, b), 1);
  } finally {
    await Deno.remove(mission.root, { recursive: true });
  }
});

Deno.test("allocateLane() fails with LANE_ALLOCATION_FAILED on a dirty reused worktree", async () => {
  const mission = await laneRepo();
  try {
    const a = planWorkspace(mission, "WP01", new Set());
    await allocateLane(mission, "WP01", a);
    await Deno.writeTextFile(join(a.workspacePath, "dirty.txt"), "x");
    const error = await assertRejects(() => allocateLane(mission, "WP01", a), HostFailure);
    assertEquals(error.code, "LANE_ALLOCATION_FAILED");
    assertEquals(error.fields.wp_id, "WP01");
    assertEquals(typeof error.fields.reason, "string");
  } finally {
    await Deno.remove(mission.root, { recursive: true });
  }
});

Deno.test("allocateLane() fails on a merge conflict and leaves no merge in progress", async () => {
  const mission = await laneRepo();
  try {
    const a = planWorkspace(mission, "WP01", new Set());
    await allocateLane(mission, "WP01", a);
    await commitFile(a.workspacePath, "same.txt", "from a\n");
    const b = planWorkspace(mission, "WP02", new Set());
    await allocateLane(mission, "WP02", b);
    await commitFile(b.workspacePath, "same.txt", "from b\n");
    const again = planWorkspace(mission, "WP02", new Set(["WP01"]));
    const error = await assertRejects(() => allocateLane(mission, "WP02", again), HostFailure);
    assertEquals(error.code, "LANE_ALLOCATION_FAILED");
    assertEquals(await git(b.workspacePath, "status", "--porcelain"), "");
  } finally {
    await Deno.remove(mission.root, { recursive: true });
  }
});

Deno.test("allocateLane() fails when the base ref does not exist", async () => {
  const mission = await laneRepo();
  try {
    const plan = { ...planWorkspace(mission, "WP01", new Set()), laneBaseRef: "no-such-branch" };
    const error = await assertRejects(() => allocateLane(mission, "WP01", plan), HostFailure);
    assertEquals(error.fields.reason, "lane base ref 'no-such-branch' does not exist");
  } finally {
    await Deno.remove(mission.root, { recursive: true });
  }
});
