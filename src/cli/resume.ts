/**
 * `resume` command. PLACEHOLDER: replaced by the owning module's implementation.
 *
 * @module
 */
import { InternalError } from "../errors.ts";
import type { Terminal } from "../output/terminal.ts";
import type { ResumeOptions } from "./options.ts";

/** Runs `resume` and returns the exit code. */
export function runResume(_opts: ResumeOptions, _term: Terminal): Promise<number> {
  return Promise.reject(new InternalError("Cannot run 'resume' as it is not implemented yet"));
}
