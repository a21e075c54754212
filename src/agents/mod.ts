/**
 * The agents module: registry, runner, verdicts, prompts and install checks.
 *
 * @module
 */
export type {
  AgentRole,
  AgentRunner,
  AttemptFailure,
  AttemptResult,
  AttemptSpec,
  FailureClass,
  ReviewVerdict,
  TokenUsage,
} from "../domain/agent.ts";
export { FAILURE_CLASSES } from "../domain/agent.ts";
export { BUILTIN_AGENT_IDS, type BuiltinAgentId, isBuiltinAgentId } from "../domain/agent_ids.ts";
export { type AgentRunnerOptions, createAgentRunner, promptPathFor } from "./runner.ts";
export {
  agentBinary,
  agentFamily,
  agentPromptLimit,
  dangerousFlagsFor,
  findAgent,
  getAgent,
  knownAgentIds,
} from "./registry.ts";
export { type AgentInstallStatus, checkAgentInstalled } from "./installed.ts";
export { parseVerdict, VERDICT_JSON_SCHEMA, VERDICT_JSON_SCHEMA_TEXT } from "../core/verdict.ts";
export {
  buildImplementPrompt,
  buildReviewPrompt,
  extractSubtasks,
  type ImplementPromptInput,
  REVIEW_DIFF_MAX_BYTES,
  type ReviewPromptInput,
} from "./prompt.ts";
export { type AgentDefinition, ARGV_PROMPT_MAX_BYTES, type PromptMode } from "./definition.ts";
export { gitWorkspaceProbe, type WorkspaceProbe } from "./workspace_probe.ts";
export { shellJoin, shellQuote } from "../core/shell_quote.ts";
