/**
 * `git` as a short tool call: {@link runTool} with the flags and environment every orchestrator
 * git call wants.
 *
 * Always: no terminal prompts (`GIT_TERMINAL_PROMPT=0`), stdin on `/dev/null`, a timeout.
 * Hardened by default: `-c core.hooksPath=/dev/null -c core.fsmonitor=false`, because an agent
 * can plant hooks or an fsmonitor program in a worktree's config and orchestrator-side git must
 * never run them. The built-in host opts out: it stands in for the real host, whose git runs the
 * repository's hooks as usual.
 *
 * @module
 */
import { runTool, type ToolCallResult } from "./tool_call.ts";

/**
 * The committer identity our own commits use where the repository has none (a fresh CI box):
 * one identity for the engine's WP commits and rescue refs and the built-in host's merges.
 */
export const FALLBACK_IDENTITY: readonly string[] = [
  "-c",
  "user.name=spec-kitty-orchestrator",
  "-c",
  "user.email=spec-kitty-orchestrator@localhost",
];

/** The flags that stop git from running repository-configured programs. */
export const GIT_HARDENING_FLAGS: readonly string[] = ["-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false"];

/** Options of {@link git}. */
export interface GitCallOptions {
  /** Working directory; it must exist. */
  cwd: string;
  /** Per-call timeout. @default 30_000 (the runTool default) */
  timeoutMs?: number;
  /** Extra environment, added to `GIT_TERMINAL_PROMPT=0`. */
  env?: Record<string, string>;
  /** Prepend {@link GIT_HARDENING_FLAGS}. @default true */
  hardened?: boolean;
  /** The git binary. @default "git" */
  binary?: string;
}

/**
 * Runs `git <args>`; a non-zero exit is data, never an exception.
 *
 * @throws {import("./tool_call.ts").ToolCallError} when git cannot be started (e.g. the cwd is
 * gone); a missing git binary is code 127.
 */
export function git(args: readonly string[], opts: GitCallOptions): Promise<ToolCallResult> {
  const flags = opts.hardened === false ? [] : GIT_HARDENING_FLAGS;
  return runTool([opts.binary ?? "git", ...flags, ...args], {
    cwd: opts.cwd,
    env: { GIT_TERMINAL_PROMPT: "0", ...opts.env },
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
  });
}
