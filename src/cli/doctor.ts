/**
 * `doctor` command. PLACEHOLDER: replaced by the owning module's implementation.
 *
 * @module
 */
import { InternalError } from "../errors.ts";
import type { Terminal } from "../output/terminal.ts";
import type { DoctorOptions } from "./options.ts";

/** Runs `doctor` and returns the exit code. */
export function runDoctor(_opts: DoctorOptions, _term: Terminal): Promise<number> {
  return Promise.reject(new InternalError("Cannot run 'doctor' as it is not implemented yet"));
}
