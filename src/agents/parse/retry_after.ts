/**
 * Turns the reset times agent CLIs print into a delay in ms (docs/agents.md "Retry-after
 * times"). Times in the past give undefined: the caller then uses its own backoff.
 *
 * Zone and calendar maths are `Temporal`'s (built into Deno): a wall-clock time in an IANA zone,
 * and "tomorrow" as a calendar day, which a fixed `+24h` gets wrong across a DST change.
 *
 * @module
 */

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** The delay until `epochMs`, or undefined when it is not in the future. */
export function delayUntil(epochMs: number, nowMs: number): number | undefined {
  return Number.isFinite(epochMs) && epochMs > nowMs ? Math.ceil(epochMs - nowMs) : undefined;
}

/**
 * The UTC instant of a wall-clock time in `tz` (a time skipped by a DST change moves forward, as
 * `Temporal`'s "compatible" disambiguation does); undefined for an unknown zone or no such date.
 */
export function zonedToEpochMs(
  y: number,
  month0: number,
  d: number,
  h: number,
  min: number,
  tz: string,
): number | undefined {
  try {
    const date = Temporal.PlainDate.from({ year: y, month: month0 + 1, day: d }, { overflow: "reject" });
    return date.toZonedDateTime({ timeZone: tz, plainTime: { hour: h, minute: min } }).epochMilliseconds;
  } catch {
    return undefined; // RangeError: an unknown zone or an impossible date
  }
}

/** The calendar date of `nowMs` in `tz`; undefined for an unknown zone. */
function todayIn(nowMs: number, tz: string): Temporal.PlainDate | undefined {
  try {
    return Temporal.Instant.fromEpochMilliseconds(nowMs).toZonedDateTimeISO(tz).toPlainDate();
  } catch {
    return undefined;
  }
}

/**
 * The next instant after `nowMs` at wall-clock `h:min` in `tz`: today's, or else tomorrow's.
 * Tomorrow is a calendar day, not 24 hours: across a DST change the day has 23 or 25 hours.
 */
function nextWallClock(nowMs: number, h: number, min: number, tz: string): number | undefined {
  const today = todayIn(nowMs, tz);
  if (today === undefined) return undefined;
  const at = (date: Temporal.PlainDate) => zonedToEpochMs(date.year, date.month - 1, date.day, h, min, tz);
  const first = at(today);
  return first !== undefined && first <= nowMs ? at(today.add({ days: 1 })) : first;
}

function hour24(h: number, ampm: string): number {
  const pm = ampm.toLowerCase() === "pm";
  return (h % 12) + (pm ? 12 : 0);
}

/** Claude's "resets 3pm (UTC)" / "resets Apr 24, 4am (Asia/Tokyo)". */
function claudeReset(text: string, nowMs: number): number | undefined {
  const m = /resets (?:([A-Za-z]{3})[a-z]* (\d{1,2}), )?(\d{1,2})(?::(\d{2}))?\s*(am|pm) \(([A-Za-z0-9_/+-]+)\)/i.exec(
    text,
  );
  if (!m) return undefined;
  const tz = m[6] ?? "UTC";
  const h = hour24(Number(m[3]), m[5] ?? "am");
  const min = Number(m[4] ?? 0);
  if (m[1] !== undefined) {
    const month0 = MONTHS.indexOf(m[1].toLowerCase());
    if (month0 < 0) return undefined;
    const year = todayIn(nowMs, tz)?.year;
    if (year === undefined) return undefined;
    let at = zonedToEpochMs(year, month0, Number(m[2]), h, min, tz);
    if (at !== undefined && at <= nowMs) at = zonedToEpochMs(year + 1, month0, Number(m[2]), h, min, tz);
    return at === undefined ? undefined : delayUntil(at, nowMs);
  }
  const at = nextWallClock(nowMs, h, min, tz);
  return at === undefined ? undefined : delayUntil(at, nowMs);
}

/** Codex's "try again at 10:03 PM" / "try again at Apr 28th, 2026 10:03 PM" (we run Codex with TZ=UTC). */
function codexTryAgainAt(text: string, nowMs: number): number | undefined {
  const m = /try again at (?:([A-Za-z]{3})[a-z]* (\d{1,2})(?:st|nd|rd|th)?, (\d{4}) )?(\d{1,2}):(\d{2}) ?(AM|PM)/i.exec(
    text,
  );
  if (!m) return undefined;
  const h = hour24(Number(m[4]), m[6] ?? "AM");
  const min = Number(m[5]);
  if (m[1] !== undefined) {
    const month0 = MONTHS.indexOf(m[1].toLowerCase());
    if (month0 < 0) return undefined;
    return delayUntil(Date.UTC(Number(m[3]), month0, Number(m[2]), h, min), nowMs);
  }
  const at = nextWallClock(nowMs, h, min, "UTC");
  return at === undefined ? undefined : delayUntil(at, nowMs);
}

/** Finds a retry delay in a CLI's message; undefined when it names none (or one in the past). */
export function retryAfterFromText(text: string, nowMs: number): number | undefined {
  const secs = /retry in (\d+(?:\.\d+)?)\s*s\b/i.exec(text) ??
    /try again in (\d+(?:\.\d+)?)\s*s(ec(ond)?s?)?\b/i.exec(text);
  if (secs) return Math.ceil(Number(secs[1]) * 1000);
  const legacy = /\|(\d{10})\b/.exec(text);
  if (legacy) return delayUntil(Number(legacy[1]) * 1000, nowMs);
  return claudeReset(text, nowMs) ?? codexTryAgainAt(text, nowMs);
}
