/**
 * How a test points the pinned real Gemini CLI (`@google/gemini-cli`) at the scripted model
 * server (`geminiAdapter`): a fresh `HOME` whose `~/.gemini/settings.json` selects API-key auth,
 * names the model and turns off everything that would call Google (usage statistics, telemetry,
 * update checks), plus `GEMINI_API_KEY` and `GOOGLE_GEMINI_BASE_URL`.
 *
 * Why settings.json and not only the environment: with `GOOGLE_GEMINI_BASE_URL` set and no
 * `security.auth.selectedType`, Gemini CLI 0.61.0 picks its `gateway` auth type from the
 * environment, which its own non-interactive auth check then refuses ("Invalid auth method
 * selected.", exit 41). Why a fixed model: the default (`auto`) first asks a router model on a
 * side request which model to use.
 *
 * This is the setup a user needs to run Gemini CLI against any Gemini-API endpoint (a proxy, a
 * gateway): the same settings.json and the two variables.
 *
 * @module
 */
import { join } from "node:path";

/** Options of {@link geminiSetup}. */
export interface GeminiSetupOptions {
  /** The model named in settings.json (and so in the request path). @default "gemini-2.5-flash" */
  model?: string;
  /**
   * `general.maxAttempts`: requests Gemini CLI makes per model call before giving up on 429/5xx
   * (its default is 10, 5 s to 30 s apart, which turns one fault case into minutes). @default 1
   */
  maxAttempts?: number;
}

/** What {@link geminiSetup} made. */
export interface GeminiSetup {
  /** `HOME`, the XDG dirs, `TMPDIR`, `GEMINI_API_KEY`, `GOOGLE_GEMINI_BASE_URL`. Add PATH yourself. */
  env: Record<string, string>;
  /** Absolute path of the settings.json written. */
  settingsFile: string;
  model: string;
}

/** Writes `dir/home/.gemini/settings.json` and returns the environment; `dir` must exist. */
export async function geminiSetup(
  server: { url: string },
  dir: string,
  opts: GeminiSetupOptions = {},
): Promise<GeminiSetup> {
  const home = join(dir, "home");
  await Deno.mkdir(join(home, ".gemini"), { recursive: true });
  const tmp = join(dir, "tmp");
  await Deno.mkdir(tmp, { recursive: true });
  const model = opts.model ?? "gemini-2.5-flash";
  const settings = {
    security: { auth: { selectedType: "gemini-api-key" } },
    model: { name: model },
    general: { maxAttempts: opts.maxAttempts ?? 1, enableAutoUpdate: false, enableAutoUpdateNotification: false },
    privacy: { usageStatisticsEnabled: false },
    telemetry: { enabled: false },
  };
  const settingsFile = join(home, ".gemini", "settings.json");
  await Deno.writeTextFile(settingsFile, JSON.stringify(settings, null, 2) + "\n");
  return {
    env: {
      HOME: home,
      XDG_CONFIG_HOME: join(home, ".config"),
      XDG_DATA_HOME: join(home, ".local", "share"),
      XDG_CACHE_HOME: join(home, ".cache"),
      XDG_STATE_HOME: join(home, ".local", "state"),
      // Gemini CLI writes a report file per API error (`gemini-client-error-*.json`) to the temp dir.
      TMPDIR: tmp,
      GEMINI_API_KEY: "test-key",
      GOOGLE_GEMINI_BASE_URL: server.url,
    },
    settingsFile,
    model,
  };
}
