/**
 * `version` command: product version, supported contract range, runtime version.
 *
 * @module
 */
import { CONTRACT_MAJOR, MIN_CONTRACT_VERSION, PRODUCT, VERSION } from "../domain/version.ts";
import { ExitCode } from "../domain/errors.ts";
import { ERA_IDS } from "../domain/host.ts";
import type { Terminal } from "../output/terminal.ts";

/** The facts `version` prints. */
export function versionInfo(): Record<string, string> {
  return {
    product: PRODUCT,
    version: VERSION,
    contract: `>=${MIN_CONTRACT_VERSION} <${CONTRACT_MAJOR + 1}.0.0`,
    eras: ERA_IDS.join(", "),
    deno: Deno.version.deno,
    target: Deno.build.target,
  };
}

/** Runs `version`. */
export function runVersion(opts: { json?: boolean }, term: Terminal): Promise<number> {
  const info = versionInfo();
  if (opts.json) term.printJson(info);
  else {
    term.raw(
      `${info.product} ${info.version}\nhost contract ${info.contract} (eras ${info.eras}; see docs/hosts.md)\n` +
        `deno ${info.deno} (${info.target})`,
    );
  }
  return Promise.resolve(ExitCode.Ok);
}
