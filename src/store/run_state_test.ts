import { join } from "node:path";
import { assert, assertEquals, assertMatch, assertRejects, assertStringIncludes } from "../../test/support/assert.ts";
import { ExitCode, UserError } from "../domain/errors.ts";
import { type AppendFile, type FsOps, realFs } from "./atomic_write.ts";
import { sampleState } from "../../test/support/state_fixture.ts";
import { encodeState, stateChecksum } from "./state_schema.ts";
import { newRunId, RUN_ID_PATTERN } from "../core/new_run_state.ts";
import type { RunState } from "../domain/run_state.ts";
import { StateCorruptError, StateStore, type StateStoreOptions, StateTooNewError } from "./run_state.ts";

async function withRepo(fn: (repo: string) => Promise<void>): Promise<void> {
  const repo = await Deno.makeTempDir({ prefix: "state-store-test-" });
  try {
    await fn(repo);
  } finally {
    await Deno.remove(repo, { recursive: true });
  }
}

function store(repo: string, opts: StateStoreOptions = {}): StateStore {
  let t = Date.parse("2026-11-21T11:00:00Z");
  return new StateStore(repo, { now: () => new Date(t += 1000), ...opts });
}

async function kittifyNames(repo: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(join(repo, ".kittify"))) out.push(e.name);
  return out.sort();
}

function failingFs(step: "write" | "sync" | "rename", code: string): FsOps {
  const fail = () => Promise.reject(Object.assign(new Error(`injected ${code}`), { code }));
  return {
    ...realFs,
    async createNew(path, mode) {
      const file = await realFs.createNew(path, mode);
      return {
        write: (d) => step === "write" ? fail() : file.write(d),
        sync: () => step === "sync" ? fail() : file.sync(),
        close: () => file.close(),
      };
    },
    rename: (from, to) => step === "rename" ? fail() : realFs.rename(from, to),
  };
}

Deno.test("StateStore.load() returns null without a state file", async () => {
  await withRepo(async (repo) => {
    assertEquals(await store(repo).load(), null);
  });
});

Deno.test("StateStore.save() bumps seq, sets updated_at; the first save snapshots (file and .bak), the next ones journal", async () => {
  await withRepo(async (repo) => {
    const s = store(repo);
    const state = sampleState();
    await s.save(state);
    assertEquals(state.seq, 1);
    assertEquals(state.updated_at, "2026-11-21T11:00:01.000Z");
    assertEquals(await Deno.readTextFile(s.backupPath), await Deno.readTextFile(s.path));
    state.wps.WP01!.review_cycles = 1;
    await s.save(state);
    assertEquals(state.seq, 2);
    const loaded = await store(repo).load();
    assertEquals(loaded, state);
    // The snapshot is untouched by the second save; the change is one journal line.
    assertEquals(JSON.parse(await Deno.readTextFile(s.path)).seq, 1);
    const lines = (await Deno.readTextFile(s.journalPath)).split("\n").filter((l) => l !== "");
    assertEquals(lines.length, 1);
    assertStringIncludes(lines[0]!, '"wps":{"WP01":{"review_cycles":1}}');
    assertEquals(await kittifyNames(repo), [
      "orchestrator-run-state.json",
      "orchestrator-run-state.json.bak",
      "orchestrator-run-state.json.journal",
    ]);
  });
});

for (
  const [name, damage] of [
    ["truncated", (t: string) => t.slice(0, t.length / 2)],
    ["zero-length", () => ""],
    ["bit-flipped", (t: string) => t.replace('"claude-code"', '"claude-codf"')],
  ] as const
) {
  Deno.test(`StateStore.loadWithReport() falls back to .bak when the file is ${name}`, async () => {
    await withRepo(async (repo) => {
      const s = store(repo);
      const state = sampleState();
      await s.save(state);
      await s.save(state);
      await Deno.writeTextFile(s.path, damage(await Deno.readTextFile(s.path)));
      const report = await store(repo).loadWithReport();
      assertEquals(report.source, "backup");
      assertEquals(report.state?.seq, 1);
      assertEquals(report.warnings.length, 1);
      assertStringIncludes(report.warnings[0]!, s.backupPath);
    });
  });
}

