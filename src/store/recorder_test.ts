import { join } from "node:path";
import { createRunRecorder, listRuns, parseEvents, readRun, runsToPrune } from "./recorder.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../../test/support/assert.ts";
import { SAMPLE_RUN_ID, sampleEvents, sampleSummary } from "../../test/support/sample_run.ts";
import { UserError } from "../domain/errors.ts";

async function withRepo(fn: (root: string) => Promise<void>) {
  const root = await Deno.makeTempDir({ prefix: "sko-recorder-" });
  try {
    await fn(root);
  } finally {
    await Deno.chmod(root, 0o755).catch(() => {});
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("createRunRecorder() records events as NDJSON and readRun() reads them back with the summary", async () => {
  await withRepo(async (root) => {
    const rec = await createRunRecorder(root, SAMPLE_RUN_ID, 10);
    assertEquals(rec.dir, join(root, ".kittify/runs", SAMPLE_RUN_ID));
    await Promise.all(sampleEvents.map((e) => rec.record(e)));
    await rec.finish(sampleSummary);
    const text = await Deno.readTextFile(join(rec.dir, "events.ndjson"));
    assertEquals(text.trimEnd().split("\n").length, sampleEvents.length);
    const run = await readRun(root);
    assert(run !== null);
    assertEquals(run.runId, SAMPLE_RUN_ID);
    assertEquals(run.events, sampleEvents);
    assertEquals(run.summary, sampleSummary);
    assertEquals(run.skippedLines, 0);
    const leftovers = [...Deno.readDirSync(rec.dir)].map((e) => e.name).sort();
    assertEquals(leftovers, ["events.ndjson", "summary.json"]);
  });
});

Deno.test("createRunRecorder() for a resumed run appends to the same events file", async () => {
  await withRepo(async (root) => {
    const first = await createRunRecorder(root, "r1", 5);
    await first.record(sampleEvents[0]!);
    await first.close();
    const second = await createRunRecorder(root, "r1", 5);
    await second.record(sampleEvents[1]!);
    await second.close();
    const run = await readRun(root, "r1");
    assertEquals(run?.events, [sampleEvents[0]!, sampleEvents[1]!]);
    assertEquals(run?.summary, null);
  });
});

Deno.test("createRunRecorder() prunes the oldest runs beyond retention and keeps the current one", async () => {
  await withRepo(async (root) => {
    for (const id of ["20260101T000000Z", "20260102T000000Z", "20260103T000000Z", "20260104T000000Z"]) {
      await Deno.mkdir(join(root, ".kittify/runs", id), { recursive: true });
    }
    await Deno.writeTextFile(join(root, ".kittify/runs", "notes.txt"), "not a run dir");
    await createRunRecorder(root, "20260105T000000Z", 3);
    assertEquals(await listRuns(root), ["20260103T000000Z", "20260104T000000Z", "20260105T000000Z"]);
    // A resumed old run is never pruned even when it sorts first.
    await createRunRecorder(root, "20260103T000000Z", 1);
    assertEquals(await listRuns(root), ["20260103T000000Z"]);
    assert((await Deno.stat(join(root, ".kittify/runs", "notes.txt"))).isFile, "non-run files are left alone");
  });
});

Deno.test("runsToPrune() keeps at least the current run", () => {
  assertEquals(runsToPrune(["a", "b", "c"], "d", 2), ["a", "b"]);
  assertEquals(runsToPrune(["a", "b", "c"], "a", 2), ["b"]);
  assertEquals(runsToPrune(["a", "b"], "c", 0), ["a", "b"]);
  assertEquals(runsToPrune(["a", "b"], "c", Infinity), []);
  assertEquals(runsToPrune([], "a", 1), []);
});

Deno.test("record() turns a write failure into one warning instead of throwing", async () => {
  if (Deno.build.os === "windows") return;
  await withRepo(async (root) => {
    const warnings: string[] = [];
    const rec = await createRunRecorder(root, "r1", 5, { onWarning: (m) => warnings.push(m) });
    // A directory where the events file should be makes every open fail (works as root too).
    await Deno.mkdir(join(rec.dir, "events.ndjson"));
    await rec.record(sampleEvents[0]!);
    await rec.record(sampleEvents[1]!);
    assertEquals(warnings.length, 1);
    assertStringIncludes(warnings[0]!, "Cannot append to run record");
    await Deno.remove(join(rec.dir, "events.ndjson"));
    await rec.record(sampleEvents[2]!);
    assertEquals(warnings.length, 2);
    assertStringIncludes(warnings[1]!, "writable again");
    assertEquals((await readRun(root, "r1"))?.events, [sampleEvents[2]!]);
  });
});

Deno.test("finish() turns a summary write failure into a warning", async () => {
  await withRepo(async (root) => {
    const warnings: string[] = [];
    const rec = await createRunRecorder(root, "r1", 5, { onWarning: (m) => warnings.push(m) });
    await Deno.mkdir(join(rec.dir, "summary.json", "blocker"), { recursive: true });
    await rec.finish(sampleSummary);
    assertEquals(warnings.length, 1);
    assertStringIncludes(warnings[0]!, "Cannot write run summary");
    const tmp = [...Deno.readDirSync(rec.dir)].filter((e) => e.name.endsWith(".tmp"));
    assertEquals(tmp, [], "the temp file is cleaned up");
  });
});

Deno.test("readRun() tolerates a torn last line", async () => {
  await withRepo(async (root) => {
    const dir = join(root, ".kittify/runs/r1");
    await Deno.mkdir(dir, { recursive: true });
    const good = JSON.stringify(sampleEvents[0]);
    await Deno.writeTextFile(join(dir, "events.ndjson"), `${good}\n{"type":"wp_disp`);
    const run = await readRun(root);
    assertEquals(run?.events.length, 1);
    assertEquals(run?.skippedLines, 1);
  });
});

Deno.test("readRun() returns null without runs or for an unknown run, and refuses unsafe ids", async () => {
  await withRepo(async (root) => {
    assertEquals(await readRun(root), null);
    assertEquals(await listRuns(root), []);
    await Deno.mkdir(join(root, ".kittify/runs/r1"), { recursive: true });
    assertEquals(await readRun(root, "r2"), null);
    assertEquals((await readRun(root))?.events, []);
    await assertRejects(() => readRun(root, "../../etc"), UserError, "run id");
    await assertRejects(() => createRunRecorder(root, "a/b", 1), UserError, "run id");
  });
});

Deno.test("parseEvents() skips non-event lines", () => {
  assertEquals(parseEvents('1\n{"a":1}\n\n{"type":"warning","message":"m","at":"x","run_id":"r"}\n').skipped, 2);
});
