/**
 * Faults #26, #27 of docs/reliability.md §4.2: the WP's worktree already exists (clean, dirty, on the
 * wrong branch) or vanished between two runs.
 */
import { join } from "node:path";
import { assert, assertEquals } from "../support/assert.ts";
import { type FaultRepo, orchestrateArgs, withFaultRepo } from "../support/faults/harness.ts";
import { assertAfterFault, assertMessage, assertResumable, hostLanes } from "../support/faults/invariants.ts";

const ONE_WP = [{ id: "WP01" }];

function git(cwd: string, ...args: string[]): string {
  const out = new Deno.Command("git", {
    args: ["-c", "user.name=t", "-c", "user.email=t@t", ...args],
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).outputSync();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`git ${args.join(" ")}: ${text}`);
  return text.trim();
}

function laneWorktree(repo: FaultRepo): string {
  return join(repo.root, ".worktrees", `${repo.mission}-lane-a`);
}

Deno.test("fault #26: a clean worktree left at the WP's path on the right branch is reused", async () => {
  await withFaultRepo({ wps: ONE_WP }, async (repo) => {
    const wt = laneWorktree(repo);
    git(repo.root, "worktree", "add", "-q", "-b", `kitty/mission-${repo.mission}-lane-a`, wt, "feature/fault");
    const result = await repo.cli(orchestrateArgs(repo));
    assertMessage(result, 0);
    assertEquals(git(wt, "rev-parse", "--abbrev-ref", "HEAD"), `kitty/mission-${repo.mission}-lane-a`);
    await assertAfterFault(repo);
    assertEquals((await hostLanes(repo)).get("WP01"), "done");
  });
});

Deno.test("fault #27: a dirty worktree is never cleaned: the WP stops with the reason, the files survive", async () => {
  await withFaultRepo({ wps: ONE_WP }, async (repo) => {
    const wt = laneWorktree(repo);
    git(repo.root, "worktree", "add", "-q", "-b", `kitty/mission-${repo.mission}-lane-a`, wt, "feature/fault");
    await Deno.writeTextFile(join(wt, "precious.txt"), "uncommitted work of a human\n");
    const result = await repo.cli(orchestrateArgs(repo));
    assertMessage(result, 3, "WP01", "uncommitted changes", "precious.txt");
    assertEquals(await Deno.readTextFile(join(wt, "precious.txt")), "uncommitted work of a human\n");
    await assertAfterFault(repo);
    // The human commits (or moves) the work; the run then finishes.
    await Deno.remove(join(wt, "precious.txt"));
    await assertResumable(repo);
  });
});

Deno.test("fault #27: a worktree at the WP's path on the wrong branch is not switched: clear reason", async () => {
  await withFaultRepo({ wps: ONE_WP }, async (repo) => {
    const wt = laneWorktree(repo);
    git(repo.root, "worktree", "add", "-q", "-b", "someone-elses-branch", wt, "feature/fault");
    const result = await repo.cli(orchestrateArgs(repo));
    assert(result.code !== 0, result.out);
    assertMessage(result, result.code, "WP01", "someone-elses-branch");
    assertEquals(git(wt, "rev-parse", "--abbrev-ref", "HEAD"), "someone-elses-branch", "left on its branch");
    await assertAfterFault(repo, { stateMayBeMissing: true });
  });
});

Deno.test("fault #27: a worktree deleted between runs (rm -rf, no prune) is recreated on resume", async () => {
  await withFaultRepo({ wps: ONE_WP }, async (repo) => {
    await repo.hostFault("transition", "usage 1");
    assertMessage(await repo.cli(orchestrateArgs(repo)), 1, "USAGE_ERROR");
    await repo.hostFault("transition", null);
    const wt = laneWorktree(repo);
    assert(await Deno.stat(wt).then(() => true, () => false), "the run created the worktree");
    await Deno.remove(wt, { recursive: true });
    await assertResumable(repo);
  });
});
