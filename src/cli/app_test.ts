import { assert, assertEquals, assertThrows } from "../../test/assert.ts";
import { InvalidArgumentError } from "@commander-js/extra-typings";
import { buildProgram, parsePositiveInt, resultCode } from "./app.ts";

function program(calls: { command: string; opts: Record<string, unknown> }[] = []) {
  let help = "";
  const p = buildProgram((command, opts) => {
    calls.push({ command, opts });
    return Promise.resolve(0);
  }, () => {});
  p.configureOutput({ writeOut: (s) => void (help += s), writeErr: (s) => void (help += s) });
  for (const c of p.commands) {
    c.configureOutput({
      writeOut: (s) => void (help += s),
      writeErr: (s) => void (help += s),
    });
  }
  return { p, help: () => help };
}

Deno.test("every command's --help shows examples (except the built-in host's raw passthrough)", async () => {
  const names = program().p.commands.map((c) => c.name()).filter((n) => n !== "host");
  assert(names.length >= 10, names.join(","));
  for (const name of names) {
    const { p, help } = program();
    await p.parseAsync([name, "--help"], { from: "user" }).catch(() => {});
    assert(help().includes("Examples:"), `${name} --help has no examples:\n${help()}`);
  }
});

Deno.test("parsePositiveInt() accepts positive integers and refuses 0, negatives and fractions", () => {
  assertEquals(parsePositiveInt("3"), 3);
  for (const bad of ["0", "-1", "1.5", "x", ""]) assertThrows(() => parsePositiveInt(bad), InvalidArgumentError);
});

Deno.test("orchestrate maps the legacy --feature onto --mission", async () => {
  const calls: { command: string; opts: Record<string, unknown> }[] = [];
  const { p } = program(calls);
  await p.parseAsync(["orchestrate", "--feature", "034-my-feature", "--dry-run"], { from: "user" });
  assertEquals(resultCode(p), 0);
  assertEquals(calls[0]?.command, "orchestrate");
  assertEquals(calls[0]?.opts.mission, "034-my-feature");
  assertEquals(calls[0]?.opts.dryRun, true);
});
