/**
 * `abort` end to end: stopping a live run (SIGTERM path: agents stopped, state saved, lock
 * released, the run exits 143) after which `resume` finishes; and `abort --cleanup-worktrees`
 * removing what this orchestrator created plus the run state.
 */
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { isLockHeld } from "../../src/store/lock.ts";
import { setFakeMode } from "../support/e2e/fake_cli.ts";
import {
  checkInvariants,
  findStateFile,
  GIT_ENV,
  liveAgentGroups,
  MISSION,
  orchestrateArgs,
  readState,
  runCli,
  spawnCli,
  spreadMission,
  stateFiles,
  withE2e,
} from "../support/e2e/harness.ts";

const ARGS = orchestrateArgs(
  MISSION,
  "--impl-agent",
  "claude-code",
  "--review-agent",
  "codex",
  "--max-concurrent",
  "2",
);

async function git(cwd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command("git", { args, cwd, env: GIT_ENV, stdout: "piped", stderr: "piped" }).output();
  assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout);
}

Deno.test("abort stops a live run (agents stopped, state saved, lock released, exit 143); resume finishes", async () => {
  await withE2e(spreadMission(2, 2), {}, async (e) => {
    await setFakeMode(e.control, "claude", "impl", "slow_once:30");
    const run = spawnCli(e, ARGS);
    try {
      const until = Date.now() + 20_000;
      while ((await liveAgentGroups(e)).length < 2) {
        assert(Date.now() < until, "the two implementers never started");
        await new Promise((r) => setTimeout(r, 50));
      }
      const abort = await runCli(e, ["abort"]);
      assertEquals(abort.code, 0, abort.text);
      assertStringIncludes(abort.text, "stopped and released its lock");
      const stopped = await run.result;
      assertEquals(stopped.code, 143, stopped.text);
    } finally {
      run.kill();
    }
    assertEquals(await liveAgentGroups(e), [], "agents survived the abort");
    assertEquals(await isLockHeld(e.repo, MISSION), false);
    const state = await readState(e);
    assert(state.status === "interrupted" || state.status === "aborted", `state status ${state.status}`);
    assertEquals(state.running, []);

    const resumed = await runCli(e, ["resume", "--no-caffeinate"]);
    assertEquals(resumed.code, 0, resumed.text);
    await checkInvariants(e, { lanes: { WP01: "done", WP02: "done" } });
  });
});

Deno.test("abort --cleanup-worktrees removes the worktrees this orchestrator created and the run state", async () => {
  await withE2e(spreadMission(1, 1), {}, async (e) => {
    // Killed once the WP is in for_review; someone then deletes its worktree, so resume (which
    // only resolves the workspace of review work) re-creates it: that worktree is ours.
    const crashed = await runCli(e, ARGS, { env: { SKO_FAULT: "crash@after-for-review" } });
    assertEquals(crashed.signal, "SIGKILL", crashed.text);
    const linked = (await git(e.repo, ["worktree", "list", "--porcelain"])).split("\n")
      .filter((l) => l.startsWith("worktree ")).map((l) => l.slice("worktree ".length))
      .filter((p) => p !== e.repo);
    assertEquals(linked.length, 1, `the host should have allocated one worktree: ${linked.join(", ")}`);
    await git(e.repo, ["worktree", "remove", "--force", linked[0]!]);
    const resumed = await runCli(e, ["resume", "--no-caffeinate"]);
    assertEquals(resumed.code, 0, resumed.text);
    const created = (await readState(e)).created as { worktrees: string[]; branches: string[] };
    assertEquals(created.worktrees.length, 1, JSON.stringify(created));

    const out = await runCli(e, ["abort", "--cleanup-worktrees", "--yes"]);
    assertEquals(out.code, 0, out.text);
    const listed = await git(e.repo, ["worktree", "list", "--porcelain"]);
    for (const path of created.worktrees) {
      assertEquals(listed.includes(path), false, `worktree ${path} still registered`);
      assertEquals(await Deno.stat(path).then(() => true, () => false), false, `${path} still exists`);
    }
    const branches = await git(e.repo, ["branch", "--list", "--format=%(refname:short)"]);
    for (const branch of created.branches) assertEquals(branches.split("\n").includes(branch), false, branch);
    assertEquals(await findStateFile(e), null);
    assertEquals((await stateFiles(e)).filter((f) => !f.includes(".prev-") && !f.includes(".fresh-")), []);
  });
});
