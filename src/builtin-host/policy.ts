/**
 * Validation of `--policy` metadata (docs/host-contract.md §7), in the real host's order and with
 * its messages. Pure: returns the recorded policy (the eight known fields) or throws.
 *
 * @module
 */
import { HostFailure } from "./failure.ts";
import { BANNED_DANGEROUS_FLAGS, POLICY_STRING_FIELDS, SECRET_PATTERN } from "../domain/policy_rules.ts";

export { POLICY_STRING_FIELDS } from "../domain/policy_rules.ts";
/** Flags that must never appear in `dangerous_flags`. */
export const BANNED_FLAGS = BANNED_DANGEROUS_FLAGS;
const SECRET_RE = SECRET_PATTERN;

/** The policy as recorded on events: exactly the eight known fields. */
export type RecordedPolicy = Record<string, unknown>;

function invalid(message: string): HostFailure {
  return new HostFailure("POLICY_VALIDATION_FAILED", message);
}

/** The first string value (at any depth) that looks like a secret. */
function containsSecret(value: unknown): boolean {
  if (typeof value === "string") return SECRET_RE.test(value);
  if (Array.isArray(value)) return value.some(containsSecret);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsSecret);
  return false;
}

/**
 * Validates a `--policy` value.
 *
 * @param raw the flag's value, or undefined when absent.
 * @param requiredMessage the `POLICY_METADATA_REQUIRED` message, or null when the policy is optional.
 * @returns the recorded policy, or null when it is optional and absent.
 * @throws {HostFailure} `POLICY_METADATA_REQUIRED` or `POLICY_VALIDATION_FAILED`.
 */
export function validatePolicy(raw: string | undefined, requiredMessage: string | null): RecordedPolicy | null {
  if (raw === undefined || raw.trim() === "") {
    if (requiredMessage !== null) throw new HostFailure("POLICY_METADATA_REQUIRED", requiredMessage);
    return null;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw invalid(`--policy is not valid JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw invalid("--policy must be a JSON object");
  }
  const policy = parsed as Record<string, unknown>;
  for (const field of [...POLICY_STRING_FIELDS, "dangerous_flags"]) {
    if (!(field in policy)) throw invalid(`--policy missing required field: '${field}'`);
  }
  for (const field of POLICY_STRING_FIELDS) {
    if (typeof policy[field] !== "string") throw invalid(`--policy field '${field}' must be a string`);
  }
  const flags = policy.dangerous_flags;
  if (!Array.isArray(flags) || !flags.every((f) => typeof f === "string")) {
    throw invalid("--policy.dangerous_flags must be a list of strings");
  }
  for (const flag of flags as string[]) {
    if (BANNED_FLAGS.includes(flag)) {
      throw invalid(
        `--policy.dangerous_flags contains a banned flag: '${flag}'. ` +
          "Banned flags must never appear in orchestrator policy payloads.",
      );
    }
  }
  const tools = policy.tool_restrictions;
  if (tools !== undefined && tools !== null && typeof tools !== "string") {
    throw invalid("--policy field 'tool_restrictions' must be a string or null");
  }
  for (const [key, value] of Object.entries(policy)) {
    if (containsSecret(value)) {
      throw invalid(
        `--policy field '${key}' appears to contain a secret (matched pattern: ` +
          "token|secret|key|password|credential). Do not pass secrets via --policy.",
      );
    }
  }
  const recorded: RecordedPolicy = {};
  for (const field of POLICY_STRING_FIELDS) recorded[field] = policy[field];
  recorded.dangerous_flags = [...(flags as string[])];
  recorded.tool_restrictions = typeof tools === "string" ? tools : null;
  return recorded;
}
