/**
 * Crash points for end-to-end tests: with `SKO_FAULT=crash@after-commit` (a comma-separated list,
 * e.g. `SKO_FAULT=crash@after-commit,crash@before-done`) the orchestrator SIGKILLs itself when
 * the engine reaches that point. This is how `test/e2e/` proves that `resume` recovers from a
 * `kill -9` in every phase of a WP's lifecycle.
 *
 * The variable is read once, where the session is wired; the engine only sees a
 * {@link FaultPort} (none at all without the variable).
 *
 * @module
 */
import type { FaultLabel, FaultPort } from "../engine/ports.ts";

/** The labels `value` (the text of `SKO_FAULT`) asks to crash at. Pure. */
export function requestedFaults(value: string | undefined): Set<string> {
  const labels = new Set<string>();
  for (const item of (value ?? "").split(",")) {
    const m = /^crash@(.+)$/.exec(item.trim());
    if (m !== null) labels.add(m[1]!);
  }
  return labels;
}

/**
 * The port that calls `crash` at each label `value` lists, or undefined when it lists none (so
 * production runs carry no port). `crash` defaults to SIGKILLing this process.
 */
export function faultsFrom(
  value: string | undefined,
  crash: (label: FaultLabel) => void = () => Deno.kill(Deno.pid, "SIGKILL"),
): FaultPort | undefined {
  const labels = requestedFaults(value);
  if (labels.size === 0) return undefined;
  return { reached: (label) => labels.has(label) ? crash(label) : undefined };
}

/** {@link faultsFrom} over this process's `SKO_FAULT` (no env permission: no crash points). */
export function faultsFromEnv(): FaultPort | undefined {
  let value: string | undefined;
  try {
    value = Deno.env.get("SKO_FAULT");
  } catch {
    value = undefined;
  }
  return faultsFrom(value);
}
