/**
 * Turns the reset times agent CLIs print into a delay in ms (agent-clis.md §13 "Retry-after
 * extraction"). Times in the past give undefined: the caller then uses its own backoff.
 *
 * @module
 */

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** The delay until `epochMs`, or undefined when it is not in the future. */
export function delayUntil(epochMs: number, nowMs: number): number | undefined {
  return Number.isFinite(epochMs) && epochMs > nowMs ? Math.ceil(epochMs - nowMs) : undefined;
}

/** Offset of `tz` from UTC at instant `t`, in ms; undefined for an unknown zone. */
function zoneOffsetMs(t: number, tz: string): number | undefined {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    }).formatToParts(new Date(t));
  } catch {
    return undefined;
  }
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? NaN);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour") % 24, get("minute"), get("second"));
  return Number.isFinite(asUtc) ? asUtc - Math.floor(t / 1000) * 1000 : undefined;
}

/** The UTC instant of a wall-clock time in `tz`. */
export function zonedToEpochMs(
  y: number,
  month0: number,
  d: number,
  h: number,
  min: number,
  tz: string,
): number | undefined {
  const guess = Date.UTC(y, month0, d, h, min);
  const off1 = zoneOffsetMs(guess, tz);
  if (off1 === undefined) return undefined;
  const off2 = zoneOffsetMs(guess - off1, tz) ?? off1;
  return guess - off2;
}

/** The calendar date of `nowMs` in `tz`. */
function todayIn(nowMs: number, tz: string): { y: number; m: number; d: number } | undefined {
  const off = zoneOffsetMs(nowMs, tz);
  if (off === undefined) return undefined;
  const local = new Date(nowMs + off);
  return { y: local.getUTCFullYear(), m: local.getUTCMonth(), d: local.getUTCDate() };
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
  const today = todayIn(nowMs, tz);
  if (!today) return undefined;
  const h = hour24(Number(m[3]), m[5] ?? "am");
  const min = Number(m[4] ?? 0);
  if (m[1] !== undefined) {
    const month0 = MONTHS.indexOf(m[1].toLowerCase());
    if (month0 < 0) return undefined;
    let at = zonedToEpochMs(today.y, month0, Number(m[2]), h, min, tz);
    if (at !== undefined && at <= nowMs) at = zonedToEpochMs(today.y + 1, month0, Number(m[2]), h, min, tz);
    return at === undefined ? undefined : delayUntil(at, nowMs);
  }
  let at = zonedToEpochMs(today.y, today.m, today.d, h, min, tz);
  if (at !== undefined && at <= nowMs) at += 24 * 3600 * 1000;
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
  const now = new Date(nowMs);
  let at = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), h, min);
  if (at <= nowMs) at += 24 * 3600 * 1000;
  return delayUntil(at, nowMs);
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
