/**
 * The architecture as a test (part of `deno task ok`): the import graph of `src/` keeps the shape
 * docs/development.md describes.
 *
 * - The pure folders (`domain/`, `core/`, `config/`) touch nothing outside the process: no
 *   `Deno.*`, no Node built-in but `node:path`, and they import only each other and the npm
 *   libraries listed in {@link PURE_PACKAGES}.
 * - The engine is the loop over ports: nothing it imports, directly or not, uses `Deno.*` (the
 *   host, agents, git, clock and files reach it through the interfaces in `domain/` and
 *   `engine/ports.ts`).
 * - Only `proc/` starts processes (one runner owns every subprocess: timeout, group kill, log).
 * - Strings are ordered by code unit (`core/order.ts`), never by locale: the same order on every
 *   machine, and no ICU collator in memory.
 * - No two folders of `src/` import each other (directly or around a longer loop).
 * - No file cycle, type-only imports included: a cycle through types is still two modules that
 *   cannot be understood one without the other.
 *
 * Test files (`*_test.ts`) are leaves and may import anything; they are not part of the graph.
 *
 * @module
 */
import { assertEquals } from "./support/assert.ts";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { importsOf, type ModuleGraph, readGraph, stronglyConnected } from "./support/import_graph.ts";

const SRC = fileURLToPath(new URL("../src/", import.meta.url));

/** Folders whose modules are pure functions over plain data. */
const PURE_FOLDERS = ["domain", "core", "config"] as const;
/** npm libraries pure modules may use: validation, YAML parsing, ids. */
const PURE_PACKAGES = new Set(["zod", "yaml", "ulid"]);
/** Node built-ins pure modules may use: path strings only. */
const PURE_NODE = new Set(["node:path"]);

const graph: ModuleGraph = await readGraph(SRC);

/** `core/decide.ts` → `core`; `main.ts` → `main`. */
function folderOf(file: string): string {
  const i = file.indexOf("/");
  return i < 0 ? file.replace(/\.ts$/, "") : file.slice(0, i);
}

function isPure(file: string): boolean {
  return (PURE_FOLDERS as readonly string[]).includes(folderOf(file));
}

Deno.test("architecture: pure folders (domain, core, config) use no Deno.* and import only pure modules", () => {
  const problems: string[] = [];
  for (const [file, mod] of graph) {
    if (!isPure(file)) continue;
    for (const line of mod.denoUses) {
      problems.push(`${file}:${line} uses Deno.* (a pure module takes the value as input)`);
    }
    for (const imp of mod.imports) {
      if (imp.kind === "relative") {
        if (!isPure(imp.target)) problems.push(`${file} imports ${imp.target} (not a pure folder)`);
      } else if (imp.kind === "node") {
        if (!PURE_NODE.has(imp.specifier)) problems.push(`${file} imports ${imp.specifier}`);
      } else if (!PURE_PACKAGES.has(imp.specifier)) {
        problems.push(`${file} imports the package '${imp.specifier}' (pure modules may use ${[...PURE_PACKAGES]})`);
      }
    }
  }
  assertEquals(problems, []);
});

Deno.test("architecture: nothing the engine imports, directly or not, uses Deno.*", () => {
  const problems: string[] = [];
  for (const file of graph.keys()) {
    if (folderOf(file) !== "engine") continue;
    const seen = new Set<string>();
    const path = new Map<string, string>([[file, file]]);
    const queue = [file];
    while (queue.length > 0) {
      const at = queue.shift()!;
      if (seen.has(at)) continue;
      seen.add(at);
      const mod = graph.get(at);
      if (mod === undefined) continue;
      if (mod.denoUses.length > 0) problems.push(`${path.get(at)} uses Deno.* (line ${mod.denoUses[0]})`);
      for (const imp of mod.imports) {
        if (imp.kind !== "relative" || seen.has(imp.target)) continue;
        if (!path.has(imp.target)) path.set(imp.target, `${path.get(at)} → ${imp.target}`);
        queue.push(imp.target);
      }
    }
  }
  assertEquals([...new Set(problems)], []);
});

