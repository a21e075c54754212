/**
 * Turns zod issues into {@link ConfigIssue}s whose messages name the rule and the actual value,
 * in our words rather than zod's ("must be a list: current value is the string \"codex\"").
 *
 * @module
 */
import { z } from "zod";
import { didYouMean } from "./suggest.ts";

/** One problem in the file, located by its field path. */
export interface ConfigIssue {
  /** Field path in the file, e.g. `["pipelines", "default", "implement", "agents", 1]`. */
  readonly path: readonly PropertyKey[];
  /** The rule and the actual value, e.g. "must be a list: current value is \"codex\"". */
  readonly message: string;
  /** Point at the key rather than the value (unknown keys, bad map keys). */
  readonly atKey?: boolean;
}

/**
 * Marks messages zod produced by itself; pass as the per-parse `error` option so schema-level
 * messages (our rules) can be told apart from zod defaults without reading prose.
 */
export const ZOD_DEFAULT = "\u0000zod-default";

/** Formats a path as `pipelines.default.implement.agents[1]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(String(key))) out += out === "" ? String(key) : `.${String(key)}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out === "" ? "(top level)" : out;
}

/** Describes a value for "current value is ..." (truncated). */
export function describeValue(value: unknown): string {
  const cut = (s: string) => (s.length > 60 ? s.slice(0, 57) + "..." : s);
  if (value === undefined) return "missing";
  if (value === null) return "empty (null)";
  if (typeof value === "string") return JSON.stringify(cut(value));
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `the list ${cut(JSON.stringify(value))}`;
  return `a mapping ${cut(JSON.stringify(value) ?? "")}`;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let node = input;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/** The keys the schema allows at `path` (for "did you mean"), or [] when it is not an object. */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let node: z.ZodType | undefined = schema;
  const unwrap = () => {
    while (node instanceof z.ZodOptional || node instanceof z.ZodNullable) node = node.unwrap() as z.ZodType;
  };
  for (const key of path) {
    unwrap();
    if (node instanceof z.ZodObject) node = (node.shape as Record<string, z.ZodType>)[String(key)];
    else if (node instanceof z.ZodRecord) node = node.valueType as z.ZodType;
    else if (node instanceof z.ZodArray) node = node.element as z.ZodType;
    else return [];
  }
  unwrap();
  return node instanceof z.ZodObject ? Object.keys(node.shape) : [];
}

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  record: "a mapping",
  null: "null",
};

/**
 * A string that should have been a list, as the YAML flow list it most likely meant: split into
 * words like a shell would (quotes group words), each item quoted when YAML needs it.
 * `spec-kitty --foo` → `[spec-kitty, --foo]` (not `[spec-kitty --foo]`, a one-item list).
 */
export function yamlFlowList(text: string): string {
  return yamlList(splitWords(text));
}

/** `items` as a YAML flow list, each quoted when YAML needs it: `[spec-kitty, --foo, "a b"]`. */
export function yamlList(items: readonly string[]): string {
  return `[${items.map(yamlScalar).join(", ")}]`;
}

/** Shell-like word split: whitespace separates, single and double quotes group, no escapes inside single quotes. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote !== null) {
      if (ch === quote) quote = null;
      else if (ch === "\\" && quote === '"' && i + 1 < text.length) word += text[++i]!;
      else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      word ??= "";
    } else if (/\s/.test(ch)) {
      if (word !== null) words.push(word);
      word = null;
    } else if (ch === "\\" && i + 1 < text.length) {
      word = (word ?? "") + text[++i]!;
    } else {
      word = (word ?? "") + ch;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

/** `item` as a YAML flow-sequence item: plain when safe, else double-quoted. */
function yamlScalar(item: string): string {
  const plainSafe = /^[A-Za-z0-9_./~+=-][A-Za-z0-9_./~@%+=:-]*$/.test(item) && !/: /.test(item) &&
    !/^(true|false|yes|no|on|off|null|~|[0-9.+-]+)$/i.test(item);
  return plainSafe ? item : JSON.stringify(item);
}

function hint(expected: string, value: unknown): string {
  if (expected === "boolean" && typeof value === "string" && /^(yes|no|on|off|true|false)$/i.test(value)) {
    return "; write true or false without quotes";
  }
  if (expected === "array" && typeof value === "string") return `; write a list, e.g. ${yamlFlowList(value)}`;
  return "";
}

function rule(issue: z.core.$ZodIssue): string {
  const custom = issue.message !== ZOD_DEFAULT ? issue.message : undefined;
  switch (issue.code) {
    case "invalid_type":
      return custom ?? `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case "invalid_value": {
      const values = issue.values.map((v) => `\`${String(v)}\``);
      const base = values.length === 1 ? `must be ${values[0]}` : `must be one of ${values.join(", ")}`;
      return custom ?? base;
    }
    case "too_small": {
      const n = Number(issue.minimum);
      if (issue.origin === "array") return `must have at least ${n} item${n === 1 ? "" : "s"}`;
      if (issue.origin === "string") return n === 1 ? "must not be empty" : `must be at least ${n} characters`;
      return `must be ${issue.inclusive ? "at least" : "greater than"} ${n}`;
    }
    case "too_big": {
      const n = Number(issue.maximum);
      if (issue.origin === "array") return `must have at most ${n} item${n === 1 ? "" : "s"}`;
      if (issue.origin === "string") return `must be at most ${n} characters`;
      return `must be ${issue.inclusive ? "at most" : "less than"} ${n}`;
    }
    case "invalid_union":
      return custom ?? "does not match any allowed form";
    default:
      return custom ?? `is invalid (${issue.code})`;
  }
}

/** Converts zod issues into config issues; `input` is the parsed YAML, for actual values. */
export function fromZodIssues(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  schema: z.ZodType,
): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    const path = issue.path as PropertyKey[];
    if (issue.code === "unrecognized_keys") {
      const known = knownKeysAt(schema, path);
      for (const key of issue.keys) {
        const suggestion = didYouMean(key, known);
        out.push({
          path: [...path, key],
          atKey: true,
          message: `is not a known key${suggestion || (known.length > 0 ? `; known keys: ${known.join(", ")}` : "")}`,
        });
      }
      continue;
    }
    if (issue.code === "invalid_key") {
      const inner = issue.issues.find((i) => i.message !== ZOD_DEFAULT)?.message ?? "is not an allowed key";
      out.push({ path, atKey: true, message: `${inner}: current value is ${describeValue(path.at(-1))}` });
      continue;
    }
    const value = valueAt(input, path);
    if (value === undefined) {
      out.push({ path, message: "is required" });
      continue;
    }
    const expected = issue.code === "invalid_type" ? issue.expected : "";
    const suggestion = issue.code === "invalid_value" && typeof value === "string"
      ? didYouMean(value, issue.values.map(String))
      : issue.code === "custom"
      ? String(issue.params?.suggestion ?? "")
      : "";
    out.push({
      path,
      message: `${rule(issue)}: current value is ${describeValue(value)}${hint(expected, value)}${suggestion}`,
    });
  }
  return out;
}
