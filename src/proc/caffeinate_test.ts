import { assertEquals, assertStringIncludes } from "../../test/support/assert.ts";
import { type GuardProcess, holdIdleSleepGuard } from "./caffeinate.ts";

function fakeSpawn(opts: { exitOn?: Deno.Signal } = {}) {
  const calls: { command: string; args: string[] }[] = [];
  const signals: string[] = [];
  let resolveStatus = () => {};
  const status = new Promise<void>((r) => (resolveStatus = r));
  const spawn = (command: string, args: string[]): GuardProcess => {
    calls.push({ command, args });
    return {
      kill(signal) {
        signals.push(signal);
        if (signal === opts.exitOn) resolveStatus();
      },
      status,
    };
  };
  return { spawn, calls, signals };
}

Deno.test("holdIdleSleepGuard() is a no-op off macOS and when disabled", async () => {
  const fake = fakeSpawn();
  await (await holdIdleSleepGuard(true, { os: "linux", spawn: fake.spawn })).release();
  await (await holdIdleSleepGuard(false, { os: "darwin", spawn: fake.spawn })).release();
  assertEquals(fake.calls, []);
});

Deno.test("holdIdleSleepGuard() runs caffeinate -i -w <pid> on macOS and stops it with SIGTERM", async () => {
  const fake = fakeSpawn({ exitOn: "SIGTERM" });
  const guard = await holdIdleSleepGuard(true, { os: "darwin", pid: 4242, spawn: fake.spawn, graceMs: 10 });
  assertEquals(fake.calls, [{ command: "/usr/bin/caffeinate", args: ["-i", "-w", "4242"] }]);
  await guard.release();
  await guard.release();
  assertEquals(fake.signals, ["SIGTERM"]);
});

Deno.test("holdIdleSleepGuard() escalates to SIGKILL when caffeinate ignores SIGTERM", async () => {
  const fake = fakeSpawn({ exitOn: "SIGKILL" });
  const guard = await holdIdleSleepGuard(true, { os: "darwin", spawn: fake.spawn, graceMs: 10 });
  await guard.release();
  assertEquals(fake.signals, ["SIGTERM", "SIGKILL"]);
});

Deno.test("holdIdleSleepGuard() warns and continues when caffeinate cannot start", async () => {
  const warnings: string[] = [];
  const guard = await holdIdleSleepGuard(true, {
    os: "darwin",
    spawn: () => {
      throw new Deno.errors.NotFound("No such file or directory");
    },
    warn: (m) => warnings.push(m),
  });
  await guard.release();
  assertEquals(warnings.length, 1);
  assertStringIncludes(warnings[0]!, "Could not hold the idle-sleep assertion");
});
