/**
 * `orchestrate` command. PLACEHOLDER: replaced by the owning module's implementation.
 *
 * @module
 */
import { InternalError } from "../errors.ts";
import type { Terminal } from "../output/terminal.ts";
import type { OrchestrateOptions } from "./options.ts";

/** Runs `orchestrate` and returns the exit code. */
export function runOrchestrate(_opts: OrchestrateOptions, _term: Terminal): Promise<number> {
  return Promise.reject(new InternalError("Cannot run 'orchestrate' as it is not implemented yet"));
}
