/**
 * The git operations the engine needs: the real {@link Git} (the port is `domain/git.ts`).
 *
 * The real implementation runs `git` through src/proc/git.ts (a timeout, no stdin, no terminal
 * prompts, `-c core.hooksPath=/dev/null -c core.fsmonitor=false`) and diffs without external drivers or
 * textconv: an agent can plant hooks or config in a linked worktree's common dir, and
 * orchestrator-side git must never run them. {@link Git.configFingerprint} lets the engine notice
 * such a change before it commits.
 *
 * @module
 */
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { FALLBACK_IDENTITY, git as runGit } from "./git.ts";
import { withWorktreeLock } from "./worktree_lock.ts";
import { type Git, WorkspaceError } from "../domain/git.ts";

/**
 * Pathspecs that keep what is not the WP's work out of its commits, out of the reviewer-edit
 * check and out of `git clean`: our own files under `.kittify/`, and the files agent CLIs keep
 * in the workspace for their own bookkeeping (Letta 0.32.18 records its local agent id in
 * `.letta/settings.local.json` on every run; committed, it would land in the WP and, left by a
 * reviewer, count as a reviewer's edit).
 */
export const EXCLUDED_FROM_WORK: readonly string[] = [
  ":(exclude).kittify/orchestrator-run-state*",
  ":(exclude).kittify/orchestrator.lock*",
  ":(exclude).kittify/runs",
  ":(exclude).kittify/logs",
  ":(exclude).letta/settings.local.json",
];

/**
 * The {@link EXCLUDED_FROM_WORK} to give `git add` in a workspace where git ignores `ignored`
 * (paths as `git check-ignore` prints them). git refuses a path it ignores when a pathspec names
 * it literally, even in an exclude ("The following paths are ignored", exit 1), so an ignored
 * one is left out: `add -A` skips ignored paths anyway.
 */
export function addExcludes(ignored: ReadonlySet<string>): string[] {
  return EXCLUDED_FROM_WORK.filter((p) => !ignored.has(p.slice(":(exclude)".length)));
}

/** The excluded paths an exclude names literally (no wildcard), see {@link addExcludes}. */
const LITERAL_EXCLUDED_PATHS = EXCLUDED_FROM_WORK.map((p) => p.slice(":(exclude)".length)).filter((p) =>
  !p.includes("*")
);

interface GitOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@link createGit}. */
export interface GitOptions {
  /** Per-command timeout. @default 120_000 */
  timeoutMs?: number;
  /** git binary. @default "git" */
  binary?: string;
}

