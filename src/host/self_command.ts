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
 * The argv prefix that runs this program: the compiled binary itself, or, when running from
 * source, `deno run --allow-all <abs src/main.ts>` (Deno finds our deno.json beside main.ts,
 * so the import map works from any cwd). `SKO_SELF_COMMAND` (a JSON array of strings) wins.
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
  return [exec, "run", "--allow-all", fileURLToPath(new URL("../main.ts", import.meta.url))];
}
