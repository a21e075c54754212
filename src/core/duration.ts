/**
 * Human durations for orchestration.yaml: `30s`, `10m`, `1h`, `1h30m`, `2h15m30s`.
 *
 * Units are `h`, `m` and `s`, largest first, each at most once. Bare numbers are rejected on
 * purpose: `timeout: 30` could mean seconds or minutes, and guessing wrong costs a night's run.
 *
 * Why ours and not a library: `ms` accepts what we refuse on purpose (bare numbers, `1.5h`,
 * days), `Temporal.Duration.from` reads only ISO 8601 (`PT1H30M`), and the same regular
 * expression must serve as the JSON Schema `pattern` so editors validate what we parse.
 *
 * @module
 */

/** The accepted syntax, also used as the JSON Schema `pattern`. */
export const DURATION_PATTERN = /^(?=[0-9])(?:([0-9]{1,4})h)?(?:([0-9]{1,5})m)?(?:([0-9]{1,6})s)?$/;

/** The rule, phrased for error messages. */
export const DURATION_RULE = "must be a duration like `30s`, `10m`, `1h` or `1h30m`";

/**
 * Parses a duration into milliseconds.
 *
 * @example parseDuration("1h30m") === 5_400_000
 * @throws {RangeError} naming the rule and the value when `text` is not a duration.
 */
export function parseDuration(text: string): number {
  const match = DURATION_PATTERN.exec(text);
  if (match === null) {
    throw new RangeError(`Cannot parse duration as it ${DURATION_RULE}: current value is ${JSON.stringify(text)}`);
  }
  const [, h = "0", m = "0", s = "0"] = match;
  return ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000;
}

/** The syntax without digit caps: a duration that is only too long to be a {@link DURATION_PATTERN}. */
const UNCAPPED_PATTERN = /^(?=[0-9])(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?$/;

/**
 * The message for a value that failed {@link DURATION_PATTERN}: the range rule when it is
 * written like a duration but too large for the digit caps (`99999999999h`), else
 * {@link DURATION_RULE}. `range` is the field's bounds in ms, `rangeRule` their wording.
 */
export function durationSyntaxMessage(input: unknown, range: { min: number; max: number }, rangeRule: string): string {
  const match = typeof input === "string" ? UNCAPPED_PATTERN.exec(input) : null;
  if (match === null) return DURATION_RULE;
  const [, h = "0", m = "0", s = "0"] = match;
  const ms = ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000;
  return ms >= range.min && ms <= range.max ? DURATION_RULE : rangeRule;
}

/** True when `text` parses as a duration. */
export function isDuration(text: string): boolean {
  return DURATION_PATTERN.test(text);
}

/**
 * Formats elapsed milliseconds for people, as reports, notifications and the live view print
 * them: `45s`, `12m30s`, `1h05m` (rounded to the second); `?` for a negative or unknown one.
 * Unlike {@link formatDuration} this is not the config syntax and does not read back.
 */
export function formatElapsed(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "?";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/**
 * Formats milliseconds as the shortest duration string (`5400000` → `1h30m`); sub-second
 * remainders are shown as `ms` since they can only come from code, never from the file.
 */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  const millis = ms % 1000;
  let seconds = Math.floor(ms / 1000);
  const h = Math.floor(seconds / 3600);
  seconds -= h * 3600;
  const m = Math.floor(seconds / 60);
  seconds -= m * 60;
  const parts = [
    h > 0 ? `${h}h` : "",
    m > 0 ? `${m}m` : "",
    seconds > 0 ? `${seconds}s` : "",
    millis > 0 ? `${millis}ms` : "",
  ];
  return parts.join("");
}
