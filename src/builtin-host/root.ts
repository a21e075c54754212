/**
 * Finds the project root the way the real host does (docs/host-contract.md §1): `SPECIFY_REPO_ROOT`
 * when it names a directory, else walk up from the cwd. A git worktree (a `.git` *file*) is
 * followed back to its main checkout, so agents calling us from a lane worktree still reach
 * the primary `kitty-specs/` and its event log.
 *
 * @module
 */
import { dirname, isAbsolute, join, resolve } from "node:path";

async function stat(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.stat(path);
  } catch {
    return null;
  }
}

/** The main checkout of the worktree whose `.git` file is at `gitFile`, or null when unreadable. */
export async function mainCheckoutOf(gitFile: string): Promise<string | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(gitFile);
  } catch {
    return null;
  }
  const match = /^gitdir:\s*(.+)$/m.exec(text);
  if (!match?.[1]) return null;
  const raw = match[1].trim();
  const gitDir = isAbsolute(raw) ? raw : resolve(dirname(gitFile), raw);
  let commonDir = resolve(gitDir, "..", "..");
  try {
    const common = (await Deno.readTextFile(join(gitDir, "commondir"))).trim();
    commonDir = isAbsolute(common) ? common : resolve(gitDir, common);
  } catch {
    // No commondir file: assume the standard `<main>/.git/worktrees/<name>` layout.
  }
  return dirname(commonDir);
}

/**
 * Resolves the project root.
 *
 * Order: `SPECIFY_REPO_ROOT` (if it is a directory); else the first ancestor of `cwd` that is a
 * worktree (→ its main checkout) or holds `.kittify`, `kitty-specs` or a `.git` directory; else `cwd`.
 */
export async function findProjectRoot(
  cwd: string = Deno.cwd(),
  envRoot: string | undefined = Deno.env.get("SPECIFY_REPO_ROOT"),
): Promise<string> {
  if (envRoot) {
    const info = await stat(envRoot);
    if (info?.isDirectory) return resolve(cwd, envRoot);
  }
  let dir = resolve(cwd);
  while (true) {
    const git = await stat(join(dir, ".git"));
    if (git?.isFile) {
      const main = await mainCheckoutOf(join(dir, ".git"));
      if (main !== null) return main;
    }
    if (git?.isDirectory || (await stat(join(dir, ".kittify")))?.isDirectory) return dir;
    if ((await stat(join(dir, "kitty-specs")))?.isDirectory) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(cwd);
    dir = parent;
  }
}