Deno.test("StateStore.save() after a .bak fallback rewrites both files from the good state, journal included", async () => {
  await withRepo(async (repo) => {
    const s = store(repo);
    const state = sampleState();
    await s.save(state);
    state.wps.WP01!.review_cycles = 3;
    await s.save(state);
    await Deno.writeTextFile(s.path, '{"trunc');
    const s2 = store(repo);
    const report = await s2.loadWithReport();
    assertEquals(report.source, "backup");
    // The journal continues the snapshot both files hold: nothing after it is lost.
    assertEquals(report.state?.wps.WP01?.review_cycles, 3);
    await s2.save(report.state!);
    for (const path of [s.path, s.backupPath]) {
      const doc = JSON.parse(await Deno.readTextFile(path));
      assertEquals([doc.seq, doc.wps.WP01.review_cycles], [3, 3]);
    }
    assertEquals(await Deno.stat(s.journalPath).then(() => true, () => false), false);
  });
});

Deno.test("StateStore.load() stops with a clear error when the file and .bak are both bad", async () => {
  await withRepo(async (repo) => {
    const s = store(repo);
    await s.save(sampleState());
    await s.save(sampleState());
    const text = await Deno.readTextFile(s.path);
    await Deno.writeTextFile(s.path, text.slice(0, 40));
    await Deno.writeTextFile(s.backupPath, "");
    const error = await assertRejects(() => store(repo).load(), StateCorruptError);
    assertEquals(error.exitCode, ExitCode.RunFailed);
    assertStringIncludes(error.message, s.path);
    assertStringIncludes(error.message, "truncated JSON at byte 40");
    assertStringIncludes(error.message, "backup is unusable too");
    assertStringIncludes(error.fix ?? "", "abort --cleanup-worktrees");
    assertStringIncludes(error.fix ?? "", "orchestrate --fresh");
  });
});

Deno.test("StateStore.load() names the invalid field when there is no .bak", async () => {
  await withRepo(async (repo) => {
    const s = store(repo);
    const doc = JSON.parse(await encodeState(sampleState()));
    doc.status = "sleeping";
    doc.checksum = await stateChecksum(doc);
    await Deno.mkdir(join(repo, ".kittify"));
    await Deno.writeTextFile(s.path, JSON.stringify(doc));
    const error = await assertRejects(() => s.load(), StateCorruptError);
    assertStringIncludes(error.message, "field 'status'");
    assertStringIncludes(error.message, "does not exist");
  });
});

Deno.test("StateStore.load() refuses a newer schema and leaves the file untouched", async () => {
  await withRepo(async (repo) => {
    const s = store(repo);
    const doc = JSON.parse(await encodeState(sampleState()));
    doc.schema_version = 99;
    doc.checksum = await stateChecksum(doc);
    await Deno.mkdir(join(repo, ".kittify"));
    const text = JSON.stringify(doc);
    await Deno.writeTextFile(s.path, text);
    const error = await assertRejects(() => s.load(), StateTooNewError);
    assertStringIncludes(error.message, "newer orchestrator (v99)");
    await assertRejects(() => s.save(sampleState()), StateTooNewError);
    assertEquals(await Deno.readTextFile(s.path), text);
  });
});

Deno.test("StateStore preserves unknown top-level keys across load and save", async () => {
  await withRepo(async (repo) => {
    const s = store(repo);
    const doc = JSON.parse(await encodeState(sampleState()));
    doc.from_the_future = [1, 2];
    doc.checksum = await stateChecksum(doc);
    await Deno.mkdir(join(repo, ".kittify"));
    await Deno.writeTextFile(s.path, JSON.stringify(doc));
    const loaded = (await s.load())!;
    await s.save(loaded);
    assertEquals(JSON.parse(await Deno.readTextFile(s.path)).from_the_future, [1, 2]);
  });
});

