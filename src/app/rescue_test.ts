import { join } from "node:path";
import { assert, assertEquals } from "../../test/support/assert.ts";
import { git } from "../proc/git.ts";
import { sampleState } from "../../test/support/state_fixture.ts";
import { rescueBranch, rescueDirtyWorktrees } from "./rescue.ts";

const ENV = {
  GIT_AUTHOR_NAME: "t",
  GIT_AUTHOR_EMAIL: "t@t.invalid",
  GIT_COMMITTER_NAME: "t",
  GIT_COMMITTER_EMAIL: "t@t.invalid",
};

async function must(cwd: string, ...args: string[]): Promise<string> {
  const out = await git(args, { cwd, env: ENV });
  if (out.code !== 0) throw new Error(`git ${args.join(" ")}: ${out.stderr}`);
  return out.stdout.trim();
}

/** A repo with a lane worktree under .worktrees/ and a state whose WP01 worked there. */
async function setup(): Promise<{ repo: string; ws: string; state: ReturnType<typeof sampleState> }> {
  const repo = await Deno.makeTempDir({ prefix: "rescue-test-" });
  await must(repo, "init", "-q", "-b", "main");
  await Deno.writeTextFile(join(repo, "a.txt"), "one\n");
  await Deno.writeTextFile(join(repo, ".gitignore"), ".worktrees/\nbuild/\n");
  await must(repo, "add", "-A");
  await must(repo, "commit", "-q", "-m", "init");
  const ws = join(repo, ".worktrees", "m-lane-a");
  await must(repo, "worktree", "add", "-q", "-b", "lane-a", ws);
  const state = sampleState();
  state.wps.WP01!.workspace_path = ws;
  return { repo, ws, state };
}

Deno.test("rescueDirtyWorktrees() saves a dead run's uncommitted changes on a rescue branch, then cleans the worktree", async () => {
  const { repo, ws, state } = await setup();
  try {
    const head = await must(ws, "rev-parse", "HEAD");
    await Deno.writeTextFile(join(ws, "a.txt"), "two\n");
    await Deno.mkdir(join(ws, "e2e"));
    await Deno.writeTextFile(join(ws, "e2e", "half-done.txt"), "half\n");
    await Deno.mkdir(join(ws, "build"));
    await Deno.writeTextFile(join(ws, "build", "cache"), "ignored\n");
    const results = await rescueDirtyWorktrees(repo, state);
    assertEquals(results.length, 1);
    const r = results[0]!;
    assert(r.ok, JSON.stringify(r));
    assertEquals(r.branch, rescueBranch(state.run_id, "WP01"));
    assertEquals(r.paths.sort(), ["a.txt", "e2e/half-done.txt"]);
    // The worktree is clean and on its own HEAD; ignored files stay.
    assertEquals(await must(ws, "status", "--porcelain"), "");
    assertEquals(await must(ws, "rev-parse", "HEAD"), head);
    assertEquals(await Deno.readTextFile(join(ws, "a.txt")), "one\n");
    assertEquals(await Deno.readTextFile(join(ws, "build", "cache")), "ignored\n");
    // Nothing is lost: the rescue branch holds the work on top of that HEAD, visible from the primary checkout.
    assertEquals(await must(repo, "rev-parse", `${r.branch}^`), head);
    assertEquals(await must(repo, "show", `${r.branch}:e2e/half-done.txt`), "half");
    assertEquals(await must(repo, "show", `${r.branch}:a.txt`), "two");
    // The restore command the notice names works.
    await must(ws, "cherry-pick", "--no-commit", r.branch);
    assertEquals(await Deno.readTextFile(join(ws, "e2e", "half-done.txt")), "half\n");
  } finally {
    await Deno.remove(repo, { recursive: true });
  }
});

Deno.test("rescueDirtyWorktrees() leaves clean, missing and non-git workspaces alone", async () => {
  const { repo, state } = await setup();
  try {
    assertEquals(await rescueDirtyWorktrees(repo, state), [], "clean worktree");
    state.wps.WP01!.workspace_path = join(repo, ".worktrees", "gone");
    assertEquals(await rescueDirtyWorktrees(repo, state), [], "missing worktree");
    const plain = await Deno.makeTempDir({ prefix: "rescue-plain-" });
    state.wps.WP01!.workspace_path = plain;
    await Deno.writeTextFile(join(plain, "x"), "x");
    assertEquals(await rescueDirtyWorktrees(repo, state), [], "not a git worktree");
    await Deno.writeTextFile(join(repo, "a.txt"), "dirty primary\n");
    state.wps.WP01!.workspace_path = repo;
    assertEquals(await rescueDirtyWorktrees(repo, state), [], "the primary checkout is never reset");
    assertEquals(await Deno.readTextFile(join(repo, "a.txt")), "dirty primary\n");
    await Deno.mkdir(join(repo, "sub"));
    state.wps.WP01!.workspace_path = join(repo, "sub");
    assertEquals(await rescueDirtyWorktrees(repo, state), [], "a directory inside a checkout is not a worktree");
    await Deno.remove(plain, { recursive: true });
  } finally {
    await Deno.remove(repo, { recursive: true });
  }
});
