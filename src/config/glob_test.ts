import { assert, assertEquals, assertThrows } from "../../test/support/assert.ts";
import { globProblem, globToRegExp } from "./glob.ts";

Deno.test("globToRegExp() matches whole WP ids with * ? and classes", () => {
  const re = globToRegExp("WP0[1-3]");
  assert(re.test("WP01") && re.test("WP03"));
  assert(!re.test("WP04") && !re.test("WP010") && !re.test("xWP01"));
  assert(globToRegExp("WP1*").test("WP12") && globToRegExp("WP1*").test("WP1"));
  assert(globToRegExp("WP?2").test("WP12") && !globToRegExp("WP?2").test("WP2"));
  assert(globToRegExp("WP0[!1]").test("WP02") && !globToRegExp("WP0[!1]").test("WP01"));
  assert(!globToRegExp("wp01").test("WP01"), "matching is case-sensitive");
});

Deno.test("globToRegExp() rejects unclosed classes, bad ranges and odd characters", () => {
  assertThrows(() => globToRegExp("WP0[1-3"), RangeError, "must close every '['");
  assertThrows(() => globToRegExp("WP0[3-1]"), RangeError, "upward ranges");
  assertThrows(() => globToRegExp("WP.*"), RangeError, "must contain only");
  assertEquals(globProblem("WP0[1-3"), "must close every '[' with ']'");
  assertEquals(globProblem("WP*"), undefined);
});
