import { join } from "node:path";
import { assertEquals } from "../../test/support/assert.ts";
import { findProjectRoot } from "./root.ts";

const GIT_ENV = { GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t" };

async function git(cwd: string, ...args: string[]): Promise<void> {
  const out = await new Deno.Command("git", { args, cwd, env: GIT_ENV, stdout: "null", stderr: "piped" }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
}

Deno.test("findProjectRoot() prefers SPECIFY_REPO_ROOT when it is a directory", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    assertEquals(await findProjectRoot("/", dir), dir);
    assertEquals(await findProjectRoot(dir, join(dir, "missing")), dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("findProjectRoot() walks up to .kittify and follows a worktree back to the main checkout", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir());
  try {
    await git(root, "init", "-q", "-b", "main");
    await Deno.mkdir(join(root, ".kittify"));
    await Deno.writeTextFile(join(root, ".kittify", "x"), "x");
    await git(root, "add", "-A");
    await git(root, "commit", "-q", "-m", "x");
    await Deno.mkdir(join(root, "a", "b"), { recursive: true });
    assertEquals(await findProjectRoot(join(root, "a", "b"), undefined), root);
    const wt = join(root, ".worktrees", "lane-a");
    await git(root, "worktree", "add", "-q", "-b", "lane", wt);
    await Deno.mkdir(join(wt, "deep"));
    assertEquals(await findProjectRoot(join(wt, "deep"), undefined), root, "the worktree has .kittify too");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
