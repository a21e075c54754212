/**
 * POSIX shell quoting for commands we show to agents (never for commands we run: we spawn
 * argv arrays, never through a shell).
 *
 * @module
 */

/** Quotes one word for a POSIX shell; safe words are left as they are. */
export function shellQuote(word: string): string {
  if (word !== "" && /^[A-Za-z0-9_./:=@%+,-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Quotes and joins an argv for display. */
export function shellJoin(argv: readonly string[]): string {
  return argv.map(shellQuote).join(" ");
}