/** The real {@link Git}. */
export function createGit(options: GitOptions = {}): Git {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const binary = options.binary ?? "git";

  function git(cwd: string, args: string[]): Promise<GitOutput> {
    return runGit(args, { cwd, timeoutMs, binary });
  }
  async function must(cwd: string, args: string[]): Promise<string> {
    const out = await git(cwd, args);
    if (out.code !== 0) {
      throw new Error(`git ${args.join(" ")} failed in ${cwd} with exit ${out.code}: ${out.stderr.trim()}`);
    }
    return out.stdout.trim();
  }
  async function currentBranch(ws: string): Promise<string | null> {
    const out = await git(ws, ["symbolic-ref", "--quiet", "--short", "HEAD"]);
    return out.code === 0 ? out.stdout.trim() : null;
  }
  async function hasIdentity(ws: string): Promise<boolean> {
    const name = await git(ws, ["config", "user.name"]);
    const email = await git(ws, ["config", "user.email"]);
    return name.code === 0 && name.stdout.trim() !== "" && email.code === 0 && email.stdout.trim() !== "";
  }

  return {
    head: (ws) => must(ws, ["rev-parse", "HEAD"]),
    currentBranch,
    async mergeBase(ws, ref) {
      const out = await git(ws, ["merge-base", ref, "HEAD"]);
      return out.code === 0 && out.stdout.trim() !== "" ? out.stdout.trim() : null;
    },
    async ensureWorkspace(repoRoot, request) {
      const root = resolve(repoRoot);
      const worktrees = resolve(root, ".worktrees");
      const path = resolve(root, request.workspacePath);
      assertInside(worktrees, path, request.workspacePath);
      const wanted = request.laneBranch ?? request.fallbackBranch;
      let stat: Deno.FileInfo | null = null;
      try {
        stat = await Deno.lstat(path);
      } catch {
        stat = null;
      }
      if (stat !== null) {
        if (stat.isSymlink || !stat.isDirectory) {
          throw new WorkspaceError(
            `Cannot use workspace ${path} as it must be a directory (not a symlink or file): it is not`,
          );
        }
        assertInside(await Deno.realPath(worktrees), await Deno.realPath(path), request.workspacePath);
        const top = await git(path, ["rev-parse", "--show-toplevel"]);
        if (top.code !== 0 || resolve(top.stdout.trim()) !== await Deno.realPath(path)) {
          throw new WorkspaceError(
            `Cannot use workspace ${path} as it must be a git worktree: it is a plain directory ` +
              `(move it away and resume)`,
          );
        }
        const branch = await currentBranch(path);
        if (request.laneBranch !== undefined && branch !== request.laneBranch) {
          throw new WorkspaceError(
            `Cannot use workspace ${path} as it must be on lane branch '${request.laneBranch}': ` +
              `current branch is ${branch === null ? "DETACHED" : `'${branch}'`}`,
            { wrongBranch: { workspace: path, branch: request.laneBranch } },
          );
        }
        return { path, branch: branch ?? wanted, createdWorktree: false, createdBranch: null };
      }
      await Deno.mkdir(dirname(path), { recursive: true });
      // git is not safe with two concurrent `worktree add`/`prune` in one repository (another mission's run).
      return await withWorktreeLock(root, async () => {
        // A worktree deleted with `rm -rf` stays registered and `worktree add` refuses its path. Prune
        // then: it drops only entries whose directory is gone and keeps locked ones (fault 27).
        const listed = await git(root, ["worktree", "list", "--porcelain"]);
        if (listed.code === 0 && listed.stdout.split("\n").includes(`worktree ${path}`)) {
          await git(root, ["worktree", "prune"]);
        }
        const exists = (await git(root, ["rev-parse", "--verify", "--quiet", `refs/heads/${wanted}`])).code === 0;
        try {
          if (exists) await must(root, ["worktree", "add", path, wanted]);
          else await must(root, ["worktree", "add", "-b", wanted, path, request.laneBaseRef ?? "HEAD"]);
        } catch (error) {
          throw new WorkspaceError(
            `Cannot create workspace ${path} on branch '${wanted}': ${error instanceof Error ? error.message : error}`,
          );
        }
        return { path, branch: wanted, createdWorktree: true, createdBranch: exists ? null : wanted };
      });
    },
    async commitGate(ws, branch, base, message) {
      try {
        const current = await currentBranch(ws);
        if (current === null || (branch !== null && current !== branch)) {
          return {
            ok: false,
            kind: "wrong_branch",
            message: `Refusing to commit in ${ws} as it must be on branch '${branch ?? "(any)"}': current is ${
              current === null ? "DETACHED" : `'${current}'`
            }`,
          };
        }
        // check-ignore: exit 0 lists the ignored ones, 1 means none; anything else keeps every exclude.
        const check = await git(ws, ["check-ignore", "--", ...LITERAL_EXCLUDED_PATHS]);
        const ignored = new Set(check.code === 0 ? check.stdout.split("\n").map((l) => l.trim()) : []);
        const add = await git(ws, ["add", "-A", "--", ".", ...addExcludes(ignored)]);
        if (add.code !== 0) {
          // add stages what it can before failing: put the index back so nothing is left half staged.
          await git(ws, ["reset", "--quiet"]);
          return {
            ok: false,
            kind: "git_error",
            message: `git add -A failed in ${ws} with exit ${add.code} (the index was reset): ${add.stderr.trim()}`,
          };
        }
        const staged = await git(ws, ["diff", "--cached", "--quiet"]);
        let committed = false;
        if (staged.code === 1) {
          const identity = await hasIdentity(ws) ? [] : FALLBACK_IDENTITY;
          await must(ws, [...identity, "commit", "--no-verify", "--quiet", "-m", message]);
          committed = true;
        } else if (staged.code !== 0) {
          return { ok: false, kind: "git_error", message: `git diff --cached failed: ${staged.stderr.trim()}` };
        }
        const count = Number(await must(ws, ["rev-list", "--count", `${base}..HEAD`]));
        if (!(count > 0)) {
          return { ok: false, kind: "no_output", message: `no commit on '${current}' since ${base.slice(0, 12)}` };
        }
        const names = await must(ws, ["diff", "--name-only", `${base}..HEAD`]);
        const files = names === "" ? [] : names.split("\n");
        return { ok: true, head: await must(ws, ["rev-parse", "HEAD"]), committed, files };
      } catch (error) {
        return { ok: false, kind: "git_error", message: error instanceof Error ? error.message : String(error) };
      }
    },
    async diff(ws, base, maxBytes) {
      const stat = await git(ws, ["diff", "--no-ext-diff", "--no-textconv", "--stat", `${base}..HEAD`]);
      const patch = await git(ws, ["diff", "--no-ext-diff", "--no-textconv", `${base}..HEAD`]);
      const text = `${stat.stdout}\n${patch.stdout}`;
      if (text.length <= maxBytes) return text;
      return text.slice(0, maxBytes) + `\n[diff truncated at ${maxBytes} bytes of ${text.length}]\n`;
    },
    async discardChanges(ws, head) {
      const discarded: string[] = [];
      const now = await must(ws, ["rev-parse", "HEAD"]);
      if (now !== head) discarded.push(`HEAD moved to ${now.slice(0, 12)}`);
      const status = await git(ws, [
        "status",
        "--porcelain=v1",
        "-z",
        "--untracked-files=all",
        "--",
        ".",
        ...EXCLUDED_FROM_WORK,
      ]);
      if (status.code !== 0) {
        throw new Error(`git status failed in ${ws} with exit ${status.code}: ${status.stderr.trim()}`);
      }
      // -z: "XY path\0" per entry (a rename adds "orig\0"); not trimmed, the status columns matter.
      const entries = status.stdout.split("\0");
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i]!;
        if (entry.length < 4) continue;
        discarded.push(entry.slice(3));
        if (entry[0] === "R" || entry[0] === "C") i++;
      }
      if (discarded.length === 0) return [];
      await must(ws, ["reset", "--hard", "--quiet", head]);
      // -d without -x: ignored files (our logs, build caches) stay.
      // Exclusions as -e (ignore rules), not pathspecs: a pathspec exclude does not stop clean from
      // removing the whole untracked `.kittify/` directory that holds them.
      await must(ws, ["clean", "-fdq", ...EXCLUDED_FROM_WORK.flatMap((p) => ["-e", p.replace(":(exclude)", "/")])]);
      return discarded;
    },
    async configFingerprint(ws) {
      const out = await git(ws, ["config", "--list", "--show-origin", "--show-scope", "-z"]);
      return `${out.code}\n${executableConfig(out.stdout).join("\n")}`;
    },
  };
}

