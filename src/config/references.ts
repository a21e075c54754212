/**
 * Cross-field rules of `orchestration.yaml` that a per-field schema cannot express: agent ids
 * used in pipelines must exist, custom ids must not shadow built-ins, pipeline names used in
 * `pipeline` and `select` must exist. Runs on a file the schema already accepted.
 *
 * @module
 */
import { BUILTIN_AGENT_IDS, isBuiltinAgentId } from "../domain/agent_ids.ts";
import type { ConfigIssue } from "./issues.ts";
import type { OrchestrationFile } from "./schema.ts";
import { didYouMean } from "./suggest.ts";

/** The name of the pipeline used when the file has no `pipelines:` (or names one `default`). */
export const DEFAULT_PIPELINE_NAME = "default";

/** Every agent id the file may reference: built-ins, then its own custom agents. */
export function knownAgentIds(file: Pick<OrchestrationFile, "agents"> | null): string[] {
  return [...BUILTIN_AGENT_IDS, ...Object.keys(file?.agents ?? {})];
}

/** The rule for agent references, shared with the flag checks in `resolve.ts`. */
export function unknownAgentMessage(id: string, known: readonly string[]): string {
  return `must be a built-in agent (${BUILTIN_AGENT_IDS.join(", ")}) or one defined under \`agents:\`: ` +
    `current value is ${JSON.stringify(id)}${didYouMean(id, known)}`;
}

/**
 * The pipeline name used when no selector matches: `pipeline:` if set; else `default`; else
 * the only pipeline; else undefined (ambiguous, reported by {@link checkReferences}).
 */
export function defaultPipelineName(file: OrchestrationFile): string | undefined {
  if (file.pipeline !== undefined) return file.pipeline;
  const names = Object.keys(file.pipelines ?? {});
  if (names.length === 0 || names.includes(DEFAULT_PIPELINE_NAME)) return DEFAULT_PIPELINE_NAME;
  return names.length === 1 ? names[0] : undefined;
}

/** The pipeline names the file defines (the built-in `default` when it defines none). */
export function pipelineNames(file: OrchestrationFile): string[] {
  const names = Object.keys(file.pipelines ?? {});
  return names.length === 0 ? [DEFAULT_PIPELINE_NAME] : names;
}

/** Returns every cross-reference problem of `file` (empty when it is consistent). */
export function checkReferences(file: OrchestrationFile): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const known = knownAgentIds(file);
  for (const id of Object.keys(file.agents ?? {})) {
    if (isBuiltinAgentId(id)) {
      issues.push({
        path: ["agents", id],
        atKey: true,
        message: `must not reuse a built-in agent id (${BUILTIN_AGENT_IDS.join(", ")}): current value is ` +
          `${JSON.stringify(id)}; pick another name, e.g. \`my-${id}\``,
      });
    }
  }
  for (const [name, pipeline] of Object.entries(file.pipelines ?? {})) {
    for (const role of ["implement", "review"] as const) {
      const chain = pipeline[role].agents;
      chain.forEach((id, i) => {
        const path = ["pipelines", name, role, "agents", i];
        if (!known.includes(id)) issues.push({ path, message: unknownAgentMessage(id, known) });
        else if (chain.indexOf(id) !== i) {
          issues.push({
            path,
            message: `must not repeat an agent in the chain: current value is ${JSON.stringify(id)}`,
          });
        }
      });
    }
  }
  const names = pipelineNames(file);
  const pipelineRule = (value: string) =>
    `must name a pipeline defined under \`pipelines:\` (${names.join(", ")}): current value is ` +
    `${JSON.stringify(value)}${didYouMean(value, names)}`;
  if (file.pipeline !== undefined && !names.includes(file.pipeline)) {
    issues.push({ path: ["pipeline"], message: pipelineRule(file.pipeline) });
  }
  if (defaultPipelineName(file) === undefined) {
    issues.push({
      path: ["pipelines"],
      atKey: true,
      message: `must contain a pipeline named \`default\` or be paired with \`pipeline: <name>\` when it defines ` +
        `several: current names are ${names.join(", ")}`,
    });
  }
  (file.select ?? []).forEach((selector, i) => {
    if (selector.wp === undefined && selector.tag === undefined) {
      issues.push({
        path: ["select", i],
        message: "must have `wp` (a glob on the WP id) or `tag`: current value has neither",
      });
    }
    if (!names.includes(selector.pipeline)) {
      issues.push({ path: ["select", i, "pipeline"], message: pipelineRule(selector.pipeline) });
    }
  });
  return issues;
}
