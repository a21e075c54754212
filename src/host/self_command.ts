/**
 * How to run our own binary again (the built-in host is `<self> host orchestrator-api …`).
 *
 * @module
 */
import { basename } from "node:path";
import { fileURLToPath } from "node:url";

/** Env variable holding a JSON array that replaces {@link selfCommand} (tests, unusual installs). */
export const SELF_COMMAND_ENV = "SKO_SELF_COMMAND";

/**
 * The script `deno run` runs us from. In the source tree it is `src/main.ts`, found from this
 * module's own URL (so it holds in tests too, where Deno's main module is the test file). In the
 * bundle of scripts/bundle.ts this module is inlined into one file, and that file is what
 * `deno run` was given: Deno's main module.
 */
export function ownScript(moduleUrl: string, mainModule: string): string {
  return fileURLToPath(moduleUrl.endsWith("/host/self_command.ts") ? new URL("../main.ts", moduleUrl) : mainModule);
}

/**
 * The argv prefix that runs this program: the compiled binary itself, or, under `deno run`,
 * `deno run --allow-all <abs script>` ({@link ownScript}; from source Deno finds our deno.json
 * beside main.ts, so the import map works from any cwd; a bundle needs none).
 * `SKO_SELF_COMMAND` (a JSON array of strings) wins.
 */
export function selfCommand(env: (name: string) => string | undefined = (n) => Deno.env.get(n)): string[] {
  const override = env(SELF_COMMAND_ENV);
  if (override !== undefined && override.trim() !== "") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(override);
    } catch {
      parsed = undefined;
    }
    if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((s) => typeof s === "string" && s !== "")) {
      throw new TypeError(
        `Cannot use ${SELF_COMMAND_ENV} as it must be a JSON array of non-empty strings: current value is ${override}`,
      );
    }
    return parsed as string[];
  }
  const exec = Deno.execPath();
  const name = basename(exec).toLowerCase();
  if (name !== "deno" && name !== "deno.exe") return [exec];
  return [exec, "run", "--allow-all", ownScript(import.meta.url, Deno.mainModule)];
}
