/**
 * scripts/bundle.ts: the bundle that `deno task compile` embeds runs the whole loop (version, the
 * demo mission on the built-in host it spawns from itself, status) under `deno run`, and reads
 * the same as the source where both print.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleArgs, REQUIRE_PRELUDE, withRequire } from "../../scripts/bundle.ts";
import { shippedCli } from "../support/shipped_cli.ts";
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { VERSION } from "../../src/domain/version.ts";
import { runProcessGroup } from "../../src/host/process.ts";

const ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));

Deno.test("bundleArgs() bundles src/main.ts minified with names kept, from the locked graph", () => {
  const args = bundleArgs("/r", "/o/sko.js");
  assertEquals(args[0], "bundle");
  for (const flag of ["--frozen", "--config=/r/deno.json", "--minify", "--keep-names", "--output=/o/sko.js"]) {
    assert(args.includes(flag), flag);
  }
  assertEquals(args.at(-1), "/r/src/main.ts");
});

Deno.test("withRequire() puts the require prelude in front once", () => {
  const bare = 'var a=1;typeof require<"u"?require:0;';
  assertEquals(withRequire(bare), REQUIRE_PRELUDE + bare);
  assertEquals(withRequire(withRequire(bare)), REQUIRE_PRELUDE + bare);
  const own = 'import{createRequire as r}from"node:module";var __require=r(import.meta.url);';
  assertEquals(withRequire(own), REQUIRE_PRELUDE + own);
});

Deno.test("the CLI bundle runs version, the demo mission on the built-in host, and status", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sko-bundle-" });
  try {
    // The bundle the e2e and fault suites run too (built once per state of the sources).
    const bundle = await shippedCli();
    // HOME (and DENO_DIR, if set) stay ours: the source runs find Deno's npm cache there.
    const env: Record<string, string> = {
      NO_COLOR: "1",
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME: Deno.env.get("HOME") ?? dir,
    };
    const denoDir = Deno.env.get("DENO_DIR");
    if (denoDir !== undefined) env.DENO_DIR = denoDir;
    const sko = (args: string[], cwd: string) =>
      runProcessGroup([Deno.execPath(), "run", "--allow-all", bundle, ...args], { cwd, env, timeoutMs: 120_000 });

    const version = await sko(["version"], dir);
    assertEquals(version.code, 0, version.stderr);
    assertStringIncludes(version.stdout, `spec-kitty-orchestrator ${VERSION}`);

    const demo = join(dir, "demo");
    const init = await sko(["init", "--demo", demo], dir);
    assertEquals(init.code, 0, init.stdout + init.stderr);
    // The YAML parse here is what failed before the require prelude (yaml's CommonJS build).
    const validate = await sko(["validate"], demo);
    assertEquals(validate.code, 0, validate.stdout + validate.stderr);

    const run = await sko(["orchestrate", "--mission", "001-demo"], demo);
    assertEquals(run.code, 0, run.stdout + run.stderr);
    // The built-in host calls were our bundle again (the next step names the command that ran them).
    assertStringIncludes(run.stdout, `${bundle} host orchestrator-api merge-mission --mission 001-demo`);

    const status = await sko(["status", "--mission", "001-demo", "--json"], demo);
    assertEquals(status.code, 0, status.stderr);
    const parsed = JSON.parse(status.stdout) as { status: string; wps: { wp_id: string; outcome: string }[] };
    assertEquals(parsed.status, "finished");
    assertEquals(parsed.wps.map((w) => w.outcome), parsed.wps.map(() => "done"));
    assert(parsed.wps.length >= 5, `the demo's WPs: ${parsed.wps.length}`);

    // Help, the schema, a report of the run and a refused flag read the same as from source.
    const source = join(ROOT, "src/main.ts");
    for (
      const args of [["--help"], ["schema"], ["status", "--feature", "001-demo"], [
        "orchestrate",
        "--max-concurrent",
        "x",
      ]]
    ) {
      const bundled = await sko(args, demo);
      const fromSource = await runProcessGroup([Deno.execPath(), "run", "--allow-all", source, ...args], {
        cwd: demo,
        env,
        timeoutMs: 120_000,
      });
      assertEquals(
        { code: bundled.code, out: bundled.stdout + bundled.stderr },
        { code: fromSource.code, out: (fromSource.stdout + fromSource.stderr).replaceAll(source, bundle) },
        args.join(" "),
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
