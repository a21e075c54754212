/**
 * `report` command: writes `report.md` and `report.html` for a recorded run (default: the last
 * one) into its run directory or `--out`, and prints the paths.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { ExitCode, UserError } from "../domain/errors.ts";
import type { Terminal } from "../output/terminal.ts";
import type { ReportOptions } from "./options.ts";
import { findRepoRoot } from "./repo_root.ts";
import { listRuns, readRun, RUNS_DIR } from "../store/recorder.ts";
import { renderMarkdown } from "../report/markdown.ts";
import { renderHtml } from "../report/html.ts";
import { ensureDirectory, fsUserError } from "../util/fs.ts";

/** Runs `report` and returns the exit code. */
export async function runReport(opts: ReportOptions, term: Terminal): Promise<number> {
  const root = await findRepoRoot(opts.repoRoot);
  const run = await readRun(root, opts.runId);
  if (run === null) {
    const runs = await listRuns(root);
    if (runs.length === 0 || opts.runId === undefined) {
      throw new UserError(`No runs recorded under ${RUNS_DIR}/ (in ${root})`, {
        fix: "Run `spec-kitty-orchestrator orchestrate --mission <slug>` first, or pass --repo-root <project>.",
      });
    }
    throw new UserError(
      `Cannot report on run ${JSON.stringify(opts.runId)} as it must exist under ${RUNS_DIR}/: ` +
        `recorded runs are ${runs.slice(-5).join(", ")}`,
      { fix: "Pass one of the listed run ids, or omit it to report on the last run." },
    );
  }
  const outDir = opts.out === undefined ? run.dir : resolve(opts.out);
  await ensureDirectory(
    outDir,
    "report directory",
    "Pass a directory to --out (report.md and report.html are written inside it), or leave --out out.",
  );
  const markdown = join(outDir, "report.md");
  const html = join(outDir, "report.html");
  for (const [path, text] of [[markdown, renderMarkdown(run)], [html, renderHtml(run)]] as const) {
    try {
      await Deno.writeTextFile(path, text);
    } catch (error) {
      throw await fsUserError(error, path, "report file") ?? error;
    }
  }
  if (run.skippedLines > 0) {
    term.warn(`${run.skippedLines} unreadable line(s) in ${join(run.dir, "events.ndjson")} were skipped.`);
  }
  if (opts.json) term.printJson({ run_id: run.runId, markdown, html });
  else {
    term.line(`Report for run ${run.runId}:`);
    term.line(`  ${markdown}`);
    term.line(`  ${html}`);
  }
  return ExitCode.Ok;
}
