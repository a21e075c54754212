/**
 * Runs one attempt of a fake agent that prints `Deno.args[0]` bytes, in a fresh process, and
 * prints the RSS growth, log size and tail sizes as JSON. The memory test spawns this so that
 * other test modules running in parallel do not disturb the measurement.
 *
 * Usage: deno run -A test/support/fake_agents/flood_main.ts <bytes> <logMaxBytes>
 *
 * @module
 */
import { defaultResolvedConfig } from "../../../src/config/mod.ts";
import { createAgentRunner } from "../../../src/agents/runner.ts";
import { mtimeScanProbe } from "../../../src/agents/workspace_probe.ts";
import { createFakeBin } from "./mod.ts";

const bytes = Number(Deno.args[0] ?? 200_000_000);
const logMaxBytes = Number(Deno.args[1] ?? 1_000_000);
const fake = await createFakeBin({ claude: { kind: "flood", bytes } });
const dir = await Deno.makeTempDir({ prefix: "flood-" });
try {
  const runner = createAgentRunner({
    config: { ...defaultResolvedConfig(), logMaxBytes },
    repoRoot: dir,
    mission: "m",
    env: { PATH: fake.path, HOME: dir },
    graceMs: 500,
    pollMs: 1000,
    probe: mtimeScanProbe,
  });
  const before = Deno.memoryUsage().rss;
  const r = await runner.run({
    agentId: "claude-code",
    role: "implement",
    workspace: dir,
    prompt: "flood",
    logPath: `${dir}/logs/flood.log`,
    timeoutMs: 60_000,
    stallTimeoutMs: 60_000,
  });
  const after = Deno.memoryUsage().rss;
  const log = await Deno.readTextFile(r.logPath);
  const report = {
    rssGrowth: after - before,
    logBytes: new TextEncoder().encode(log).length,
    logTruncated: log.includes("log truncated"),
    outputTailBytes: r.outputTail.length,
    failure: r.failure?.class ?? null,
    exitCode: r.exitCode,
  };
  await Deno.stdout.write(new TextEncoder().encode(JSON.stringify(report) + "\n"));
} finally {
  await fake.cleanup();
  await Deno.remove(dir, { recursive: true });
}