for (const step of ["write", "sync", "rename"] as const) {
  Deno.test(`StateStore.save() with ENOSPC at ${step} keeps the previous state and removes the temp file`, async () => {
    await withRepo(async (repo) => {
      const state = sampleState();
      await store(repo).save(state);
      const before = await Deno.readTextFile(join(repo, ".kittify", "orchestrator-run-state.json"));
      // The .bak copy goes first; fail only the main write by failing from the second file on.
      let files = 0;
      const faulty = failingFs(step, "ENOSPC");
      const fs: FsOps = {
        ...realFs,
        createNew: (p, m) => (++files === 1 ? realFs : faulty).createNew(p, m),
        rename: (a, b) => (files === 1 ? realFs : faulty).rename(a, b),
      };
      const error = await assertRejects(() => store(repo, { fs }).save(state), UserError);
      assertStringIncludes(error.message, "disk full at");
      assertEquals(state.seq, 1);
      assertEquals(await Deno.readTextFile(join(repo, ".kittify", "orchestrator-run-state.json")), before);
      assertEquals(await kittifyNames(repo), ["orchestrator-run-state.json", "orchestrator-run-state.json.bak"]);
      assertEquals((await store(repo).load())?.seq, 1);
    });
  });
}

Deno.test("StateStore.save() coalesces saves queued together into one write holding every change", async () => {
  await withRepo(async (repo) => {
    const s = store(repo);
    const state = sampleState();
    await Promise.all(Array.from({ length: 20 }, (_, i) => {
      state.wps[`WP${String(i + 10)}`] = { ...state.wps.WP01!, wp_id: `WP${i + 10}`, attempts: [] };
      return s.save(state);
    }));
    // All 20 were queued before the first write started: one write (a snapshot: file + .bak) serves them.
    assertEquals(state.seq, 1);
    assertEquals(s.stats().writes, 2);
    const loaded = (await store(repo).load())!;
    assertEquals(loaded.seq, 1);
    assertEquals(Object.keys(loaded.wps).length, 21);
  });
});

Deno.test("StateStore.save() cleans stray temp files of a crashed writer", async () => {
  await withRepo(async (repo) => {
    await Deno.mkdir(join(repo, ".kittify"));
    await Deno.writeTextFile(join(repo, ".kittify", ".orchestrator-run-state.json.tmp-99-abcdef"), "{partial");
    await store(repo).save(sampleState());
    assertEquals(await kittifyNames(repo), ["orchestrator-run-state.json", "orchestrator-run-state.json.bak"]);
  });
});

Deno.test("StateStore.archive() moves the file and its backup aside; remove() deletes everything", async () => {
  await withRepo(async (repo) => {
    const s = store(repo);
    await s.save(sampleState());
    await s.save(sampleState());
    const archived = await s.archive("20261121T103000Z-4f2a");
    assertEquals(archived, join(repo, ".kittify", "orchestrator-run-state.20261121T103000Z-4f2a.json"));
    assertEquals(await s.load(), null);
    assertEquals((await Deno.stat(archived + ".bak")).isFile, true);
    await s.save(sampleState());
    assertEquals(await s.archive("20261121T103000Z-4f2a"), archived.replace(".json", "-2.json"));
    await s.save(sampleState());
    await s.remove();
    assertEquals(await s.load(), null);
    await assertRejects(() => s.archive("../x"), UserError);
  });
});

Deno.test("StateStore keeps the pre-migration file as .v<N>.bak at the first save", async () => {
  await withRepo(async (repo) => {
    await store(repo).save(sampleState());
    const original = await Deno.readTextFile(join(repo, ".kittify", "orchestrator-run-state.json"));
    const s = store(repo, { decode: { currentVersion: 2, migrations: { 1: (d) => d } } });
    const loaded = (await s.load())!;
    assertEquals(loaded.schema_version, 2);
    await s.save(loaded);
    assertEquals(await Deno.readTextFile(s.path + ".v1.bak"), original);
  });
});

