/**
 * Validation of identifiers that end up in paths, argv and branch names.
 *
 * Mission slugs, WP ids and subtask ids come from users and from repository content, which
 * may be attacker-controlled (a PR can add a WP file). They are checked against strict
 * patterns before they are used anywhere.
 *
 * @module
 */
import { ConfigError } from "./errors.ts";

/** A mission handle: a directory slug (`001-demo`, `demo-01M7YMXC`) or a mid8/ULID. */
export const MISSION_SLUG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** A work package id: `WP` followed by digits, e.g. `WP01`. */
export const WP_ID_PATTERN = /^WP[0-9]{1,4}$/;
/** A subtask id, e.g. `T001`; the reference orchestrator's safe pattern. */
export const SUBTASK_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

/** True when `slug` is a safe mission handle (no separators, no `..`). */
export function isValidMissionSlug(slug: string): boolean {
  return MISSION_SLUG_PATTERN.test(slug) && !slug.includes("..");
}

/**
 * Returns `slug` when it is a safe mission handle.
 *
 * @throws {ConfigError} naming the rule and the value when it contains `/`, `\`, `..` or other unsafe characters.
 */
export function assertMissionSlug(slug: string, flag = "--mission"): string {
  if (!isValidMissionSlug(slug)) {
    throw new ConfigError(
      `Cannot use '${flag}' as it must be a mission slug of letters, digits, '.', '_' and '-' ` +
        `(no '/', '\\' or '..'): current value is ${JSON.stringify(slug)}`,
      { fix: "Pass the mission directory name under kitty-specs/, e.g. --mission 034-my-feature" },
    );
  }
  return slug;
}

/** True when `id` is a valid WP id. */
export function isValidWpId(id: string): boolean {
  return WP_ID_PATTERN.test(id);
}

/** True when `id` is a safe subtask id. */
export function isValidSubtaskId(id: string): boolean {
  return SUBTASK_ID_PATTERN.test(id);
}
