/**
 * The demo repository (`init --demo`). PLACEHOLDER: replaced by the owning module's implementation.
 *
 * @module
 */
import { InternalError } from "../errors.ts";
import type { Terminal } from "../output/terminal.ts";

/** Creates the demo repository in `dir`. */
export function createDemo(_dir: string, _term: Terminal): Promise<void> {
  return Promise.reject(new InternalError("Cannot create the demo as it is not implemented yet"));
}
