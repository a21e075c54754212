import { assertEquals } from "../../../test/support/assert.ts";
import { delayUntil, retryAfterFromText, zonedToEpochMs } from "./retry_after.ts";

const NOW = Date.UTC(2026, 0, 10, 12, 0, 0);

Deno.test("retryAfterFromText() reads 'Please retry in Ns'", () => {
  assertEquals(retryAfterFromText("Please retry in 35.2s.", NOW), 35_200);
});

Deno.test("retryAfterFromText() reads Claude's 'resets 3pm (UTC)' as later today", () => {
  assertEquals(retryAfterFromText("You've hit your limit · resets 3pm (UTC)", NOW), 3 * 3600_000);
});

Deno.test("retryAfterFromText() rolls Claude's past reset hour to tomorrow", () => {
  assertEquals(retryAfterFromText("resets 11am (UTC)", NOW), 23 * 3600_000);
});

Deno.test("retryAfterFromText() honours the IANA zone of a reset time", () => {
  // 4am in Tokyo (UTC+9) on Jan 11 is 19:00 UTC on Jan 10.
  assertEquals(retryAfterFromText("resets Jan 11, 4am (Asia/Tokyo)", NOW), 7 * 3600_000);
});

Deno.test("retryAfterFromText() reads Codex's 'try again at' in UTC", () => {
  assertEquals(retryAfterFromText("or try again at 1:30 PM.", NOW), 90 * 60_000);
  assertEquals(retryAfterFromText("try again at Jan 11th, 2026 12:00 PM.", NOW), 24 * 3600_000);
});

Deno.test("retryAfterFromText() returns undefined for unknown or past times", () => {
  assertEquals(retryAfterFromText("Try again later.", NOW), undefined);
  assertEquals(retryAfterFromText("usage limit reached|1000000000", NOW), undefined);
  assertEquals(retryAfterFromText("resets 3pm (Not/AZone)", NOW), undefined);
});

Deno.test("zonedToEpochMs() handles daylight saving zones", () => {
  assertEquals(zonedToEpochMs(2026, 6, 1, 12, 0, "America/New_York"), Date.UTC(2026, 6, 1, 16, 0));
  assertEquals(delayUntil(NOW - 1, NOW), undefined);
});

Deno.test("retryAfterFromText() rolls a past reset hour to tomorrow's wall clock across a DST change", () => {
  // 2026-03-08 is 23 hours long in New York: 10:00 EDT on Mar 8 is 14:00 UTC, 9:00 EST on Mar 7 is 14:00 UTC.
  const justAfter = Date.UTC(2026, 2, 7, 14, 30); // 9:30 EST on Mar 7: "resets 9am" is tomorrow's 9am EDT
  assertEquals(retryAfterFromText("resets 9am (America/New_York)", justAfter), 22.5 * 3600_000);
  // In autumn the day has 25 hours: 2026-11-01.
  const autumn = Date.UTC(2026, 9, 31, 13, 30); // 9:30 EDT on Oct 31; tomorrow's 9am is EST (14:00 UTC)
  assertEquals(retryAfterFromText("resets 9am (America/New_York)", autumn), 24.5 * 3600_000);
});
