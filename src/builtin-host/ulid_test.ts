import { assert, assertEquals } from "../../test/support/assert.ts";
import { decodeTime } from "ulid";
import { ulid } from "./ulid.ts";

Deno.test("ulid() is 26 Crockford base32 characters carrying the time", () => {
  const id = ulid(1_700_000_000_000);
  assert(/^[0-9A-HJKMNP-TV-Z]{26}$/.test(id), id);
  assertEquals(decodeTime(id), 1_700_000_000_000);
});

Deno.test("ulid() sorts in emission order within one millisecond and when the clock steps back", () => {
  const ids = [ulid(1_800_000_000_000), ulid(1_800_000_000_000), ulid(1_799_999_999_999), ulid(1_800_000_000_001)];
  assertEquals([...ids].sort(), ids);
  assertEquals(new Set(ids).size, ids.length);
});
