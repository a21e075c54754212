import { join } from "node:path";
import { assertEquals, assertStringIncludes } from "../../../test/support/assert.ts";
import { callApi, makeMission, TEST_POLICY } from "../../../test/support/mission_fixture.ts";

const GIT_ENV = { GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t" };
const M = ["--mission", "001-demo"];

async function git(cwd: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", { args: ["-c", "commit.gpgsign=false", ...args], cwd, env: GIT_ENV })
    .output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).trim();
}

/** Two lanes, each WP implemented (committing `files[i]`) and approved. */
async function approvedMission(files: [string, string][]): Promise<string> {
  const root = await makeMission([{ id: "WP01" }, { id: "WP02" }]);
  await Deno.writeTextFile(
    join(root, "kitty-specs", "001-demo", "lanes.json"),
    JSON.stringify({
      lanes: [
        { lane_id: "lane-a", wp_ids: ["WP01"], depends_on_lanes: [] },
        { lane_id: "lane-b", wp_ids: ["WP02"], depends_on_lanes: [] },
      ],
    }),
  );
  await Deno.writeTextFile(join(root, ".gitignore"), ".worktrees/\n.status.lock\n");
  await Deno.writeTextFile(join(root, "README.md"), "readme\n");
  await git(root, "init", "-q", "-b", "main");
  await git(root, "add", "-A");
  await git(root, "commit", "-q", "-m", "mission");
  for (const [i, wp] of ["WP01", "WP02"].entries()) {
    const started = await callApi(root, [
      "start-implementation",
      ...M,
      "--wp",
      wp,
      "--actor",
      "a",
      "--policy",
      TEST_POLICY,
    ]);
    const ws = String(started.data.workspace_path);
    const [file, text] = files[i] ?? ["x", "x"];
    await Deno.writeTextFile(join(ws, file), text);
    await git(ws, "add", "-A");
    await git(ws, "commit", "-q", "-m", `${wp} work`);
    const approved = await callApi(root, [
      "transition",
      ...M,
      "--wp",
      wp,
      "--to",
      "approved",
      "--actor",
      "a",
      "--force",
      "--note",
      "test",
      "--policy",
      TEST_POLICY,
    ]);
    assertEquals(approved.code, null);
  }
  return root;
}

Deno.test("merge-mission preflight lists every problem and changes nothing", async () => {
  const root = await approvedMission([["a.txt", "a\n"], ["b.txt", "b\n"]]);
  try {
    await Deno.writeTextFile(join(root, "README.md"), "dirty\n");
    const head = await git(root, "rev-parse", "HEAD");
    const failed = await callApi(root, ["merge-mission", ...M, "--target", "nope"]);
    assertEquals([failed.code, failed.data.message, failed.data.target_branch], [
      "PREFLIGHT_FAILED",
      "Merge failed",
      "nope",
    ]);
    const errors = (failed.data.errors as string[]).join("\n");
    assertStringIncludes(errors, "Target branch 'nope' does not exist locally");
    assertStringIncludes(errors, "must be checked out in the primary checkout");
    assertStringIncludes(errors, "README.md");
    assertEquals(await git(root, "rev-parse", "HEAD"), head);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("merge-mission --strategy squash lands both lanes, marks WPs done by merge, removes worktrees", async () => {
  const root = await approvedMission([["a.txt", "a\n"], ["b.txt", "b\n"]]);
  try {
    const merged = await callApi(root, ["merge-mission", ...M, "--strategy", "squash"]);
    assertEquals([merged.code, merged.data.strategy, merged.data.worktree_removed], [null, "squash", true]);
    assertEquals(await Deno.readTextFile(join(root, "a.txt")), "a\n");
    assertEquals(await Deno.readTextFile(join(root, "b.txt")), "b\n");
    const lines = (await Deno.readTextFile(join(root, "kitty-specs", "001-demo", "status.events.jsonl"))).trimEnd()
      .split("\n").map((l) => JSON.parse(l));
    const last = lines.slice(-2);
    assertEquals(last.map((e) => [e.wp_id, e.from_lane, e.to_lane, e.actor]), [
      ["WP01", "approved", "done", "merge"],
      ["WP02", "approved", "done", "merge"],
    ]);
    assertEquals(last[0].evidence.review.reference, "lane-approved:WP01");
    assertEquals(last[0].policy_metadata, { merge_phase: "lane_integrated", target_branch: "main" });
    assertEquals(await git(root, "branch", "--list", "kitty/*"), "");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("merge-mission --strategy rebase lands the lanes linearly", async () => {
  const root = await approvedMission([["a.txt", "a\n"], ["b.txt", "b\n"]]);
  try {
    const merged = await callApi(root, ["merge-mission", ...M, "--strategy", "rebase"]);
    assertEquals(merged.code, null);
    assertEquals(await git(root, "rev-list", "--merges", "--count", "HEAD"), "0");
    assertEquals(await Deno.readTextFile(join(root, "b.txt")), "b\n");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("merge-mission rolls the target back on a conflict and keeps the uncommitted event log", async () => {
  const root = await approvedMission([["same.txt", "a\n"], ["same.txt", "b\n"]]);
  try {
    const head = await git(root, "rev-parse", "HEAD");
    const log = join(root, "kitty-specs", "001-demo", "status.events.jsonl");
    const before = await Deno.readTextFile(log);
    const failed = await callApi(root, ["merge-mission", ...M]);
    assertEquals(failed.code, "PREFLIGHT_FAILED");
    assertEquals(await git(root, "rev-parse", "HEAD"), head);
    assertEquals(
      await git(root, "status", "--porcelain", "--untracked-files=no"),
      "M kitty-specs/001-demo/status.events.jsonl",
    );
    assertEquals(await Deno.stat(join(root, ".git", "MERGE_HEAD")).then(() => true, () => false), false);
    assertEquals(await Deno.readTextFile(log), before);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
