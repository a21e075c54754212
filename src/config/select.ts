/**
 * Pipeline selection (pure): which pipeline handles a WP.
 *
 * Selectors are tried in file order and the first match wins; a selector with both `wp` and
 * `tag` needs both to match. When none matches, the default pipeline applies.
 *
 * @module
 */
import { InternalError } from "../domain/errors.ts";
import { globToRegExp } from "./glob.ts";
import type { PipelineConfig, PipelineSelector, ResolvedConfig } from "../domain/config.ts";

/** What selection looks at for one WP. */
export interface WpFacts {
  readonly wpId: string;
  /** The WP frontmatter `tags` (empty when it has none). */
  readonly tags: readonly string[];
}

/** True when `selector` matches the WP. */
export function selectorMatches(selector: PipelineSelector, wp: WpFacts): boolean {
  if (selector.wp === undefined && selector.tag === undefined) return false;
  if (selector.wp !== undefined && !globToRegExp(selector.wp).test(wp.wpId)) return false;
  if (selector.tag !== undefined && !wp.tags.includes(selector.tag)) return false;
  return true;
}

/**
 * The pipeline for a WP: the first matching selector's, else the default one.
 *
 * @throws {InternalError} when the config names a pipeline it does not define (resolution prevents it).
 */
export function pipelineFor(config: ResolvedConfig, wp: WpFacts): PipelineConfig {
  const name = config.selectors.find((s) => selectorMatches(s, wp))?.pipeline ?? config.defaultPipeline;
  const pipeline = config.pipelines[name];
  if (pipeline === undefined) {
    throw new InternalError(`Cannot select pipeline as it must be defined: current value is ${JSON.stringify(name)}`);
  }
  return pipeline;
}
