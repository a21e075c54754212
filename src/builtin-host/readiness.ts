/**
 * Readiness and the dependency gate (docs/host-contract.md §8), pure.
 *
 * @module
 */

/** Lanes that satisfy a dependency. */
export const SATISFYING_LANES: readonly string[] = ["approved", "done"];

/** Lanes of a WP that has not started (planned, plus the pre-lifecycle states). */
export const NOT_STARTED_LANES: readonly string[] = ["planned", "genesis", "uninitialized"];

/** The dependencies of a WP that are not approved/done, in declaration order. */
export function unsatisfiedDependencies(dependencies: readonly string[], laneOf: (wpId: string) => string): string[] {
  return dependencies.filter((dep) => !SATISFYING_LANES.includes(laneOf(dep)));
}

/** True when the WP has not started and every dependency is approved/done. */
export function isReady(lane: string, dependencies: readonly string[], laneOf: (wpId: string) => string): boolean {
  return NOT_STARTED_LANES.includes(lane) && unsatisfiedDependencies(dependencies, laneOf).length === 0;
}
