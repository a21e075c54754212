/**
 * `schema` command. PLACEHOLDER: replaced by the owning module's implementation.
 *
 * @module
 */
import { InternalError } from "../errors.ts";
import type { Terminal } from "../output/terminal.ts";
import type { RepoOptions } from "./options.ts";

/** Runs `schema` and returns the exit code. */
export function runSchema(_opts: RepoOptions, _term: Terminal): Promise<number> {
  return Promise.reject(new InternalError("Cannot run 'schema' as it is not implemented yet"));
}
