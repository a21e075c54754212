/**
 * How a test points the pinned real Kilo CLI (`@kilocode/cli`, an opencode fork) at the scripted
 * Chat Completions server: a fresh HOME and XDG directories, and a `KILO_CONFIG` file declaring
 * one provider on the bundled `@ai-sdk/openai-compatible` package whose `baseURL` is the server
 * (the same provider block as opencode's), plus the `KILO_DISABLE_*` switches an offline run
 * needs (no models.dev catalogue, no self-update, no LSP downloads, no sharing).
 *
 * This is the setup a user needs to run Kilo against any OpenAI-compatible endpoint:
 * `KILO_CONFIG=<file>` with
 *
 * ```json
 * {"provider": {"<id>": {"npm": "@ai-sdk/openai-compatible",
 *   "options": {"baseURL": "http://host:port/v1", "apiKey": "{env:MY_KEY}"},
 *   "models": {"<model>": {}}}},
 *  "model": "<id>/<model>"}
 * ```
 *
 * @module
 */
import { join } from "node:path";
import { freshHome } from "./opencode.ts";

/** The provider id the config declares. */
export const KILO_PROVIDER_ID = "mock";

/** What {@link kiloSetup} made. */
export interface KiloSetup {
  /** HOME, the XDG dirs, `KILO_CONFIG` and the offline switches. Add PATH yourself. */
  env: Record<string, string>;
  /** Absolute path of the config written. */
  config: string;
  model: string;
}

/** Writes `dir/home` and `dir/home/kilo.json` pointing Kilo at `server.url + "/v1"`. */
export async function kiloSetup(server: { url: string }, dir: string): Promise<KiloSetup> {
  const model = "mock-coder";
  const env = await freshHome(dir);
  const config = join(env["HOME"]!, "kilo.json");
  const body = {
    provider: {
      [KILO_PROVIDER_ID]: {
        npm: "@ai-sdk/openai-compatible",
        name: "Scripted model server",
        options: { baseURL: `${server.url}/v1`, apiKey: "sk-test" },
        models: { [model]: { name: model } },
      },
    },
    model: `${KILO_PROVIDER_ID}/${model}`,
    autoupdate: false,
    share: "disabled",
  };
  await Deno.writeTextFile(config, JSON.stringify(body, null, 2) + "\n");
  Object.assign(env, {
    KILO_CONFIG: config,
    KILO_DISABLE_MODELS_FETCH: "1",
    KILO_DISABLE_AUTOUPDATE: "1",
    KILO_DISABLE_LSP_DOWNLOAD: "1",
    KILO_DISABLE_SHARE: "1",
  });
  return { env, config, model };
}
