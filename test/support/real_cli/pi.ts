/**
 * How a test points the pinned real Pi CLI (`@mariozechner/pi-coding-agent`) at the scripted
 * model server: a fresh HOME and a fresh agent directory (`PI_CODING_AGENT_DIR`) holding
 * `models.json` (one custom provider on the `openai-completions` API whose `baseUrl` is the
 * server) and `settings.json` (that provider and model as the defaults, and the retry knobs).
 * `PI_OFFLINE=1` stops Pi's startup network calls (update and package checks).
 *
 * This is the same setup a user needs to run Pi against any OpenAI-compatible Chat
 * Completions endpoint: `~/.pi/agent/models.json` with
 *
 * ```json
 * {"providers": {"<id>": {"baseUrl": "http://host:port/v1", "api": "openai-completions",
 *   "apiKey": "MY_KEY_VARIABLE", "models": [{"id": "<model>"}]}}}
 * ```
 *
 * and `"defaultProvider": "<id>", "defaultModel": "<model>"` in `~/.pi/agent/settings.json`
 * (or `--provider`/`--model` on a custom agent's argv).
 *
 * @module
 */
import { join } from "node:path";
import { freshHome } from "./opencode.ts";

/** Options of {@link piSetup}. */
export interface PiSetupOptions {
  /** Model id sent to the server. @default "mock-coder" */
  model?: string;
  /**
   * Pi's agent-level retries of a transient error (429, 5xx, overloaded; `retry.maxRetries`,
   * default 3 with 2 s, 4 s, 8 s backoff). @default 1
   */
  maxRetries?: number;
  /** Base delay of those retries in ms (`retry.baseDelayMs`). @default 200 */
  baseDelayMs?: number;
  /**
   * Retries of the provider SDK underneath (`retry.provider.maxRetries`; the OpenAI SDK
   * default is 2). @default 0
   */
  providerMaxRetries?: number;
}

/** What {@link piSetup} made. */
export interface PiSetup {
  /** Environment to run Pi with: HOME, XDG dirs, `PI_CODING_AGENT_DIR`, `PI_OFFLINE`. Add PATH yourself. */
  env: Record<string, string>;
  /** Absolute paths of the files written, by name (`models`, `settings`). */
  files: Record<string, string>;
  /** The provider id `models.json` declares. */
  providerId: string;
  /** The model id configured. */
  model: string;
}

/** The provider id `models.json` declares. */
export const PI_PROVIDER_ID = "mock";

/**
 * Writes `dir/home` (HOME, XDG dirs) and `dir/pi-agent/{models,settings}.json`, and
 * returns the environment pointing Pi at `server.url + "/v1"`. `dir` must exist.
 */
export async function piSetup(
  server: { url: string },
  dir: string,
  opts: PiSetupOptions = {},
): Promise<PiSetup> {
  const model = opts.model ?? "mock-coder";
  const env = await freshHome(dir);
  // Not under HOME on purpose: Pi only finds it through PI_CODING_AGENT_DIR, so a run proves
  // that the agent's environment allow-list lets the variable through.
  const agentDir = join(dir, "pi-agent");
  await Deno.mkdir(agentDir, { recursive: true });
  const models = join(agentDir, "models.json");
  const settings = join(agentDir, "settings.json");
  await Deno.writeTextFile(
    models,
    JSON.stringify(
      {
        providers: {
          [PI_PROVIDER_ID]: {
            baseUrl: `${server.url}/v1`,
            api: "openai-completions",
            apiKey: "sk-test",
            // Plain `system` role and no `reasoning_effort`: what a generic compatible server takes.
            compat: { supportsDeveloperRole: false, supportsReasoningEffort: false },
            models: [{ id: model }],
          },
        },
      },
      null,
      2,
    ) + "\n",
  );
  await Deno.writeTextFile(
    settings,
    JSON.stringify(
      {
        defaultProvider: PI_PROVIDER_ID,
        defaultModel: model,
        retry: {
          enabled: true,
          maxRetries: opts.maxRetries ?? 1,
          baseDelayMs: opts.baseDelayMs ?? 200,
          provider: { maxRetries: opts.providerMaxRetries ?? 0 },
        },
      },
      null,
      2,
    ) + "\n",
  );
  Object.assign(env, { PI_CODING_AGENT_DIR: agentDir, PI_OFFLINE: "1" });
  return { env, files: { models, settings }, providerId: PI_PROVIDER_ID, model };
}
