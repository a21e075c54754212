import { assertEquals, assertStringIncludes, assertThrows } from "../../test/support/assert.ts";
import type { ResolvedConfig } from "../domain/config.ts";
import { createHost, hostCommand } from "./mod.ts";
import { ownScript, selfCommand } from "./self_command.ts";

const cfg = (kind: "spec-kitty" | "builtin", command = ["spec-kitty"]): ResolvedConfig =>
  ({ host: { kind, command, timeoutMs: 1234, heartbeatMs: 1 } }) as unknown as ResolvedConfig;
const noEnv = (_: string): string | undefined => undefined;

Deno.test("selfCommand() from source runs deno with our main.ts; SKO_SELF_COMMAND overrides", () => {
  const argv = selfCommand(noEnv);
  assertEquals(argv[0], Deno.execPath());
  assertEquals(argv.slice(1, 3), ["run", "--allow-all"]);
  assertStringIncludes(argv[3] ?? "", "/src/main.ts");
  assertEquals(selfCommand((n) => n === "SKO_SELF_COMMAND" ? '["/bin/sko","--x"]' : undefined), ["/bin/sko", "--x"]);
});

Deno.test("ownScript() is src/main.ts beside this module in the source tree, the main module in a bundle", () => {
  assertEquals(ownScript("file:///r/src/host/self_command.ts", "file:///r/src/host/mod_test.ts"), "/r/src/main.ts");
  assertEquals(ownScript("file:///d/orchestrator.js", "file:///d/orchestrator.js"), "/d/orchestrator.js");
});

Deno.test("selfCommand() invalid SKO_SELF_COMMAND is refused with the value", () => {
  for (const bad of ["nope", "[]", "[1]", '{"a":1}']) {
    assertThrows(() => selfCommand((n) => n === "SKO_SELF_COMMAND" ? bad : undefined), TypeError, bad);
  }
});

Deno.test("hostCommand() spec-kitty uses the configured command unless SPEC_KITTY_BIN is set", () => {
  assertEquals(hostCommand(cfg("spec-kitty", ["uvx", "spec-kitty"]), noEnv), ["uvx", "spec-kitty"]);
  assertEquals(
    hostCommand(cfg("spec-kitty"), (n) => n === "SPEC_KITTY_BIN" ? "/opt/sk/bin/spec-kitty" : undefined),
    ["/opt/sk/bin/spec-kitty"],
  );
});

Deno.test("hostCommand() builtin is our own binary's host command", () => {
  const env = (n: string) => n === "SKO_SELF_COMMAND" ? '["/bin/sko"]' : undefined;
  assertEquals(hostCommand(cfg("builtin"), env), ["/bin/sko", "host"]);
});

Deno.test("createHost() kind follows config and starts with zero calls", () => {
  assertEquals(
    createHost(cfg("builtin"), "/r", { env: (n) => n === "SKO_SELF_COMMAND" ? '["x"]' : undefined }).kind,
    "builtin",
  );
  const host = createHost(cfg("spec-kitty"), "/r", { env: noEnv });
  assertEquals([host.kind, host.callCounts()], ["spec-kitty", {}]);
});
