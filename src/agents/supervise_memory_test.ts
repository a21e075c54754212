/**
 * 200 MB of agent output keeps memory flat and the log capped. Measured in a fresh process
 * (test/support/fake_agents/flood_main.ts) so parallel test modules do not disturb RSS.
 */
import { assert, assertEquals } from "../../test/support/assert.ts";

Deno.test("supervisor: 200 MB of output keeps memory bounded and the log capped", async () => {
  const script = new URL("../../test/support/fake_agents/flood_main.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, "200000000", "1000000"],
    cwd: new URL("../../", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assertEquals(out.code, 0, stderr);
  const report = JSON.parse(new TextDecoder().decode(out.stdout));
  assert(report.rssGrowth < 60 * 1024 * 1024, `RSS grew by ${report.rssGrowth} bytes`);
  assert(report.logBytes < 1_000_000 + 4096, `log is ${report.logBytes} bytes`);
  assert(report.logTruncated, "log carries a truncation marker");
  assert(report.outputTailBytes <= 64 * 1024, `tail is ${report.outputTailBytes} bytes`);
  // Exit 0 with 200 MB of 'x' and no JSON: Claude's parser says bad_output, never success.
  assertEquals([report.exitCode, report.failure], [0, "bad_output"]);
});
