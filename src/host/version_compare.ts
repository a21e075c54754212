/**
 * A small, forgiving version parser for contract and provider versions.
 *
 * Hosts are Python packages, so versions arrive in PEP 440 shapes (`1.4.0rc1`, `1.3.0.dev3`)
 * as well as semver shapes (`1.4.0-beta.2`). The reference orchestrator crashed on those
 * (weakness 17); here anything with a leading `major[.minor[.patch]]` parses, and whatever
 * follows is kept as a pre-release tag that sorts before the plain release.
 *
 * Why ours and not a library: semver packages reject PEP 440 shapes (`1.3.0.dev3`, `1.4.0rc1`)
 * and PEP 440 packages are Python's; we need exactly the forgiving order above (any leading
 * numeric core, a tag before the release) for a handful of range checks, not either grammar.
 *
 * @module
 */

/** A parsed version: numeric core plus an optional pre-release tag. */
export interface ParsedVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** The pre-release/dev tag (`rc1`, `beta.2`, `dev3`), or null for a release. */
  readonly pre: string | null;
  /** The input, trimmed. */
  readonly raw: string;
}

const VERSION_RE = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:([-.+_])?([0-9A-Za-z][0-9A-Za-z.+_-]*))?$/;

/** Parses `text`; returns null when it has no numeric `major[.minor[.patch]]` core. */
export function parseVersion(text: string): ParsedVersion | null {
  const raw = text.trim();
  const m = VERSION_RE.exec(raw);
  if (m === null) return null;
  const num = (s: string | undefined): number => (s === undefined ? 0 : Number.parseInt(s, 10));
  const sep = m[4];
  const tag = m[5]?.replace(/\+.*$/, "");
  // A `+local` build suffix (PEP 440 / semver build metadata) and a fourth numeric component
  // (`1.3.0.1`) do not make it a pre-release.
  const release = tag === undefined || tag === "" || sep === "+" || (sep === "." && /^\d+$/.test(tag));
  return { major: num(m[1]), minor: num(m[2]), patch: num(m[3]), pre: release ? null : tag, raw };
}

/** Orders pre-release tags: numeric runs compare as numbers, the rest as text (`rc2` < `rc10`). */
function comparePre(a: string, b: string): number {
  const pa = a.match(/\d+|[^\d]+/g) ?? [];
  const pb = b.match(/\d+|[^\d]+/g) ?? [];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) {
      const d = Number.parseInt(x, 10) - Number.parseInt(y, 10);
      if (d !== 0) return Math.sign(d);
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

/** Compares two parsed versions: negative, zero or positive. A pre-release sorts before its release. */
export function compareParsed(a: ParsedVersion, b: ParsedVersion): number {
  if (a.major !== b.major) return Math.sign(a.major - b.major);
  if (a.minor !== b.minor) return Math.sign(a.minor - b.minor);
  if (a.patch !== b.patch) return Math.sign(a.patch - b.patch);
  if (a.pre === null && b.pre === null) return 0;
  if (a.pre === null) return 1;
  if (b.pre === null) return -1;
  return comparePre(a.pre, b.pre);
}

/**
 * Compares two version strings; returns null when either does not parse, so callers decide
 * what an unreadable version means instead of crashing.
 */
export function compareVersions(a: string, b: string): number | null {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  if (pa === null || pb === null) return null;
  return compareParsed(pa, pb);
}
