/**
 * Crash points for end-to-end tests: `faultPoint("after-commit")` SIGKILLs this process when the
 * environment variable `SKO_FAULT` lists `crash@after-commit` (comma-separated, e.g.
 * `SKO_FAULT=crash@after-commit,crash@before-done`). Without the variable it does nothing, so
 * the calls cost one environment lookup. This is how `test/e2e/` proves that `resume` recovers
 * from a `kill -9` in every phase of a WP's lifecycle.
 *
 * @module
 */

/** The phases a test can crash the orchestrator in. */
export type FaultLabel =
  | "after-start-implementation"
  | "implement-running"
  | "after-commit"
  | "after-for-review"
  | "after-start-review"
  | "review-running"
  | "before-done"
  | "after-done";

/** True when `env` (the value of `SKO_FAULT`) asks to crash at `label`. Pure. */
export function faultRequested(env: string | undefined, label: string): boolean {
  if (env === undefined || env === "") return false;
  return env.split(",").some((item) => item.trim() === `crash@${label}`);
}

function readEnv(): string | undefined {
  try {
    return Deno.env.get("SKO_FAULT");
  } catch {
    // No env permission: crash points are off.
    return undefined;
  }
}

/** SIGKILLs the current process when `SKO_FAULT` contains `crash@<label>`; otherwise returns. */
export function faultPoint(label: FaultLabel): void {
  if (faultRequested(readEnv(), label)) Deno.kill(Deno.pid, "SIGKILL");
}
