import { join } from "node:path";
import { assertEquals, assertStringIncludes } from "../../test/support/assert.ts";
import { git } from "./git.ts";

const IDENTITY = ["-c", "user.name=t", "-c", "user.email=t@t"];

/** A repository whose pre-commit hook leaves a marker file when it runs. */
async function repoWithHook(): Promise<{ dir: string; marker: string }> {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  const marker = join(dir, "hook-ran");
  await git(["init", "-q"], { cwd: dir });
  await Deno.writeTextFile(join(dir, ".git", "hooks", "pre-commit"), `#!/bin/sh\ntouch '${marker}'\n`, {
    mode: 0o755,
  });
  return { dir, marker };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test("git() is hardened by default: repository hooks do not run", async () => {
  const { dir, marker } = await repoWithHook();
  try {
    const out = await git([...IDENTITY, "commit", "-q", "--allow-empty", "-m", "x"], { cwd: dir });
    assertEquals(out.code, 0);
    assertEquals(await exists(marker), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("git() with hardened: false runs the repository's hooks", async () => {
  const { dir, marker } = await repoWithHook();
  try {
    const out = await git([...IDENTITY, "commit", "-q", "--allow-empty", "-m", "x"], { cwd: dir, hardened: false });
    assertEquals(out.code, 0);
    assertEquals(await exists(marker), true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("git() sets GIT_TERMINAL_PROMPT=0 and passes extra env", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    // `git var GIT_EDITOR` echoes the editor git would run, i.e. our env reached git.
    const editor = await git(["var", "GIT_EDITOR"], { cwd: dir, env: { GIT_EDITOR: "sko-editor" } });
    assertEquals(editor.stdout.trim(), "sko-editor");
    const viaSh = await git(["-c", "alias.env=!env", "env"], { cwd: dir, hardened: false });
    assertStringIncludes(viaSh.stdout, "GIT_TERMINAL_PROMPT=0");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("git() reports a failing command as data and a missing binary as 127", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    const out = await git(["rev-parse", "--show-toplevel"], { cwd: dir });
    assertEquals(out.code !== 0, true);
    assertStringIncludes(out.stderr, "not a git repository");
    const missing = await git(["--version"], { cwd: dir, binary: "sko-no-such-git" });
    assertEquals(missing.code, 127);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
