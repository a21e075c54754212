/**
 * `deno task compile`: builds the single-file binaries with `deno compile` and writes
 * `dist/SHA256SUMS` (the format `sha256sum -c` and scripts/install.sh read).
 *
 *   deno task compile                      # every release target
 *   deno task compile --current            # only the machine we run on
 *   deno task compile --target aarch64-apple-darwin --target x86_64-pc-windows-msvc
 *   deno task compile --current --out-dir /tmp/bin
 *
 * What is compiled is the CLI bundle (scripts/bundle.ts: one minified module, less memory at run
 * time than the modules of the source graph), built once into a temporary folder (so nothing but
 * the binaries and SHA256SUMS lands in the release folder).
 * `deno compile` embeds it into a "denort" runtime base that Deno downloads per target.
 * Offline, point `DENORT_BIN` at a denort binary for the host target (Deno reads that variable
 * itself); `DENORT_BIN_<TARGET>` (e.g. `DENORT_BIN_AARCH64_APPLE_DARWIN`) does the same per target.
 *
 * @module
 */
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleCli } from "./bundle.ts";
import { runDeno } from "./run_deno.ts";
import { sha256Hex } from "../src/core/hex.ts";

/** The release targets (Deno's target triples). */
export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
] as const;

/** A release target. */
export type Target = typeof TARGETS[number];

/** Binary name prefix; the full name is `<prefix>-<target>[.exe]`. */
export const BINARY_PREFIX = "spec-kitty-orchestrator";

/**
 * Permissions baked into the binary, and why each is needed. Nothing else (no FFI, no
 * `--allow-all`): the binary cannot load native code or prompt.
 */
export const PERMISSIONS = [
  // Read the repository, orchestration.yaml, mission files, run state and agent logs.
  "--allow-read",
  // Write run state, locks, logs, run records, reports, prompts and `init` output.
  "--allow-write",
  // Spawn the host (`spec-kitty`), git, the agent CLIs, `caffeinate`, and ourselves (built-in host).
  "--allow-run",
  // Read HOME/PATH/NO_COLOR, pass agent API keys through, read notification URLs (urlEnv).
  "--allow-env",
  // Deliver webhook / Slack notifications (the only network use; agents do their own networking).
  "--allow-net",
  // hostname, OS release and load average for the lock sidecar, `doctor` and `version`.
  "--allow-sys",
] as const;

/**
 * V8 flags baked into the binary (and used by `deno task cli` and the demo). The orchestrator
 * holds ~20 MB of live heap, but V8 grows its young generation (up to three 8 MB semi-spaces by
 * default) in the allocation bursts of startup and of each WP step, which was ~10 MB of peak RSS
 * for nothing. Capping a semi-space at 2 MB keeps it small; the extra scavenges cost nothing
 * measurable in a mostly idle process. Measured with the bench's `rss` mission (4 WPs at once,
 * Deno 2.9.6, in-process peak): 104–106 MB → 93–95 MB without agent output; the process CPU
 * time was unchanged (1 MB gave the same peak).
 *
 * `--memory-saver-mode` keeps the old generation near the live heap instead of letting it grow
 * between full collections: over a long mission the live heap stays ~18 MB while the heap V8
 * reserved grew to ~45 MB. Measured with the bench's 96-WP `scale` mission (8 chains × 12,
 * K=8, Deno 2.9.6, two runs each): peak RSS 141–144 MB → 99–104 MB, orchestrator CPU 13.2–13.6 s
 * → 13.1 s. Unlike `--max-old-space-size` it sets no hard limit, so a larger mission cannot hit
 * an out-of-memory abort.
 *
 * `--lite-mode` trades JIT speed for memory: V8 runs bytecode only (it implies `--jitless`, so no
 * Sparkplug/Maglev/Turbofan code, no executable heap pages, fewer feedback vectors, and no
 * WebAssembly, which neither we nor our dependencies use). The orchestrator waits on
 * subprocesses; its CPU-heavy work (JSON, output streaming) runs in V8 builtins and Rust, which
 * lite mode does not slow. Measured with the bench's `scale` missions (Deno 2.9.6, load average
 * 4–12 on 2 CPUs, `deno run`): 6 WPs 88–90 MB → 79–83 MB peak RSS; 96 WPs 103–110 MB → 91–96 MB,
 * orchestrator CPU 13.8–13.9 s → 13.7–16.3 s, wall time unchanged within the machine's noise
 * (56–83 s → 56–81 s); 4 agents × 200 MB output: 95 → 84 MB, CPU 1.8 s both; a built-in host call
 * costs the same CPU. Plain-JS hot loops run several times slower, so measure before adding a
 * CPU-bound pure-JS path. Each flag is passed as its own `--v8-flags=` argument.
 */
export const V8_FLAGS = ["--max-semi-space-size=2", "--memory-saver-mode", "--lite-mode"] as const;

/** Files embedded in the binary besides the module graph. */
export const INCLUDES = ["schema/orchestration.schema.json"] as const;

/** Parsed command line of this script. */
export interface CompileOptions {
  targets: Target[];
  outDir: string;
}

