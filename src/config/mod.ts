/**
 * The configuration module's public surface. Pure: reading the file is `store/config_file.ts`
 * (`loadResolvedConfig`); this is parsing, resolving, defaults and the schema for `validate`, `init`,
 * `schema` and tests.
 *
 * @module
 */
import { parseConfigText } from "./parse.ts";
import { resolveConfig } from "./resolve.ts";
import { DEFAULT_CONFIG_YAML } from "./template.ts";
import type { ResolvedConfig } from "../domain/config.ts";

export type { ConfigFlags } from "./resolve.ts";
export { resolveConfig } from "./resolve.ts";
export { pipelineFor, type WpFacts } from "./select.ts";
export { DEFAULT_CONFIG_YAML } from "./template.ts";
export { DEFAULTS } from "./defaults.ts";
export { parseConfigText } from "./parse.ts";
export { orchestrationJsonSchema, renderJsonSchema, SCHEMA_URL } from "./json_schema.ts";
export { expandCommand, PLACEHOLDER_NAMES, type PlaceholderName, PLACEHOLDERS } from "./placeholders.ts";
export type * from "../domain/config.ts";

/** The configuration with no file and no flags (the documented defaults). */
export function defaultResolvedConfig(): ResolvedConfig {
  return resolveConfig(null, {}, null);
}

/** The configuration `init` writes, resolved (equal to {@link defaultResolvedConfig} but for `source`). */
export function templateResolvedConfig(): ResolvedConfig {
  return resolveConfig(parseConfigText(DEFAULT_CONFIG_YAML, "orchestration.yaml"), {}, null);
}
