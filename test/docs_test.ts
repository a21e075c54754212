/**
 * The documentation holds together: README.md stays short (the reference lives in docs/), every
 * relative link in README.md and docs/*.md reaches a file (and heading) of the repository, and
 * every document a code comment cites is in the repository, not only on the machine of whoever
 * wrote the comment.
 *
 * The checks are pure functions over text (tested on small inputs first), then run over the tree.
 *
 * @module
 */
import { dirname, join, relative, resolve } from "node:path";
import { assertEquals } from "./support/assert.ts";

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), "..");

/** The README is the front page: what it is, the commands, a short config, links. */
export const README_MAX_BYTES = 12 * 1024;

/** Folders whose TypeScript comments are checked for citations. */
const CODE_DIRS = ["src", "test", "bench", "scripts"];

/** Removes fenced code blocks (their lines become empty, so line numbers stay). */
export function withoutFences(markdown: string): string {
  let fenced = false;
  return markdown.split("\n").map((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return "";
    }
    return fenced ? "" : line;
  }).join("\n");
}

/** A link of a markdown file: its line and target (`path`, `path#anchor` or `#anchor`). */
export interface MdLink {
  line: number;
  target: string;
}

/**
 * The relative links (inline `[text](target)` and images) outside code; URLs are left out. Link
 * text may wrap onto the next line, so the whole text is searched and the line is counted.
 */
export function relativeLinks(markdown: string): MdLink[] {
  // Code spans become blanks of the same length, so offsets (and line numbers) stay true.
  const text = withoutFences(markdown).replace(/`[^`\n]*`/g, (span) => " ".repeat(span.length));
  const links: MdLink[] = [];
  for (const m of text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    const target = m[1] ?? "";
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, ...
    links.push({ line: text.slice(0, m.index).split("\n").length, target });
  }
  return links;
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
export function headingSlug(heading: string): string {
  return heading.trim().toLowerCase().replace(/`/g, "").replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
}

/** Every anchor a markdown file offers (duplicate headings get `-1`, `-2`, as on GitHub). */
export function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of withoutFences(markdown).split("\n")) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = headingSlug(m[1] ?? "");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** A document a code comment cites: where, and the path as written. */
export interface Citation {
  line: number;
  doc: string;
}

/**
 * Research notes that live outside the repository; naming one in a comment is a citation even
 * without a section, so it must name the in-repo copy under `docs/`.
 */
const OUTSIDE_NOTES = new Set([
  "agent-clis.md",
  "host-contract.md",
  "host-contract-history.md",
  "host-transcripts.md",
  "host-transcripts-old.md",
  "peers.md",
  "reference-orchestrator.md",
  "reliability.md",
  "style.md",
]);

/**
 * The documents cited in the comments of a TypeScript file. A citation is a `*.md` name followed
 * by a section sign (`docs/host-contract.md §7`), a `*.md` path under `docs/`, or the bare name of a
 * research note ({@link OUTSIDE_NOTES}). Mentions of a mission's own files (`tasks.md`,
 * `WP01.md`) are not citations.
 * Comments are whole comment lines (`//`, `/*`, ` *`) and trailing ` // ...` comments.
 */
export function citations(source: string): Citation[] {
  const found: Citation[] = [];
  source.split("\n").forEach((line, i) => {
    const trimmed = line.trimStart();
    let comment: string | null = null;
    if (/^(\/\/|\/\*|\*)/.test(trimmed)) comment = trimmed;
    else {
      const at = line.search(/\s\/\/\s/);
      if (at >= 0) comment = line.slice(at);
    }
    if (comment === null) return;
    for (const m of comment.matchAll(/(?<![\w./-])([\w./-]*[\w-]\.md)\b(\s*§)?/g)) {
      const doc = m[1] ?? "";
      if (m[2] !== undefined || doc.startsWith("docs/") || OUTSIDE_NOTES.has(doc)) found.push({ line: i + 1, doc });
    }
  });
  return found;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function* tsFiles(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory && entry.name !== "fixtures" && entry.name !== "node_modules") yield* tsFiles(path);
    else if (entry.isFile && entry.name.endsWith(".ts")) yield path;
  }
}

