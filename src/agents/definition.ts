/**
 * What the runner needs to know about an agent, built-in or custom: argv templates per role,
 * how the prompt gets in, extra environment, the output parser and honest policy metadata.
 *
 * argv templates may contain the placeholders `{prompt}`, `{prompt_file}`, `{workspace}`,
 * `{repo_root}`, `{role}`, `{wp}` and `{mission}`. They are replaced inside each argument
 * (one argument stays one argument; nothing goes through a shell).
 *
 * @module
 */
import type { ParserFactory } from "./parse/types.ts";
import type { AgentRole } from "../domain/agent.ts";

/** How the prompt reaches the agent. */
export type PromptMode =
  /** The prompt file is streamed to stdin, then stdin is closed. */
  | "stdin"
  /** The prompt is an argv element (`{prompt}`); capped at {@link ARGV_PROMPT_MAX_BYTES}. */
  | "arg"
  /** The agent reads the prompt file (`{prompt_file}`); stdin is null. */
  | "file";

/** Argv prompts above this are refused (Linux MAX_ARG_STRLEN is 128 KiB; logs and `ps` show argv). */
export const ARGV_PROMPT_MAX_BYTES = 100 * 1024;

/** An agent the runner can start. */
export interface AgentDefinition {
  id: string;
  /** Agent family recorded in policy metadata. */
  family: string;
  /** argv template for implementers; element 0 is the binary. */
  implementArgv: readonly string[];
  /** argv template for read-only reviewers; element 0 is the binary. */
  reviewArgv: readonly string[];
  prompt: PromptMode;
  /** Fixed environment for this agent (wins over the inherited allow-list). */
  env: Readonly<Record<string, string>>;
  /** Names of our environment variables this agent may see (auth, config). */
  passEnv: readonly string[];
  /** Honest, host-acceptable names of what the argv allows, per role. */
  dangerousFlags: Readonly<Record<AgentRole, readonly string[]>>;
  parser: ParserFactory;
  /** How to install the binary, for messages. */
  install: string;
  /** False for custom agents from orchestration.yaml. */
  builtin: boolean;
}

/** Values for the argv placeholders. */
export interface PlaceholderValues {
  prompt: string;
  prompt_file: string;
  workspace: string;
  repo_root: string;
  role: AgentRole;
  wp: string;
  mission: string;
  /** Built-in reviewers only: a file holding the verdict JSON schema (Codex `--output-schema`). */
  verdict_schema_file?: string;
}

const PLACEHOLDER = /\{(prompt_file|prompt|workspace|repo_root|role|wp|mission|verdict_schema_file)\}/g;

/** Replaces placeholders in each argument, in one pass (substituted text is never re-expanded). */
export function substituteArgv(template: readonly string[], values: PlaceholderValues): string[] {
  return template.map((arg) => arg.replace(PLACEHOLDER, (_m, name: keyof PlaceholderValues) => values[name] ?? ""));
}

/** True when some argument of `template` uses placeholder `name`. */
export function usesPlaceholder(template: readonly string[], name: keyof PlaceholderValues): boolean {
  return template.some((arg) => arg.includes(`{${name}}`));
}

/** The argv template for a role. */
export function argvTemplate(def: AgentDefinition, role: AgentRole): readonly string[] {
  return role === "review" ? def.reviewArgv : def.implementArgv;
}
