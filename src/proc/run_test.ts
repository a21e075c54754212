import { assert, assertEquals, assertStringIncludes } from "../../test/support/assert.ts";
import { liveGroups } from "./live_groups.ts";
import { isPidAlive } from "./procfs.ts";
import { runToEnd, spawnOwned } from "./run.ts";

const cwd = Deno.cwd();

Deno.test("runToEnd() env policy: merge adds to ours, clear gives exactly the given variables", async () => {
  const cleared = await runToEnd(["/usr/bin/env"], { cwd, env: { ONLY: "1" }, envPolicy: "clear", timeoutMs: 10_000 });
  assert(cleared.ok);
  assertEquals(cleared.stdout.text, "ONLY=1\n");
  const merged = await runToEnd(["/usr/bin/env"], { cwd, env: { ONLY: "1" }, envPolicy: "merge", timeoutMs: 10_000 });
  assert(merged.ok);
  const lines = merged.stdout.text.split("\n");
  assert(lines.includes("ONLY=1") && lines.some((l) => l.startsWith("PATH=")), merged.stdout.text);
});

Deno.test("runToEnd() reports a spawn failure as data: a missing program, an empty argv", async () => {
  const missing = await runToEnd(["sko-no-such-program-xyz"], { env: {}, envPolicy: "merge", timeoutMs: 1_000 });
  assert(!missing.ok);
  assertEquals(missing.kind, "not_found");
  assertStringIncludes(missing.message, "sko-no-such-program-xyz");
  const empty = await runToEnd([], { env: {}, envPolicy: "merge", timeoutMs: 1_000 });
  assert(!empty.ok);
  assertEquals(empty.kind, "other");
});

Deno.test("runToEnd() keeps maxOutputBytes per stream, drains and counts the rest, feeds stdin text", async () => {
  const r = await runToEnd(["sh", "-c", "cat; head -c 5000 /dev/zero; echo err >&2; exit 4"], {
    cwd,
    env: {},
    envPolicy: "merge",
    timeoutMs: 10_000,
    maxOutputBytes: 3,
    stdin: "abcdef",
  });
  assert(r.ok);
  assertEquals([r.code, r.stdout.text, r.stdout.keptBytes, r.stdout.totalBytes, r.stdout.truncated], [
    4,
    "abc",
    3,
    5006,
    true,
  ]);
  assertEquals([r.stderr.text, r.stderr.truncated], ["err", true]);
});

Deno.test("runToEnd() timeout stops the whole group, SIGKILL after the grace for a member ignoring SIGTERM", async () => {
  const r = await runToEnd(["bash", "-c", "trap '' TERM; sleep 30 & echo $!; wait"], {
    cwd,
    env: {},
    envPolicy: "merge",
    timeoutMs: 300,
    graceMs: 200,
  });
  assert(r.ok);
  assert(r.timedOut && !r.aborted);
  assertEquals(r.signal, "SIGKILL");
  const child = Number(r.stdout.text.trim());
  for (let i = 0; i < 40 && isPidAlive(child); i++) await new Promise((res) => setTimeout(res, 25));
  assert(!isPidAlive(child), `grandchild ${child} survived`);
  assert(!liveGroups().includes(r.pgid), "the group is no longer registered");
});

Deno.test("runToEnd() abort stops the group; a straggler left after a normal exit is killed", async () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 100);
  const aborted = await runToEnd(["sleep", "30"], {
    env: {},
    envPolicy: "merge",
    timeoutMs: 30_000,
    signal: controller.signal,
  });
  assert(aborted.ok && aborted.aborted && !aborted.timedOut);
  assertEquals(aborted.signal, "SIGTERM");
  // The leader exits at once; its backgrounded child (holding no pipe of ours) must not outlive the call.
  const straggler = await runToEnd(["sh", "-c", "sleep 30 >/dev/null 2>&1 & echo $!"], {
    env: {},
    envPolicy: "merge",
    timeoutMs: 10_000,
  });
  assert(straggler.ok && straggler.code === 0);
  const pid = Number(straggler.stdout.text.trim());
  for (let i = 0; i < 40 && isPidAlive(pid); i++) await new Promise((res) => setTimeout(res, 25));
  assert(!isPidAlive(pid), `straggler ${pid} outlived the call`);
});

Deno.test("spawnOwned() registers the child's group until released", async () => {
  const spawned = spawnOwned(["sleep", "0.1"], { env: {}, envPolicy: "merge", stdout: "null", stderr: "null" });
  assert(spawned.ok);
  assertEquals(spawned.pgid, spawned.child.pid);
  assert(liveGroups().includes(spawned.pgid));
  await spawned.child.status;
  spawned.release();
  assert(!liveGroups().includes(spawned.pgid));
});
