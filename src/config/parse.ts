/**
 * Parses and validates the text of an `orchestration.yaml` (pure: no file system).
 *
 * Hostile input is expected (the file is in the repository, and PRs change it): the size is
 * capped before parsing, aliases are capped while converting (a "billion laughs" document
 * fails fast), duplicate keys are errors, and every problem is reported with its
 * `file:line:col`, its field path, the rule and the actual value — all of them, not just the first.
 *
 * @module
 */
import { LineCounter, parseDocument } from "yaml";
import { ConfigError } from "../domain/errors.ts";
import { escapeForeign } from "../core/escape.ts";
import { type ConfigIssue, formatPath, fromZodIssues, ZOD_DEFAULT } from "./issues.ts";
import { locate } from "./locate.ts";
import { checkReferences } from "./references.ts";
import { type OrchestrationFile, OrchestrationFileSchema } from "./schema.ts";

/** Files larger than this are rejected before parsing. */
export const MAX_CONFIG_BYTES = 256 * 1024;
/** Alias expansions allowed while converting the document (more means an alias bomb). */
export const MAX_ALIAS_COUNT = 50;
/** How many problems one error lists. */
const MAX_LISTED = 10;

const FIX = "Fix the listed fields; `spec-kitty-orchestrator validate` re-checks the file and " +
  "`spec-kitty-orchestrator schema` prints the JSON Schema.";

/** Builds the one error listing every problem (at most {@link MAX_LISTED}). */
function configError(name: string, lines: string[], path?: string): ConfigError {
  const shown = lines.slice(0, MAX_LISTED);
  if (lines.length > MAX_LISTED) shown.push(`... and ${lines.length - MAX_LISTED} more`);
  const count = lines.length === 1 ? "a problem" : `${lines.length} problems`;
  return new ConfigError(`Cannot load ${name} as it has ${count}:\n  ${shown.join("\n  ")}`, {
    file: name,
    path,
    fix: FIX,
  });
}

/**
 * The code frame of a YAML error with control characters escaped (the file is foreign text), the
 * caret under a source line moved to where its column ended up after escaping.
 */
export function escapeFrame(lines: readonly string[]): string[] {
  return lines.map((line, i) => {
    const caret = /^( *)\^+ *$/.exec(line);
    const source = lines[i - 1];
    if (caret === null || source === undefined) return escapeForeign(line);
    const column = escapeForeign(source.slice(0, caret[1]!.length)).length;
    return " ".repeat(column) + line.trimStart();
  });
}

/** Checks the size cap; `bytes` is the file size. */
export function checkConfigSize(name: string, bytes: number): void {
  if (bytes > MAX_CONFIG_BYTES) {
    throw new ConfigError(
      `Cannot load ${name} as it must be at most ${MAX_CONFIG_BYTES / 1024} KiB: current size is ${bytes} bytes`,
      { file: name, fix: "Trim the file; a configuration this large is almost certainly not hand-written." },
    );
  }
}

/**
 * Parses and validates `text`; `name` is how the file is shown in messages.
 *
 * @throws {ConfigError} listing every problem with `name:line:col`.
 */
export function parseConfigText(text: string, name: string): OrchestrationFile {
  checkConfigSize(name, new TextEncoder().encode(text).length);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    schema: "core",
    uniqueKeys: true,
    prettyErrors: true,
    lineCounter,
  });
  const yamlProblems = [...doc.errors, ...doc.warnings];
  if (yamlProblems.length > 0) {
    throw configError(
      name,
      yamlProblems.map((e) => {
        const pos = e.linePos?.[0];
        const where = pos === undefined ? name : `${name}:${pos.line}:${pos.col}`;
        if (e.code === "MULTIPLE_DOCS") {
          // The library's text ("use parseAllDocuments()") speaks to programmers, not to users.
          return `${where}: a configuration file must hold one YAML document, but a second one starts at line ` +
            `${pos?.line ?? "?"} (a \`---\` separator); keep one document per file`;
        }
        const [first = "", ...context] = e.message.split("\n");
        const snippet = escapeFrame(context.filter((l) => l.trim() !== "")).map((l) => `    ${l}`);
        return [`${where}: ${escapeForeign(first.replace(/ at line \d+, column \d+:?$/, ""))}`, ...snippet]
          .join("\n  ");
      }),
    );
  }
  let input: unknown;
  try {
    // The alias cap is a conversion option in yaml v2 (parsing alone never expands aliases).
    input = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (error) {
    throw new ConfigError(
      `Cannot load ${name} as its aliases (*name) must expand to at most ${MAX_ALIAS_COUNT} nodes: ` +
        `current document expands further (${(error as Error).message})`,
      { file: name, cause: error, fix: "Write the values out instead of nesting aliases." },
    );
  }
  const located = (issue: ConfigIssue) => {
    const pos = locate(doc, lineCounter, issue.path, issue.atKey);
    const where = pos === undefined ? name : `${name}:${pos.line}:${pos.col}`;
    return {
      order: pos === undefined ? 0 : pos.line * 1e6 + pos.col,
      text: `${where}: ${formatPath(issue.path)} ${issue.message}`,
    };
  };
  const parsed = OrchestrationFileSchema.safeParse(input, { error: () => ZOD_DEFAULT });
  const issues = parsed.success
    ? checkReferences(parsed.data)
    : fromZodIssues(parsed.error.issues, input, OrchestrationFileSchema);
  if (issues.length > 0) {
    const lines = issues.map(located).sort((a, b) => a.order - b.order).map((l) => l.text);
    throw configError(name, lines, formatPath(issues[0]?.path ?? []));
  }
  return parsed.data as OrchestrationFile;
}
