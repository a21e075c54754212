/**
 * Running git for the built-in host: captured output (nothing leaks onto our stdout, unlike the
 * real host's merge), no prompts, a timeout with a kill, and a fallback committer identity
 * for the merge commits we make when the machine has none configured.
 *
 * @module
 */
import { FALLBACK_IDENTITY, git as runGit } from "../proc/git.ts";

/** Outcome of one git call. */
export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `git <args>` in `cwd`, killing it after `timeoutMs`. Never throws for a non-zero exit.
 * Not hardened: the built-in host stands in for the real host, whose git runs the repository's
 * hooks as usual.
 */
export function git(cwd: string, args: readonly string[], timeoutMs = 120_000): Promise<GitResult> {
  return runGit(args, {
    cwd,
    timeoutMs,
    hardened: false,
    env: { GIT_EDITOR: "true", GIT_MERGE_AUTOEDIT: "no" },
  });
}

/** Runs git and returns trimmed stdout, or throws an Error carrying stderr. */
export async function gitOk(cwd: string, args: readonly string[]): Promise<string> {
  const result = await git(cwd, args);
  if (result.code !== 0) {
    throw new Error(
      `git ${args.join(" ")} failed (exit ${result.code}): ${result.stderr.trim() || result.stdout.trim()}`,
    );
  }
  return result.stdout.trim();
}

/** True when `ref` names a commit in the repository at `cwd`. */
export async function refExists(cwd: string, ref: string): Promise<boolean> {
  return (await git(cwd, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`])).code === 0;
}

/** `-c user.*` arguments when git has no committer identity here, so our merge commits never fail on it. */
export async function identityArgs(cwd: string): Promise<string[]> {
  const ident = await git(cwd, ["var", "GIT_COMMITTER_IDENT"]);
  return ident.code === 0 ? [] : [...FALLBACK_IDENTITY];
}
