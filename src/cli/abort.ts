/**
 * `abort` command. PLACEHOLDER: replaced by the owning module's implementation.
 *
 * @module
 */
import { InternalError } from "../errors.ts";
import type { Terminal } from "../output/terminal.ts";
import type { AbortOptions } from "./options.ts";

/** Runs `abort` and returns the exit code. */
export function runAbort(_opts: AbortOptions, _term: Terminal): Promise<number> {
  return Promise.reject(new InternalError("Cannot run 'abort' as it is not implemented yet"));
}
