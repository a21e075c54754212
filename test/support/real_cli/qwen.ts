/**
 * How a test points the pinned real Qwen Code CLI (`@qwen-code/qwen-code`) at the scripted
 * model server: a fresh HOME (so no `~/.qwen` settings, OAuth token or session history leak
 * in), the OpenAI-compatible environment `OPENAI_API_KEY` / `OPENAI_BASE_URL` / `OPENAI_MODEL`
 * (qwen then authenticates with the `openai` auth type on its own; no `--auth-type` flag is
 * needed), and `~/.qwen/settings.json` with the retry knobs of `model.generationConfig`.
 *
 * This is the same setup a user needs to run qwen against any OpenAI-compatible Chat
 * Completions endpoint: `OPENAI_API_KEY`, `OPENAI_BASE_URL=http://host:port/v1` and
 * `OPENAI_MODEL=<model>` in the environment the orchestrator runs in.
 *
 * @module
 */
import { join } from "node:path";
import { freshHome } from "./opencode.ts";

/** Options of {@link qwenSetup}. */
export interface QwenSetupOptions {
  /** Model id sent to the server. @default "mock-coder" */
  model?: string;
  /**
   * `model.generationConfig.maxRetries`: both the OpenAI SDK's retries per HTTP call and qwen's
   * stream-level rate-limit retries (default 10, 60 s apart). Under those sits qwen's own
   * `retryWithBackoff` (7 attempts on 429/5xx, waiting `retry-after`; no knob), so the requests
   * per failing turn are 7 × (n+1) × (n+1): 28 at n = 1. @default 0 (7 requests)
   */
  maxRetries?: number;
  /**
   * First rate-limit retry delay in ms (`retryInitialDelayMs`; qwen waits at least the
   * server's `retry-after`). @default 200
   */
  retryInitialDelayMs?: number;
}

/** What {@link qwenSetup} made. */
export interface QwenSetup {
  /** Environment to run qwen with: HOME, XDG dirs, `OPENAI_*`. Add PATH yourself. */
  env: Record<string, string>;
  /** Absolute paths of the files written, by name (`settings`). */
  files: Record<string, string>;
  /** The model id configured. */
  model: string;
}

/**
 * Writes `dir/home` (HOME, XDG dirs) and `dir/home/.qwen/settings.json`, and returns the
 * environment pointing qwen at `server.url + "/v1"`. `dir` must exist.
 */
export async function qwenSetup(
  server: { url: string },
  dir: string,
  opts: QwenSetupOptions = {},
): Promise<QwenSetup> {
  const model = opts.model ?? "mock-coder";
  const env = await freshHome(dir);
  const qwenDir = join(env["HOME"]!, ".qwen");
  await Deno.mkdir(qwenDir, { recursive: true });
  const settings = join(qwenDir, "settings.json");
  const body = {
    model: {
      generationConfig: {
        maxRetries: opts.maxRetries ?? 0,
        retryInitialDelayMs: opts.retryInitialDelayMs ?? 200,
        retryMaxDelayMs: 5_000,
      },
    },
    // No update check or usage statistics from a test run.
    general: { enableAutoUpdate: false },
    privacy: { usageStatisticsEnabled: false },
  };
  await Deno.writeTextFile(settings, JSON.stringify(body, null, 2) + "\n");
  Object.assign(env, {
    OPENAI_API_KEY: "sk-test",
    OPENAI_BASE_URL: `${server.url}/v1`,
    OPENAI_MODEL: model,
  });
  return { env, files: { settings }, model };
}
