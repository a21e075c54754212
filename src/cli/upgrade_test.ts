import { join } from "node:path";
import { probeVersion, runUpgrade, type UpgradeDeps } from "./upgrade.ts";
import { memoryTerminal } from "../output/terminal.ts";
import { UserError } from "../domain/errors.ts";
import { sha256Hex } from "../core/hex.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../../test/support/assert.ts";
import { VERSION } from "../domain/version.ts";

const TARGET = "x86_64-unknown-linux-gnu";
const ASSET = `spec-kitty-orchestrator-${TARGET}`;
const script = (version: string) =>
  new TextEncoder().encode(`#!/bin/sh\necho '{"product":"spec-kitty-orchestrator","version":"${version}"}'\n`);

async function withRelease(
  tamper: boolean,
  fn: (deps: UpgradeDeps, installed: string, dir: string) => Promise<void>,
) {
  const dir = await Deno.makeTempDir({ prefix: "sko-upgrade-" });
  try {
    await Deno.mkdir(join(dir, "release"));
    await Deno.mkdir(join(dir, "bin"));
    const bytes = script("9.9.9");
    await Deno.writeFile(join(dir, "release", ASSET), bytes);
    const sum = tamper ? "f".repeat(64) : await sha256Hex(bytes);
    await Deno.writeTextFile(join(dir, "release/SHA256SUMS"), `${sum}  ${ASSET}\n`);
    const installed = join(dir, "bin/spec-kitty-orchestrator");
    await Deno.writeFile(installed, script("0.0.1"), { mode: 0o755 });
    const env: Record<string, string> = { SKO_INSTALL_BASE_URL: `file://${dir}/release/` };
    await fn({ execPath: installed, target: TARGET, env: (n) => env[n], fetch, probeVersion }, installed, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test({
  name: "runUpgrade() replaces the binary with the verified release binary",
  ignore: Deno.build.os === "windows",
  fn: () =>
    withRelease(false, async (deps, installed, dir) => {
      const term = memoryTerminal({ json: true });
      assertEquals(await runUpgrade({ dryRun: false, json: true }, term, deps), 0);
      assertEquals(await probeVersion(installed), "9.9.9");
      const printed = JSON.parse(term.out.join(""));
      assertEquals([printed.from, printed.to], [VERSION, "9.9.9"]);
      assertEquals([...Deno.readDirSync(join(dir, "bin"))].map((e) => e.name), ["spec-kitty-orchestrator"]);
    }),
});

Deno.test({
  name: "runUpgrade() refuses a checksum mismatch and leaves the binary unchanged",
  ignore: Deno.build.os === "windows",
  fn: () =>
    withRelease(true, async (deps, installed, dir) => {
      const error = await assertRejects(
        () => runUpgrade({ dryRun: false, json: false }, memoryTerminal(), deps),
        UserError,
        "Checksum mismatch",
      );
      assertEquals(error.exitCode, 1);
      assertEquals(await probeVersion(installed), "0.0.1");
      assertEquals([...Deno.readDirSync(join(dir, "bin"))].length, 1);
    }),
});

Deno.test("runUpgrade() refuses when running from source, and for a target without releases", async () => {
  const deps: UpgradeDeps = {
    execPath: "/usr/local/bin/deno",
    target: TARGET,
    env: () => undefined,
    fetch,
    probeVersion: () => Promise.resolve("x"),
  };
  await assertRejects(
    () => runUpgrade({ dryRun: true, json: false }, memoryTerminal(), deps),
    UserError,
    "from source",
  );
  await assertRejects(
    () =>
      runUpgrade({ dryRun: true, json: false }, memoryTerminal(), {
        ...deps,
        execPath: "/b/sko",
        target: "riscv64gc-unknown-linux-gnu",
      }),
    UserError,
    "riscv64gc",
  );
});

Deno.test("runUpgrade() --dry-run names the tagged release URL and changes nothing", async () => {
  const term = memoryTerminal();
  const deps: UpgradeDeps = {
    execPath: "/b/spec-kitty-orchestrator",
    target: TARGET,
    env: (n) => (n === "SKO_REPO" ? "acme/sko" : undefined),
    fetch: () => Promise.reject(new Error("no network in dry run")),
    probeVersion: () => Promise.reject(new Error("not called")),
  };
  assertEquals(await runUpgrade({ dryRun: true, json: false, version: "v2.0.0" }, term, deps), 0);
  assertStringIncludes(term.text(), `https://github.com/acme/sko/releases/download/v2.0.0/${ASSET}`);
});

Deno.test({
  name: "runUpgrade() reports a missing release as a failed download",
  ignore: Deno.build.os === "windows",
  fn: () =>
    withRelease(false, async (deps) => {
      await Deno.remove(deps.execPath.replace("bin/spec-kitty-orchestrator", `release/${ASSET}`));
      const error = await assertRejects(
        () => runUpgrade({ dryRun: false, json: false }, memoryTerminal(), deps),
        UserError,
      );
      assert(error.message.startsWith("Cannot download"), error.message);
    }),
});
