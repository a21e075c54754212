/**
 * The one place that makes foreign text (from an agent, a host, a file) safe to show.
 *
 * A terminal acts on control characters: `ESC ] 0 ; … BEL` retitles the window, `ESC [ 2 J`
 * clears the screen, a carriage return overwrites the line, bidi overrides reorder it. Foreign
 * text is therefore shown with every such character replaced by a visible escape (`\x1b`,
 * `\x07`, `\r`, `\u202e`), at every boundary where it reaches the terminal, a log or a report.
 * Cutting is done on whole characters and whole escapes ({@link clipForeign}), so a cut never
 * leaves half an escape (`\x1` …) or half a surrogate pair.
 *
 * @module
 */

/** The controls beyond C0: DEL, C1, bidi embeddings/overrides/isolates, line/paragraph separators, BOM. */
const BEYOND_C0 = "\\u007f-\\u009f\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069\\ufeff";
/** C0 controls and {@link BEYOND_C0}: every character a terminal may act on. */
const CONTROL = new RegExp(`[\\u0000-\\u001f${BEYOND_C0}]`);

/** The visible form of one control character. */
function escapeChar(ch: string): string {
  switch (ch) {
    case "\n":
      return "\\n";
    case "\r":
      return "\\r";
    case "\t":
      return "\\t";
  }
  const code = ch.codePointAt(0)!;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** Options of {@link escapeForeign}. */
export interface EscapeOptions {
  /** Keep `\n` (multi-line text such as a code frame or a log excerpt). @default false */
  keepNewlines?: boolean;
  /** Keep `\t`. @default false */
  keepTabs?: boolean;
}

/** The text split into display units: a whole escape or one whole character (code point). */
function units(text: string, options: EscapeOptions): string[] {
  const out: string[] = [];
  for (const ch of text) {
    if ((ch === "\n" && options.keepNewlines) || (ch === "\t" && options.keepTabs) || !CONTROL.test(ch)) out.push(ch);
    else out.push(escapeChar(ch));
  }
  return out;
}

/**
 * `text` with every control character shown as a visible escape (one line by default: `\n` is
 * escaped too). Text without control characters is returned unchanged.
 */
export function escapeForeign(text: string, options: EscapeOptions = {}): string {
  if (!CONTROL.test(text)) return text;
  return units(text, options).join("");
}

/** True when `text` holds a character {@link escapeForeign} would escape. */
export function hasControl(text: string): boolean {
  return CONTROL.test(text);
}

/**
 * Escapes `text` and cuts it to at most `max` characters (UTF-16 units, as `String.length`),
 * ending with `…` when cut. Cuts between whole escapes and whole characters only.
 */
export function clipForeign(text: string, max: number, options: EscapeOptions = {}): string {
  const parts = units(text, options);
  const full = parts.join("");
  if (full.length <= max) return full;
  let out = "";
  for (const part of parts) {
    if (out.length + part.length > max - 1) break;
    out += part;
  }
  return out + "…";
}

/**
 * Defence in depth for the terminal: escapes every control character of `text` except `\n`,
 * `\t` and our own colour sequences (SGR, `ESC [ digits ; m`). Boundaries escape foreign text
 * fully with {@link escapeForeign}; this catches whatever a boundary missed.
 */
export function escapeForTerminal(text: string): string {
  if (!CONTROL.test(text.replaceAll("\n", "").replaceAll("\t", ""))) return text;
  let out = "";
  for (let i = 0; i < text.length;) {
    // deno-lint-ignore no-control-regex -- our own colour sequences pass
    const sgr = /^\x1b\[[0-9;]*m/.exec(text.slice(i, i + 32));
    if (sgr !== null) {
      out += sgr[0];
      i += sgr[0].length;
      continue;
    }
    const ch = String.fromCodePoint(text.codePointAt(i)!);
    out += ch === "\n" || ch === "\t" || !CONTROL.test(ch) ? ch : escapeChar(ch);
    i += ch.length;
  }
  return out;
}

/** What JSON.stringify leaves raw that a terminal acts on (it escapes C0 itself). */
const JSON_RAW_CONTROL = new RegExp(`[${BEYOND_C0}]`, "g");

/**
 * `JSON.stringify(value, null, space)` with every control character written as a `\uXXXX`
 * escape. JSON.stringify escapes C0 controls but leaves DEL, C1 (`\u009b` is a CSI on many
 * terminals), bidi overrides and line separators raw; escaped, the text parses back to the same
 * value and cannot act on a terminal that shows `--json` output.
 */
export function stringifyJson(value: unknown, space?: number): string {
  return (JSON.stringify(value, null, space) ?? "null").replace(
    JSON_RAW_CONTROL,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
