/**
 * `schema`: prints the JSON Schema (draft-07) of orchestration.yaml, the same text as the
 * committed `schema/orchestration.schema.json`.
 *
 * @module
 */
import { ExitCode } from "../domain/errors.ts";
import type { Terminal } from "../output/terminal.ts";
import { renderJsonSchema } from "../config/json_schema.ts";
import type { RepoOptions } from "./options.ts";

/** Runs `schema` and returns the exit code. */
export function runSchema(_opts: RepoOptions, term: Terminal): Promise<number> {
  term.raw(renderJsonSchema());
  return Promise.resolve(ExitCode.Ok);
}
