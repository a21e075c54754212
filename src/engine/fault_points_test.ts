import { assertEquals } from "../../test/support/assert.ts";
import { faultRequested } from "./fault_points.ts";

Deno.test("faultRequested() matches only an exact crash@<label> item of the list", () => {
  assertEquals(faultRequested(undefined, "after-commit"), false);
  assertEquals(faultRequested("", "after-commit"), false);
  assertEquals(faultRequested("crash@after-commit", "after-commit"), true);
  assertEquals(faultRequested("crash@before-done, crash@after-commit", "after-commit"), true);
  assertEquals(faultRequested("crash@after-commit-x", "after-commit"), false);
  assertEquals(faultRequested("after-commit", "after-commit"), false);
});