async function markdownFiles(): Promise<string[]> {
  const files = [join(ROOT, "README.md")];
  for await (const entry of Deno.readDir(join(ROOT, "docs"))) {
    if (entry.isFile && entry.name.endsWith(".md")) files.push(join(ROOT, "docs", entry.name));
  }
  return files.sort();
}

/** What is wrong with the links of `file` (one line per broken link). */
async function brokenLinks(file: string): Promise<string[]> {
  const text = await Deno.readTextFile(file);
  const problems: string[] = [];
  for (const { line, target } of relativeLinks(text)) {
    const [pathPart = "", anchor] = target.split("#", 2);
    const path = pathPart === "" ? file : resolve(dirname(file), decodeURIComponent(pathPart));
    const where = `${relative(ROOT, file)}:${line}: link ${target}`;
    if (!(await exists(path))) {
      problems.push(`${where}: no file ${relative(ROOT, path)}`);
      continue;
    }
    if (anchor !== undefined && anchor !== "" && path.endsWith(".md")) {
      if (!anchorsOf(await Deno.readTextFile(path)).has(anchor.toLowerCase())) {
        problems.push(`${where}: no heading with anchor #${anchor} in ${relative(ROOT, path)}`);
      }
    }
  }
  return problems;
}

Deno.test("docs checks: fences, links, anchors and citations are found as written", () => {
  const md = "# Top\n\nSee [a](docs/a.md#x-y), ![i](img.png), [web](https://x.y/z.md) and `[no](code.md)`.\n" +
    "A [wrapped\nlink](b.md).\n" +
    "```sh\n[not](fenced.md)\n# not a heading\n```\n## X `y`\n## Top\n";
  assertEquals(relativeLinks(md), [
    { line: 3, target: "docs/a.md#x-y" },
    { line: 3, target: "img.png" },
    { line: 4, target: "b.md" },
  ]);
  assertEquals([...anchorsOf(md)], ["top", "x-y", "top-1"]);
  assertEquals(headingSlug("§4.2 Fault catalogue"), "42-fault-catalogue");
  assertEquals(headingSlug("Hosts, contract and policy"), "hosts-contract-and-policy");
  const ts = [
    "/**",
    " * Decides (host-contract.md §6) and docs/hosts.md; reads tasks.md and WP01.md; see agent-clis.md.",
    " */",
    // (split so that this file's own comment check does not read the sample as a comment)
    'const url = "https://example.com/docs/x.md"; /' + "/ see reliability.md § 4.2",
    'const path = "docs/usage.md";',
  ].join("\n");
  assertEquals(citations(ts), [
    { line: 2, doc: "host-contract.md" },
    { line: 2, doc: "docs/hosts.md" },
    { line: 2, doc: "agent-clis.md" },
    { line: 4, doc: "reliability.md" },
  ]);
});

Deno.test(`README.md is at most ${README_MAX_BYTES} bytes (the reference lives in docs/)`, async () => {
  const size = (await Deno.stat(join(ROOT, "README.md"))).size;
  assertEquals(
    size <= README_MAX_BYTES,
    true,
    `README.md is ${size} bytes, over ${README_MAX_BYTES}: move the detail into docs/ and link to it`,
  );
});

Deno.test("every relative link in README.md and docs/*.md reaches a file and heading of the repository", async () => {
  const problems: string[] = [];
  for (const file of await markdownFiles()) problems.push(...await brokenLinks(file));
  assertEquals(problems, []);
});

Deno.test("every document a code comment cites is in the repository", async () => {
  const problems: string[] = [];
  for (const dir of CODE_DIRS) {
    for await (const file of tsFiles(join(ROOT, dir))) {
      for (const { line, doc } of citations(await Deno.readTextFile(file))) {
        if (!(await exists(join(ROOT, doc)))) {
          problems.push(
            `${relative(ROOT, file)}:${line}: cites ${doc}, which is not in the repository (cite docs/...)`,
          );
        }
      }
    }
  }
  assertEquals(problems, []);
});
