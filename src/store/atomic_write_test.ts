import { join } from "node:path";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../../test/support/assert.ts";
import { ExitCode, UserError } from "../domain/errors.ts";
import { cleanStrayTemps, type FsOps, realFs, writeFileAtomic } from "./atomic_write.ts";

type Step = "create" | "write" | "sync" | "rename" | "syncDir";

function osError(code: string): Error {
  return Object.assign(new Error(`injected ${code}`), { code });
}

/** The real filesystem with one injected failure. */
function faultyFs(step: Step, code: string): FsOps {
  return {
    ...realFs,
    async createNew(path, mode) {
      if (step === "create") throw osError(code);
      const file = await realFs.createNew(path, mode);
      return {
        async write(data) {
          if (step === "write") {
            // A partial write first, like a real ENOSPC in the middle of the content.
            await file.write(data.subarray(0, 1));
            throw osError(code);
          }
          return await file.write(data);
        },
        async sync() {
          if (step === "sync") throw osError(code);
          await file.sync();
        },
        close: () => file.close(),
      };
    },
    async rename(from, to) {
      if (step === "rename") throw osError(code);
      await realFs.rename(from, to);
    },
    async syncDir(dir) {
      if (step === "syncDir") throw osError(code);
      await realFs.syncDir(dir);
    },
  };
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "atomic-write-test-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function names(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) out.push(e.name);
  return out.sort();
}

Deno.test("writeFileAtomic() writes the content with mode 0600 and leaves no temp file", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "state.json");
    await writeFileAtomic(path, "first");
    await writeFileAtomic(path, new TextEncoder().encode("second"));
    assertEquals(await Deno.readTextFile(path), "second");
    assertEquals(await names(dir), ["state.json"]);
    if (Deno.build.os !== "windows") assertEquals((await Deno.stat(path)).mode! & 0o777, 0o600);
  });
});

for (const step of ["create", "write", "sync", "rename"] as const) {
  for (const code of ["ENOSPC", "EIO"]) {
    Deno.test(`writeFileAtomic() fails at ${step} with ${code}: previous content intact, temp removed`, async () => {
      await withDir(async (dir) => {
        const path = join(dir, "state.json");
        await writeFileAtomic(path, "previous");
        const error = await assertRejects(
          () => writeFileAtomic(path, "next", { fs: faultyFs(step, code) }),
          UserError,
        );
        assertEquals(error.exitCode, ExitCode.RunFailed);
        assertStringIncludes(error.message, path);
        if (code === "ENOSPC") assertStringIncludes(error.message, `disk full at ${path}`);
        else assertStringIncludes(error.message, "EIO");
        assertEquals(await Deno.readTextFile(path), "previous");
        assertEquals(await names(dir), ["state.json"]);
      });
    });
  }
}

Deno.test("writeFileAtomic() treats an unsupported directory fsync as best effort", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "state.json");
    await writeFileAtomic(path, "new", { fs: faultyFs("syncDir", "EINVAL") });
    assertEquals(await Deno.readTextFile(path), "new");
  });
});

Deno.test("writeFileAtomic() reports EIO from the directory fsync", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "state.json");
    const error = await assertRejects(
      () => writeFileAtomic(path, "new", { fs: faultyFs("syncDir", "EIO") }),
      UserError,
    );
    assertStringIncludes(error.message, "fsync the directory");
  });
});

Deno.test("writeFileAtomic() never retries a failed fsync", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "state.json");
    let syncs = 0;
    const fs: FsOps = {
      ...realFs,
      async createNew(p, mode) {
        const file = await realFs.createNew(p, mode);
        return {
          write: (d) => file.write(d),
          sync() {
            syncs++;
            return Promise.reject(osError("EIO"));
          },
          close: () => file.close(),
        };
      },
    };
    await assertRejects(() => writeFileAtomic(path, "x", { fs }), UserError);
    assertEquals(syncs, 1);
  });
});

Deno.test("cleanStrayTemps() removes only the temp files of that target", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "state.json");
    await Deno.writeTextFile(join(dir, ".state.json.tmp-123-abc"), "partial");
    await Deno.writeTextFile(join(dir, ".other.json.tmp-1-x"), "other");
    await Deno.writeTextFile(path, "kept");
    const removed = await cleanStrayTemps(path);
    assertEquals(removed, [join(dir, ".state.json.tmp-123-abc")]);
    assertEquals(await names(dir), [".other.json.tmp-1-x", "state.json"]);
  });
});

Deno.test("cleanStrayTemps() returns nothing for a missing directory", async () => {
  assert((await cleanStrayTemps("/nonexistent-dir-for-test/state.json")).length === 0);
});
