import { assertEquals } from "../../test/assert.ts";
import { join } from "node:path";
import { createDemo } from "../builtin/demo.ts";
import { StateStore } from "../engine/state_store.ts";
import { memoryTerminal } from "../output/terminal.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

/** An agent that hangs on WP01's first implementation (it writes its pid), then behaves like the demo agent. */
const SLOW_AGENT = `#!/usr/bin/env bash
set -euo pipefail
marker="$(dirname "$(git rev-parse --path-format=absolute --git-common-dir)")/.kittify/slow-$3"
if [ "$1" = implement ] && [ "$3" = WP01 ] && [ ! -f "$marker" ]; then
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
    await readLines(child.stdout, (line) => line.includes('"attempt_started"') && line.includes('"WP01"'));
    const markerPath = join(dir, ".kittify", "slow-WP01");
    for (let i = 0; i < 200; i++) {
      if ((await Deno.readTextFile(markerPath).catch(() => "")).trim() !== "") break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const agentPid = Number((await Deno.readTextFile(markerPath)).trim());
    child.kill("SIGINT");
    const status = await child.status;
    await child.stdout.cancel().catch(() => {});
    assertEquals(status.code, 130);
    let alive = true;
    try {
      Deno.kill(agentPid, "SIGCONT");
    } catch {
      alive = false;
    }
    assertEquals(alive, false);
    const state = (await new StateStore(dir).load())!;
    assertEquals(state.status, "interrupted");
    assertEquals(state.running, []);
    assertEquals(state.wps.WP01!.attempts[0]!.result, "interrupted");
    assertEquals(state.wps.WP01!.outcome, null);

    const resumed = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, "resume", "--repo-root", dir, "--no-caffeinate"],
      stdout: "null",
      stderr: "null",
      stdin: "null",
    }).output();
    assertEquals(resumed.code, 0);
    const after = (await new StateStore(dir).load())!;
    assertEquals(after.resume_count, 1);
    assertEquals(Object.values(after.wps).map((w) => w.outcome?.kind), ["done", "done", "done", "done", "done"]);
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});
