/**
 * Repository root discovery, as the reference orchestrator does it, plus a git fallback.
 *
 * Order: `--repo-root` when given; else walk up from the cwd to the first directory holding
 * `.kittify`; else the git toplevel; else the cwd.
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import { UserError } from "../domain/errors.ts";
import { git } from "../proc/git.ts";
import { exists } from "../util/fs.ts";

/** Finds the repository root; see the module doc for the order. */
export async function findRepoRoot(explicit: string | undefined, cwd: string = Deno.cwd()): Promise<string> {
  if (explicit !== undefined) {
    const root = resolve(cwd, explicit);
    try {
      const info = await Deno.stat(root);
      if (!info.isDirectory) throw new Error("not a directory");
    } catch {
      throw new UserError(
        `Cannot use '--repo-root' as it must be an existing directory: current value is ${JSON.stringify(explicit)}`,
        { fix: "Pass the path of your spec-kitty project root, or omit --repo-root to discover it from the cwd." },
      );
    }
    return root;
  }
  let dir = resolve(cwd);
  while (true) {
    if (await exists(resolve(dir, ".kittify"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  const top = await gitToplevel(cwd);
  return top ?? resolve(cwd);
}

async function gitToplevel(cwd: string): Promise<string | null> {
  try {
    const out = await git(["rev-parse", "--show-toplevel"], { cwd });
    if (out.code !== 0) return null;
    const text = out.stdout.trim();
    return text === "" ? null : text;
  } catch {
    return null;
  }
}
