/**
 * `deno task bundle`: the CLI as one minified ES module (`deno bundle`, esbuild underneath),
 * which is what `deno task compile` embeds and what the benchmarks run.
 *
 *   deno task bundle                              # dist/spec-kitty-orchestrator.js
 *   deno task bundle --out /tmp/sko.js
 *
 * Why one module: Deno loads, links and keeps every module of a graph on its own, and our npm
 * dependencies come through its npm resolver. The same orchestrator as one minified file (names
 * kept: our error classes report by name) holds less memory for the whole run. Measured with the
 * bench's `scale` missions (Deno 2.9.6, shipped V8 flags, `deno run`, warm caches): 6 WPs peak RSS
 * 83 MB → 71 MB, 96 WPs 94.5 MB → 83.5 MB; the orchestrate module graph alone 61 MB → 53 MB
 * bundled and 50 MB minified. The price: commands that load little from source load the whole
 * file (`--version` 49 → 56 MB). Code splitting would keep them apart, but its minified chunks
 * lacked the `require` below and failed; `orchestrate` loads nearly everything anyway.
 *
 * @module
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { runDeno } from "./run_deno.ts";

/** Where `deno task bundle` writes by default (relative to the repository). */
export const DEFAULT_BUNDLE = "dist/spec-kitty-orchestrator.js";

/**
 * What the bundle needs in front of it. `yaml`'s Node build is CommonJS and `require`s
 * `node:process`; esbuild turns that into a call of `require` when one exists. Unminified,
 * `deno bundle` (Deno 2.9.6) defines it from `node:module`'s `createRequire`; with `--minify` it
 * leaves that out, and the bundle fails on its first YAML parse with "Dynamic
 * require of "node:process" is not supported". A module-level `require` is what esbuild's shim
 * looks for (`typeof require < "u"`).
 */
export const REQUIRE_PRELUDE =
  'import { createRequire as __skoCreateRequire } from "node:module";\nvar require = __skoCreateRequire(import.meta.url);\n';

/** The `deno bundle` arguments that write the CLI to `outFile`. */
export function bundleArgs(root: string, outFile: string): string[] {
  return [
    "bundle",
    "--quiet",
    "--frozen",
    `--config=${join(root, "deno.json")}`,
    "--minify",
    "--keep-names",
    `--output=${outFile}`,
    join(root, "src/main.ts"),
  ];
}

/**
 * The bundle text with {@link REQUIRE_PRELUDE} in front (once). Always added, not only when the
 * bundle lacks one of its own: a module-level `var require` beside a bundler's own `__require`
 * is harmless, and a test for the word `createRequire` would also match a dependency's text.
 */
export function withRequire(bundle: string): string {
  return bundle.startsWith(REQUIRE_PRELUDE) ? bundle : REQUIRE_PRELUDE + bundle;
}

/**
 * Writes the CLI bundle to `outFile` (its folder is created); throws with what to do when
 * `deno bundle` fails.
 */
export async function bundleCli(root: string, outFile: string, timeoutMs = 5 * 60_000): Promise<void> {
  await Deno.mkdir(dirname(outFile), { recursive: true });
  if (!(await runDeno(bundleArgs(root, outFile), { cwd: root, timeoutMs }))) {
    throw new Error(`deno bundle failed for ${join(root, "src/main.ts")}: fix what it printed above and rerun`);
  }
  await Deno.writeTextFile(outFile, withRequire(await Deno.readTextFile(outFile)));
}

async function main(argv: string[]): Promise<number> {
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  const log = (text: string) => Deno.stderr.writeSync(new TextEncoder().encode(text + "\n"));
  let out = join(root, DEFAULT_BUNDLE);
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    if (argv[i] === "--out" && value !== undefined) {
      out = resolve(value);
      i++;
    } else {
      log(`scripts/bundle.ts: Cannot use '${argv[i]}' as the only option is --out <file>`);
      return 2;
    }
  }
  try {
    await bundleCli(root, out);
  } catch (error) {
    log(`scripts/bundle.ts: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  log(`scripts/bundle.ts: wrote ${out}`);
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
