/**
 * Supervision with real processes: wall-clock and stall timeouts, SIGTERM→SIGKILL escalation,
 * process-group cleanup, abort and terminateAll. Limits are 1–2 s with a short grace.
 */
import { assert, assertEquals, assertStringIncludes } from "../../test/support/assert.ts";
import { createFakeBin, type FakeBin, type FakeMode } from "../../test/support/fake_agents/mod.ts";
import { defaultResolvedConfig } from "../config/mod.ts";
import { isPidAlive } from "../proc/procfs.ts";
import { groupAlive } from "../proc/terminate.ts";
import { createAgentRunner } from "./runner.ts";
import type { AgentRunner, AttemptResult, AttemptSpec } from "../domain/agent.ts";
import { mtimeScanProbe } from "./workspace_probe.ts";

interface H {
  fake: FakeBin;
  dir: string;
  runner: AgentRunner;
  spec(over?: Partial<AttemptSpec>): AttemptSpec;
  cleanup(): Promise<void>;
}

let counter = 0;

async function setup(agents: Record<string, FakeMode>): Promise<H> {
  const fake = await createFakeBin(agents);
  const dir = await Deno.makeTempDir({ prefix: "supervise-test-" });
  await Deno.mkdir(`${dir}/ws`);
  const runner = createAgentRunner({
    config: { ...defaultResolvedConfig(), logMaxBytes: 1024 * 1024 },
    repoRoot: dir,
    mission: "m",
    env: { PATH: fake.path, HOME: dir },
    graceMs: 300,
    pollMs: 100,
    probe: mtimeScanProbe,
  });
  return {
    fake,
    dir,
    runner,
    spec: (over = {}) => ({
      agentId: "claude-code",
      role: "implement",
      workspace: `${dir}/ws`,
      prompt: "p",
      logPath: `${dir}/logs/a${++counter}.log`,
      timeoutMs: 20_000,
      stallTimeoutMs: 20_000,
      ...over,
    }),
    cleanup: async () => {
      await runner.terminateAll();
      await fake.cleanup();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

async function waitDead(pid: number, ms = 3000): Promise<boolean> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    if (!isPidAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return !isPidAlive(pid);
}

function assertGroupGone(r: AttemptResult) {
  assert(r.pgid !== null);
  assert(!groupAlive(r.pgid), `process group ${r.pgid} still alive`);
}

Deno.test("supervisor: a hanging agent is stopped at the wall-clock limit (timeout)", async () => {
  const h = await setup({ claude: { kind: "script", body: "echo partial-output\nexec sleep 1000\n" } });
  try {
    const r = await h.runner.run(h.spec({ timeoutMs: 1000 }));
    assertEquals([r.ok, r.failure?.class], [false, "timeout"]);
    assertStringIncludes(r.outputTail, "partial-output");
    assertStringIncludes(await Deno.readTextFile(r.logPath), "partial-output");
    assertGroupGone(r);
  } finally {
    await h.cleanup();
  }
});

Deno.test("supervisor: a silent agent that changes nothing is stopped as stalled", async () => {
  const h = await setup({ claude: { kind: "hang" } });
  try {
    const r = await h.runner.run(h.spec({ stallTimeoutMs: 800 }));
    assertEquals(r.failure?.class, "stall");
    assertGroupGone(r);
  } finally {
    await h.cleanup();
  }
});

Deno.test("supervisor: a silent agent that keeps editing files is not stalled", async () => {
  const h = await setup({
    claude: { kind: "script", body: "i=0\nwhile true; do i=$((i+1)); echo $i > f$i.txt; sleep 0.2; done\n" },
  });
  try {
    const r = await h.runner.run(h.spec({ stallTimeoutMs: 700, timeoutMs: 2000 }));
    assertEquals(r.failure?.class, "timeout");
  } finally {
    await h.cleanup();
  }
});

Deno.test("supervisor: an agent ignoring SIGTERM is SIGKILLed after the grace", async () => {
  const h = await setup({ claude: { kind: "ignore_term" } });
  try {
    const r = await h.runner.run(h.spec({ timeoutMs: 500 }));
    assertEquals(r.failure?.class, "timeout");
    assertEquals(r.signal, "SIGKILL");
    assertGroupGone(r);
  } finally {
    await h.cleanup();
  }
});

Deno.test("supervisor: grandchildren in the agent's group are killed on timeout and after exit", async () => {
  const h = await setup({});
  try {
    await h.fake.set("claude", { kind: "grandchild", pidFile: `${h.dir}/gc1` });
    const r1 = await h.runner.run(h.spec({ timeoutMs: 800 }));
    assertEquals(r1.failure?.class, "timeout");
    assert(await waitDead(Number(await Deno.readTextFile(`${h.dir}/gc1`))), "grandchild survived a timeout");

    await h.fake.set("claude", { kind: "grandchild", pidFile: `${h.dir}/gc2`, exit: true });
    const r2 = await h.runner.run(h.spec());
    assertEquals(r2.exitCode, 0);
    assert(await waitDead(Number(await Deno.readTextFile(`${h.dir}/gc2`))), "grandchild survived its parent");
    assertGroupGone(r2);
  } finally {
    await h.cleanup();
  }
});

Deno.test("supervisor: a grandchild that escapes with setsid but holds stdout is stopped; the run does not hang", async () => {
  // setsid escapes the process group, but the escapee still holds the pipe we gave the agent.
  const h = await setup({});
  let escaped = 0;
  try {
    // The short sleep lets setsid() happen before the agent exits (else our cleanup kills it first).
    await h.fake.set("claude", {
      kind: "script",
      body: `setsid sleep 1000 &\necho $! > '${h.dir}/esc'\nsleep 0.3\nexit 0\n`,
    });
    const r = await h.runner.run(h.spec());
    escaped = Number(await Deno.readTextFile(`${h.dir}/esc`));
    assertEquals(r.exitCode, 0);
    assert(!isPidAlive(escaped), "the escapee was found by the stdout pipe it kept and stopped");
  } finally {
    if (escaped > 0) Deno.kill(escaped, "SIGKILL");
    await h.cleanup();
  }
});

Deno.test("supervisor: an abort signal stops the agent", async () => {
  const h = await setup({ claude: { kind: "hang" } });
  try {
    const controller = new AbortController();
    const pending = h.runner.run(h.spec({ onSpawn: () => controller.abort() }), controller.signal);
    const r = await pending;
    assertEquals(r.failure?.class, "crash");
    assertStringIncludes(r.failure?.message ?? "", "Stopped by the orchestrator");
    assertGroupGone(r);
  } finally {
    await h.cleanup();
  }
});

Deno.test("supervisor: terminateAll() stops every running attempt and waits", async () => {
  const h = await setup({ claude: { kind: "hang" }, codex: { kind: "ignore_term" } });
  try {
    const spawned: number[] = [];
    let ready!: () => void;
    const bothSpawned = new Promise<void>((r) => ready = r);
    const onSpawn = (pgid: number) => {
      spawned.push(pgid);
      if (spawned.length === 2) ready();
    };
    const a = h.runner.run(h.spec({ onSpawn }));
    const b = h.runner.run(h.spec({ agentId: "codex", onSpawn }));
    await bothSpawned;
    await h.runner.terminateAll();
    for (const pgid of spawned) assert(!groupAlive(pgid), `group ${pgid} survived terminateAll`);
    const results = await Promise.all([a, b]);
    assertEquals(results.map((r) => r.failure?.class), ["crash", "crash"]);
  } finally {
    await h.cleanup();
  }
});
