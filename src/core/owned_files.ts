/**
 * Which committed files fall outside a WP's declared `owned_files` / `create_intent` (weakness
 * 13 of the reference: `git add -A` sweeps agent scratch files into the commit). The engine
 * reports them with the WP instead of hiding them; it does not drop them, because leaving them
 * uncommitted would make the host refuse the dirty lane worktree for the next WP.
 *
 * Patterns are repo-relative: `**` spans directories, `*` and `?` stay within one path segment,
 * and a pattern without wildcards matches that file or everything under that directory.
 *
 * @module
 */

function toRegExp(pattern: string): RegExp {
  const p = pattern.replace(/^\.\//, "").replace(/\/+$/, "");
  let source = "";
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === "*" && p[i + 1] === "*") {
      source += p[i + 2] === "/" ? "(?:.*/)?" : ".*";
      i += p[i + 2] === "/" ? 2 : 1;
    } else if (c === "*") source += "[^/]*";
    else if (c === "?") source += "[^/]";
    else source += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  const wild = /[*?]/.test(p);
  return new RegExp(`^${source}${wild ? "" : "(?:/.*)?"}$`);
}

/** True when `path` (repo-relative, `/`-separated) is covered by `pattern`. */
export function pathMatches(pattern: string, path: string): boolean {
  return toRegExp(pattern).test(path.replace(/^\.\//, ""));
}

/** The files not covered by any pattern; empty when the WP declares no patterns (nothing to check). */
export function outsideOwned(files: readonly string[], patterns: readonly string[]): string[] {
  if (patterns.length === 0) return [];
  const res = patterns.map(toRegExp);
  return files.filter((f) => !res.some((re) => re.test(f.replace(/^\.\//, ""))));
}