function assertInside(parent: string, child: string, raw: string): void {
  const rel = relative(parent, child);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel) || rel.split(sep).includes("..")) {
    throw new WorkspaceError(
      `Cannot use workspace path ${
        JSON.stringify(raw)
      } as it must resolve inside ${parent}${sep}: it resolves to ${child}`,
    );
  }
}

/** Keys whose values git may execute, or that pull in other configuration. */
const EXECUTABLE_KEY =
  /^(core\.(hookspath|fsmonitor|sshcommand|editor|pager|askpass|gitproxy|attributesfile)|filter\.|diff\.|merge\.|gpg\.|commit\.gpgsign|tag\.gpgsign|include\.|includeif\.|alias\.|credential\.|protocol\.|url\.|uploadpack\.|receivepack\.|sequence\.editor)/i;

/** Entries of `git config --list --show-origin --show-scope -z` output whose key is executable. */
export function executableConfig(nulSeparated: string): string[] {
  // With -z each entry is "scope NUL origin NUL key NEWLINE value NUL".
  const parts = nulSeparated.split("\0");
  const out: string[] = [];
  for (let i = 0; i + 2 < parts.length; i += 3) {
    const [scope, origin, entry] = [parts[i]!, parts[i + 1]!, parts[i + 2]!];
    const key = entry.split("\n", 1)[0] ?? "";
    if (EXECUTABLE_KEY.test(key)) out.push(`${scope}\t${origin}\t${entry.replace("\n", "=")}`);
  }
  return out.sort();
}
