import { assert, assertEquals } from "../../test/support/assert.ts";
import { containsTag, reapTagged, taggedPids } from "./reap_tagged.ts";
import { RUN_ID_ENV } from "../domain/run_state.ts";

const enc = (s: string) => new TextEncoder().encode(s);

Deno.test("containsTag() matches whole environment entries only", () => {
  const needle = enc(`${RUN_ID_ENV}=r1\0`);
  assert(containsTag(enc(`PATH=/bin\0${RUN_ID_ENV}=r1\0`), needle));
  assert(containsTag(enc(`${RUN_ID_ENV}=r1\0HOME=/h\0`), needle));
  assert(!containsTag(enc(`X${RUN_ID_ENV}=r1\0`), needle), "a longer name is another variable");
  assert(!containsTag(enc(`${RUN_ID_ENV}=r10\0`), needle), "a longer value is another run");
});

Deno.test("reapTagged() terminates processes carrying the run id, including setsid escapees, and nothing else", async () => {
  if (Deno.build.os !== "linux") return;
  const runId = `test-${crypto.randomUUID()}`;
  const spawn = (env: Record<string, string>, detached: boolean) =>
    new Deno.Command("sleep", { args: ["1000"], env, detached, stdin: "null", stdout: "null", stderr: "null" })
      .spawn();
  const tagged = spawn({ [RUN_ID_ENV]: runId }, true);
  const escapee = spawn({ [RUN_ID_ENV]: runId }, true);
  const other = spawn({ [RUN_ID_ENV]: `${runId}-other` }, true);
  try {
    // The spawned processes need a moment to exec with their environment.
    for (let i = 0; i < 100 && (await taggedPids(runId)).length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    assertEquals(await taggedPids(runId), [tagged.pid, escapee.pid].sort((a, b) => a - b));
    const lines = await reapTagged(runId, { graceMs: 2_000 });
    assertEquals(lines.length, 2);
    assertEquals((await tagged.status).signal, "SIGTERM");
    assertEquals((await escapee.status).signal, "SIGTERM");
    assertEquals(await taggedPids(runId), []);
    assertEquals(await taggedPids(`${runId}-other`), [other.pid], "another run's process is untouched");
  } finally {
    for (const child of [tagged, escapee, other]) {
      try {
        child.kill("SIGKILL");
      } catch {
        // already gone
      }
      await child.status;
    }
  }
});