Deno.test("newRunId() is a sortable UTC timestamp with a random suffix", () => {
  const id = newRunId(new Date("2026-11-21T10:30:00.123Z"));
  assertMatch(id, RUN_ID_PATTERN);
  assert(id.startsWith("20261121T103000Z-"));
  assert(newRunId(new Date("2026-11-21T10:30:01Z")) > id);
});

/** The run state with `n` WPs, each with one finished attempt. */
function bigState(n: number): RunState {
  const state = sampleState();
  for (let i = 2; i <= n; i++) {
    const id = `WP${String(i).padStart(2, "0")}`;
    state.wps[id] = structuredClone({ ...state.wps.WP01!, wp_id: id });
  }
  return state;
}

Deno.test("StateStore journal: a save writes only what changed, so its size follows the change, not the mission", async () => {
  await withRepo(async (repo) => {
    const sizes: number[] = [];
    for (const n of [2, 60]) {
      const s = store(repo, { mission: `m${n}` });
      const state = bigState(n);
      await s.save(state);
      const snapshot = s.stats().bytes;
      state.wps.WP02!.phase = "reviewing";
      await s.save(state);
      sizes.push(s.stats().bytes - snapshot);
      assertEquals((await store(repo, { mission: `m${n}` }).load())?.wps.WP02?.phase, "reviewing");
    }
    assertEquals(sizes[0], sizes[1]);
    assert(sizes[1]! < 400, `one change wrote ${sizes[1]} bytes`);
  });
});

Deno.test("StateStore.save() writes nothing when only updated_at changed", async () => {
  await withRepo(async (repo) => {
    const s = store(repo);
    const state = sampleState();
    await s.save(state);
    const before = s.stats();
    state.updated_at = "2026-11-21T12:00:00.000Z";
    await s.save(state);
    assertEquals(s.stats(), before);
    assertEquals(state.seq, 1);
  });
});

Deno.test("StateStore journal: removed keys and fields, new and dropped WPs round-trip", async () => {
  await withRepo(async (repo) => {
    const s = store(repo);
    const state = sampleState();
    state.extra = { note: "x" };
    const wp01 = state.wps.WP01 as unknown as Record<string, unknown>;
    wp01.from_a_newer_writer = 1;
    await s.save(state);
    delete state.extra;
    delete wp01.from_a_newer_writer;
    state.wps.WP02 = { ...structuredClone(state.wps.WP01!), wp_id: "WP02" };
    await s.save(state);
    delete state.wps.WP02;
    state.running = [];
    await s.save(state);
    const loaded = (await store(repo).load())!;
    assertEquals(loaded.extra, undefined);
    assertEquals(Object.keys(loaded.wps), ["WP01"]);
    assertEquals("from_a_newer_writer" in loaded.wps.WP01!, false);
    assertEquals(loaded.running, []);
    assertEquals(loaded.seq, 3);
  });
});

Deno.test("StateStore journal: a torn last line (a crash mid-append) is ignored and reported", async () => {
  await withRepo(async (repo) => {
    const s = store(repo);
    const state = sampleState();
    await s.save(state);
    state.wps.WP01!.review_cycles = 1;
    await s.save(state);
    state.wps.WP01!.review_cycles = 2;
    await s.save(state);
    const text = await Deno.readTextFile(s.journalPath);
    await Deno.writeTextFile(s.journalPath, text.slice(0, text.length - 30));
    const report = await store(repo).loadWithReport();
    assertEquals(report.state?.wps.WP01?.review_cycles, 1);
    assertEquals(report.state?.seq, 2);
    assertEquals(report.warnings.length, 1);
    assertStringIncludes(report.warnings[0]!, "Line 2 of the run state journal");
    assertStringIncludes(report.warnings[0]!, "is incomplete (a crash during the write)");
    assertStringIncludes(report.warnings[0]!, "as of save #2");
    // Resuming from there snapshots the good state and drops the torn journal.
    const s2 = store(repo);
    const loaded = (await s2.load())!;
    loaded.wps.WP01!.review_cycles = 5;
    await s2.save(loaded);
    assertEquals((await store(repo).loadWithReport()).warnings, []);
    assertEquals((await store(repo).load())?.wps.WP01?.review_cycles, 5);
  });
});

