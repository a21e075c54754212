/**
 * `host` command: the built-in host's CLI. PLACEHOLDER.
 *
 * @module
 */

/** Runs `host <args>` and returns the exit code. */
export function runHostCommand(_args: string[]): Promise<number> {
  return Promise.resolve(1);
}
