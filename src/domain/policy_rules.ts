/**
 * The host's policy-metadata rules (docs/host-contract.md §7), in one place: the built-in host
 * enforces them, the adapter pre-validates with them before any claim, and config validation
 * refuses values that would break them.
 *
 * @module
 */

/** The string fields every policy must carry, in the order the host checks them. */
export const POLICY_STRING_FIELDS = [
  "orchestrator_id",
  "orchestrator_version",
  "agent_family",
  "approval_mode",
  "sandbox_mode",
  "network_mode",
] as const;

/** Flags the host refuses to see inside `dangerous_flags` (exact strings). */
export const BANNED_DANGEROUS_FLAGS: readonly string[] = [
  "--full-auto",
  "--yolo",
  "--dangerously-bypass-approvals-and-sandbox",
  "--dangerously-skip-permissions",
];

/** The host's secret scan: any string value containing one of these (case-insensitive) is refused. */
export const SECRET_PATTERN = /token|secret|key|password|credential/i;

/** True when `text` would trip the host's secret scan (e.g. `monkey` does: it contains "key"). */
export function looksSecret(text: string): boolean {
  return SECRET_PATTERN.test(text);
}