Deno.test("StateStore journal: a damaged line before the end stops the replay there, with a warning", async () => {
  await withRepo(async (repo) => {
    const s = store(repo);
    const state = sampleState();
    await s.save(state);
    for (const n of [1, 2, 3]) {
      state.wps.WP01!.review_cycles = n;
      await s.save(state);
    }
    const lines = (await Deno.readTextFile(s.journalPath)).split("\n");
    lines[1] = lines[1]!.replace('"review_cycles":2', '"review_cycles":7');
    await Deno.writeTextFile(s.journalPath, lines.join("\n"));
    const report = await store(repo).loadWithReport();
    assertEquals(report.state?.wps.WP01?.review_cycles, 1);
    assertStringIncludes(report.warnings[0]!, "Line 2 of the run state journal");
    assertStringIncludes(report.warnings[0]!, "is damaged: its checksum or JSON is bad");
  });
});

Deno.test("StateStore journal: lines of an older snapshot (a crash before the journal was removed) are ignored silently", async () => {
  await withRepo(async (repo) => {
    const s = store(repo);
    const state = sampleState();
    await s.save(state);
    state.wps.WP01!.review_cycles = 1;
    await s.save(state);
    const stale = await Deno.readTextFile(s.journalPath);
    state.status = "finished"; // the end of a run: a snapshot
    await s.save(state);
    assertEquals(await Deno.stat(s.journalPath).then(() => true, () => false), false);
    await Deno.writeTextFile(s.journalPath, stale);
    const report = await store(repo).loadWithReport();
    assertEquals(report.warnings, []);
    assertEquals([report.state?.status, report.state?.seq], ["finished", 3]);
  });
});

Deno.test("StateStore snapshots at the end of a run and when the journal outgrows the snapshot", async () => {
  await withRepo(async (repo) => {
    const s = store(repo, { compact: { ratio: 1, minBytes: 0 } });
    const state = sampleState();
    await s.save(state);
    const snapshotSize = (await Deno.stat(s.path)).size;
    let compacted = false;
    for (let n = 1; n < 40 && !compacted; n++) {
      state.wps.WP01!.review_feedback = `round ${n}`;
      await s.save(state);
      compacted = JSON.parse(await Deno.readTextFile(s.path)).seq === state.seq;
    }
    assert(compacted, "the journal was never folded into a snapshot");
    assertEquals(await Deno.stat(s.journalPath).then(() => true, () => false), false);
    assert(s.stats().bytes < 6 * snapshotSize, `wrote ${s.stats().bytes} bytes`);
    assertEquals((await store(repo).load())?.wps.WP01?.review_feedback, state.wps.WP01!.review_feedback);
  });
});

