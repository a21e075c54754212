import { assertEquals } from "../../test/support/assert.ts";
import { byCodeUnit } from "./order.ts";

Deno.test("byCodeUnit() orders by code unit, whatever the locale: upper case before lower, digits first", () => {
  assertEquals(["b", "WP10", "a", "WP02", "B", "1", "é", "e"].sort(byCodeUnit), [
    "1",
    "B",
    "WP02",
    "WP10",
    "a",
    "b",
    "e",
    "é",
  ]);
  assertEquals(byCodeUnit("x", "x"), 0);
});
