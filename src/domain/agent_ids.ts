/**
 * The built-in agent ids (the reference orchestrator's eleven), shared by config validation
 * and the agent registry.
 *
 * @module
 */

/** Built-in agent ids, in the reference's documentation order. */
export const BUILTIN_AGENT_IDS = [
  "claude-code",
  "codex",
  "opencode",
  "gemini",
  "qwen",
  "copilot",
  "cursor",
  "kilocode",
  "augment",
  "pi",
  "letta",
] as const;

/** A built-in agent id. */
export type BuiltinAgentId = typeof BUILTIN_AGENT_IDS[number];

/** True when `id` names a built-in agent. */
export function isBuiltinAgentId(id: string): id is BuiltinAgentId {
  return (BUILTIN_AGENT_IDS as readonly string[]).includes(id);
}