Deno.test("StateStore loads and resumes a run state written before the journal existed (fixture)", async () => {
  await withRepo(async (repo) => {
    const fixture = await Deno.readTextFile(
      new URL("../../test/fixtures/run_state/v1_before_journal.json", import.meta.url),
    );
    await Deno.mkdir(join(repo, ".kittify"));
    const s = store(repo, { mission: "034-my-feature" });
    await Deno.writeTextFile(s.path, fixture);
    await Deno.writeTextFile(s.backupPath, fixture);
    const report = await s.loadWithReport();
    assertEquals(report.warnings, []);
    const state = report.state!;
    assertEquals([state.run_id, state.seq, state.status], ["20261121T103000Z-4f2a", 2, "running"]);
    assertEquals(state.wps.WP01?.review_cycles, 1);
    assertEquals(state.running.length, 1);
    // The resumed run saves on: first a snapshot, then journal lines continuing it.
    state.resume_count += 1;
    await s.save(state);
    state.wps.WP01!.phase = "awaiting_review";
    await s.save(state);
    const again = (await store(repo, { mission: "034-my-feature" }).load())!;
    assertEquals([again.seq, again.resume_count, again.wps.WP01?.phase], [4, 1, "awaiting_review"]);
    assertEquals(JSON.parse(await Deno.readTextFile(s.path)).seq, 3);
  });
});

/** The real filesystem whose journal appends go through `faults` (the real file otherwise). */
function journalFs(faults: {
  write?: (file: AppendFile, data: Uint8Array) => Promise<number>;
  syncData?: (file: AppendFile) => Promise<void>;
}): FsOps {
  return {
    ...realFs,
    async openAppend(path, mode) {
      const file = await realFs.openAppend(path, mode);
      return {
        write: (d) => faults.write?.(file, d) ?? file.write(d),
        syncData: () => faults.syncData?.(file) ?? file.syncData(),
        truncate: (n) => file.truncate(n),
        close: () => file.close(),
      };
    },
  };
}

Deno.test("StateStore journal: ENOSPC while appending cuts the line back; the next save snapshots", async () => {
  await withRepo(async (repo) => {
    let failAppend = false;
    const fs = journalFs({
      write: async (file, d) => {
        if (!failAppend) return await file.write(d);
        await file.write(d.subarray(0, 10)); // a short write, then the disk is full
        throw Object.assign(new Error("injected ENOSPC"), { code: "ENOSPC" });
      },
    });
    const s = store(repo, { fs });
    const state = sampleState();
    await s.save(state);
    state.wps.WP01!.review_cycles = 1;
    await s.save(state);
    const good = await Deno.readTextFile(s.journalPath);
    failAppend = true;
    state.wps.WP01!.review_cycles = 2;
    const error = await assertRejects(() => s.save(state), UserError);
    assertStringIncludes(error.message, `disk full at ${s.journalPath}`);
    assertEquals(state.seq, 2);
    assertEquals(await Deno.readTextFile(s.journalPath), good);
    failAppend = false;
    await s.save(state);
    assertEquals(JSON.parse(await Deno.readTextFile(s.path)).seq, 3);
    assertEquals((await store(repo).load())?.wps.WP01?.review_cycles, 2);
  });
});

Deno.test("StateStore journal: a failed fdatasync is fatal and not retried", async () => {
  await withRepo(async (repo) => {
    let syncs = 0;
    const fs = journalFs({
      syncData: () => {
        syncs++;
        return Promise.reject(Object.assign(new Error("Input/output error"), { code: "EIO" }));
      },
    });
    const s = store(repo, { fs });
    const state = sampleState();
    await s.save(state);
    state.wps.WP01!.review_cycles = 1;
    const error = await assertRejects(() => s.save(state), UserError);
    assertEquals(error.exitCode, ExitCode.RunFailed);
    assertStringIncludes(error.message, "fsync the file");
    assertStringIncludes(error.message, "EIO");
    assertEquals(syncs, 1);
  });
});

Deno.test("StateStore.archive() folds the journal into the archived file and removes it", async () => {
  await withRepo(async (repo) => {
    const s = store(repo);
    const state = sampleState();
    await s.save(state);
    state.wps.WP01!.review_cycles = 4;
    await s.save(state);
    const archived = await s.archive("old");
    assertEquals(JSON.parse(await Deno.readTextFile(archived)).wps.WP01.review_cycles, 4);
    assertEquals(await kittifyNames(repo), ["orchestrator-run-state.old.json", "orchestrator-run-state.old.json.bak"]);
  });
});
