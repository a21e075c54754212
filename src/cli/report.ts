/**
 * `report` command. PLACEHOLDER: replaced by the owning module's implementation.
 *
 * @module
 */
import { InternalError } from "../errors.ts";
import type { Terminal } from "../output/terminal.ts";
import type { ReportOptions } from "./options.ts";

/** Runs `report` and returns the exit code. */
export function runReport(_opts: ReportOptions, _term: Terminal): Promise<number> {
  return Promise.reject(new InternalError("Cannot run 'report' as it is not implemented yet"));
}
