import { assertEquals, assertThrows } from "../../test/support/assert.ts";
import { type OptionSpec, parseOptions } from "./args.ts";
import { HostFailure } from "./failure.ts";

const SPECS: OptionSpec[] = [
  { name: "mission", kind: "value", required: true },
  { name: "wp", kind: "value", required: true },
  { name: "force", kind: "flag" },
  { name: "subtasks-complete", kind: "negatable" },
  { name: "note", kind: "value" },
];

function usage(argv: string[]): string {
  const error = assertThrows(() => parseOptions(SPECS, argv), HostFailure);
  assertEquals(error.code, "USAGE_ERROR");
  assertEquals(error.exitCode, 2);
  return error.message;
}

Deno.test("parseOptions() reads values, flags and negatable flags", () => {
  const result = parseOptions(SPECS, ["--mission", "001-demo", "--wp=WP01", "--force", "--no-subtasks-complete"]);
  assertEquals(result, {
    help: false,
    options: { mission: "001-demo", wp: "WP01", force: true, "subtasks-complete": false },
  });
});

Deno.test("parseOptions() lets a value option consume a dash-leading token and the last repetition win", () => {
  const result = parseOptions(SPECS, ["--mission", "a", "--mission", "b", "--wp", "WP01", "--note", "--force"]);
  assertEquals(result, { help: false, options: { mission: "b", wp: "WP01", note: "--force" } });
});

Deno.test("parseOptions() reports Click's messages", () => {
  assertEquals(usage(["--wp", "WP01"]), "Missing option '--mission'.");
  assertEquals(usage(["--mission", "m"]), "Missing option '--wp'.");
  assertEquals(usage(["--mission", "m", "--wp", "WP01", "--bogus"]), "No such option '--bogus'.");
  assertEquals(usage(["--feature", "001-demo"]), "No such option '--feature'.");
  assertEquals(usage(["--mission", "m", "--wp"]), "Option '--wp' requires an argument.");
  assertEquals(usage(["--mission", "m", "--wp", "WP01", "--force=yes"]), "Option '--force' does not take a value.");
  assertEquals(usage(["--mission", "m", "--wp", "WP01", "extra"]), "Got unexpected extra argument (extra)");
  assertEquals(usage(["-x"]), "No such option '-x'.");
});

Deno.test("parseOptions() reports unknown options before missing ones", () => {
  assertEquals(usage(["--bogus"]), "No such option '--bogus'.");
});

Deno.test("parseOptions() returns help for --help", () => {
  assertEquals(parseOptions(SPECS, ["--help"]), { help: true });
});
