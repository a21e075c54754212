/**
 * How a test points the pinned real Claude Code (`@anthropic-ai/claude-code`) at the scripted
 * model server: a fresh HOME and `CLAUDE_CONFIG_DIR` (so no user login, settings, memory or
 * session history leaks in), `ANTHROPIC_BASE_URL` on the server and a dummy
 * `ANTHROPIC_API_KEY`. Claude Code then sends `POST /v1/messages?beta=true` with
 * `stream: true` (`anthropicAdapter` answers it).
 *
 * This is the same setup a user needs for any Anthropic-compatible endpoint (a gateway, a
 * proxy): `ANTHROPIC_BASE_URL=<url without /v1>` and `ANTHROPIC_API_KEY` (or
 * `ANTHROPIC_AUTH_TOKEN`), both passed through by the `claude-code` agent. As root, Claude
 * Code refuses `--dangerously-skip-permissions` ("cannot be used with root/sudo privileges")
 * unless `IS_SANDBOX=1` is set, exactly `1`.
 *
 * Everything is returned as environment for the runner's *source* environment, so only what
 * the `claude-code` definition's `passEnv` lets through reaches the CLI, as for a user.
 *
 * @module
 */
import { join } from "node:path";

/** Options of {@link claudeSetup}. */
export interface ClaudeSetupOptions {
  /**
   * `CLAUDE_CODE_MAX_RETRIES`: how often Claude Code retries a failed API request itself
   * (429, 401, 5xx, 529) before it prints its error result. Its default, 10, takes about three
   * minutes against a server that keeps failing; fault tests set 0 or 1. Unset: the CLI's default.
   */
  maxRetries?: number;
  /**
   * Turns on Claude Code's own stream watchdog (`CLAUDE_ENABLE_BYTE_WATCHDOG=1`,
   * `CLAUDE_BYTE_STREAM_IDLE_TIMEOUT_MS`): a stream silent this long is dropped and the request
   * retried (as a non-streaming one). Claude Code 2.1.328 clamps the limit to 10 s .. 30 min.
   * Unset: no watchdog, a stalled stream waits for minutes.
   */
  streamIdleTimeoutMs?: number;
  /** `ANTHROPIC_API_KEY` to send. @default "sk-test" */
  apiKey?: string;
}

/** What {@link claudeSetup} made. */
export interface ClaudeSetup {
  /**
   * Environment to run claude with: HOME, CLAUDE_CONFIG_DIR, ANTHROPIC_BASE_URL,
   * ANTHROPIC_API_KEY, IS_SANDBOX=1 when running as root, and the options' variables. Add
   * PATH yourself.
   */
  env: Record<string, string>;
  /** The fresh home directory (claude writes `.claude.json` and `.claude/` there). */
  home: string;
}

/** Whether this process runs as root (Claude Code then needs `IS_SANDBOX=1` for its skip-permissions flag). */
export function runningAsRoot(): boolean {
  try {
    return Deno.uid() === 0;
  } catch {
    return false;
  }
}

/**
 * Points the real claude at `server` with a fresh home under `dir`; see the module doc.
 *
 * @example
 * const server = startModelServer({ adapters: [anthropicAdapter()] });
 * const { env } = await claudeSetup(server, tmpDir, { maxRetries: 0 });
 * // run `claude -p --output-format stream-json --verbose ...` with { PATH, ...env }
 */
export async function claudeSetup(
  server: { url: string },
  dir: string,
  options: ClaudeSetupOptions = {},
): Promise<ClaudeSetup> {
  const home = join(dir, "claude-home");
  const configDir = join(home, ".claude");
  await Deno.mkdir(configDir, { recursive: true });
  const env: Record<string, string> = {
    HOME: home,
    CLAUDE_CONFIG_DIR: configDir,
    ANTHROPIC_BASE_URL: server.url,
    ANTHROPIC_API_KEY: options.apiKey ?? "sk-test",
  };
  if (runningAsRoot()) env["IS_SANDBOX"] = "1";
  if (options.maxRetries !== undefined) env["CLAUDE_CODE_MAX_RETRIES"] = String(options.maxRetries);
  if (options.streamIdleTimeoutMs !== undefined) {
    env["CLAUDE_ENABLE_BYTE_WATCHDOG"] = "1";
    env["CLAUDE_BYTE_STREAM_IDLE_TIMEOUT_MS"] = String(options.streamIdleTimeoutMs);
  }
  return { env, home };
}
