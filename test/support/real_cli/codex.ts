/**
 * How a test points the pinned real Codex CLI (`@openai/codex`) at the scripted model server:
 * a fresh `CODEX_HOME` whose `config.toml` declares a custom model provider speaking the
 * Responses API on loopback, a fresh `HOME` (so no user config, profile or credentials leak in),
 * and a dummy API key in the provider's `env_key`.
 *
 * This is the same setup a user needs to run Codex against any OpenAI-compatible Responses
 * endpoint: `CODEX_HOME=<dir>` with
 *
 * ```toml
 * model = "<model>"
 * model_provider = "<id>"
 * [model_providers.<id>]
 * name = "<id>"
 * base_url = "http://host:port/v1"
 * wire_api = "responses"
 * env_key = "OPENAI_API_KEY"
 * ```
 *
 * @module
 */
import { join } from "node:path";

/** Options of {@link codexSetup}. */
export interface CodexSetupOptions {
  /**
   * Model slug sent to the server. A slug Codex has no metadata for (the default) makes it
   * print an `error` item at start and offer no `apply_patch` tool (writes go through
   * `exec_command`); a known slug such as `gpt-5.5` makes it offer `apply_patch`.
   * @default "gpt-mock"
   */
  model?: string;
  /**
   * HTTP retries Codex makes per request on 429/5xx before giving up. Codex's default (4,
   * with exponential backoff) turns one failing test into many seconds of waiting; fault tests
   * set 0 or 1. @default 0
   */
  requestMaxRetries?: number;
  /**
   * Reconnects of a broken or idle stream ("Reconnecting... n/N" on stdout). Codex's default
   * is 5. @default 0
   */
  streamMaxRetries?: number;
  /** Codex's own limit on an SSE stream with no event, in ms (its default is 300 000). */
  streamIdleTimeoutMs?: number;
  /** Extra top-level `config.toml` lines (already TOML), e.g. `allow_login_shell = false`. */
  extraToml?: readonly string[];
}

/** What {@link codexSetup} made. */
export interface CodexSetup {
  /** Environment to run Codex with: `HOME`, `CODEX_HOME`, `OPENAI_API_KEY`. Add PATH yourself. */
  env: Record<string, string>;
  /** Absolute paths of the files written (`config.toml`), by name. */
  files: Record<string, string>;
  /** The provider id declared in `config.toml` (for `-c model_providers.<id>.…` overrides). */
  providerId: string;
  /** The model slug configured. */
  model: string;
}

/** The provider id the config declares. */
export const CODEX_PROVIDER_ID = "mock";

function tomlString(s: string): string {
  return JSON.stringify(s); // a TOML basic string is JSON-compatible for these values
}

/**
 * Writes `dir/home` (HOME) and `dir/home/.codex` (CODEX_HOME) with a `config.toml` pointing
 * Codex at `server.url + "/v1"`, and returns the environment to run it with.
 * `dir` must exist; it is usually the test's temp dir.
 */
export async function codexSetup(
  server: { url: string },
  dir: string,
  opts: CodexSetupOptions = {},
): Promise<CodexSetup> {
  const home = join(dir, "home");
  const codexHome = join(home, ".codex");
  await Deno.mkdir(codexHome, { recursive: true });
  const model = opts.model ?? "gpt-mock";
  const lines = [
    `model = ${tomlString(model)}`,
    `model_provider = ${tomlString(CODEX_PROVIDER_ID)}`,
    // Nothing but the model server may be contacted: no update check on startup.
    "check_for_update_on_startup = false",
    ...(opts.extraToml ?? []),
    "",
    "[analytics]",
    "enabled = false",
    "",
    `[model_providers.${CODEX_PROVIDER_ID}]`,
    `name = ${tomlString(CODEX_PROVIDER_ID)}`,
    `base_url = ${tomlString(server.url + "/v1")}`,
    'wire_api = "responses"',
    'env_key = "OPENAI_API_KEY"',
    `request_max_retries = ${opts.requestMaxRetries ?? 0}`,
    `stream_max_retries = ${opts.streamMaxRetries ?? 0}`,
    ...(opts.streamIdleTimeoutMs === undefined ? [] : [`stream_idle_timeout_ms = ${opts.streamIdleTimeoutMs}`]),
    "",
  ];
  const config = join(codexHome, "config.toml");
  await Deno.writeTextFile(config, lines.join("\n"));
  return {
    env: { HOME: home, CODEX_HOME: codexHome, OPENAI_API_KEY: "sk-test" },
    files: { "config.toml": config },
    providerId: CODEX_PROVIDER_ID,
    model,
  };
}
