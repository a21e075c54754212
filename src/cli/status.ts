/**
 * `status` command. PLACEHOLDER: replaced by the owning module's implementation.
 *
 * @module
 */
import { InternalError } from "../errors.ts";
import type { Terminal } from "../output/terminal.ts";
import type { StatusOptions } from "./options.ts";

/** Runs `status` and returns the exit code. */
export function runStatus(_opts: StatusOptions, _term: Terminal): Promise<number> {
  return Promise.reject(new InternalError("Cannot run 'status' as it is not implemented yet"));
}
