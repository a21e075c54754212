/**
 * Placeholders in custom agent commands (`agents.<id>.command`).
 *
 * A brace pair around a name (`{prompt_file}`) is a placeholder; other braces (`{"a": 1}`)
 * are literal text, so JSON arguments need no escaping. Unknown names are rejected when the
 * file is loaded rather than passed to the agent verbatim at 3 a.m.
 *
 * @module
 */

/** Every placeholder a command may use, with what it expands to. */
export const PLACEHOLDERS = {
  prompt_file: "absolute path of a file holding the prompt",
  prompt: "the prompt text itself (one argument)",
  workspace: "absolute path of the WP workspace (the agent's cwd)",
  repo_root: "absolute path of the project root",
  role: "`implement` or `review`",
  wp: "the WP id, e.g. WP01",
  mission: "the mission slug",
} as const;

/** A placeholder name. */
export type PlaceholderName = keyof typeof PLACEHOLDERS;

/** The placeholder names, in documentation order. */
export const PLACEHOLDER_NAMES: readonly PlaceholderName[] = Object.keys(PLACEHOLDERS) as PlaceholderName[];

const PLACEHOLDER_RE = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The placeholder names used in `arg`, known or not, in order of appearance. */
export function placeholdersIn(arg: string): string[] {
  return [...arg.matchAll(PLACEHOLDER_RE)].map((m) => m[1] ?? "");
}

/** True when `name` is a known placeholder. */
export function isPlaceholderName(name: string): name is PlaceholderName {
  return Object.hasOwn(PLACEHOLDERS, name);
}

/**
 * Expands placeholders in every argument. Each argument stays one argv entry (no shell, no
 * splitting), so values with spaces or quotes are safe.
 *
 * @throws {RangeError} when an argument uses an unknown placeholder (the loader rejects those first).
 */
export function expandCommand(
  argv: readonly string[],
  values: Readonly<Record<PlaceholderName, string>>,
): string[] {
  return argv.map((arg) =>
    arg.replace(PLACEHOLDER_RE, (_whole, name: string) => {
      if (!isPlaceholderName(name)) {
        throw new RangeError(
          `Cannot expand command as '{${name}}' is not a known placeholder: current value is ${arg}`,
        );
      }
      return values[name];
    })
  );
}
