/**
 * scripts/install.sh against a fake release: a tiny shell script posing as the binary, with a
 * correct (or tampered) SHA256SUMS, served from a file:// URL or a local HTTP server.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { runProcessGroup } from "../../src/host/process.ts";
import { sha256Hex } from "../../src/core/hex.ts";

const ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const SCRIPT = join(ROOT, "scripts/install.sh");
const posix = Deno.build.os !== "windows";

/** The asset install.sh should pick on this machine (the same rule as scripts/compile.ts). */
function hostAsset(): string {
  return `spec-kitty-orchestrator-${Deno.build.target}`;
}

/** Writes a fake release (binary + SHA256SUMS) for `assets` into `dir`. */
async function fakeRelease(dir: string, assets: string[], tamper = false): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const lines: string[] = [];
  for (const asset of assets) {
    const bytes = new TextEncoder().encode(`#!/bin/sh\necho "spec-kitty-orchestrator 9.9.9-fake ($1)"\n`);
    await Deno.writeFile(join(dir, asset), bytes);
    const sum = tamper ? "0".repeat(64) : await sha256Hex(bytes);
    lines.push(`${sum}  ${asset}\n`);
  }
  await Deno.writeTextFile(join(dir, "SHA256SUMS"), lines.join(""));
}

/** A PATH directory whose `uname` reports the given OS and machine. */
async function fakeUname(dir: string, os: string, machine: string): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(
    join(dir, "uname"),
    `#!/bin/sh\ncase "$1" in -s) echo "${os}" ;; -m) echo "${machine}" ;; *) echo "${os}" ;; esac\n`,
  );
  await Deno.chmod(join(dir, "uname"), 0o755);
  return dir;
}

function install(args: string[], env: Record<string, string>) {
  return runProcessGroup(["sh", SCRIPT, ...args], { cwd: Deno.cwd(), env, clearEnv: true, timeoutMs: 60_000 });
}

