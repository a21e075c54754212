import { assertEquals, assertThrows } from "../../test/support/assert.ts";
import { parseSize } from "./size.ts";

Deno.test("parseSize() reads binary and decimal units and plain bytes", () => {
  assertEquals(parseSize("50MiB"), 50 * 1024 * 1024);
  assertEquals(parseSize("512KiB"), 512 * 1024);
  assertEquals(parseSize("1GiB"), 1024 ** 3);
  assertEquals(parseSize("2MB"), 2_000_000);
  assertEquals(parseSize("100B"), 100);
  assertEquals(parseSize(4096), 4096);
});

Deno.test("parseSize() rejects unknown units, fractions and negative numbers", () => {
  for (const bad of ["50mb", "1.5MiB", "MiB", "10 MiB", -1, 1.5]) {
    assertThrows(() => parseSize(bad), RangeError, "must be a size like");
  }
});