/** The target of the machine running this script, or null when we do not release for it. */
export function hostTarget(build: { target: string } = Deno.build): Target | null {
  return (TARGETS as readonly string[]).includes(build.target) ? build.target as Target : null;
}

/** Parses `--target <t>` (repeatable), `--current`, `--out-dir <dir>`; default: all targets into dist/. */
export function parseArgs(argv: readonly string[], root: string, host: Target | null = hostTarget()): CompileOptions {
  const targets: Target[] = [];
  let outDir = join(root, "dist");
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`Cannot use '${arg}' as it needs a value: current value is missing`);
      return v;
    };
    if (arg === "--target") {
      const t = value();
      if (!(TARGETS as readonly string[]).includes(t)) {
        throw new Error(`Cannot use '--target' as it must be one of ${TARGETS.join(", ")}: current value is ${t}`);
      }
      targets.push(t as Target);
    } else if (arg === "--current") {
      if (host === null) {
        throw new Error(
          `Cannot use '--current' as the host must be a release target: current value is ${Deno.build.target}`,
        );
      }
      targets.push(host);
    } else if (arg === "--out-dir") outDir = resolve(value());
    else {throw new Error(
        `Cannot use '${arg}' as it is not an option of scripts/compile.ts (--target, --current, --out-dir)`,
      );}
  }
  return { targets: targets.length === 0 ? [...TARGETS] : [...new Set(targets)], outDir };
}

/** `dist/spec-kitty-orchestrator-<target>[.exe]`. */
export function outputName(target: Target): string {
  return `${BINARY_PREFIX}-${target}${target.includes("windows") ? ".exe" : ""}`;
}

/** The `deno compile` arguments that compile `entry` (the CLI bundle) for one target. */
export function compileArgs(target: Target, root: string, outDir: string, entry: string): string[] {
  return [
    "compile",
    "--frozen",
    `--config=${join(root, "deno.json")}`,
    ...PERMISSIONS,
    ...V8_FLAGS.map((flag) => `--v8-flags=${flag}`),
    ...INCLUDES.map((file) => `--include=${join(root, file)}`),
    `--target=${target}`,
    `--output=${join(outDir, outputName(target))}`,
    entry,
  ];
}

/**
 * The environment for compiling `target`: `DENORT_BIN_<TARGET>` wins; a plain `DENORT_BIN` only
 * applies to the host target (a runtime base is target-specific), so it is removed for others.
 */
export function compileEnv(
  target: Target,
  env: Record<string, string | undefined>,
  host: Target | null,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && k !== "DENORT_BIN") out[k] = v;
  const specific = env[`DENORT_BIN_${target.toUpperCase().replaceAll("-", "_")}`];
  if (specific) out.DENORT_BIN = specific;
  else if (env.DENORT_BIN && target === host) out.DENORT_BIN = env.DENORT_BIN;
  return out;
}

/** `<sha256 hex>  <file name>` lines, sorted by name, as `sha256sum` prints them. */
export async function sha256Lines(files: readonly string[]): Promise<string> {
  const lines: string[] = [];
  for (const file of [...files].sort((a, b) => basename(a).localeCompare(basename(b)))) {
    lines.push(`${await sha256Hex(await Deno.readFile(file))}  ${basename(file)}`);
  }
  return lines.map((l) => l + "\n").join("");
}

async function main(argv: string[]): Promise<number> {
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  const log = (text: string) => Deno.stderr.writeSync(new TextEncoder().encode(text + "\n"));
  let opts: CompileOptions;
  try {
    opts = parseArgs(argv, root);
  } catch (error) {
    log(`scripts/compile.ts: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  await Deno.mkdir(opts.outDir, { recursive: true });
  const work = await Deno.makeTempDir({ prefix: "sko-compile-" });
  try {
    const entry = join(work, "spec-kitty-orchestrator.js");
    try {
      await bundleCli(root, entry);
    } catch (error) {
      log(`scripts/compile.ts: ${error instanceof Error ? error.message : String(error)}`);
      return 1;
    }
    for (const target of opts.targets) {
      log(`scripts/compile.ts: compiling ${outputName(target)} ...`);
      const env = compileEnv(target, Deno.env.toObject(), hostTarget());
      const args = compileArgs(target, root, opts.outDir, entry);
      if (!(await runDeno(args, { cwd: root, timeoutMs: 10 * 60_000, env }))) {
        log(
          `scripts/compile.ts: deno compile failed for ${target}. Offline? Set DENORT_BIN to a denort ` +
            `binary for the host target (or DENORT_BIN_<TARGET> for others).`,
        );
        return 1;
      }
    }
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
  const binaries: string[] = [];
  for await (const entry of Deno.readDir(opts.outDir)) {
    if (entry.isFile && entry.name.startsWith(`${BINARY_PREFIX}-`)) binaries.push(join(opts.outDir, entry.name));
  }
  await Deno.writeTextFile(join(opts.outDir, "SHA256SUMS"), await sha256Lines(binaries));
  log(`scripts/compile.ts: wrote ${binaries.length} binaries and SHA256SUMS to ${opts.outDir}`);
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
