import { fileURLToPath } from "node:url";
import { assertEquals, assertStringIncludes } from "../../test/support/assert.ts";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));
const CONFIG = fileURLToPath(new URL("../../deno.json", import.meta.url));

async function host(args: string[], env: Record<string, string> = {}) {
  const dir = await Deno.makeTempDir();
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--config", CONFIG, MAIN, "host", ...args],
      cwd: dir,
      env: { SPECIFY_REPO_ROOT: dir, ...env },
      stdin: "null",
    }).output();
    return { code: out.code, out: new TextDecoder().decode(out.stdout), err: new TextDecoder().decode(out.stderr) };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("runHostCommand() prints exactly one envelope line, also with a simulated delay", async () => {
  const result = await host(["orchestrator-api", "contract-version"], { SKO_HOST_DELAY_MS: "1" });
  assertEquals(result.code, 0);
  const lines = result.out.split("\n");
  assertEquals(lines.length, 2);
  assertEquals(lines[1], "");
  assertEquals(JSON.parse(lines[0] ?? "").data.api_version, "1.3.0");
  assertEquals(result.err, "");
});

Deno.test("runHostCommand() maps unknown host commands to exit 2 and missing missions to exit 1", async () => {
  const bogus = await host(["frobnicate"]);
  assertEquals(bogus.code, 2);
  assertStringIncludes(bogus.err, "not a built-in host command");
  const missing = await host(["orchestrator-api", "mission-state", "--mission", "nope"]);
  assertEquals(missing.code, 1);
  assertEquals(JSON.parse(missing.out).error_code, "MISSION_NOT_FOUND");
  const mark = await host(["agent", "tasks", "mark-status", "T001", "--status", "done", "--mission", "nope", "--json"]);
  assertEquals([mark.code, JSON.parse(mark.out).error_code], [1, "MISSION_NOT_FOUND"]);
});
