import { assert, assertEquals } from "../../test/support/assert.ts";
import { isPidAlive } from "./procfs.ts";
import { escalate, groupAlive, signalGroup, type StopSignal, terminateGroup, terminatePids } from "./terminate.ts";

Deno.test("terminateGroup() escalates to SIGKILL for members ignoring SIGTERM", async () => {
  const child = new Deno.Command("bash", {
    args: ["-c", "trap '' TERM; sleep 1000 & wait"],
    detached: true,
    stdout: "null",
    stderr: "null",
  }).spawn();
  await new Promise((r) => setTimeout(r, 200));
  assert(groupAlive(child.pid));
  await terminateGroup(child.pid, 200);
  const status = await child.status;
  assertEquals(status.signal, "SIGKILL");
  for (let i = 0; i < 40 && groupAlive(child.pid); i++) await new Promise((r) => setTimeout(r, 25));
  assert(!groupAlive(child.pid));
  assert(!isPidAlive(child.pid));
});

Deno.test("signalGroup() reports a group that no longer exists", async () => {
  const child = new Deno.Command("true", { detached: true }).spawn();
  await child.status;
  assertEquals(signalGroup(child.pid, "SIGTERM"), false);
  assertEquals(groupAlive(child.pid), false);
});

/** A target that goes away after the signals in `exitsOn`, recording what it was sent. */
function fakeTarget(exitsOn: StopSignal[], present = true) {
  const sent: StopSignal[] = [];
  let gone = !present;
  return {
    sent,
    send(sig: StopSignal) {
      if (gone) return false;
      sent.push(sig);
      if (exitsOn.includes(sig)) gone = true;
      return true;
    },
    gone: () => gone,
  };
}

Deno.test("escalate(): gone, terminated by SIGTERM, killed by SIGKILL, or survived", async () => {
  const absent = fakeTarget([], false);
  assertEquals(await escalate(absent, { graceMs: 10 }), "gone");
  assertEquals(absent.sent, []);
  const polite = fakeTarget(["SIGTERM"]);
  assertEquals(await escalate(polite, { graceMs: 10 }), "terminated");
  assertEquals(polite.sent, ["SIGTERM"], "a loose pid that exited is not signalled again");
  const stubborn = fakeTarget(["SIGKILL"]);
  assertEquals(await escalate(stubborn, { graceMs: 10, killWaitMs: 10 }), "killed");
  assertEquals(stubborn.sent, ["SIGTERM", "SIGKILL"]);
  const immortal = fakeTarget([]);
  assertEquals(await escalate(immortal, { graceMs: 10, killWaitMs: 10 }), "survived");
});

Deno.test("escalate() with kill: always still SIGKILLs a group that looks gone after SIGTERM", async () => {
  const sent: StopSignal[] = [];
  const group = { send: (sig: StopSignal) => (sent.push(sig), true), gone: () => sent.length > 0 };
  assertEquals(await escalate(group, { graceMs: 10, kill: "always" }), "terminated");
  assertEquals(sent, ["SIGTERM", "SIGKILL"]);
});

Deno.test("terminatePids() SIGKILLs only the pids still alive after the grace and returns them", async () => {
  const signals: [number, Deno.Signal][] = [];
  let alive = [1, 2];
  const killed = await terminatePids([1, 2], {
    graceMs: 20,
    send: (pid, sig) => {
      signals.push([pid, sig]);
      if (pid === 1) alive = alive.filter((p) => p !== 1); // 1 exits on SIGTERM; 2 ignores it
    },
    alive: (pids) => pids.filter((p) => alive.includes(p)),
  });
  assertEquals(killed, [2]);
  assertEquals(signals, [[1, "SIGTERM"], [2, "SIGTERM"], [2, "SIGKILL"]]);
});
