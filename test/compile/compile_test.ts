/**
 * scripts/compile.ts: the pure parts always; the real `deno compile` of the host target (and
 * running the binary through `version` and the demo) when a Deno runtime base is available.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  compileArgs,
  compileEnv,
  hostTarget,
  outputName,
  parseArgs,
  PERMISSIONS,
  sha256Lines,
  type Target,
  TARGETS,
  V8_FLAGS,
} from "../../scripts/compile.ts";
import { assert, assertEquals, assertStringIncludes, assertThrows } from "../support/assert.ts";
import { VERSION } from "../../src/domain/version.ts";
import { runProcessGroup } from "../../src/host/process.ts";

const ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));

Deno.test("parseArgs() defaults to every target in dist/, and takes --target, --current and --out-dir", () => {
  assertEquals(parseArgs([], "/r", "x86_64-unknown-linux-gnu"), { targets: [...TARGETS], outDir: "/r/dist" });
  assertEquals(
    parseArgs(["--current", "--target", "aarch64-apple-darwin", "--current"], "/r", "x86_64-unknown-linux-gnu"),
    {
      targets: ["x86_64-unknown-linux-gnu", "aarch64-apple-darwin"],
      outDir: "/r/dist",
    },
  );
  assertEquals(parseArgs(["--current", "--out-dir", "/tmp/x"], "/r", "aarch64-apple-darwin").outDir, "/tmp/x");
  assertThrows(() => parseArgs(["--target", "mips-unknown-linux"], "/r"), Error, "must be one of");
  assertThrows(() => parseArgs(["--current"], "/r", null), Error, "--current");
  assertThrows(() => parseArgs(["--target"], "/r"), Error, "needs a value");
  assertThrows(() => parseArgs(["--bogus"], "/r"), Error, "not an option");
});

Deno.test("outputName() and compileArgs() name the binary per target with only the needed permissions", () => {
  assertEquals(outputName("x86_64-pc-windows-msvc"), "spec-kitty-orchestrator-x86_64-pc-windows-msvc.exe");
  assertEquals(outputName("aarch64-unknown-linux-gnu"), "spec-kitty-orchestrator-aarch64-unknown-linux-gnu");
  const args = compileArgs("aarch64-apple-darwin", "/r", "/r/dist", "/r/dist/.bundle/sko.js");
  assertEquals(args[0], "compile");
  assert(!args.some((a) => a === "-A" || a === "--allow-all" || a.startsWith("--allow-ffi")), "no blanket permissions");
  for (const p of PERMISSIONS) assert(args.includes(p), p);
  assert(args.includes("--include=/r/schema/orchestration.schema.json"));
  assert(args.includes("--target=aarch64-apple-darwin"));
  assert(args.includes("--output=/r/dist/spec-kitty-orchestrator-aarch64-apple-darwin"));
  assertEquals(args.at(-1), "/r/dist/.bundle/sko.js", "the bundle is compiled");
  assert(args.includes("--v8-flags=--max-semi-space-size=2"), "the binary carries the young-generation cap");
});

Deno.test("the cli task runs with the same V8 flags as the binary", async () => {
  const config = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json"))) as { tasks: Record<string, string> };
  assertStringIncludes(config.tasks["cli"] ?? "", `--v8-flags=${V8_FLAGS.join(",")}`);
});

Deno.test("compileEnv() uses DENORT_BIN only for the host target and DENORT_BIN_<TARGET> for any", () => {
  const env = { PATH: "/bin", DENORT_BIN: "/rt/host", DENORT_BIN_AARCH64_APPLE_DARWIN: "/rt/mac" };
  const host: Target = "x86_64-unknown-linux-gnu";
  assertEquals(compileEnv(host, env, host).DENORT_BIN, "/rt/host");
  assertEquals(compileEnv("aarch64-apple-darwin", env, host).DENORT_BIN, "/rt/mac");
  assertEquals(compileEnv("x86_64-pc-windows-msvc", env, host).DENORT_BIN, undefined);
  assertEquals(compileEnv("x86_64-pc-windows-msvc", env, host).PATH, "/bin");
});

Deno.test("sha256Lines() matches the sha256sum format", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sko-sums-" });
  try {
    await Deno.writeTextFile(join(dir, "b"), "hello\n");
    await Deno.writeTextFile(join(dir, "a"), "");
    assertEquals(
      await sha256Lines([join(dir, "b"), join(dir, "a")]),
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  a\n" +
        "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03  b\n",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** A runtime base `deno compile` can use without the network: DENORT_BIN, or Deno's download cache. */
function denortAvailable(): boolean {
  const target = hostTarget();
  if (target === null) return false;
  if (Deno.env.get("DENORT_BIN")) return true;
  const home = Deno.env.get("HOME") ?? "";
  const denoDir = Deno.env.get("DENO_DIR") ??
    (Deno.build.os === "darwin"
      ? join(home, "Library/Caches/deno")
      : join(Deno.env.get("XDG_CACHE_HOME") ?? join(home, ".cache"), "deno"));
  try {
    return Deno.statSync(join(denoDir, "dl/release", `v${Deno.version.deno}`, `denort-${target}.zip`)).isFile;
  } catch {
    return false;
  }
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: "t",
  GIT_AUTHOR_EMAIL: "t@t",
  GIT_COMMITTER_NAME: "t",
  GIT_COMMITTER_EMAIL: "t@t",
  NO_COLOR: "1",
};

function run(cmd: string, args: string[], cwd: string, timeoutMs: number) {
  return runProcessGroup([cmd, ...args], { cwd, env: GIT_ENV, timeoutMs });
}

const canCompile = denortAvailable();
Deno.test({
  name: canCompile
    ? "deno task compile --current builds a binary that runs version and the demo mission"
    : "deno task compile --current builds a binary that runs version and the demo mission (skipped: no Deno runtime base (set DENORT_BIN); compilation is proven in the release workflow)",
  ignore: !canCompile,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "sko-compile-" });
    try {
      const built = await run(
        Deno.execPath(),
        ["run", "-A", "scripts/compile.ts", "--current", "--out-dir", dir],
        ROOT,
        240_000,
      );
      assertEquals(built.code, 0, built.stderr);
      const bin = join(dir, outputName(hostTarget()!));
      assertStringIncludes(await Deno.readTextFile(join(dir, "SHA256SUMS")), outputName(hostTarget()!));

      const version = await run(bin, ["version"], dir, 30_000);
      assertEquals(version.code, 0, version.stderr);
      assertStringIncludes(version.stdout, `spec-kitty-orchestrator ${VERSION}`);

      const init = await run(bin, ["init", "--demo", join(dir, "demo")], dir, 60_000);
      assertEquals(init.code, 0, init.stdout + init.stderr);
      const orchestrate = await run(bin, ["orchestrate", "--mission", "001-demo"], join(dir, "demo"), 120_000);
      assertEquals(orchestrate.code, 0, orchestrate.stdout + orchestrate.stderr);
    } finally {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});

Deno.test("TARGETS match the targets upgrade and install.sh download", async () => {
  const { RELEASE_TARGETS } = await import("../../src/core/release.ts");
  assertEquals([...RELEASE_TARGETS], [...TARGETS]);
  const installer = await Deno.readTextFile(join(ROOT, "scripts/install.sh"));
  for (const part of ["unknown-linux-gnu", "apple-darwin", "pc-windows-msvc"]) assertStringIncludes(installer, part);
});