Deno.test("architecture: only proc/ starts processes", () => {
  const problems = [...graph].flatMap(([file, mod]) =>
    folderOf(file) === "proc" ? [] : mod.spawns.map((line) => `${file}:${line} starts a process (use proc/run.ts)`)
  );
  assertEquals(problems, []);
});

Deno.test("architecture: strings are ordered by core/order.ts, never by locale", () => {
  const problems = [...graph].flatMap(([file, mod]) =>
    mod.localeOrders.map((line) => `${file}:${line} orders by locale (use byCodeUnit from core/order.ts)`)
  );
  assertEquals(problems, []);
});

Deno.test("architecture: no two folders of src/ import each other, directly or around a loop", () => {
  const folders = new Map<string, Set<string>>();
  const witness = new Map<string, string>();
  for (const [file, mod] of graph) {
    const from = folderOf(file);
    for (const imp of mod.imports) {
      if (imp.kind !== "relative") continue;
      const to = folderOf(imp.target);
      if (to === from) continue;
      if (!folders.has(from)) folders.set(from, new Set());
      folders.get(from)!.add(to);
      if (!witness.has(`${from}>${to}`)) witness.set(`${from}>${to}`, `${file} → ${imp.target}`);
    }
  }
  const loops = stronglyConnected(folders).map((group) => {
    const edges = [...witness].filter(([key]) => {
      const [a, b] = key.split(">");
      return group.includes(a!) && group.includes(b!);
    }).map(([, w]) => w);
    return `${group.join(" ↔ ")}: ${edges.join("; ")}`;
  });
  assertEquals(loops, []);
});

Deno.test("architecture: no import cycle between files of src/ (type-only imports included)", () => {
  const edges = new Map<string, Set<string>>();
  for (const [file, mod] of graph) {
    edges.set(file, new Set(mod.imports.filter((i) => i.kind === "relative").map((i) => i.target)));
  }
  assertEquals(stronglyConnected(edges).map((group) => group.join(" → ")), []);
});

Deno.test("import graph reader: sees multi-line, type-only, re-export and dynamic imports, skips comments", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(join(dir, "a"));
    await Deno.mkdir(join(dir, "b"));
    await Deno.writeTextFile(
      join(dir, "a", "x.ts"),
      [
        '/** Example: import { no } from "../b/ignored.ts"; */',
        '// import { nope } from "../b/ignored.ts";',
        "import type {",
        "  T,",
        '} from "../b/y.ts";',
        'export { z } from "./z.ts";',
        'const m = await import("../b/w.ts");',
        'import { parse } from "yaml";',
        'import { join } from "node:path";',
        "const cwd = Deno.cwd();",
        'const p = new Deno.Command("git"); // Deno.run in a comment does not count',
      ].join("\n"),
    );
    const g = await readGraph(dir);
    const mod = g.get("a/x.ts")!;
    assertEquals(mod.imports.map((i) => `${i.kind}:${i.kind === "relative" ? i.target : i.specifier}`).sort(), [
      "node:node:path",
      "package:yaml",
      "relative:a/z.ts",
      "relative:b/w.ts",
      "relative:b/y.ts",
    ]);
    assertEquals(mod.denoUses, [10, 11]);
    assertEquals(mod.spawns, [11]);
    assertEquals(importsOf('import {a} from "npm:zod@4";').map((i) => i.specifier), ["zod"]);
    assertEquals(relative(dir, dir), "");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("stronglyConnected() finds loops of two and more and ignores a DAG", () => {
  const dag = new Map([["a", new Set(["b", "c"])], ["b", new Set(["c"])]]);
  assertEquals(stronglyConnected(dag), []);
  const loops = new Map([["a", new Set(["b"])], ["b", new Set(["c"])], ["c", new Set(["a"])], ["d", new Set(["e"])], [
    "e",
    new Set(["d"]),
  ]]);
  assertEquals(stronglyConnected(loops).map((g) => g.join(",")).sort(), ["a,b,c", "d,e"]);
});
