import { join } from "node:path";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../../test/support/assert.ts";
import { ExitCode, UserError } from "../domain/errors.ts";
import { spawnLockHolder } from "../../test/support/lock_holder_spawn.ts";
import { acquireLock, isLockHeld, lockPaths, readLockInfo } from "./lock.ts";

async function withRepo(fn: (repo: string) => Promise<void>): Promise<void> {
  const repo = await Deno.makeTempDir({ prefix: "lock-test-" });
  try {
    await fn(repo);
  } finally {
    await Deno.remove(repo, { recursive: true });
  }
}

const MISSION = "034-my-feature";

Deno.test("acquireLock() writes the sidecar and release() removes it but keeps the lock file", async () => {
  await withRepo(async (repo) => {
    const handle = await acquireLock(repo, MISSION, "run-a");
    const info = await readLockInfo(repo, MISSION);
    assertEquals(info?.pid, Deno.pid);
    assertEquals(info?.run_id, "run-a");
    assertEquals(info?.mission, MISSION);
    assertEquals(await isLockHeld(repo, MISSION), true);
    await handle.release();
    await handle.release();
    assertEquals(await readLockInfo(repo, MISSION), null);
    assertEquals(await isLockHeld(repo, MISSION), false);
    assert((await Deno.stat(lockPaths(repo, MISSION).lockFile)).isFile);
  });
});

Deno.test("acquireLock() in the same process twice fails with exit 75 naming the holder", async () => {
  await withRepo(async (repo) => {
    const handle = await acquireLock(repo, MISSION, "run-a");
    try {
      const error = await assertRejects(() => acquireLock(repo, MISSION, "run-b"), UserError);
      assertEquals(error.exitCode, ExitCode.Locked);
      assertStringIncludes(error.message, `run run-a by pid ${Deno.pid}`);
    } finally {
      await handle.release();
    }
  });
});

Deno.test("acquireLock() locks per mission", async () => {
  await withRepo(async (repo) => {
    const a = await acquireLock(repo, MISSION, "run-a");
    const b = await acquireLock(repo, "035-other", "run-b");
    await a.release();
    await b.release();
  });
});

Deno.test("acquireLock() rejects a mission slug that could escape the locks directory", async () => {
  await withRepo(async (repo) => {
    await assertRejects(() => acquireLock(repo, "../evil", "run-a"), UserError);
  });
});

Deno.test("isLockHeld() is false and readLockInfo() null when no lock was ever taken", async () => {
  await withRepo(async (repo) => {
    assertEquals(await isLockHeld(repo, MISSION), false);
    assertEquals(await readLockInfo(repo, MISSION), null);
  });
});

Deno.test("acquireLock() fails with exit 75 while another process holds it, and succeeds after it is SIGKILLed", async () => {
  await withRepo(async (repo) => {
    const holder = await spawnLockHolder(repo, MISSION, "run-child");
    try {
      assertEquals(await isLockHeld(repo, MISSION), true);
      const error = await assertRejects(() => acquireLock(repo, MISSION, "run-me"), UserError);
      assertEquals(error.exitCode, ExitCode.Locked);
      assertStringIncludes(error.message, `run run-child by pid ${holder.pid}`);
      assertEquals((await holder.kill()).signal, "SIGKILL");
      // The dead holder's sidecar is still there (stale) but the kernel released the flock.
      assertEquals((await readLockInfo(repo, MISSION))?.pid, holder.pid);
      assertEquals(await isLockHeld(repo, MISSION), false);
      const handle = await acquireLock(repo, MISSION, "run-me");
      assertEquals((await readLockInfo(repo, MISSION))?.run_id, "run-me");
      await handle.release();
    } finally {
      await holder.kill();
    }
  });
});

Deno.test("readLockInfo() ignores an unreadable sidecar", async () => {
  await withRepo(async (repo) => {
    await Deno.mkdir(join(repo, ".kittify", "locks"), { recursive: true });
    await Deno.writeTextFile(lockPaths(repo, MISSION).infoFile, "{not json");
    assertEquals(await readLockInfo(repo, MISSION), null);
  });
});

Deno.test("acquireLock() names the path in the way when .kittify/locks, the lock file, runs or logs have the wrong kind", async () => {
  const cases: [string, (repo: string) => Promise<void>, string, string][] = [
    ["locks is a file", (r) => Deno.writeTextFile(join(r, ".kittify", "locks"), ""), ".kittify/locks", "it is a file"],
    [
      "the lock file is a directory",
      (r) => Deno.mkdir(join(r, ".kittify", "locks", `${MISSION}.lock`), { recursive: true }),
      `.kittify/locks/${MISSION}.lock`,
      "it is a directory",
    ],
    ["runs is a file", (r) => Deno.writeTextFile(join(r, ".kittify", "runs"), ""), ".kittify/runs", "it is a file"],
    ["logs is a file", (r) => Deno.writeTextFile(join(r, ".kittify", "logs"), ""), ".kittify/logs", "it is a file"],
    [
      "kittify is a file",
      (r) => Deno.remove(join(r, ".kittify")).then(() => Deno.writeTextFile(join(r, ".kittify"), "")),
      ".kittify",
      "it is a file",
    ],
  ];
  for (const [name, arrange, path, kind] of cases) {
    await withRepo(async (repo) => {
      await Deno.mkdir(join(repo, ".kittify"));
      await arrange(repo);
      const error = await assertRejects(() => acquireLock(repo, MISSION, "run-a"), UserError);
      assertEquals(error.exitCode, ExitCode.RunFailed, name);
      assertStringIncludes(error.message, join(repo, path), name);
      assertStringIncludes(error.message, kind, name);
      assertStringIncludes(error.fix ?? "", `Move ${join(repo, path)} out of the way`, name);
      assertEquals(await readLockInfo(repo, MISSION), null, `${name}: no sidecar`);
    });
  }
});
