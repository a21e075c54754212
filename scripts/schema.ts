/**
 * Writes or checks the committed JSON Schema of orchestration.yaml (`schema/orchestration.schema.json`).
 *
 * - `--write`: regenerates the file from the zod schema (`deno task schema`);
 * - `--check`: exits 1 with a message when the committed file differs (`deno task schema:check`, CI).
 *
 * @module
 */
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { renderJsonSchema } from "../src/config/json_schema.ts";
import { createTerminal, type Terminal } from "../src/output/terminal.ts";

/** The committed schema file. */
export const SCHEMA_PATH = fileURLToPath(new URL("../schema/orchestration.schema.json", import.meta.url));

/** Runs the script with `args`; returns the exit code. */
export async function schemaScript(
  args: readonly string[],
  path: string = SCHEMA_PATH,
  term: Terminal = createTerminal(),
): Promise<number> {
  const expected = renderJsonSchema();
  if (args.includes("--write")) {
    await Deno.mkdir(dirname(path), { recursive: true });
    await Deno.writeTextFile(path, expected);
    term.line(`wrote ${path}`);
    return 0;
  }
  if (args.includes("--check")) {
    let actual = "";
    try {
      actual = await Deno.readTextFile(path);
    } catch {
      // A missing file is drift too.
    }
    if (actual === expected) return 0;
    term.error(
      `Cannot accept ${path} as it must match the zod schema in src/config/schema.ts: current file is out of date. ` +
        "Run `deno task schema` and commit the result.",
    );
    return 1;
  }
  term.error(
    "Cannot run scripts/schema.ts as it needs --write or --check: current arguments are " + JSON.stringify(args),
  );
  return 2;
}

if (import.meta.main) Deno.exit(await schemaScript(Deno.args));
