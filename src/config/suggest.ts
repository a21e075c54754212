/**
 * "Did you mean" suggestions by edit distance, for unknown keys, agent ids and pipeline names.
 *
 * @module
 */

/** Levenshtein distance between `a` and `b` (case-sensitive). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The candidate closest to `value`, or undefined when none is close enough to be a plausible
 * typo (distance at most a third of the longer string, minimum 1; case differences count as 0),
 * else a candidate `value` abbreviates (`claude` → `claude-code`).
 */
export function closest(value: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = value.toLowerCase();
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(1, Math.floor(Math.max(value.length, best.length) / 3));
  if (bestDistance <= limit) return best;
  if (lower.length < 3) return undefined;
  return [...candidates].find((c) => c.toLowerCase().startsWith(lower));
}

/** ` (did you mean `x`?)`, or "" when nothing is close; ready to append to a message. */
export function didYouMean(value: string, candidates: readonly string[]): string {
  const best = closest(value, candidates);
  return best === undefined ? "" : `; did you mean \`${best}\`?`;
}
