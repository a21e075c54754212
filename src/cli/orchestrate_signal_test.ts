import { assertEquals } from "../../test/assert.ts";
import { join } from "node:path";
import { createDemo } from "../builtin/demo.ts";
import { StateStore } from "../engine/state_store.ts";
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

Deno.test("orchestrate on SIGINT kills agents, saves state as interrupted, exits 130; resume finishes", async () => {
  const parent = await Deno.makeTempDir({ prefix: "orchestrate-sig-" });
  const dir = join(parent, "demo");
  try {
    await createDemo(dir, memoryTerminal());
    await Deno.writeTextFile(join(dir, ".kittify", "slow-agent.sh"), SLOW_AGENT);
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
    // Whatever happens, this test never leaves an orchestrator behind.
    const killChild = () => {
      try {
        child.kill("SIGKILL");
      } catch {
        // already gone
      }
    };
    const guard = setTimeout(killChild, 60_000);
    try {
      await runScenario(child, dir);
    } finally {
      clearTimeout(guard);
      killChild();
      await child.status;
      await child.stdout.cancel().catch(() => {});
    }
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});

async function runScenario(child: Deno.ChildProcess, dir: string): Promise<void> {
  await readLines(child.stdout, (line) => line.includes('"attempt_started"') && line.includes('"WP01"'));
  const pids: number[] = [];
  for (const wp of ["WP01", "WP04"]) {
    const markerPath = join(dir, ".kittify", `slow-${wp}`);
    for (let i = 0; i < 200; i++) {
      if ((await Deno.readTextFile(markerPath).catch(() => "")).trim() !== "") break;
      await new Promise((r) => setTimeout(r, 50));
    }
    pids.push(Number((await Deno.readTextFile(markerPath)).trim()));
  }
  child.kill("SIGINT");
  const status = await child.status;
  assertEquals(status.code, 130);
  for (const pid of pids) {
    let alive = true;
    try {
      Deno.kill(pid, "SIGCONT");
    } catch {
      alive = false;
    }
    assertEquals(alive, false, `agent ${pid} survived the interruption`);
  }
  const state = (await new StateStore(dir).load())!;
  assertEquals(state.status, "interrupted");
  assertEquals(state.running, []);
  assertEquals(state.wps.WP01!.attempts[0]!.result, "interrupted");
  assertEquals(state.wps.WP01!.outcome, null);
  assertEquals(state.wps.WP04!.attempts[0]!.result, "interrupted");

  const resumed = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "resume", "--repo-root", dir, "--no-caffeinate"],
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).output();
  assertEquals(resumed.code, 0, new TextDecoder().decode(resumed.stdout) + new TextDecoder().decode(resumed.stderr));
  const after = (await new StateStore(dir).load())!;
  assertEquals(after.resume_count, 1);
  assertEquals(Object.values(after.wps).map((w) => w.outcome?.kind), ["done", "done", "done", "done", "done"]);
  // The killed agent's half-done file was swept into the WP's commit, not left dirty.
  const files = await new Deno.Command("git", {
    args: ["-C", join(dir, ".worktrees", "001-demo-lane-b"), "ls-files", "demo"],
    stdout: "piped",
  }).output();
  assertEquals(new TextDecoder().decode(files.stdout).includes("leftover-WP04.txt"), true);
}
