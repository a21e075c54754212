/**
 * How a test points the pinned real opencode CLI (`opencode-ai`) at the scripted model server:
 * a fresh HOME and XDG directories (so no user config, auth, session database or plugin cache
 * leaks in) and an `OPENCODE_CONFIG` file declaring one provider on the bundled
 * `@ai-sdk/openai-compatible` package (nothing is downloaded) whose `baseURL` is the server.
 *
 * This is the same setup a user needs to run opencode against any OpenAI-compatible Chat
 * Completions endpoint: `OPENCODE_CONFIG=<file>` with
 *
 * ```json
 * {"provider": {"<id>": {"npm": "@ai-sdk/openai-compatible",
 *   "options": {"baseURL": "http://host:port/v1", "apiKey": "{env:MY_KEY}"},
 *   "models": {"<model>": {}}}},
 *  "model": "<id>/<model>"}
 * ```
 *
 * Offline, opencode must also be told not to fetch the models.dev catalogue
 * (`OPENCODE_DISABLE_MODELS_FETCH=1`), not to update itself and not to download LSP servers.
 *
 * @module
 */
import { join } from "node:path";

/** Options of {@link opencodeSetup}. */
export interface OpencodeSetupOptions {
  /**
   * Model id sent to the server. Ids starting with `gpt-` make opencode offer `apply_patch`
   * instead of `write`/`edit`, which the chat adapter cannot map: keep the default.
   * @default "mock-coder"
   */
  model?: string;
}

/** What {@link opencodeSetup} made. */
export interface OpencodeSetup {
  /**
   * Environment to run opencode with: HOME, the four XDG dirs, `OPENCODE_CONFIG` and the
   * `OPENCODE_DISABLE_*` switches an offline run needs. Add PATH yourself.
   */
  env: Record<string, string>;
  /** Absolute paths of the files written, by name (`config`). */
  files: Record<string, string>;
  /** The provider id the config declares. */
  providerId: string;
  /** The model id configured (without the provider prefix). */
  model: string;
}

/** The provider id the config declares. */
export const OPENCODE_PROVIDER_ID = "mock";

/**
 * A fresh HOME under `dir` with the four XDG base directories, as environment variables. Each
 * real CLI gets one so a developer's own config never changes what a test proves.
 */
export async function freshHome(dir: string): Promise<Record<string, string>> {
  const home = join(dir, "home");
  const env: Record<string, string> = {
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_DATA_HOME: join(home, ".local", "share"),
    XDG_CACHE_HOME: join(home, ".cache"),
    XDG_STATE_HOME: join(home, ".local", "state"),
  };
  for (const d of Object.values(env)) await Deno.mkdir(d, { recursive: true });
  return env;
}

/**
 * Writes `dir/home` (HOME, XDG dirs) and `dir/home/opencode.json` pointing opencode at
 * `server.url + "/v1"`, and returns the environment to run it with. `dir` must exist.
 */
export async function opencodeSetup(
  server: { url: string },
  dir: string,
  opts: OpencodeSetupOptions = {},
): Promise<OpencodeSetup> {
  const model = opts.model ?? "mock-coder";
  const env = await freshHome(dir);
  const config = join(env["HOME"]!, "opencode.json");
  const body = {
    $schema: "https://opencode.ai/config.json",
    provider: {
      [OPENCODE_PROVIDER_ID]: {
        npm: "@ai-sdk/openai-compatible",
        name: "Scripted model server",
        options: { baseURL: `${server.url}/v1`, apiKey: "sk-test" },
        models: { [model]: { name: model } },
      },
    },
    model: `${OPENCODE_PROVIDER_ID}/${model}`,
    autoupdate: false,
    share: "disabled",
  };
  await Deno.writeTextFile(config, JSON.stringify(body, null, 2) + "\n");
  Object.assign(env, {
    OPENCODE_CONFIG: config,
    // No models.dev catalogue fetch at start (offline it only delays and logs).
    OPENCODE_DISABLE_MODELS_FETCH: "1",
    OPENCODE_DISABLE_AUTOUPDATE: "1",
    OPENCODE_DISABLE_LSP_DOWNLOAD: "1",
  });
  return { env, files: { config }, providerId: OPENCODE_PROVIDER_ID, model };
}
