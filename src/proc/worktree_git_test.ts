import { assert, assertEquals, assertRejects, assertStringIncludes } from "../../test/support/assert.ts";
import { join } from "node:path";
import { addExcludes, createGit, EXCLUDED_FROM_WORK, executableConfig } from "./worktree_git.ts";
import { WorkspaceError } from "../domain/git.ts";

const ID = ["-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main"];

async function sh(cwd: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", { args: [...ID, ...args], cwd, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) throw new Error(`git ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  return new TextDecoder().decode(out.stdout).trim();
}

async function repo(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "engine-git-" });
  await sh(dir, "init", "-q");
  await Deno.writeTextFile(join(dir, "README.md"), "hi\n");
  await sh(dir, "add", "-A");
  await sh(dir, "commit", "-q", "-m", "init");
  return dir;
}

Deno.test("ensureWorkspace() creates a missing lane worktree on a new branch and reuses it", async () => {
  const root = await repo();
  try {
    const git = createGit();
    const req = {
      workspacePath: join(root, ".worktrees", "m-lane-a"),
      laneBranch: "kitty/mission-m-lane-a",
      laneBaseRef: "main",
      fallbackBranch: "unused",
    };
    const first = await git.ensureWorkspace(root, req);
    assertEquals(first.createdWorktree, true);
    assertEquals(first.createdBranch, "kitty/mission-m-lane-a");
    assertEquals(await git.currentBranch(first.path), "kitty/mission-m-lane-a");
    const again = await git.ensureWorkspace(root, req);
    assertEquals(again.createdWorktree, false);
    const wrong = await assertRejects(
      () => git.ensureWorkspace(root, { ...req, laneBranch: "other" }),
      WorkspaceError,
      "must be on lane branch 'other'",
    );
    // Typed, so the next steps can name the checkout without reading the message.
    assertEquals(wrong.wrongBranch, { workspace: first.path, branch: "other" });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("ensureWorkspace() recreates a registered worktree whose directory was deleted (rm -rf)", async () => {
  const root = await repo();
  try {
    const git = createGit();
    const req = { workspacePath: join(root, ".worktrees", "m-lane-a"), laneBranch: "lane-a", laneBaseRef: "main" };
    const first = await git.ensureWorkspace(root, { ...req, fallbackBranch: "unused" });
    await Deno.remove(first.path, { recursive: true });
    const again = await git.ensureWorkspace(root, { ...req, fallbackBranch: "unused" });
    assertEquals(again.createdWorktree, true);
    assertEquals(again.createdBranch, null, "the lane branch still existed");
    assertEquals(await git.currentBranch(again.path), "lane-a");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("ensureWorkspace() rejects paths outside .worktrees/ and plain directories", async () => {
  const root = await repo();
  try {
    const git = createGit();
    await assertRejects(
      () =>
        git.ensureWorkspace(root, { workspacePath: join(root, ".worktrees", "..", "..", "x"), fallbackBranch: "b" }),
      WorkspaceError,
      "must resolve inside",
    );
    await Deno.mkdir(join(root, ".worktrees", "plain"), { recursive: true });
    await assertRejects(
      () => git.ensureWorkspace(root, { workspacePath: join(root, ".worktrees", "plain"), fallbackBranch: "b" }),
      WorkspaceError,
      "must be a git worktree",
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("commitGate() commits agent work, excludes our files and requires a new commit", async () => {
  const root = await repo();
  try {
    const git = createGit();
    const ws = await git.ensureWorkspace(root, { workspacePath: join(root, ".worktrees", "w"), fallbackBranch: "wp" });
    const base = await git.head(ws.path);
    const none = await git.commitGate(ws.path, "wp", base, "feat: nothing");
    assertEquals(none.ok ? "ok" : none.kind, "no_output");
    await Deno.writeTextFile(join(ws.path, "a.txt"), "work\n");
    await Deno.mkdir(join(ws.path, ".kittify"), { recursive: true });
    await Deno.writeTextFile(join(ws.path, ".kittify", "orchestrator-run-state.json"), "{}");
    const done = await git.commitGate(ws.path, "wp", base, "feat(WP01): implementation by fake");
    assert(done.ok, JSON.stringify(done));
    if (done.ok) assertEquals(done.files, ["a.txt"]);
    const files = await sh(ws.path, "show", "--name-only", "--format=", "HEAD");
    assertEquals(files, "a.txt");
    const diff = await git.diff(ws.path, base, 100_000);
    assertStringIncludes(diff, "+work");
    assertStringIncludes(await git.diff(ws.path, base, 10), "[diff truncated");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("an agent CLI's own state file (.letta/settings.local.json) is never committed, nor a reviewer's edit", async () => {
  const root = await repo();
  try {
    const git = createGit();
    const ws = await git.ensureWorkspace(root, { workspacePath: join(root, ".worktrees", "w"), fallbackBranch: "wp" });
    const base = await git.head(ws.path);
    await Deno.writeTextFile(join(ws.path, "a.txt"), "work\n");
    await Deno.mkdir(join(ws.path, ".letta"), { recursive: true });
    const state = join(ws.path, ".letta", "settings.local.json");
    await Deno.writeTextFile(state, `{"localAgentId":"agent-1"}\n`);
    const done = await git.commitGate(ws.path, "wp", base, "feat(WP01): implementation by letta");
    assert(done.ok, JSON.stringify(done));
    if (done.ok) assertEquals(done.files, ["a.txt"]);
    // A reviewer run of Letta rewrites it: not an edit to discard, and it stays for the next run.
    const head = await git.head(ws.path);
    await Deno.writeTextFile(state, `{"localAgentId":"agent-2"}\n`);
    assertEquals(await git.discardChanges(ws.path, head), []);
    assertStringIncludes(await Deno.readTextFile(state), "agent-2");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("commitGate() commits when our .kittify/logs and .kittify/runs exist and are git-ignored", async () => {
  const root = await repo();
  try {
    const git = createGit();
    const ws = await git.ensureWorkspace(root, { workspacePath: join(root, ".worktrees", "w"), fallbackBranch: "wp" });
    const base = await git.head(ws.path);
    // Ignored with a directory pattern, as `init` writes it; git refused even an exclude naming them.
    await Deno.writeTextFile(join(ws.path, ".gitignore"), ".kittify/logs/\n.kittify/runs/\n");
    for (const dir of ["logs", "runs/r1"]) {
      await Deno.mkdir(join(ws.path, ".kittify", dir), { recursive: true });
      await Deno.writeTextFile(join(ws.path, ".kittify", dir, "a.log"), "log\n");
    }
    await Deno.writeTextFile(join(ws.path, "a.txt"), "work\n");
    const done = await git.commitGate(ws.path, "wp", base, "feat(WP01): work");
    assert(done.ok, JSON.stringify(done));
    if (done.ok) assertEquals(done.files, [".gitignore", "a.txt"]);
    assertEquals(await sh(ws.path, "status", "--porcelain"), "", "nothing left staged or unstaged");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("addExcludes() leaves out exactly the ignored literal paths", () => {
  assertEquals(addExcludes(new Set()), [...EXCLUDED_FROM_WORK]);
  const some = addExcludes(new Set([".kittify/logs"]));
  assertEquals(some.length, EXCLUDED_FROM_WORK.length - 1);
  assert(!some.includes(":(exclude).kittify/logs"));
  assert(some.includes(":(exclude).kittify/runs"));
});

Deno.test("commitGate() refuses a detached HEAD or another branch", async () => {
  const root = await repo();
  try {
    const git = createGit();
    const ws = await git.ensureWorkspace(root, { workspacePath: join(root, ".worktrees", "w"), fallbackBranch: "wp" });
    const base = await git.head(ws.path);
    const wrong = await git.commitGate(ws.path, "lane", base, "m");
    assertEquals(wrong.ok ? "ok" : wrong.kind, "wrong_branch");
    await sh(ws.path, "checkout", "-q", "--detach");
    const detached = await git.commitGate(ws.path, null, base, "m");
    assertEquals(detached.ok ? "ok" : detached.message.includes("DETACHED"), true);
    assertEquals(await git.mergeBase(ws.path, "main"), base);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("configFingerprint() changes when an agent edits the repository's git config", async () => {
  const root = await repo();
  try {
    const git = createGit();
    const ws = await git.ensureWorkspace(root, { workspacePath: join(root, ".worktrees", "w"), fallbackBranch: "wp" });
    const before = await git.configFingerprint(ws.path);
    assertEquals(await git.configFingerprint(ws.path), before);
    await sh(ws.path, "config", "branch.wp.remote", "origin");
    assertEquals(await git.configFingerprint(ws.path), before);
    await sh(ws.path, "config", "core.fsmonitor", "touch /tmp/pwned");
    assert((await git.configFingerprint(ws.path)) !== before);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("executableConfig() keeps only keys git may execute", () => {
  const z = "local\0file:.git/config\0core.bare\nfalse\0local\0file:.git/config\0filter.x.clean\nrm -rf /\0";
  assertEquals(executableConfig(z), ["local\tfile:.git/config\tfilter.x.clean=rm -rf /"]);
});

Deno.test("discardChanges() restores the reviewed commit: edits, untracked files and new commits go; ignored and own files stay", async () => {
  const root = await repo();
  try {
    const git = createGit();
    const ws = await git.ensureWorkspace(root, { workspacePath: join(root, ".worktrees", "w"), fallbackBranch: "wp" });
    const head = await git.head(ws.path);
    assertEquals(await git.discardChanges(ws.path, head), []);
    await Deno.writeTextFile(join(ws.path, "README.md"), "edited by a reviewer\n");
    await Deno.writeTextFile(join(ws.path, "notes.txt"), "scratch\n");
    await Deno.mkdir(join(ws.path, ".kittify", "logs"), { recursive: true });
    await Deno.writeTextFile(join(ws.path, ".kittify", "logs", "a.log"), "ours\n");
    await sh(ws.path, "commit", "-q", "--allow-empty", "-m", "a reviewer's commit");
    const discarded = await git.discardChanges(ws.path, head);
    assertEquals(discarded.some((d) => d.startsWith("HEAD moved to ")), true);
    assertEquals(discarded.includes("README.md"), true);
    assertEquals(discarded.includes("notes.txt"), true);
    assertEquals(discarded.some((d) => d.includes(".kittify")), false);
    assertEquals(await git.head(ws.path), head);
    assertEquals(await git.currentBranch(ws.path), "wp");
    assertEquals(await Deno.readTextFile(join(ws.path, ".kittify", "logs", "a.log")), "ours\n");
    assertEquals(await git.discardChanges(ws.path, head), []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
