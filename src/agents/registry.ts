/**
 * Agent lookup: built-in agents (the eleven ids) and custom agents from the configuration,
 * plus the policy metadata helpers the engine declares to the host.
 *
 * A custom agent with a built-in id replaces the built-in one (an explicit user choice).
 *
 * @module
 */
import type { ResolvedConfig } from "../domain/config.ts";
import { ConfigError } from "../domain/errors.ts";
import { builtinDefinition } from "./cli/builtin.ts";
import { customDefinition } from "./custom.ts";
import { type AgentDefinition, ARGV_PROMPT_MAX_BYTES } from "./definition.ts";
import { BUILTIN_AGENT_IDS, isBuiltinAgentId } from "../domain/agent_ids.ts";
import type { AgentRole } from "../domain/agent.ts";

/** The definition of `id`, or null when it is neither custom nor built-in. */
export function findAgent(id: string, config: Pick<ResolvedConfig, "agents">): AgentDefinition | null {
  const custom = Object.hasOwn(config.agents, id) ? config.agents[id] : undefined;
  if (custom) return customDefinition(custom);
  return isBuiltinAgentId(id) ? builtinDefinition(id) : null;
}

/** Every agent id usable with `config`: built-ins, then custom ones. */
export function knownAgentIds(config: Pick<ResolvedConfig, "agents">): string[] {
  return [...new Set([...BUILTIN_AGENT_IDS, ...Object.keys(config.agents)])];
}

/**
 * The definition of `id`.
 *
 * @throws {ConfigError} naming the known ids when `id` is unknown.
 */
export function getAgent(id: string, config: Pick<ResolvedConfig, "agents">): AgentDefinition {
  const def = findAgent(id, config);
  if (def) return def;
  throw new ConfigError(
    `Cannot use agent '${id}' as it must be a built-in or custom agent id: known ids are ${
      knownAgentIds(config).join(", ")
    }`,
    { fix: "Fix the agent id, or define it under `agents:` in orchestration.yaml." },
  );
}

/** The agent family recorded in policy metadata (`claude`, `codex`, ..., or a custom family). */
export function agentFamily(id: string, config: Pick<ResolvedConfig, "agents">): string {
  return getAgent(id, config).family;
}

/** The binary an agent runs (argv[0] of its implementer command). */
export function agentBinary(id: string, config: Pick<ResolvedConfig, "agents">): string {
  return getAgent(id, config).implementArgv[0] ?? "";
}

/**
 * The honest `dangerous_flags` for a set of agents: the union of what their argv allows, for
 * one role or (without `role`) both. Sorted, without duplicates.
 */
export function dangerousFlagsFor(
  ids: readonly string[],
  config: Pick<ResolvedConfig, "agents">,
  role?: AgentRole,
): string[] {
  const flags = new Set<string>();
  for (const id of ids) {
    const def = getAgent(id, config);
    for (const r of role ? [role] : (["implement", "review"] as const)) {
      for (const flag of def.dangerousFlags[r]) flags.add(flag);
    }
  }
  return [...flags].sort();
}

/**
 * The largest prompt (bytes) the agent accepts, or null when unlimited: argv-prompt agents
 * (copilot, cursor, custom `prompt: arg`) are capped, so callers can size review diffs to fit.
 */
export function agentPromptLimit(id: string, config: Pick<ResolvedConfig, "agents">): number | null {
  return getAgent(id, config).prompt === "arg" ? ARGV_PROMPT_MAX_BYTES : null;
}
