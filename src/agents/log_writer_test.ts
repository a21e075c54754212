import { assert, assertEquals, assertRejects, assertStringIncludes } from "../../test/support/assert.ts";
import { argvForLog, AttemptLog } from "./log_writer.ts";

const header = (argv: string[]) => ({
  agentId: "claude-code",
  role: "implement",
  cwd: "/w",
  argv,
  startedAt: new Date("2026-01-01T00:00:00Z"),
  prompt: "stdin",
});

Deno.test("AttemptLog caps output with a marker and never overwrites", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/sub/a.log`;
    const log = await AttemptLog.create(path, header(["claude", "-p"]), 10);
    await log.write(new TextEncoder().encode("0123456"));
    await log.write(new TextEncoder().encode("789abcdef"));
    await log.write(new TextEncoder().encode("more"));
    await log.close("exit code=0");
    const text = await Deno.readTextFile(path);
    assertStringIncludes(text, "=== command: claude -p\n");
    assertStringIncludes(text, "0123456789\n=== log truncated at 10 bytes");
    assert(!text.includes("abcdef"));
    assert(text.trimEnd().endsWith("=== exit code=0 ==="));
    assertEquals(log.truncated, true);
    await assertRejects(() => AttemptLog.create(path, header([]), 10), Deno.errors.AlreadyExists);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("argvForLog() truncates a prompt argument", () => {
  const shown = argvForLog(["copilot", "-p", "x".repeat(5000)]);
  assert(shown.length < 300);
  assertStringIncludes(shown, "[5000 chars]");
});
