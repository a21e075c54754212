/**
 * `validate` command. PLACEHOLDER: replaced by the owning module's implementation.
 *
 * @module
 */
import { InternalError } from "../errors.ts";
import type { Terminal } from "../output/terminal.ts";
import type { ValidateOptions } from "./options.ts";

/** Runs `validate` and returns the exit code. */
export function runValidate(_opts: ValidateOptions, _term: Terminal): Promise<number> {
  return Promise.reject(new InternalError("Cannot run 'validate' as it is not implemented yet"));
}
