import { assert, assertEquals, assertThrows } from "../../test/support/assert.ts";
import { InvalidArgumentError } from "@commander-js/extra-typings";
import { UserError } from "../domain/errors.ts";
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

Deno.test("orchestrate refuses --mission and --feature naming different missions (exit 2)", async () => {
  const calls: { command: string; opts: Record<string, unknown> }[] = [];
  const { p } = program(calls);
  const error = await p.parseAsync(["orchestrate", "--mission", "034-a", "--feature", "035-b"], { from: "user" })
    .then(() => null, (e) => e);
  assert(error instanceof UserError, String(error));
  assertEquals(error.exitCode, 2);
  assert(error.message.includes("--mission is '034-a', --feature is '035-b'"), error.message);
  assertEquals(calls, []);
  // The same value twice is only the deprecated spelling.
  await p.parseAsync(["orchestrate", "--mission", "034-a", "--feature", "034-a"], { from: "user" });
  assertEquals(calls[0]?.opts.mission, "034-a");
});

Deno.test("orchestrate and resume take --retry-blocked", async () => {
  const calls: { command: string; opts: Record<string, unknown> }[] = [];
  const { p } = program(calls);
  await p.parseAsync(["orchestrate", "-m", "034-a", "--retry-blocked"], { from: "user" });
  await p.parseAsync(["resume", "--retry-blocked"], { from: "user" });
  assertEquals(calls.map((c) => [c.command, c.opts.retryBlocked]), [["orchestrate", true], ["resume", true]]);
});