async function withTmp(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "sko-install-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const basePath = Deno.env.get("PATH") ?? "/usr/bin:/bin";

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test({
  name: "install.sh installs the verified binary from a file:// release into ~/.local/bin and runs it",
  ignore: !posix,
  fn: () =>
    withTmp(async (tmp) => {
      await fakeRelease(join(tmp, "release"), [hostAsset()]);
      const home = join(tmp, "home");
      const r = await install([], { PATH: basePath, HOME: home, SKO_INSTALL_BASE_URL: `file://${tmp}/release` });
      assertEquals(r.code, 0, r.stderr);
      const bin = join(home, ".local/bin/spec-kitty-orchestrator");
      assert(((await Deno.stat(bin)).mode! & 0o111) !== 0, "executable");
      assertStringIncludes(r.stdout, "spec-kitty-orchestrator 9.9.9-fake (version)");
      assertStringIncludes(r.stderr, "checksum verified");
      assertStringIncludes(r.stderr, "is not on PATH");
      const leftovers = [...Deno.readDirSync(join(home, ".local/bin"))].map((e) => e.name);
      assertEquals(leftovers, ["spec-kitty-orchestrator"]);
    }),
});

Deno.test({
  name: "install.sh downloads over HTTP from a local server into --prefix/bin",
  ignore: !posix,
  fn: () =>
    withTmp(async (tmp) => {
      const release = join(tmp, "release");
      await fakeRelease(release, [hostAsset()]);
      const ac = new AbortController();
      let listening!: (port: number) => void;
      const port = new Promise<number>((resolve) => (listening = resolve));
      const requested: string[] = [];
      const server = Deno.serve(
        { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen: ({ port }) => listening(port) },
        async (req) => {
          const name = new URL(req.url).pathname.split("/").pop() ?? "";
          requested.push(new URL(req.url).pathname);
          try {
            return new Response(await Deno.readFile(join(release, name)));
          } catch {
            return new Response("not found", { status: 404 });
          }
        },
      );
      try {
        const r = await install(["--prefix", join(tmp, "usr")], {
          PATH: basePath,
          HOME: join(tmp, "home"),
          SKO_INSTALL_BASE_URL: `http://127.0.0.1:${await port}/v1/`,
        });
        assertEquals(r.code, 0, r.stderr);
        assert(await exists(join(tmp, "usr/bin/spec-kitty-orchestrator")));
        assertEquals(requested.sort(), [`/v1/${hostAsset()}`, "/v1/SHA256SUMS"].sort());
      } finally {
        ac.abort();
        await server.finished;
      }
    }),
});

Deno.test({
  name: "install.sh refuses a checksum mismatch with exit 1 and installs nothing",
  ignore: !posix,
  fn: () =>
    withTmp(async (tmp) => {
      await fakeRelease(join(tmp, "release"), [hostAsset()], true);
      const binDir = join(tmp, "bin");
      const r = await install([], {
        PATH: basePath,
        HOME: join(tmp, "home"),
        SKO_INSTALL_BASE_URL: `file://${tmp}/release`,
        SKO_INSTALL_DIR: binDir,
      });
      assertEquals(r.code, 1);
      assertStringIncludes(r.stderr, `Checksum mismatch for ${hostAsset()}: expected ${"0".repeat(64)}`);
      assertStringIncludes(r.stderr, "Refusing to install");
      assert(!(await exists(binDir)), "nothing installed");
    }),
});

Deno.test({
  name: "install.sh refuses a binary missing from SHA256SUMS",
  ignore: !posix,
  fn: () =>
    withTmp(async (tmp) => {
      await fakeRelease(join(tmp, "release"), [hostAsset()]);
      await Deno.writeTextFile(join(tmp, "release/SHA256SUMS"), `${"a".repeat(64)}  something-else\n`);
      const r = await install(["--bin-dir", join(tmp, "bin")], {
        PATH: basePath,
        SKO_INSTALL_BASE_URL: `file://${tmp}/release`,
      });
      assertEquals(r.code, 1);
      assertStringIncludes(r.stderr, "SHA256SUMS must list it");
      assert(!(await exists(join(tmp, "bin/spec-kitty-orchestrator"))));
    }),
});

Deno.test({
  name: "install.sh maps uname to the release target (arm64 macOS, aarch64 Linux, amd64 Windows)",
  ignore: !posix,
  fn: () =>
    withTmp(async (tmp) => {
      const cases: Array<[string, string, string, string]> = [
        ["Darwin", "arm64", "spec-kitty-orchestrator-aarch64-apple-darwin", "spec-kitty-orchestrator"],
        ["Linux", "aarch64", "spec-kitty-orchestrator-aarch64-unknown-linux-gnu", "spec-kitty-orchestrator"],
        ["Linux", "amd64", "spec-kitty-orchestrator-x86_64-unknown-linux-gnu", "spec-kitty-orchestrator"],
        [
          "MINGW64_NT-10.0",
          "x86_64",
          "spec-kitty-orchestrator-x86_64-pc-windows-msvc.exe",
          "spec-kitty-orchestrator.exe",
        ],
      ];
      await fakeRelease(join(tmp, "release"), cases.map((c) => c[2]));
      for (const [os, machine, asset, installed] of cases) {
        const shim = await fakeUname(join(tmp, `shim-${os}-${machine}`), os, machine);
        const binDir = join(tmp, `bin-${os}-${machine}`);
        const env = { PATH: `${shim}:${basePath}`, SKO_INSTALL_BASE_URL: `file://${tmp}/release` };
        const dry = await install(["--bin-dir", binDir, "--dry-run"], env);
        assertStringIncludes(dry.stdout, `binary file://${tmp}/release/${asset}\n`);
        const r = await install(["--bin-dir", binDir], env);
        assertEquals(r.code, 0, `${os}/${machine}: ${r.stderr}`);
        assert(await exists(join(binDir, installed)), `${os}/${machine} installs ${installed}`);
      }
    }),
});

Deno.test({
  name: "install.sh explains an unsupported OS or architecture",
  ignore: !posix,
  fn: () =>
    withTmp(async (tmp) => {
      const sunos = await install(["--dry-run"], {
        PATH: `${await fakeUname(join(tmp, "a"), "SunOS", "x86_64")}:${basePath}`,
      });
      assertEquals(sunos.code, 1);
      assertStringIncludes(
        sunos.stderr,
        "operating system must be Linux, macOS or Windows (Git Bash): current value is 'SunOS'",
      );
      const mips = await install(["--dry-run"], {
        PATH: `${await fakeUname(join(tmp, "b"), "Linux", "mips64")}:${basePath}`,
      });
      assertEquals(mips.code, 1);
      assertStringIncludes(
        mips.stderr,
        "architecture must be x86_64/amd64 or arm64/aarch64: current value is 'mips64'",
      );
    }),
});

Deno.test({
  name: "install.sh --version picks the tagged GitHub release URL",
  ignore: !posix,
  fn: async () => {
    const r = await install(["--dry-run", "--version", "v1.2.3", "--bin-dir", "/opt/sko"], {
      PATH: basePath,
      SKO_REPO: "acme/sko",
    });
    assertEquals(r.code, 0, r.stderr);
    assertStringIncludes(r.stdout, "https://github.com/acme/sko/releases/download/v1.2.3/SHA256SUMS");
    assertStringIncludes(r.stdout, "install /opt/sko/spec-kitty-orchestrator\n");
    const latest = await install(["--dry-run"], { PATH: basePath, HOME: "/home/u", SKO_REPO: "acme/sko" });
    assertStringIncludes(latest.stdout, "https://github.com/acme/sko/releases/latest/download/");
    assertStringIncludes(latest.stdout, "install /home/u/.local/bin/spec-kitty-orchestrator\n");
  },
});
