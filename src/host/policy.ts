/**
 * Policy metadata (`--policy`, docs/host-contract.md §7): built honestly, validated like the host.
 *
 * Honesty (reference weakness 22): `agent_family` names the families of the agents actually
 * configured for the run, and `dangerous_flags` lists the risky switches those agents really
 * run with. The host bans four exact flag spellings inside `dangerous_flags`
 * ({@link BANNED_DANGEROUS_FLAGS}), so the agent registry declares each risky flag under a
 * stable, non-banned name of the form `<family>:<what it does>` (e.g. `claude:skip-permissions`
 * for `--dangerously-skip-permissions`, `codex:bypass-sandbox`, `gemini:yolo`). The declaration
 * stays truthful without tripping the ban.
 *
 * Values come only from config and the agent registry, never from the environment, so no
 * secret can reach the host's event log. {@link validatePolicy} applies the host's own rules
 * before any claim, so a bad value is a config error up front instead of a
 * `POLICY_VALIDATION_FAILED` mid-run.
 *
 * @module
 */
import type { ResolvedConfig } from "../domain/config.ts";
import { ConfigError } from "../domain/errors.ts";
import { PRODUCT, VERSION } from "../domain/version.ts";
import { redactSecrets } from "./stderr_tail.ts";
import type { PolicyMetadata } from "../domain/host.ts";
import { BANNED_DANGEROUS_FLAGS, POLICY_STRING_FIELDS, SECRET_PATTERN } from "../domain/policy_rules.ts";

export { BANNED_DANGEROUS_FLAGS, SECRET_PATTERN } from "../domain/policy_rules.ts";

const STRING_FIELDS = POLICY_STRING_FIELDS;

const FIX = "Rename the value in orchestration.yaml (policy section, or the custom agent's `family`) so the host " +
  "accepts it; see docs/host-contract.md §7.";

function fail(field: string, rule: string, value: unknown): ConfigError {
  const shown = typeof value === "string" ? JSON.stringify(redactSecrets(value)) : JSON.stringify(value);
  return new ConfigError(`Cannot send policy metadata as field '${field}' ${rule}: current value is ${shown}`, {
    path: `policy.${field}`,
    fix: FIX,
  });
}

/** Finds the first string value (at any depth) the host's secret scan would refuse. */
function findSecretLike(value: unknown, path: string): { path: string; value: string } | undefined {
  if (typeof value === "string") return SECRET_PATTERN.test(value) ? { path, value } : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findSecretLike(value[i], `${path}[${i}]`);
      if (hit) return hit;
    }
    return undefined;
  }
  if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const hit = findSecretLike(item, path === "" ? key : `${path}.${key}`);
      if (hit) return hit;
    }
  }
  return undefined;
}

/**
 * Validates `p` with the host's rules, in the host's order: object → required keys → six
 * strings → `dangerous_flags` array of strings → no banned flag → `tool_restrictions`
 * string/null → secret scan of every string value at any depth (keys are not scanned; a value
 * such as `monkey` is refused because it contains "key"). Throws a {@link ConfigError} naming
 * the field and value; returns the eight known fields.
 */
export function validatePolicy(p: unknown): PolicyMetadata {
  if (typeof p !== "object" || p === null || Array.isArray(p)) {
    throw new ConfigError(`Cannot send policy metadata as it must be a JSON object: current value is ${String(p)}`);
  }
  const o = p as Record<string, unknown>;
  for (const field of [...STRING_FIELDS, "dangerous_flags"]) {
    if (!(field in o)) throw fail(field, "is required", undefined);
  }
  for (const field of STRING_FIELDS) {
    if (typeof o[field] !== "string") throw fail(field, "must be a string", o[field]);
  }
  const flags = o.dangerous_flags;
  if (!Array.isArray(flags) || !flags.every((f) => typeof f === "string")) {
    throw fail("dangerous_flags", "must be an array of strings", flags);
  }
  const banned = flags.find((f) => BANNED_DANGEROUS_FLAGS.includes(f));
  if (banned !== undefined) {
    throw fail(
      "dangerous_flags",
      `must not contain the host-banned flags ${BANNED_DANGEROUS_FLAGS.join(", ")} ` +
        "(declare them as `<family>:<effect>`, e.g. claude:skip-permissions)",
      banned,
    );
  }
  const tools = o.tool_restrictions;
  if (tools !== undefined && tools !== null && typeof tools !== "string") {
    throw fail("tool_restrictions", "must be a string or null", tools);
  }
  const secret = findSecretLike(o, "");
  if (secret !== undefined) {
    throw fail(
      secret.path,
      "must not contain 'token', 'secret', 'key', 'password' or 'credential' (the host refuses such values as secrets)",
      secret.value,
    );
  }
  return {
    orchestrator_id: o.orchestrator_id as string,
    orchestrator_version: o.orchestrator_version as string,
    agent_family: o.agent_family as string,
    approval_mode: o.approval_mode as string,
    sandbox_mode: o.sandbox_mode as string,
    network_mode: o.network_mode as string,
    dangerous_flags: [...flags as string[]],
    tool_restrictions: (tools ?? null) as string | null,
  };
}

/** `agent_family`: the families of the agents used, deduplicated, sorted, joined with `+` (`none` if empty). */
export function agentFamilies(agentIds: readonly string[], familyOf: (id: string) => string): string {
  const families = [...new Set(agentIds.map(familyOf))].sort();
  return families.length === 0 ? "none" : families.join("+");
}

/**
 * Builds the policy for a run from config and the agents it uses. `dangerous` is supplied by
 * the agent registry: the non-banned names of the risky flags those agents run with.
 * Throws {@link ConfigError} when the result would be refused by the host.
 */
export function buildPolicy(
  config: ResolvedConfig,
  agentIds: readonly string[],
  familyOf: (id: string) => string,
  dangerous: readonly string[] = [],
): PolicyMetadata {
  return validatePolicy({
    orchestrator_id: PRODUCT,
    orchestrator_version: VERSION,
    agent_family: agentFamilies(agentIds, familyOf),
    approval_mode: config.policy.approvalMode,
    sandbox_mode: config.policy.sandboxMode,
    network_mode: config.policy.networkMode,
    dangerous_flags: [...new Set(dangerous)].sort(),
    tool_restrictions: config.policy.toolRestrictions,
  });
}
