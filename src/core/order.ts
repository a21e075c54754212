/**
 * The one string order of the product: by UTF-16 code unit, the same on every machine.
 *
 * Why not `localeCompare`: it sorts by the ICU collation of the process's default locale, so the
 * order in which WPs are started, listed and reported could differ between a laptop and the cron
 * host; and its first call builds ICU's collator, +3.9 MB of peak RSS in an empty script (Deno
 * 2.9.6, shipped V8 flags). What we sort (`WP01`, mission slugs, agent ids) needs no collation.
 * `test/architecture_test.ts` keeps `localeCompare` out of src/.
 *
 * @module
 */

/** Compares two strings by UTF-16 code unit (a comparator for `Array.prototype.sort`). */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
