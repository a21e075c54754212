import { assert, assertEquals, assertThrows } from "../../test/support/assert.ts";
import { DURATION_RULE, durationSyntaxMessage, formatDuration, isDuration, parseDuration } from "./duration.ts";

Deno.test("parseDuration() converts h/m/s combinations to milliseconds", () => {
  assertEquals(parseDuration("30s"), 30_000);
  assertEquals(parseDuration("10m"), 600_000);
  assertEquals(parseDuration("1h"), 3_600_000);
  assertEquals(parseDuration("1h30m"), 5_400_000);
  assertEquals(parseDuration("2h15m30s"), 8_130_000);
  assertEquals(parseDuration("0s"), 0);
  assertEquals(parseDuration("90m"), 5_400_000);
});

Deno.test("parseDuration() rejects bare numbers, wrong order, spaces and unknown units", () => {
  for (const bad of ["30", "", "m", "1m1h", "1h 30m", "1d", "30S", "1.5h", "-5m", "5ms", "1h1h"]) {
    assert(!isDuration(bad), `expected ${JSON.stringify(bad)} to be rejected`);
    assertThrows(() => parseDuration(bad), RangeError, "must be a duration like `30s`");
  }
});

Deno.test("parseDuration() names the actual value in its error", () => {
  assertThrows(() => parseDuration("5 min"), RangeError, 'current value is "5 min"');
});

Deno.test("formatDuration() prints the shortest form and round-trips", () => {
  assertEquals(formatDuration(5_400_000), "1h30m");
  assertEquals(formatDuration(30_000), "30s");
  assertEquals(formatDuration(0), "0s");
  assertEquals(formatDuration(1500), "1s500ms");
  for (const text of ["45m", "1h", "2h15m30s", "10s"]) assertEquals(formatDuration(parseDuration(text)), text);
});

Deno.test("durationSyntaxMessage() gives the range rule only for a duration that is too large for the syntax", () => {
  const range = { min: 1000, max: 24 * 3_600_000 };
  assertEquals(durationSyntaxMessage("99999999999h", range, "must be at most 24h"), "must be at most 24h");
  assertEquals(durationSyntaxMessage("1234567s", range, "must be at most 24h"), "must be at most 24h");
  assertEquals(durationSyntaxMessage("00001h", range, "must be at most 24h"), DURATION_RULE, "in range: the syntax");
  assertEquals(durationSyntaxMessage("30", range, "x"), DURATION_RULE);
  assertEquals(durationSyntaxMessage(30, range, "x"), DURATION_RULE);
});
