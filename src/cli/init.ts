/**
 * `init` command. PLACEHOLDER: replaced by the owning module's implementation.
 *
 * @module
 */
import { InternalError } from "../errors.ts";
import type { Terminal } from "../output/terminal.ts";
import type { InitOptions } from "./options.ts";

/** Runs `init` and returns the exit code. */
export function runInit(_opts: InitOptions, _term: Terminal): Promise<number> {
  return Promise.reject(new InternalError("Cannot run 'init' as it is not implemented yet"));
}
