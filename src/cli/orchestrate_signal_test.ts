import { assertEquals, assertStringIncludes } from "../../test/support/assert.ts";
import { join } from "node:path";
import { createDemo } from "../demo/demo.ts";
import { StateStore } from "../store/run_state.ts";
import { memoryTerminal } from "../output/terminal.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

/**
 * An agent that, on the first implementation of WP01 and WP04, leaves a file behind, writes its
 * pid and hangs; afterwards it behaves like the demo agent.
 */
const SLOW_AGENT = `#!/usr/bin/env bash
set -euo pipefail
marker="$(dirname "$(git rev-parse --path-format=absolute --git-common-dir)")/.kittify/slow-$3"
if [ "$1" = implement ] && { [ "$3" = WP01 ] || [ "$3" = WP04 ]; } && [ ! -f "$marker" ]; then
  mkdir -p demo && echo "half-done work of $3" > "demo/leftover-$3.txt"
  echo $$ > "$marker"
  sleep 60
fi
exec bash "$(dirname "$0")/demo-agent.sh" "$@"
`;

async function readLines(stream: ReadableStream<Uint8Array>, until: (line: string) => boolean): Promise<void> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      if (lines.some(until)) return;
    }
  } finally {
    reader.releaseLock();
  }
}

/** Runs `scenario` against the orchestrator started on a demo with the slow agent; cleans everything up. */
async function withSlowDemo(
  scenario: (child: Deno.ChildProcess, dir: string) => Promise<void>,
  agent = SLOW_AGENT,
): Promise<void> {
  const parent = await Deno.makeTempDir({ prefix: "orchestrate-sig-" });
  const dir = join(parent, "demo");
  try {
    await createDemo(dir, memoryTerminal());
    await Deno.writeTextFile(join(dir, ".kittify", "slow-agent.sh"), agent);
    const yaml = await Deno.readTextFile(join(dir, "orchestration.yaml"));
    await Deno.writeTextFile(
      join(dir, "orchestration.yaml"),
      yaml.replaceAll("{repo_root}/.kittify/demo-agent.sh", "{repo_root}/.kittify/slow-agent.sh"),
    );
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        MAIN,
        "orchestrate",
        "--mission",
        "001-demo",
        "--repo-root",
        dir,
        "--json",
        "--no-caffeinate",
      ],
      stdout: "piped",
      stderr: "null",
      stdin: "null",
    }).spawn();
    // Whatever happens, this test never leaves an orchestrator or an agent behind.
    const killChild = () => {
      try {
        child.kill("SIGKILL");
      } catch {
        // already gone
      }
    };
    const guard = setTimeout(killChild, 60_000);
    try {
      await scenario(child, dir);
    } finally {
      clearTimeout(guard);
      killChild();
      await child.status;
      await child.stdout.cancel().catch(() => {});
      for (const pid of await agentPids(dir, 1).catch(() => [])) {
        try {
          Deno.kill(-pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
}

/** Waits (up to `tries` × 50 ms) for the slow agents of WP01 and WP04 and returns their pids (= process groups). */
async function agentPids(dir: string, tries = 200): Promise<number[]> {
  const pids: number[] = [];
  for (const wp of ["WP01", "WP04"]) {
    const markerPath = join(dir, ".kittify", `slow-${wp}`);
    for (let i = 0; i < tries; i++) {
      if ((await Deno.readTextFile(markerPath).catch(() => "")).trim() !== "") break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const text = (await Deno.readTextFile(markerPath).catch(() => "")).trim();
    if (text !== "") pids.push(Number(text));
  }
  return pids;
}

/** Waits (up to 10 s) until the run state lists a running attempt for each of `wps`. */
async function runningRecorded(dir: string, wps: string[]): Promise<void> {
  const store = new StateStore(dir, { mission: "001-demo" });
  for (let i = 0; i < 200; i++) {
    const state = await store.load().catch(() => null);
    const running = new Set(state?.running.map((r) => r.wp_id) ?? []);
    if (wps.every((wp) => running.has(wp))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** True when `pid` runs (a zombie waiting for a reaper that never comes does not count). */
function alive(pid: number): boolean {
  if (Deno.build.os !== "linux") {
    try {
      Deno.kill(pid, "SIGCONT");
      return true;
    } catch {
      return false;
    }
  }
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    return false;
  }
}

function resume(dir: string): Promise<Deno.CommandOutput> {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "resume", "--repo-root", dir, "--no-caffeinate"],
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).output();
}

Deno.test("orchestrate on SIGINT kills agents, saves state as interrupted, exits 130; resume finishes", async () => {
  await withSlowDemo(runScenario);
});

Deno.test("resume after the orchestrator was SIGKILLed reaps its surviving agents, then finishes", async () => {
  await withSlowDemo(async (child, dir) => {
    await readLines(child.stdout, (line) => line.includes('"attempt_started"') && line.includes('"WP01"'));
    const pids = await agentPids(dir);
    // Kill only once both spawns are recorded: an agent whose spawn is not saved yet cannot be reaped by
    // pid (the window between spawn and the state save is covered by the reaper's run-id scan instead).
    await runningRecorded(dir, ["WP01", "WP04"]);
    child.kill("SIGKILL");
    await child.status;
    assertEquals(pids.map(alive), [true, true]);
    const state = (await new StateStore(dir, { mission: "001-demo" }).load())!;
    assertEquals(state.running.map((r) => r.wp_id).sort(), ["WP01", "WP04"]);
    const out = await resume(dir);
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assertEquals(out.code, 0, text);
    assertEquals(pids.map(alive), [false, false]);
    assertStringIncludes(text, "leftover agent");
  });
});

async function runScenario(child: Deno.ChildProcess, dir: string): Promise<void> {
  await readLines(child.stdout, (line) => line.includes('"attempt_started"') && line.includes('"WP01"'));
  const pids = await agentPids(dir);
  child.kill("SIGINT");
  const status = await child.status;
  assertEquals(status.code, 130);
  assertEquals(pids.map(alive), [false, false], "agents survived the interruption");
  const state = (await new StateStore(dir, { mission: "001-demo" }).load())!;
  assertEquals(state.status, "interrupted");
  assertEquals(state.running, []);
  assertEquals(state.wps.WP01!.attempts[0]!.result, "interrupted");
  assertEquals(state.wps.WP01!.outcome, null);
  assertEquals(state.wps.WP04!.attempts[0]!.result, "interrupted");

  const resumed = await resume(dir);
  assertEquals(resumed.code, 0, new TextDecoder().decode(resumed.stdout) + new TextDecoder().decode(resumed.stderr));
  const after = (await new StateStore(dir, { mission: "001-demo" }).load())!;
  assertEquals(after.resume_count, 1);
  assertEquals(Object.values(after.wps).map((w) => w.outcome?.kind), ["done", "done", "done", "done", "done"]);
  // The killed agent's half-done file was swept into the WP's commit, not left dirty.
  const files = await new Deno.Command("git", {
    args: ["-C", join(dir, ".worktrees", "001-demo-lane-b"), "ls-files", "demo"],
    stdout: "piped",
  }).output();
  assertEquals(new TextDecoder().decode(files.stdout).includes("leftover-WP04.txt"), true);
}

/** The slow agent, deaf to SIGTERM (its `sleep` inherits the ignored disposition). */
const STUBBORN_AGENT = SLOW_AGENT.replace("set -euo pipefail\n", "set -euo pipefail\ntrap '' TERM\n");

Deno.test("a second SIGTERM exits 143 at once and still SIGKILLs agents that ignore SIGTERM", async () => {
  await withSlowDemo(async (child, dir) => {
    await readLines(child.stdout, (line) => line.includes('"attempt_started"') && line.includes('"WP01"'));
    const pids = await agentPids(dir);
    assertEquals(pids.map(alive), [true, true]);
    child.kill("SIGTERM");
    // The orderly stop is under way (the agents ignore its SIGTERM and sit in their grace period).
    await new Promise((r) => setTimeout(r, 1000));
    assertEquals(pids.map(alive), [true, true]);
    child.kill("SIGTERM");
    const status = await child.status;
    assertEquals(status.code, 143);
    // SIGKILL is synchronous but the kernel may take a moment to tear the processes down.
    for (let i = 0; i < 40 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 50));
    assertEquals(pids.map(alive), [false, false], "an agent outlived the forced exit");
  }, STUBBORN_AGENT);
});
