/**
 * The import graph of a source tree, read from the text of its modules: what
 * `test/architecture_test.ts` checks. Regular expressions over comment-free source are enough
 * here because our modules only use static string specifiers (lint and `deno check` keep it so).
 *
 * @module
 */
import { dirname, join, normalize, relative } from "node:path";

/** One import of a module. */
export type Import =
  /** A file of the tree: `target` is its path relative to the tree's root. */
  | { kind: "relative"; specifier: string; target: string; typeOnly: boolean }
  /** A Node built-in (`node:path`). */
  | { kind: "node"; specifier: string }
  /** An npm or import-map package, by bare name (`npm:zod@4` → `zod`). */
  | { kind: "package"; specifier: string };

/** A module of the tree: its imports and the lines that use `Deno.*`. */
export interface ModuleInfo {
  imports: Import[];
  /** 1-based line numbers of code (not comments) that reads `Deno.`. */
  denoUses: number[];
  /** 1-based line numbers of code that starts a process (`Deno.Command`, `Deno.run`, `node:child_process`). */
  spawns: number[];
  /** 1-based line numbers of code that orders strings by locale (`localeCompare`, `Intl.Collator`). */
  localeOrders: number[];
}

/** File (relative to the root, `/`-separated) → what it imports. */
export type ModuleGraph = Map<string, ModuleInfo>;

const IMPORT =
  /(?:^|[;\s}])(?:import|export)\s+(type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

const SPAWN = /\bDeno\.(Command|run)\b|["']node:child_process["']/;

/** Blanks comments (keeping line breaks, so line numbers stay right); string contents are kept. */
export function stripComments(source: string): string {
  let out = "";
  let i = 0;
  let quote: string | null = null;
  while (i < source.length) {
    const c = source[i]!;
    const next = source[i + 1];
    if (quote !== null) {
      out += c;
      if (c === "\\") {
        out += next ?? "";
        i += 2;
        continue;
      }
      if (c === quote) quote = null;
      i++;
    } else if (c === "/" && next === "/") {
      while (i < source.length && source[i] !== "\n") i++;
    } else if (c === "/" && next === "*") {
      const end = source.indexOf("*/", i + 2);
      const stop = end < 0 ? source.length : end + 2;
      out += source.slice(i, stop).replace(/[^\n]/g, " ");
      i = stop;
    } else {
      if (c === '"' || c === "'" || c === "`") quote = c;
      out += c;
      i++;
    }
  }
  return out;
}

/** The bare package name of a non-relative specifier (`npm:@scope/a@1/sub` → `@scope/a`). */
function packageName(specifier: string): string {
  const bare = specifier.replace(/^(npm|jsr):/, "");
  const parts = bare.split("/");
  const name = bare.startsWith("@") ? `${parts[0]}/${parts[1] ?? ""}` : parts[0]!;
  return name.replace(/(.)@.*$/, "$1");
}

/** The imports of one module's source; relative targets are left unresolved (`target` = specifier). */
export function importsOf(source: string): Import[] {
  const code = stripComments(source);
  const found: Import[] = [];
  for (const m of code.matchAll(IMPORT)) {
    const specifier = m[2] ?? m[3]!;
    if (specifier.startsWith(".")) {
      found.push({ kind: "relative", specifier, target: specifier, typeOnly: m[1] !== undefined });
    } else if (specifier.startsWith("node:")) {
      found.push({ kind: "node", specifier });
    } else {
      found.push({ kind: "package", specifier: packageName(specifier) });
    }
  }
  return found;
}

/** Every non-test `.ts` module under `dir`, as paths relative to `root`. */
export async function tsFiles(root: string, dir = root): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) files.push(...await tsFiles(root, path));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith("_test.ts")) files.push(relative(root, path));
  }
  return files;
}

/** Reads every non-test `.ts` module under `root` with its imports resolved against the root. */
export async function readGraph(root: string): Promise<ModuleGraph> {
  const graph: ModuleGraph = new Map();
  for (const file of (await tsFiles(root)).sort()) {
    const source = await Deno.readTextFile(join(root, file));
    const imports = importsOf(source).map((imp): Import =>
      imp.kind === "relative" ? { ...imp, target: normalize(join(dirname(file), imp.specifier)) } : imp
    );
    const lines = stripComments(source).split("\n");
    const denoUses = lines.flatMap((line, i) => /\bDeno\./.test(line) ? [i + 1] : []);
    const spawns = lines.flatMap((line, i) => SPAWN.test(line) ? [i + 1] : []);
    const localeOrders = lines.flatMap((line, i) => /\.localeCompare\(|\bIntl\.Collator\b/.test(line) ? [i + 1] : []);
    graph.set(file.split("\\").join("/"), { imports, denoUses, spawns, localeOrders });
  }
  return graph;
}

/** The groups of nodes that reach each other (Tarjan), each sorted; single nodes without a self-loop are left out. */
export function stronglyConnected(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  let counter = 0;
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1 || edges.get(node)?.has(node)) groups.push(group.sort());
    }
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return groups;
}
