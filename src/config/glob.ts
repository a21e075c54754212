/**
 * The glob dialect of `select[].wp`: `*` (any run of characters), `?` (one character) and
 * `[...]` classes with ranges and `!`/`^` negation. It matches the whole WP id, case-sensitively.
 *
 * @module
 */

/** Characters a WP glob may contain. */
const GLOB_CHARS = /^[A-Za-z0-9*?[\]!^-]+$/;
const CHARS_RULE = "must contain only letters, digits and * ? [ ] ! ^ -";
const CLOSE_RULE = "must close every '[' with ']'";
const RANGE_RULE = "must use upward ranges in classes, like [1-3]";

/**
 * Compiles a WP glob to an anchored regular expression.
 *
 * @throws {RangeError} when the glob has an unclosed `[` or characters outside `A-Z a-z 0-9 * ? [ ] ! ^ -`.
 */
export function globToRegExp(glob: string): RegExp {
  const fail = (rule: string) =>
    new RangeError(`Cannot use glob as it ${rule}: current value is ${JSON.stringify(glob)}`, { cause: rule });
  if (!GLOB_CHARS.test(glob)) throw fail(CHARS_RULE);
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === "*") source += ".*";
    else if (c === "?") source += ".";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 2);
      if (end < 0) throw fail(CLOSE_RULE);
      let body = glob.slice(i + 1, end);
      if (body.startsWith("!") || body.startsWith("^")) body = "^" + body.slice(1);
      source += `[${body.replaceAll("]", "\\]")}]`;
      i = end;
    } else source += c.replace(/[\]^-]/g, "\\$&");
  }
  try {
    return new RegExp(`^${source}$`);
  } catch {
    throw fail(RANGE_RULE);
  }
}

/** The rule `glob` breaks ("must ..."), or undefined when it compiles. */
export function globProblem(glob: string): string | undefined {
  try {
    globToRegExp(glob);
    return undefined;
  } catch (error) {
    return String((error as Error).cause);
  }
}
