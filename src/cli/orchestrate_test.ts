import { assert, assertEquals, assertRejects, assertStringIncludes } from "../../test/support/assert.ts";
import { join } from "node:path";
import { createDemo } from "../demo/demo.ts";
import { UserError } from "../domain/errors.ts";
import { memoryTerminal } from "../output/terminal.ts";
import type { OrchestrateOptions } from "./options.ts";
import { continueNotice, leftWork, runOrchestrate } from "./orchestrate.ts";
import { runResume } from "./resume.ts";
import { StateStore } from "../store/run_state.ts";

const STATE = join(".kittify", "orchestrator-run-state.001-demo.json");

function opts(dir: string, extra: Partial<OrchestrateOptions> = {}): OrchestrateOptions {
  return {
    repoRoot: dir,
    mission: "001-demo",
    json: false,
    dryRun: false,
    caffeinate: false,
    fresh: false,
    accept: false,
    ...extra,
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

async function demo(): Promise<string> {
  const parent = await Deno.makeTempDir({ prefix: "orchestrate-" });
  const dir = join(parent, "demo");
  await createDemo(dir, memoryTerminal());
  return dir;
}

Deno.test("runOrchestrate() --dry-run validates and plans without writing state or taking the lock", async () => {
  const dir = await demo();
  try {
    const term = memoryTerminal();
    assertEquals(await runOrchestrate(opts(dir, { dryRun: true }), term, dir), 0);
    assertStringIncludes(term.text(), "Dry run OK.");
    assertEquals(await exists(join(dir, STATE)), false);
    assertEquals(await exists(join(dir, ".kittify", "locks")), false);
  } finally {
    await Deno.remove(join(dir, ".."), { recursive: true });
  }
});

Deno.test("runOrchestrate() refuses an unknown mission before writing anything", async () => {
  const dir = await demo();
  try {
    await assertRejects(
      () => runOrchestrate(opts(dir, { mission: "999-nope" }), memoryTerminal(), dir),
      UserError,
      "999-nope",
    );
    assertEquals(await exists(join(dir, STATE)), false);
  } finally {
    await Deno.remove(join(dir, ".."), { recursive: true });
  }
});

Deno.test("runOrchestrate() runs the demo to done; an unfinished state is continued or archived with --fresh, a damaged one refused", async () => {
  const dir = await demo();
  try {
    const term = memoryTerminal();
    assertEquals(await runOrchestrate(opts(dir, { json: false }), term, dir), 0);
    assertStringIncludes(term.text(), "merge-mission --mission 001-demo");
    const store = new StateStore(dir, { mission: "001-demo" });
    const state = (await store.load())!;
    assertEquals(state.status, "finished");
    assertEquals(Object.keys(state.wps).sort(), ["WP01", "WP02", "WP03", "WP04", "WP05"]);
    assertEquals(state.wps.WP02!.review_cycles, 1);

    // Pretend the run died mid-way: the plain command continues it, counters kept, and says so.
    state.status = "interrupted";
    await store.save(state);
    const continued = memoryTerminal();
    assertEquals(await runOrchestrate(opts(dir, { maxConcurrent: 1 }), continued, dir), 0);
    assertStringIncludes(continued.text(), `Continuing the unfinished run ${state.run_id} of mission '001-demo'`);
    const after = (await new StateStore(dir, { mission: "001-demo" }).load())!;
    assertEquals(after.run_id, state.run_id);
    assertEquals(after.resume_count, 1);
    assertEquals(after.wps.WP02!.review_cycles, 1);
    assertEquals(after.flags.max_concurrent, 1, "the new command's flags apply from now on");

    after.status = "interrupted";
    await new StateStore(dir, { mission: "001-demo" }).save(after);
    const resumed = memoryTerminal();
    assertEquals(await runResume({ repoRoot: dir, json: false, caffeinate: false, accept: false }, resumed, dir), 0);
    assertEquals((await new StateStore(dir, { mission: "001-demo" }).load())!.resume_count, 2);

    after.status = "interrupted";
    await new StateStore(dir, { mission: "001-demo" }).save(after);
    const fresh = memoryTerminal();
    assertEquals(await runOrchestrate(opts(dir, { fresh: true }), fresh, dir), 0);
    assertStringIncludes(fresh.text(), "Archived the previous run state");
    const names = [];
    for await (const e of Deno.readDir(join(dir, ".kittify"))) names.push(e.name);
    assert(names.some((n) => n.startsWith(`orchestrator-run-state.001-demo.fresh-${state.run_id}`)), names.join(","));

    // A damaged state is refused; --fresh moves it aside (the host lanes are all done: a quick run).
    await Deno.writeTextFile(join(dir, STATE), "{ not json");
    await Deno.remove(join(dir, STATE + ".bak")).catch(() => {});
    await assertRejects(() => runOrchestrate(opts(dir), memoryTerminal(), dir), UserError, "valid state file");
    const again = memoryTerminal();
    assertEquals(await runOrchestrate(opts(dir, { fresh: true }), again, dir), 0);
    assertStringIncludes(again.text(), "starting fresh");
  } finally {
    await Deno.remove(join(dir, ".."), { recursive: true });
  }
});

Deno.test("runOrchestrate() --continue resumes an unfinished run of the mission, else starts a new one", async () => {
  const dir = await demo();
  try {
    const first = memoryTerminal();
    assertEquals(await runOrchestrate(opts(dir, { continue: true }), first, dir), 0);
    assert(!first.text().includes("Continuing"), "no previous run: a new run starts");
    const store = new StateStore(dir, { mission: "001-demo" });
    const state = (await store.load())!;
    state.status = "interrupted";
    await store.save(state);

    const second = memoryTerminal();
    assertEquals(await runOrchestrate(opts(dir, { continue: true }), second, dir), 0);
    assertStringIncludes(second.text(), `Continuing the unfinished run ${state.run_id} of mission '001-demo'`);
    const after = (await store.load())!;
    assertEquals(after.run_id, state.run_id, "the same run continued");
    assertEquals(after.resume_count, state.resume_count + 1);
    assertEquals(after.status, "finished");
  } finally {
    await Deno.remove(join(dir, ".."), { recursive: true });
  }
});

Deno.test("runOrchestrate() refuses --fresh with --continue before touching anything (exit 2)", async () => {
  const dir = await demo();
  try {
    const error = await assertRejects(
      () => runOrchestrate(opts(dir, { fresh: true, continue: true }), memoryTerminal(), dir),
      UserError,
      "'--fresh' (archive the unfinished run and start over) and '--continue'",
    );
    assertEquals(error.exitCode, 2);
    assertEquals(await exists(join(dir, STATE)), false);
  } finally {
    await Deno.remove(join(dir, ".."), { recursive: true });
  }
});

Deno.test("runOrchestrate() --dry-run says a real run would continue the unfinished run", async () => {
  const dir = await demo();
  try {
    assertEquals(await runOrchestrate(opts(dir), memoryTerminal(), dir), 0);
    const store = new StateStore(dir, { mission: "001-demo" });
    const state = (await store.load())!;
    state.status = "interrupted";
    await store.save(state);
    const term = memoryTerminal();
    assertEquals(await runOrchestrate(opts(dir, { dryRun: true }), term, dir), 0);
    assertStringIncludes(term.text(), "a real run would continue it");
    assertEquals((await store.load())!.status, "interrupted", "a dry run changes nothing");
  } finally {
    await Deno.remove(join(dir, ".."), { recursive: true });
  }
});

Deno.test("leftWork() lists the WPs a finished run left neither done nor approved", async () => {
  const { sampleState } = await import("../../test/support/state_fixture.ts");
  const state = sampleState();
  state.wps.WP01!.outcome = { kind: "done", reason: "ok", at: "t" };
  assertEquals(leftWork(state), []);
  state.wps.WP01!.outcome = { kind: "blocked", reason: "model not found", at: "t" };
  assertEquals(leftWork(state), ["WP01"]);
  assertStringIncludes(continueNotice({ ...state, status: "finished" }), "finished with WP01 not done");
});
