import { join } from "node:path";
import { runReport } from "./report.ts";
import { memoryTerminal } from "../output/terminal.ts";
import { createRunRecorder } from "../store/recorder.ts";
import { UserError } from "../domain/errors.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../../test/support/assert.ts";
import { SAMPLE_RUN_ID, sampleEvents, sampleSummary } from "../../test/support/sample_run.ts";

async function withRepo(fn: (root: string) => Promise<void>) {
  const root = await Deno.makeTempDir({ prefix: "sko-report-" });
  try {
    await Deno.mkdir(join(root, ".kittify"));
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

async function record(root: string, runId = SAMPLE_RUN_ID) {
  const rec = await createRunRecorder(root, runId, 10);
  for (const e of sampleEvents) await rec.record({ ...e, run_id: runId });
  await rec.finish({ ...sampleSummary, run_id: runId });
  return rec.dir;
}

Deno.test("runReport() writes report.md and report.html for the last run into its directory", async () => {
  await withRepo(async (root) => {
    await record(root, "20261120T000000Z-old");
    const dir = await record(root);
    const term = memoryTerminal();
    assertEquals(await runReport({ repoRoot: root, json: false }, term), 0);
    assertStringIncludes(await Deno.readTextFile(join(dir, "report.md")), "| WP03 | blocked |");
    assertStringIncludes(await Deno.readTextFile(join(dir, "report.html")), "<!doctype html>");
    assertStringIncludes(term.text(), join(dir, "report.html"));
  });
});

Deno.test("runReport() --json prints the paths; --out and a run id pick the place and the run", async () => {
  await withRepo(async (root) => {
    await record(root, "20261120T000000Z-old");
    await record(root);
    const out = join(root, "out");
    const term = memoryTerminal({ json: true });
    assertEquals(await runReport({ repoRoot: root, json: true, runId: "20261120T000000Z-old", out }, term), 0);
    const printed = JSON.parse(term.out.join(""));
    assertEquals(printed, {
      run_id: "20261120T000000Z-old",
      markdown: join(out, "report.md"),
      html: join(out, "report.html"),
    });
    assertStringIncludes(await Deno.readTextFile(printed.markdown), "20261120T000000Z-old");
  });
});

Deno.test("runReport() --out naming an existing file is a user error naming it; nothing is written", async () => {
  await withRepo(async (root) => {
    await record(root);
    const out = join(root, "notes.txt");
    await Deno.writeTextFile(out, "mine\n");
    const error = await assertRejects(
      () => runReport({ repoRoot: root, json: false, out }, memoryTerminal()),
      UserError,
    );
    assertStringIncludes(error.message, `${out} as it must be a directory: it is a file`);
    assertStringIncludes(error.fix ?? "", "Pass a directory to --out");
    assertEquals(await Deno.readTextFile(out), "mine\n");
    // report.md in the way as a directory is named too.
    const dir = join(root, "dir");
    await Deno.mkdir(join(dir, "report.md"), { recursive: true });
    const inWay = await assertRejects(
      () => runReport({ repoRoot: root, json: false, out: dir }, memoryTerminal()),
      UserError,
    );
    assertStringIncludes(inWay.message, `${join(dir, "report.md")} as it must be a regular file: it is a directory`);
  });
});

Deno.test("runReport() without runs is a usage error (exit 2)", async () => {
  await withRepo(async (root) => {
    const error = await assertRejects(
      () => runReport({ repoRoot: root, json: false }, memoryTerminal()),
      UserError,
      "No runs recorded under .kittify/runs/",
    );
    assertEquals(error.exitCode, 2);
  });
});

Deno.test("runReport() with an unknown run id lists the recorded runs", async () => {
  await withRepo(async (root) => {
    await record(root);
    const error = await assertRejects(
      () => runReport({ repoRoot: root, json: false, runId: "nope" }, memoryTerminal()),
      UserError,
      SAMPLE_RUN_ID,
    );
    assert(error.fix !== undefined);
  });
});

Deno.test("runReport() reports a live run that has no summary yet, warning about a torn line", async () => {
  await withRepo(async (root) => {
    const rec = await createRunRecorder(root, "r-live", 10);
    for (const e of sampleEvents.slice(0, 6)) await rec.record(e);
    await rec.close();
    await Deno.writeTextFile(join(rec.dir, "events.ndjson"), '{"type":"attem', { append: true });
    const term = memoryTerminal();
    assertEquals(await runReport({ repoRoot: root, json: false }, term), 0);
    assertStringIncludes(term.text(), "1 unreadable line(s)");
    const md = await Deno.readTextFile(join(rec.dir, "report.md"));
    assertStringIncludes(md, "running/unknown");
    assertStringIncludes(md, "The run has not finished.");
  });
});
