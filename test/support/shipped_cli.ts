/**
 * The CLI as it ships, for the suites that run it as a process (e2e, faults): the bundle that
 * `deno task compile` embeds (scripts/bundle.ts), built once per state of the sources into
 * `.tools/bundle/<hash>.js` and shared by every test file and run until a source changes.
 *
 * Why not src/main.ts: the binary runs the minified bundle, not the module graph, so the process
 * suites prove what users get (the CLI tests under src/cli/ and the demo test still run the
 * source). Several test files load this at once under `deno test --parallel`: each may build,
 * into its own temporary file renamed into place, so a reader never sees half a bundle.
 *
 * @module
 */
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleCli } from "../../scripts/bundle.ts";
import { tsFiles } from "./import_graph.ts";
import { sha256Hex } from "../../src/core/hex.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** A SHA-256 over the bundle's inputs: each file's name and the SHA-256 of its content. */
export async function sourceHash(root: string = ROOT): Promise<string> {
  // What the bundle is built from: the sources (tests excluded), the bundle script, config and lock.
  const files = [
    ...(await tsFiles(root, join(root, "src"))).map((file) => join(root, file)),
    join(root, "scripts", "bundle.ts"),
    join(root, "deno.json"),
    join(root, "deno.lock"),
  ].sort();
  const lines: string[] = [];
  for (const file of files) lines.push(`${relative(root, file)}\0${await sha256Hex(await Deno.readFile(file))}`);
  return await sha256Hex(lines.join("\n"));
}

/** The path of the shipped CLI bundle for the current sources, built when missing. */
export async function shippedCli(root: string = ROOT): Promise<string> {
  const dir = join(root, ".tools", "bundle");
  const path = join(dir, `${(await sourceHash(root)).slice(0, 16)}.js`);
  try {
    await Deno.stat(path);
    return path;
  } catch {
    // Not built for these sources yet.
  }
  await Deno.mkdir(dir, { recursive: true });
  const temp = `${path}.${crypto.randomUUID()}.tmp`;
  await bundleCli(root, temp);
  await Deno.rename(temp, path);
  await removeStale(dir, path);
  return path;
}

/** Bundles of older sources, left an hour (a run of the suites still using one is long over). */
async function removeStale(dir: string, keep: string): Promise<void> {
  const cutoff = Date.now() - 3_600_000;
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (path === keep || !entry.isFile) continue;
    const stat = await Deno.stat(path).catch(() => null);
    if (stat?.mtime && stat.mtime.getTime() < cutoff) await Deno.remove(path).catch(() => {});
  }
}
