import { assert, assertEquals } from "../../test/support/assert.ts";
import { compareVersions, parseVersion } from "./version_compare.ts";

Deno.test("parseVersion() plain, short and v-prefixed versions", () => {
  assertEquals(parseVersion("1.3.0"), { major: 1, minor: 3, patch: 0, pre: null, raw: "1.3.0" });
  assertEquals(parseVersion("v2.1")?.minor, 1);
  assertEquals(parseVersion(" 10 ")?.major, 10);
});

Deno.test("parseVersion() PEP 440 and semver pre-releases parse without crashing", () => {
  assertEquals(parseVersion("1.4.0rc1")?.pre, "rc1");
  assertEquals(parseVersion("1.4.0-beta.2")?.pre, "beta.2");
  assertEquals(parseVersion("1.3.0.dev3")?.pre, "dev3");
  assertEquals(parseVersion("3.2.6rc3")?.patch, 6);
});

Deno.test("parseVersion() build metadata and a fourth numeric part are releases", () => {
  assertEquals(parseVersion("1.3.0+local.7")?.pre, null);
  assertEquals(parseVersion("1.3.0.1")?.pre, null);
});

Deno.test("parseVersion() rejects text without a numeric core", () => {
  assertEquals(parseVersion("latest"), null);
  assertEquals(parseVersion(""), null);
  assertEquals(parseVersion("1..3"), null);
});

Deno.test("compareVersions() orders numerically with pre-releases before releases", () => {
  assertEquals(compareVersions("1.10.0", "1.9.0"), 1);
  assertEquals(compareVersions("1.3.0", "1.3"), 0);
  assertEquals(compareVersions("1.4.0rc1", "1.4.0"), -1);
  assertEquals(compareVersions("1.4.0rc1", "1.3.0"), 1);
  assertEquals(compareVersions("1.4.0rc2", "1.4.0rc10"), -1);
  assertEquals(compareVersions("1.4.0-beta.2", "1.4.0-alpha.9"), 1);
  assert(compareVersions("1.3.0.dev3", "1.3.0")! < 0);
  assertEquals(compareVersions("x", "1.0.0"), null);
});
