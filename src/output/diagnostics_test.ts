import { join } from "node:path";
import { getConfig, type LogRecord } from "@logtape/logtape";
import { assertEquals, assertMatch, assertStringIncludes } from "../../test/support/assert.ts";
import { beginDiagnostics, diagnosticsLogger, formatRecord, openDiagnosticLog } from "./diagnostics.ts";

function record(message: unknown[], level: LogRecord["level"] = "info"): LogRecord {
  return {
    category: ["sko", "host"],
    level,
    message,
    rawMessage: "",
    timestamp: Date.UTC(2026, 10, 21, 11, 15, 54, 123),
    properties: {},
  };
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "diagnostics-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("formatRecord() writes one timestamped line with plain values and escaped newlines", () => {
  assertEquals(
    formatRecord(record(["", "mission-state", " ok in ", 12, " ms ", { a: 1 }, " ", "two\nlines", ""], "warning")),
    '2026-11-21T11:15:54.123Z WARN  host: mission-state ok in 12 ms {"a":1} two\\nlines\n',
  );
});

Deno.test("formatRecord() escapes every control character of agent and host text", () => {
  assertEquals(
    formatRecord(record(["agent said ", "\x1b]0;PWNED\x07\x1b[2J\r", ""], "warning")),
    "2026-11-21T11:15:54.123Z WARN  host: agent said \\x1b]0;PWNED\\x07\\x1b[2J\\r\n",
  );
});

Deno.test("openDiagnosticLog() writes the lines buffered since beginDiagnostics(), then live lines", async () => {
  await withTempDir(async (dir) => {
    beginDiagnostics();
    diagnosticsLogger("host").debug("{command} ok", { command: "contract-version" });
    const log = openDiagnosticLog(join(dir, "orchestrator.log"));
    diagnosticsLogger("engine").info("dispatch {wp}", { wp: "WP01" });
    log.close();
    diagnosticsLogger("engine").info("after close");
    const lines = (await Deno.readTextFile(join(dir, "orchestrator.log"))).trimEnd().split("\n");
    assertEquals(lines.length, 2);
    assertMatch(lines[0]!, /Z DEBUG host: contract-version ok$/);
    assertMatch(lines[1]!, /Z INFO {2}engine: dispatch WP01$/);
  });
});

Deno.test("beginDiagnostics() forgets lines left by an earlier preparation that opened no log", async () => {
  await withTempDir(async (dir) => {
    beginDiagnostics();
    diagnosticsLogger("host").debug("from a dry run");
    beginDiagnostics();
    diagnosticsLogger("host").debug("from the real run");
    const log = openDiagnosticLog(join(dir, "orchestrator.log"));
    log.close();
    const text = await Deno.readTextFile(join(dir, "orchestrator.log"));
    assertEquals(text.includes("from a dry run"), false);
    assertStringIncludes(text, "from the real run");
  });
});

Deno.test("openDiagnosticLog() feeds every open log and the last close resets logtape", async () => {
  await withTempDir(async (dir) => {
    const a = openDiagnosticLog(join(dir, "a.log"));
    const b = openDiagnosticLog(join(dir, "b.log"));
    diagnosticsLogger("engine").info("both");
    a.close();
    diagnosticsLogger("engine").info("only b");
    assertEquals(getConfig() === null, false);
    b.close();
    b.close();
    assertEquals(getConfig(), null);
    assertEquals((await Deno.readTextFile(join(dir, "a.log"))).includes("only b"), false);
    assertStringIncludes(await Deno.readTextFile(join(dir, "b.log")), "only b");
  });
});

Deno.test("openDiagnosticLog() appends to an existing log (a resumed run)", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "orchestrator.log");
    await Deno.writeTextFile(path, "earlier line\n");
    const log = openDiagnosticLog(path);
    diagnosticsLogger("engine").info("resumed");
    log.close();
    const lines = (await Deno.readTextFile(path)).trimEnd().split("\n");
    assertEquals(lines[0], "earlier line");
    assertMatch(lines[1]!, /engine: resumed$/);
  });
});
