/**
 * The ten `orchestrator-api` subcommands and which of them change host state.
 *
 * @module
 */

/** Every subcommand of docs/host-contract.md §4, in contract order. */
export const HOST_SUBCOMMANDS = [
  "contract-version",
  "mission-state",
  "list-ready",
  "resolve-workspace",
  "start-implementation",
  "start-review",
  "transition",
  "append-history",
  "accept-mission",
  "merge-mission",
] as const;

/** One subcommand name. */
export type HostSubcommand = typeof HOST_SUBCOMMANDS[number];

/**
 * Subcommands that may change host state. A transport failure on one of these is ambiguous
 * (the host may have applied it), so they are never retried blindly.
 */
export const MUTATING_SUBCOMMANDS: ReadonlySet<HostSubcommand> = new Set<HostSubcommand>([
  "start-implementation",
  "start-review",
  "transition",
  "append-history",
  "accept-mission",
  "merge-mission",
]);

/** True when `sub` only reads state and is therefore safe to repeat. */
export function isReadOnly(sub: HostSubcommand): boolean {
  return !MUTATING_SUBCOMMANDS.has(sub);
}
