/**
 * scripts/install_agents.sh (the one installer of pinned npm packages: the agent CLIs and the
 * Node tools) against temp manifests and a fake `npm` on PATH, so no test touches the registry or
 * the real .tools/ prefixes: the stamp makes a second run a no-op, a missing bin reinstalls, a
 * missing npm or a bad manifest is a clear error, and a `bundle` entry is unpacked and linked.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { runProcessGroup } from "../../src/host/process.ts";

const ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const SCRIPT = join(ROOT, "scripts", "install_agents.sh");
const posix = Deno.build.os !== "windows";
const basePath = Deno.env.get("PATH") ?? "/usr/bin:/bin";

/**
 * A fake npm: logs every call to `$FAKE_NPM_LOG`; `install --prefix P specs...` creates an
 * executable `P/node_modules/.bin/<name>` for each name in `$FAKE_NPM_BINS`; `pack` writes a
 * tarball of a package whose bin `letta` is `letta.js`, as `npm pack` prints its file name.
 */
const FAKE_NPM = `#!/usr/bin/env bash
echo "$*" >> "$FAKE_NPM_LOG"
case "$1" in
  install)
    prefix="$3"
    mkdir -p "$prefix/node_modules/.bin"
    for b in $FAKE_NPM_BINS; do printf '#!/bin/sh\\n' > "$prefix/node_modules/.bin/$b"; chmod +x "$prefix/node_modules/.bin/$b"; done ;;
  pack)
    dest="$4"; work="$(mktemp -d)"; mkdir -p "$work/package"
    echo '{ "name": "fake-bundle", "version": "1.0.0", "bin": { "letta": "./letta.js" } }' > "$work/package/package.json"
    printf '#!/usr/bin/env node\\n' > "$work/package/letta.js"
    tar -czf "$dest/fake-bundle-1.0.0.tgz" -C "$work" package
    rm -rf "$work"
    echo "fake-bundle-1.0.0.tgz" ;;
esac
`;

interface Sandbox {
  tmp: string;
  manifest: string;
  prefix: string;
  run(env?: Record<string, string>, path?: string): ReturnType<typeof runProcessGroup>;
  npmCalls(): Promise<string[]>;
}

