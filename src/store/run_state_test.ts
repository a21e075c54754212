import { join } from "node:path";
import { assert, assertEquals, assertMatch, assertRejects, assertStringIncludes } from "../../test/assert.ts";
import { ExitCode, UserError } from "../errors.ts";
import { type FsOps, realFs } from "./atomic_write.ts";
import { sampleState } from "../engine/_state_fixture.ts";
import { encodeState, stateChecksum } from "../engine/state_schema.ts";
import { newRunId, RUN_ID_PATTERN } from "../engine/new_run_state.ts";
import {
  StateCorruptError,
  StateStore,
  type StateStoreOptions,
  StateTooNewError,
} from "./run_state.ts";

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

Deno.test("StateStore.save() bumps seq, sets updated_at and keeps the previous generation as .bak", async () => {
  await withRepo(async (repo) => {
    const s = store(repo);
    const state = sampleState();
    await s.save(state);
    assertEquals(state.seq, 1);
    assertEquals(state.updated_at, "2026-11-21T11:00:01.000Z");
    state.wps.WP01!.review_cycles = 1;
    await s.save(state);
    assertEquals(state.seq, 2);
    const loaded = await store(repo).load();
    assertEquals(loaded, state);
    const bak = JSON.parse(await Deno.readTextFile(s.backupPath));
    assertEquals(bak.seq, 1);
    assertEquals(bak.wps.WP01.review_cycles, 0);
    assertEquals(await kittifyNames(repo), ["orchestrator-run-state.json", "orchestrator-run-state.json.bak"]);
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

Deno.test("StateStore.save() after a .bak fallback does not overwrite the good .bak with the damaged file", async () => {
  await withRepo(async (repo) => {
    const s = store(repo);
    const state = sampleState();
    await s.save(state);
    await s.save(state);
    await Deno.writeTextFile(s.path, '{"trunc');
    const s2 = store(repo);
    const loaded = (await s2.load())!;
    await s2.save(loaded);
    assertEquals(JSON.parse(await Deno.readTextFile(s.backupPath)).seq, 1);
    assertEquals(JSON.parse(await Deno.readTextFile(s.path)).seq, 2);
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

Deno.test("StateStore.save() serialises concurrent saves", async () => {
  await withRepo(async (repo) => {
    const s = store(repo);
    const state = sampleState();
    await Promise.all(Array.from({ length: 20 }, (_, i) => {
      state.wps[`WP${String(i + 10)}`] = { ...state.wps.WP01!, wp_id: `WP${i + 10}`, attempts: [] };
      return s.save(state);
    }));
    assertEquals(state.seq, 20);
    const loaded = (await store(repo).load())!;
    assertEquals(loaded.seq, 20);
    assertEquals(Object.keys(loaded.wps).length, 21);
    assertEquals(await kittifyNames(repo), ["orchestrator-run-state.json", "orchestrator-run-state.json.bak"]);
  });
});

Deno.test("StateStore.save() cleans stray temp files of a crashed writer", async () => {
  await withRepo(async (repo) => {
    await Deno.mkdir(join(repo, ".kittify"));
    await Deno.writeTextFile(join(repo, ".kittify", ".orchestrator-run-state.json.tmp-99-abcdef"), "{partial");
    await store(repo).save(sampleState());
    assertEquals(await kittifyNames(repo), ["orchestrator-run-state.json"]);
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
