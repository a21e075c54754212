/**
 * The one module that writes to the terminal.
 *
 * Every other module emits text or events through a {@link Terminal}; lint bans `console`
 * everywhere else. The terminal decides, once, between three modes:
 *
 * - TTY: colour (unless `NO_COLOR` is set) and live redraws are allowed;
 * - plain (cron, pipes): timestamped lines, no colour, no redraws;
 * - `--json`: NDJSON events on stdout; human text goes to stderr so stdout stays machine-readable.
 *
 * Every human line passes {@link escapeForTerminal}: a control character that reached it
 * unescaped (foreign text a boundary missed) is shown, never obeyed.
 *
 * @module
 */
import { escapeForTerminal, stringifyJson } from "../core/escape.ts";

/** A sink for text; the real one writes to a file descriptor, tests use {@link memoryTerminal}. */
export interface TextSink {
  /** Writes the text as-is (no newline added). */
  write(text: string): void;
}

/** Output modes and styling; see the module doc. */
export interface Terminal {
  /** True in `--json` mode. */
  readonly json: boolean;
  /** True when stdout is an interactive terminal (and not in JSON mode). */
  readonly isTty: boolean;
  /** True when colour escape codes may be used. */
  readonly color: boolean;
  /** A human line. In JSON mode it goes to stderr; in plain mode it gets a timestamp when `stamp` is set. */
  line(text: string, options?: { stamp?: boolean }): void;
  /** A warning line on stderr. */
  warn(text: string): void;
  /** An error line on stderr. */
  error(text: string): void;
  /** A machine event: one NDJSON line on stdout in JSON mode, ignored otherwise. */
  event(event: Record<string, unknown>): void;
  /** Prints a JSON document (pretty) on stdout; used by `--json` summaries and `schema`. */
  printJson(value: unknown): void;
  /** Prints raw text on stdout (e.g. a schema or a config dump). */
  raw(text: string): void;
  /** Rewrites the live area (TTY only; a no-op elsewhere). */
  live(lines: readonly string[]): void;
  /** Renders rows as an aligned table. */
  table(headers: readonly string[], rows: readonly (readonly string[])[]): string;
  /** Styling helpers that return plain text when colour is off. */
  readonly style: Style;
}

/** Colour helpers; each returns the text unchanged when colour is off. */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

/** Options for {@link createTerminal}. */
export interface TerminalOptions {
  /** JSON mode (`--json`). @default false */
  json?: boolean;
  /** Force TTY detection (tests). */
  isTty?: boolean;
  /** Force colour on/off; default: TTY and no `NO_COLOR`. */
  color?: boolean;
  /** Where stdout text goes. @default Deno.stdout */
  stdout?: TextSink;
  /** Where stderr text goes. @default Deno.stderr */
  stderr?: TextSink;
  /** Clock for timestamps. @default () => new Date() */
  now?: () => Date;
}

const encoder = new TextEncoder();

function fdSink(file: { writeSync(p: Uint8Array): number }): TextSink {
  return {
    write(text: string) {
      const bytes = encoder.encode(text);
      let offset = 0;
      while (offset < bytes.length) {
        try {
          offset += file.writeSync(bytes.subarray(offset));
        } catch {
          // A closed pipe (e.g. `| head`) must not crash the orchestrator mid-run.
          return;
        }
      }
    },
  };
}

function makeStyle(enabled: boolean): Style {
  const wrap = (open: number, close: number) => (text: string) => enabled ? `\x1b[${open}m${text}\x1b[${close}m` : text;
  return {
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
  };
}

/** Renders an aligned text table (no colour, so widths are exact). */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const fmt = (cells: readonly string[]) => cells.map((c, i) => (c ?? "").padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  return [fmt(headers), fmt(widths.map((w) => "-".repeat(w))), ...rows.map(fmt)].join("\n");
}

/** Creates the process terminal (or a test one when sinks are given). */
export function createTerminal(options: TerminalOptions = {}): Terminal {
  const json = options.json ?? false;
  const stdout = options.stdout ?? fdSink(Deno.stdout);
  const stderr = options.stderr ?? fdSink(Deno.stderr);
  const isTty = !json && (options.isTty ?? safeIsTty());
  const noColor = safeEnv("NO_COLOR") !== undefined && safeEnv("NO_COLOR") !== "";
  const color = options.color ?? (isTty && !noColor);
  const now = options.now ?? (() => new Date());
  const style = makeStyle(color);
  let liveHeight = 0;

  const clearLive = () => {
    if (liveHeight > 0) {
      stdout.write(`\x1b[${liveHeight}A\x1b[0J`);
      liveHeight = 0;
    }
  };
  const human = (raw: string) => {
    const text = escapeForTerminal(raw);
    if (json) stderr.write(text + "\n");
    else {
      clearLive();
      stdout.write(text + "\n");
    }
  };

  return {
    json,
    isTty,
    color,
    style,
    line(text, opts = {}) {
      const stamp = opts.stamp && !isTty ? `${now().toISOString()} ` : "";
      human(stamp + text);
    },
    warn(text) {
      clearLive();
      stderr.write(style.yellow(`warning: ${escapeForTerminal(text)}`) + "\n");
    },
    error(text) {
      clearLive();
      stderr.write(style.red(`error: ${escapeForTerminal(text)}`) + "\n");
    },
    event(event) {
      if (json) stdout.write(stringifyJson(event) + "\n");
    },
    printJson(value) {
      stdout.write(stringifyJson(value, 2) + "\n");
    },
    raw(text) {
      // Machine output (envelopes, schema): written as is, JSON already escapes its controls.
      stdout.write(text.endsWith("\n") ? text : text + "\n");
    },
    live(lines) {
      if (!isTty) return;
      clearLive();
      if (lines.length > 0) stdout.write(lines.map(escapeForTerminal).join("\n") + "\n");
      liveHeight = lines.length;
    },
    table: renderTable,
  };
}

/** A terminal that records everything, for tests. */
export function memoryTerminal(options: Omit<TerminalOptions, "stdout" | "stderr"> = {}): Terminal & {
  readonly out: string[];
  readonly err: string[];
  text(): string;
} {
  const out: string[] = [];
  const err: string[] = [];
  const term = createTerminal({
    isTty: false,
    color: false,
    ...options,
    stdout: { write: (t) => void out.push(t) },
    stderr: { write: (t) => void err.push(t) },
  });
  return Object.assign(term, { out, err, text: () => out.join("") + err.join("") });
}

function safeIsTty(): boolean {
  try {
    return Deno.stdout.isTerminal();
  } catch {
    return false;
  }
}

function safeEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}