async function withSandbox(manifest: unknown, fn: (s: Sandbox) => Promise<void>): Promise<void> {
  const tmp = await Deno.makeTempDir({ prefix: "sko-install-tools-" });
  try {
    const bin = join(tmp, "fakebin");
    await Deno.mkdir(bin);
    await Deno.writeTextFile(join(bin, "npm"), FAKE_NPM);
    await Deno.chmod(join(bin, "npm"), 0o755);
    const file = join(tmp, "tools.json");
    await Deno.writeTextFile(file, typeof manifest === "string" ? manifest : JSON.stringify(manifest, null, 2));
    const log = join(tmp, "npm.log");
    await Deno.writeTextFile(log, "");
    const prefix = join(tmp, "prefix");
    await fn({
      tmp,
      manifest: file,
      prefix,
      run: (env = {}, path = `${bin}:${basePath}`) =>
        runProcessGroup(["bash", SCRIPT, file], {
          cwd: tmp,
          env: { PATH: path, HOME: tmp, TOOLS_PREFIX: prefix, FAKE_NPM_LOG: log, ...env },
          clearEnv: true,
          timeoutMs: 60_000,
        }),
      npmCalls: async () => (await Deno.readTextFile(log)).split("\n").filter((l) => l !== ""),
    });
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}

const TOOLS = {
  prefix: "ignored-because-TOOLS_PREFIX-is-set",
  tools: [{ package: "@x/cli", version: "1.2.3", bin: "xcli", runtimeDeps: ["@x/core@1.2.3"] }],
};

Deno.test({
  name: "install_agents.sh installs a manifest's specs in one npm run, stamps it, and a second run does nothing",
  ignore: !posix,
  fn: () =>
    withSandbox(TOOLS, async (s) => {
      const first = await s.run({ FAKE_NPM_BINS: "xcli" });
      assertEquals(first.code, 0, first.stderr);
      const calls = await s.npmCalls();
      assertEquals(calls.length, 1, calls.join("\n"));
      assertStringIncludes(calls[0]!, `install --prefix ${s.prefix} `);
      assertStringIncludes(calls[0]!, "@x/cli@1.2.3 @x/core@1.2.3");
      const want = (await runProcessGroup(["sha256sum", s.manifest], { cwd: s.tmp, env: {}, timeoutMs: 10_000 }))
        .stdout.split(" ")[0];
      assertEquals((await Deno.readTextFile(join(s.prefix, ".manifest.sha256"))).trim(), want);

      const second = await s.run({ FAKE_NPM_BINS: "xcli" });
      assertEquals(second.code, 0, second.stderr);
      assertEquals(second.stderr, "");
      assertEquals((await s.npmCalls()).length, 1, "the second run must not call npm");
    }),
});

Deno.test({
  name: "install_agents.sh reinstalls when a pinned bin is gone, and fails naming a bin the install did not create",
  ignore: !posix,
  fn: () =>
    withSandbox(TOOLS, async (s) => {
      assertEquals((await s.run({ FAKE_NPM_BINS: "xcli" })).code, 0);
      await Deno.remove(join(s.prefix, "node_modules", ".bin", "xcli"));
      const again = await s.run({ FAKE_NPM_BINS: "" });
      assertEquals(again.code, 1, again.stderr);
      assertEquals((await s.npmCalls()).length, 2, "a missing bin must trigger an install");
      assertStringIncludes(again.stderr, `${s.prefix}/node_modules/.bin/xcli is missing after the install`);
      let stamped = true;
      await Deno.stat(join(s.prefix, ".manifest.sha256")).catch(() => stamped = false);
      assertEquals(stamped, false, "a failed install must not leave a stamp");
    }),
});

Deno.test({
  name: "install_agents.sh without npm on PATH exits 127 and says to install Node.js",
  ignore: !posix,
  fn: () =>
    withSandbox(TOOLS, async (s) => {
      // Only bash and what the script needs before its npm check: no npm, no node.
      const bare = join(s.tmp, "bare");
      await Deno.mkdir(bare);
      for (const tool of ["bash", "dirname", "realpath"]) {
        const which = await runProcessGroup(["bash", "-c", `command -v ${tool}`], {
          cwd: s.tmp,
          env: {},
          timeoutMs: 10_000,
        });
        await Deno.symlink(which.stdout.trim(), join(bare, tool));
      }
      const r = await s.run({}, bare);
      assertEquals(r.code, 127, r.stderr);
      assertStringIncludes(r.stderr, "npm and node are required");
      assertStringIncludes(r.stderr, s.manifest);
      assertStringIncludes(r.stderr, "install Node.js");
      assertEquals(await s.npmCalls(), []);
    }),
});

Deno.test({
  name: "install_agents.sh rejects a bad manifest with the file and the entry, no stack trace, exit 2",
  ignore: !posix,
  fn: async () => {
    const cases: [unknown, string][] = [
      ["{ not json", "not valid JSON"],
      [{ tools: "x" }, "needs an `agents` or `tools` array"],
      [{ agents: [{ package: "a", version: "1", bin: "a" }, { package: "b", version: "1" }] }, "entry 2 (b): `bin`"],
      [{ tools: [{ package: "a", version: "1", bin: "a", install: "curl" }] }, 'unknown install "curl"'],
      [{ tools: [{ package: "a b", version: "1", bin: "a" }] }, "`package` must be a non-empty string without spaces"],
    ];
    for (const [manifest, message] of cases) {
      await withSandbox(manifest, async (s) => {
        const r = await s.run();
        assertEquals(r.code, 2, `${JSON.stringify(manifest)}: ${r.stderr}`);
        assertStringIncludes(r.stderr, `scripts/install_agents.sh: ${s.manifest}: `);
        assertStringIncludes(r.stderr, message);
        assert(!r.stderr.includes("    at "), `stack trace in: ${r.stderr}`);
        assertEquals(await s.npmCalls(), []);
      });
    }
  },
});

Deno.test({
  name: "install_agents.sh unpacks an `install: bundle` entry without its dependencies and links its bin",
  ignore: !posix,
  fn: () =>
    withSandbox({
      agents: [
        { agent: "a", package: "@x/a", version: "1.0.0", bin: "a" },
        {
          agent: "letta",
          package: "fake-bundle",
          version: "1.0.0",
          bin: "letta",
          install: "bundle",
          runtimeDeps: ["ws@8.19.0"],
        },
      ],
    }, async (s) => {
      const r = await s.run({ FAKE_NPM_BINS: "a" });
      assertEquals(r.code, 0, r.stderr);
      const calls = await s.npmCalls();
      assertEquals(calls.length, 2, calls.join("\n"));
      assert(calls[0]!.endsWith("@x/a@1.0.0 ws@8.19.0"), calls[0]);
      assertStringIncludes(calls[1]!, "pack --silent --pack-destination");
      assertStringIncludes(calls[1]!, "fake-bundle@1.0.0");
      const link = join(s.prefix, "node_modules", ".bin", "letta");
      assertEquals(await Deno.readLink(link), "../fake-bundle/letta.js");
      assert(((await Deno.stat(link)).mode ?? 0) & 0o100, "the bundle's bin must be executable");
    }),
});
