/**
 * Custom agents from orchestration.yaml: a command (argv, never a shell string) with
 * placeholders, an optional `reviewCommand`, a prompt delivery and an output format.
 *
 * @module
 */
import type { CustomAgentConfig } from "../domain/config.ts";
import { type AgentDefinition, usesPlaceholder } from "./definition.ts";
import { customParser } from "./parse/custom.ts";

/** Adds the prompt placeholder the delivery needs when the command does not place it itself. */
function withPrompt(argv: readonly string[], cfg: CustomAgentConfig): readonly string[] {
  if (cfg.prompt === "arg" && !usesPlaceholder(argv, "prompt")) return [...argv, "{prompt}"];
  if (cfg.prompt === "file" && !usesPlaceholder(argv, "prompt_file")) return [...argv, "{prompt_file}"];
  return argv;
}

/** The runner definition of a custom agent. */
export function customDefinition(cfg: CustomAgentConfig): AgentDefinition {
  const review = cfg.reviewCommand ?? cfg.command;
  return {
    id: cfg.id,
    family: cfg.family,
    implementArgv: withPrompt(cfg.command, cfg),
    reviewArgv: withPrompt(review, cfg),
    prompt: cfg.prompt,
    env: {},
    passEnv: cfg.passEnv,
    // We cannot know what an arbitrary command allows: say so instead of declaring nothing.
    dangerousFlags: { implement: [`custom:${cfg.id}`], review: [`custom:${cfg.id}`] },
    parser: customParser(cfg.output, cfg.id),
    install: `check the command of agent '${cfg.id}' in orchestration.yaml`,
    builtin: false,
  };
}
