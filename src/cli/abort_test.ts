import { join } from "node:path";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../../test/support/assert.ts";
import { ExitCode, UserError } from "../domain/errors.ts";
import { sampleState } from "../../test/support/state_fixture.ts";
import { spawnLockHolder } from "../../test/support/lock_holder_spawn.ts";
import { acquireLock, isLockHeld } from "../store/lock.ts";
import { bootId, procStartTime } from "../proc/procfs.ts";
import { StateStore } from "../store/run_state.ts";
import type { RunState } from "../domain/run_state.ts";
import { memoryTerminal } from "../output/terminal.ts";
import { runAbort } from "./abort.ts";

const MISSION = "034-my-feature";

async function withRepo(fn: (repo: string) => Promise<void>): Promise<void> {
  const repo = await Deno.realPath(await Deno.makeTempDir({ prefix: "abort-test-" }));
  try {
    await Deno.mkdir(join(repo, ".kittify"));
    await fn(repo);
  } finally {
    await Deno.remove(repo, { recursive: true });
  }
}

async function git(repo: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", {
    args: ["-c", "user.name=t", "-c", "user.email=t@t", ...args],
    cwd: repo,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(`git ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  return new TextDecoder().decode(out.stdout);
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

async function saveState(repo: string, edit: (s: RunState) => void = () => {}): Promise<StateStore> {
  const store = new StateStore(repo, { mission: "034-my-feature" });
  const state = sampleState();
  state.running = [];
  edit(state);
  await store.save(state);
  return store;
}

Deno.test("runAbort() without run state says so and exits 0", async () => {
  await withRepo(async (repo) => {
    const term = memoryTerminal();
    assertEquals(await runAbort({ repoRoot: repo, json: false, cleanupWorktrees: false, yes: false }, term), 0);
    assertEquals(term.text(), "No active run state found.\n");
  });
});

Deno.test("runAbort() records status aborted for a run that is not live", async () => {
  await withRepo(async (repo) => {
    const store = await saveState(repo);
    const term = memoryTerminal();
    assertEquals(await runAbort({ repoRoot: repo, json: false, cleanupWorktrees: false, yes: false }, term), 0);
    assertEquals((await store.load())?.status, "aborted");
    assertStringIncludes(term.text(), `Abort recorded for run 20261121T103000Z-4f2a; run state kept at ${store.path}`);
  });
});

Deno.test("runAbort() sends SIGTERM to the live run and waits for it to release the lock", async () => {
  await withRepo(async (repo) => {
    const store = await saveState(repo);
    const holder = await spawnLockHolder(repo, MISSION, "20261121T103000Z-4f2a", 300);
    try {
      const term = memoryTerminal({ json: true });
      const code = await runAbort({ repoRoot: repo, json: true, cleanupWorktrees: false, yes: false }, term, {
        pollMs: 50,
        waitMs: 20_000,
      });
      assertEquals(code, 0);
      assertEquals((await holder.child.status).code, 143);
      assertEquals(await isLockHeld(repo, MISSION), false);
      const doc = JSON.parse(term.out.join(""));
      assertEquals(doc.stopped, { pid: holder.pid, run_id: "20261121T103000Z-4f2a" });
      assertEquals(doc.recorded, true);
      assertStringIncludes(term.err.join(""), `Sent SIGTERM to run 20261121T103000Z-4f2a by pid ${holder.pid}`);
      assertEquals((await store.load())?.status, "aborted");
    } finally {
      await holder.kill();
    }
  });
});

Deno.test("runAbort() gives up with exit 1 when the live run does not stop in time", async () => {
  await withRepo(async (repo) => {
    await saveState(repo);
    const holder = await spawnLockHolder(repo, MISSION, "20261121T103000Z-4f2a", 60_000);
    try {
      const term = memoryTerminal();
      const error = await assertRejects(
        () =>
          runAbort({ repoRoot: repo, json: false, cleanupWorktrees: true, yes: false }, term, {
            pollMs: 20,
            waitMs: 300,
            progressMs: 100,
          }),
        UserError,
      );
      assertEquals(error.exitCode, ExitCode.RunFailed);
      assertStringIncludes(error.message, "must release its lock within");
      assertStringIncludes(error.fix ?? "", `kill -KILL ${holder.pid}`);
      assertStringIncludes(term.text(), "still waiting");
      assert(
        await exists(join(repo, ".kittify", "orchestrator-run-state.034-my-feature.json")),
        "nothing is cleaned up",
      );
    } finally {
      await holder.kill();
    }
  });
});

Deno.test("runAbort() refuses to signal a run that holds the lock on another host", async () => {
  await withRepo(async (repo) => {
    await saveState(repo);
    const lock = await acquireLock(repo, MISSION, "run-x");
    try {
      const signalled: number[] = [];
      const error = await assertRejects(
        () =>
          runAbort({ repoRoot: repo, json: false, cleanupWorktrees: false, yes: false }, memoryTerminal(), {
            hostname: "elsewhere",
            kill: (pid) => signalled.push(pid),
          }),
        UserError,
      );
      assertStringIncludes(error.message, "must run on this host (elsewhere)");
      assertEquals(signalled, []);
    } finally {
      await lock.release();
    }
  });
});

Deno.test({
  name: "runAbort() reaps agents a killed run left behind",
  ignore: Deno.build.os !== "linux",
  async fn() {
    await withRepo(async (repo) => {
      const agent = new Deno.Command("sleep", { args: ["1000"], detached: true, stdin: "null" }).spawn();
      try {
        await new Promise((r) => setTimeout(r, 50));
        const base = sampleState().running[0]!;
        const store = await saveState(repo, (s) => {
          s.running = [{ ...base, pid: agent.pid, pgid: agent.pid, proc_start_time: null, boot_id: null }];
        });
        const state = (await store.load())!;
        state.running[0]!.proc_start_time = await procStartTime(agent.pid);
        state.running[0]!.boot_id = await bootId();
        await store.save(state);
        const term = memoryTerminal();
        await runAbort({ repoRoot: repo, json: false, cleanupWorktrees: false, yes: false }, term, {
          reap: { graceMs: 5_000 },
        });
        assertStringIncludes(term.text(), "terminated with SIGTERM");
        assertEquals((await agent.status).signal, "SIGTERM");
        assertEquals((await store.load())?.running.length, 1);
      } finally {
        try {
          agent.kill("SIGKILL");
        } catch {
          // Already gone.
        }
        await agent.status;
      }
    });
  },
});

Deno.test("runAbort() --cleanup-worktrees lists then removes only the recorded worktrees, branches and state", async () => {
  await withRepo(async (repo) => {
    await git(repo, "init", "-q", "-b", "main");
    await git(repo, "commit", "-q", "--allow-empty", "-m", "init");
    const ours = join(repo, ".worktrees", "034-my-feature-WP01");
    const theirs = join(repo, ".worktrees", "someone-else");
    await git(repo, "worktree", "add", "-q", "-b", "034-my-feature-WP01", ours);
    await git(repo, "worktree", "add", "-q", "-b", "keep-me", theirs);
    await git(repo, "branch", "also-keep");
    const plainDir = join(repo, "not-a-worktree");
    await Deno.mkdir(plainDir);
    const store = await saveState(repo, (s) => {
      s.created = {
        worktrees: [ours, plainDir, join(repo, ".worktrees", "gone")],
        branches: ["034-my-feature-WP01", "already-deleted"],
      };
    });
    await store.save((await store.load())!); // a second generation, so a .bak exists too

    const term = memoryTerminal();
    const code = await runAbort({ repoRoot: repo, json: false, cleanupWorktrees: true, yes: false }, term);
    assertEquals(code, 0);
    const text = term.text();
    assert(text.indexOf("Will remove:") < text.indexOf("  removed worktree"), "the plan comes first");
    assertStringIncludes(text, `  worktree ${ours}`);
    assertStringIncludes(text, "  branch   034-my-feature-WP01");
    assertStringIncludes(text, `  file     ${store.path}`);
    assertStringIncludes(text, `  file     ${store.backupPath}`);
    assertStringIncludes(
      text,
      `skipped (not a linked git worktree of this repository, left in place): worktree ${plainDir}`,
    );
    assertStringIncludes(text, "already gone: branch already-deleted");

    assertEquals(await exists(ours), false);
    assertEquals(await exists(theirs), true);
    assertEquals(await exists(plainDir), true);
    const branches = await git(repo, "branch", "--format=%(refname:short)");
    assertEquals(branches.trim().split("\n").sort(), ["also-keep", "keep-me", "main"]);
    assertEquals(await exists(store.path), false);
    assertEquals(await exists(store.backupPath), false);
  });
});

Deno.test("runAbort() --cleanup-worktrees on a corrupt state removes only the state files", async () => {
  await withRepo(async (repo) => {
    const store = await saveState(repo);
    await store.save((await store.load())!);
    await Deno.writeTextFile(store.path, "{");
    await Deno.writeTextFile(store.backupPath, "");
    const term = memoryTerminal({ json: true });
    assertEquals(await runAbort({ repoRoot: repo, json: true, cleanupWorktrees: true, yes: true }, term), 0);
    assertStringIncludes(term.err.join(""), "only the state files are removed");
    const doc = JSON.parse(term.out.join(""));
    assertEquals(doc.cleanup.removed, [`file ${store.path}`, `file ${store.backupPath}`]);
    assertEquals(await exists(store.path), false);
  });
});

Deno.test("runAbort() without --cleanup-worktrees refuses a corrupt state with the clear error", async () => {
  await withRepo(async (repo) => {
    await Deno.writeTextFile(join(repo, ".kittify", "orchestrator-run-state.034-my-feature.json"), "");
    await assertRejects(
      () => runAbort({ repoRoot: repo, json: false, cleanupWorktrees: false, yes: false }, memoryTerminal()),
      UserError,
      "Cannot load the run state",
    );
  });
});
