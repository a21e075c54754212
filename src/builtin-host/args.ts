/**
 * A small Click-compatible option parser for the built-in host's subcommands.
 *
 * The real host is a Click application; providers see Click's messages in `USAGE_ERROR`
 * envelopes ("Missing option '--mission'.", "No such option '--feature'."), so this parser
 * reproduces Click's rules: `--opt value` and `--opt=value`, a value option consumes the next
 * token whatever it looks like, the last repetition wins, unknown options fail in order of
 * appearance, missing required options are reported in declaration order.
 *
 * @module
 */
import { HostFailure } from "./failure.ts";

/** How an option takes input. */
export type OptionKind =
  /** `--name <value>`. */
  | "value"
  /** `--name` alone, true when present. */
  | "flag"
  /** `--name` / `--no-name`, undefined when neither is given. */
  | "negatable";

/** One option of a subcommand. */
export interface OptionSpec {
  /** The long name without dashes, e.g. `mission`. */
  readonly name: string;
  readonly kind: OptionKind;
  readonly required?: boolean;
}

/** Parsed options keyed by long name (without dashes). */
export type ParsedOptions = Record<string, string | boolean | undefined>;

/** A parse result: the options, or a request for help. */
export type ParseResult = { help: true } | { help: false; options: ParsedOptions };

/** A Click-style usage failure (exit 2). */
export function usageError(message: string): HostFailure {
  return new HostFailure("USAGE_ERROR", message, {}, 2);
}

/**
 * Parses `argv` against `specs`.
 *
 * @throws {HostFailure} `USAGE_ERROR` (exit 2) with Click's message for unknown options, missing
 *   values, unexpected arguments and missing required options.
 */
export function parseOptions(specs: readonly OptionSpec[], argv: readonly string[]): ParseResult {
  const byFlag = new Map<string, { spec: OptionSpec; value: boolean | null }>();
  for (const spec of specs) {
    byFlag.set(`--${spec.name}`, { spec, value: spec.kind === "value" ? null : true });
    if (spec.kind === "negatable") byFlag.set(`--no-${spec.name}`, { spec, value: false });
  }
  const options: ParsedOptions = {};
  const extra: string[] = [];
  let i = 0;
  let onlyArgs = false;
  while (i < argv.length) {
    const token = argv[i] ?? "";
    i++;
    if (onlyArgs || token === "-" || !token.startsWith("-")) {
      extra.push(token);
      continue;
    }
    if (token === "--") {
      onlyArgs = true;
      continue;
    }
    if (token === "--help") return { help: true };
    const eq = token.startsWith("--") ? token.indexOf("=") : -1;
    const flag = eq === -1 ? token : token.slice(0, eq);
    const match = byFlag.get(flag);
    if (match === undefined) throw usageError(`No such option '${flag}'.`);
    if (match.value === null) {
      if (eq !== -1) {
        options[match.spec.name] = token.slice(eq + 1);
      } else if (i < argv.length) {
        options[match.spec.name] = argv[i] ?? "";
        i++;
      } else {
        throw usageError(`Option '${flag}' requires an argument.`);
      }
    } else {
      if (eq !== -1) throw usageError(`Option '${flag}' does not take a value.`);
      options[match.spec.name] = match.value;
    }
  }
  if (extra.length > 0) {
    const word = extra.length === 1 ? "argument" : "arguments";
    throw usageError(`Got unexpected extra ${word} (${extra.join(" ")})`);
  }
  for (const spec of specs) {
    if (spec.required && options[spec.name] === undefined) throw usageError(`Missing option '--${spec.name}'.`);
  }
  return { help: false, options };
}

/** Reads a string option (undefined when absent). */
export function str(options: ParsedOptions, name: string): string | undefined {
  const value = options[name];
  return typeof value === "string" ? value : undefined;
}

/** Reads a required string option (the parser has already enforced presence). */
export function req(options: ParsedOptions, name: string): string {
  const value = options[name];
  if (typeof value !== "string") throw usageError(`Missing option '--${name}'.`);
  return value;
}

/** Reads a boolean option: true/false when given, undefined when absent. */
export function bool(options: ParsedOptions, name: string): boolean | undefined {
  const value = options[name];
  return typeof value === "boolean" ? value : undefined;
}

/** One-line usage text for `--help`. */
export function usageText(command: string, specs: readonly OptionSpec[]): string {
  const parts = specs.map((s) => {
    const flag = s.kind === "negatable" ? `--${s.name}/--no-${s.name}` : `--${s.name}`;
    const text = s.kind === "value" ? `${flag} TEXT` : flag;
    return s.required ? text : `[${text}]`;
  });
  return `Usage: ${command} ${parts.join(" ")}\n`;
}
