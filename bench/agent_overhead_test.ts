import { join } from "node:path";
import { assertEquals } from "../test/support/assert.ts";
import {
  attemptOverheads,
  isOrchestratorHostCall,
  parseStamps,
  splitOverheads,
  type Stamp,
  stampWrapper,
} from "./agent_overhead.ts";

Deno.test("attemptOverheads() measures host end → CLI start and CLI exit → next host call, ignoring the agent's own host calls and the preflight", () => {
  const host = (id: number, start: number, end: number, args: string): Stamp[] => [
    { kind: "host_start", at: start, id, args },
    { kind: "host_end", at: end, id, args },
  ];
  const stamps: Stamp[] = [
    ...host(1, 0, 100, "host orchestrator-api start-implementation --mission m --wp WP01"),
    // The preflight's --version run is no attempt.
    { kind: "agent_start", at: 101, id: 8, args: "--version" },
    { kind: "agent_end", at: 110, id: 8, args: "--version" },
    { kind: "agent_start", at: 130, id: 9, args: "-p --output-format json" },
    { kind: "model_request", at: 900 },
    { kind: "model_request", at: 1200 },
    // The agent's mark-status and a heartbeat read while it runs: neither is before/after.
    ...host(2, 1300, 1400, "host agent tasks mark-status T001 --status done --mission m"),
    ...host(3, 1500, 1600, "host orchestrator-api mission-state --mission m"),
    { kind: "agent_end", at: 2000, id: 9, args: "-p --output-format json" },
    ...host(4, 2045, 2100, "host orchestrator-api transition --mission m --wp WP01 --to for_review"),
  ];
  assertEquals(attemptOverheads(stamps), [{ beforeMs: 30, afterMs: 45, cliStartupMs: 770, cliMs: 1870, startAt: 130 }]);
});

Deno.test("splitOverheads() splits before/after at the attempt_started and attempt_finished events", () => {
  const attempts = [{ beforeMs: 30, afterMs: 45, cliStartupMs: 770, cliMs: 1870, startAt: 130 }];
  // Host call ended at 100; attempt_started at 118; CLI 130..2000; attempt_finished at 2030; next call at 2045.
  assertEquals(splitOverheads(attempts, [118], [2030]), [{ prepareMs: 18, spawnMs: 12, wrapUpMs: 30, nextCallMs: 15 }]);
  assertEquals(splitOverheads(attempts, [118], []), []);
});

Deno.test("attemptOverheads() gives null where nothing precedes, follows or is requested", () => {
  const stamps: Stamp[] = [
    { kind: "agent_end", at: 50, id: 1, args: "exec -" },
    { kind: "agent_start", at: 10, id: 1, args: "exec -" },
  ];
  assertEquals(attemptOverheads(stamps), [{
    beforeMs: null,
    afterMs: null,
    cliStartupMs: null,
    cliMs: 40,
    startAt: 10,
  }]);
  assertEquals(isOrchestratorHostCall("host agent tasks mark-status T1"), false);
  assertEquals(isOrchestratorHostCall("host orchestrator-api transition"), true);
});

Deno.test("stampWrapper() passes stdin, stdout and the exit code through and stamps start and end", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bench-stamp-" });
  try {
    const log = join(dir, "stamps.log");
    const wrapper = join(dir, "wrapped");
    await Deno.writeTextFile(wrapper, stampWrapper("host", ["bash", "-c", 'cat; echo "args:$*"; exit 7', "x"], log));
    await Deno.chmod(wrapper, 0o755);
    const child = new Deno.Command(wrapper, { args: ["a b", "c"], stdin: "piped", stdout: "piped" }).spawn();
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode("in\n"));
    await w.close();
    const out = await child.output();
    assertEquals([out.code, new TextDecoder().decode(out.stdout)], [7, "in\nargs:a b c\n"]);
    const stamps = parseStamps(await Deno.readTextFile(log));
    assertEquals(stamps.map((s) => s.kind), ["host_start", "host_end"]);
    assertEquals(stamps.map((s) => "args" in s ? s.args : ""), ["a b c", "a b c"]);
    const [start, end] = stamps;
    assertEquals(start !== undefined && end !== undefined && end.at >= start.at && start.at > 1.7e12, true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
