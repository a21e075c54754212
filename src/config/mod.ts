/**
 * The configuration module's public surface. The engine calls {@link loadResolvedConfig} once
 * per run; everything else is for `validate`, `init`, `schema` and tests.
 *
 * @module
 */
import { loadConfigFile } from "./load.ts";
import { parseConfigText } from "./parse.ts";
import { type ConfigFlags, resolveConfig } from "./resolve.ts";
import { DEFAULT_CONFIG_YAML } from "./template.ts";
import type { ResolvedConfig } from "../domain/config.ts";

export type { ConfigFlags } from "./resolve.ts";
export { resolveConfig } from "./resolve.ts";
export { pipelineFor, type WpFacts } from "./select.ts";
export { DEFAULT_CONFIG_YAML } from "./template.ts";
export { DEFAULTS } from "./defaults.ts";
export { CONFIG_CANDIDATES, findConfigFile, loadConfigFile } from "./load.ts";
export { parseConfigText } from "./parse.ts";
export { orchestrationJsonSchema, renderJsonSchema, SCHEMA_URL } from "./json_schema.ts";
export { expandCommand, PLACEHOLDER_NAMES, type PlaceholderName, PLACEHOLDERS } from "./placeholders.ts";
export type * from "../domain/config.ts";

/**
 * Finds, reads, validates and resolves the configuration for `repoRoot` with `flags`
 * (`flags.config` is relative to `cwd`). With no file, the built-in defaults apply.
 *
 * @throws {ConfigError} (exit code 2) listing every problem with file:line:col.
 */
export async function loadResolvedConfig(
  repoRoot: string,
  flags: ConfigFlags,
  cwd: string = Deno.cwd(),
): Promise<ResolvedConfig> {
  const { source, file } = await loadConfigFile(repoRoot, flags.config, cwd);
  return resolveConfig(file, flags, source);
}

/** The configuration with no file and no flags (the documented defaults). */
export function defaultResolvedConfig(): ResolvedConfig {
  return resolveConfig(null, {}, null);
}

/** The configuration `init` writes, resolved (equal to {@link defaultResolvedConfig} but for `source`). */
export function templateResolvedConfig(): ResolvedConfig {
  return resolveConfig(parseConfigText(DEFAULT_CONFIG_YAML, "orchestration.yaml"), {}, null);
}
