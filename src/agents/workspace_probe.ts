/**
 * Cheap fingerprints of a workspace, so the stall timer can tell "quiet but editing files"
 * from "stuck". The default uses `git status --porcelain` plus the mtimes of the listed
 * paths (so a second edit of an already-modified file counts); outside git it falls back to a
 * shallow mtime scan.
 *
 * @module
 */
import { join } from "node:path";
import { runCommand } from "../proc/run_command.ts";

/** Returns a string that changes when the workspace changes. */
export type WorkspaceProbe = (workspace: string) => Promise<string>;

const MAX_PATHS = 2000;

function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16);
}

async function stamp(path: string): Promise<string> {
  try {
    const info = await Deno.lstat(path);
    return `${info.mtime?.getTime() ?? 0}:${info.size}`;
  } catch {
    return "-";
  }
}

/** Shallow scan: entry count and newest mtime down to `depth`, skipping `.git` and `node_modules`. */
export async function mtimeScanProbe(workspace: string, depth = 3): Promise<string> {
  let count = 0;
  let newest = 0;
  const walk = async (dir: string, level: number): Promise<void> => {
    if (count >= MAX_PATHS) return;
    try {
      for await (const entry of Deno.readDir(dir)) {
        if (count++ >= MAX_PATHS) return;
        if (entry.name === ".git" || entry.name === "node_modules") continue;
        const path = join(dir, entry.name);
        const info = await Deno.lstat(path).catch(() => null);
        newest = Math.max(newest, info?.mtime?.getTime() ?? 0);
        if (entry.isDirectory && level < depth) await walk(path, level + 1);
      }
    } catch {
      // Unreadable or vanished directory: nothing to add.
    }
  };
  await walk(workspace, 0);
  return `scan:${count}:${newest}`;
}

/** The default probe; see the module doc. */
export const gitWorkspaceProbe: WorkspaceProbe = async (workspace: string): Promise<string> => {
  const r = await runCommand("git", ["-C", workspace, "status", "--porcelain=v1", "-z", "--untracked-files=all"], {
    timeoutMs: 10_000,
  });
  if (r.code !== 0) return mtimeScanProbe(workspace);
  const paths = r.stdout.split("\0").filter((e) => e.length > 3).map((e) => e.slice(3)).slice(0, MAX_PATHS);
  const stamps = await Promise.all(paths.map((p) => stamp(join(workspace, p))));
  return `git:${fnv1a(r.stdout + stamps.join(","))}`;
};
