import { assert, assertEquals, assertStringIncludes } from "../test/support/assert.ts";
import { callsPerWp, chainGaps, lowerBoundMs, median, renderMarkdownTable } from "./metrics.ts";
import { agentConf, benchFiles, chainIds, orchestrationYaml } from "./mission.ts";
import { cpuSecondsBetween, hostSubcommand, parseCmdline, parseStat, parseStatusKb, parseUptime } from "./proc.ts";
import { parseEvents, summaryOf } from "./run_cli.ts";

const AGENT = { implSeconds: 10, reviewSeconds: 10, implOutputBytes: 0, maxConcurrent: 4 };

Deno.test("lowerBoundMs() equal agents reduce to chain length × (impl + review + 4 × delay)", () => {
  const chain = [20_000, 20_000, 20_000, 20_000];
  assertEquals(lowerBoundMs([chain, chain, chain], 2000), 4 * (10_000 + 10_000 + 4 * 2000));
});

Deno.test("lowerBoundMs() takes the longest chain, not the longest WP", () => {
  assertEquals(lowerBoundMs([[5000, 5000, 5000], [12_000]], 1000), 15_000 + 3 * 4000);
  assertEquals(lowerBoundMs([], 2000), 0);
});

Deno.test("callsPerWp() splits mutating from read-only subcommands per WP", () => {
  const calls = callsPerWp({
    "contract-version": 1,
    "mission-state": 5,
    "list-ready": 1,
    "start-implementation": 12,
    "start-review": 12,
    transition: 24,
    "append-history": 24,
  }, 12);
  assertEquals(calls.mutatingPerWp, 6);
  assertEquals(calls.readPerWp, 7 / 12);
  assertEquals(calls.bySubcommand[0], ["append-history", 2]);
});

Deno.test("median() of odd, even and empty lists", () => {
  assertEquals(median([3, 1, 2]), 2);
  assertEquals(median([4, 1, 3, 2]), 2.5);
  assert(Number.isNaN(median([])));
});

Deno.test("renderMarkdownTable() marks pass, FAIL and informational rows and escapes pipes", () => {
  const table = renderMarkdownTable([
    { metric: "a|b", measured: "1", target: "≤ 4", pass: true },
    { metric: "c", measured: "7", target: "≤ 4", pass: false },
    { metric: "d", measured: "x", target: "—", pass: null },
  ]);
  const lines = table.split("\n");
  assertEquals(lines[0], "| Metric | Measured | Target | Result |");
  assertEquals(lines[2], "| a\\|b | 1 | ≤ 4 | pass |");
  assertEquals(lines[3], "| c | 7 | ≤ 4 | **FAIL** |");
  assertEquals(lines[4], "| d | x | — | — |");
});

Deno.test("parseStat() counts fields after the last parenthesis of comm", () => {
  const text = "4242 (we (ird) name) S 17 4242 17 0 -1 4194304 100 0 0 0 250 75 3 4 20 0 9 0 123456 1000 50 " +
    "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
  const stat = parseStat(text);
  assertEquals(stat, {
    pid: 4242,
    comm: "we (ird) name",
    state: "S",
    ppid: 17,
    utime: 250,
    stime: 75,
    cutime: 3,
    cstime: 4,
    starttime: 123456,
  });
  assertEquals(parseStat("garbage"), null);
  assertEquals(parseStat("12 (x) S"), null);
});

Deno.test("parseStatusKb() reads VmRSS and VmHWM in kB", () => {
  const text = "Name:\tdeno\nVmPeak:\t 999 kB\nVmHWM:\t  123836 kB\nVmRSS:\t  119772 kB\nThreads:\t9\n";
  assertEquals(parseStatusKb(text, "VmHWM"), 123836);
  assertEquals(parseStatusKb(text, "VmRSS"), 119772);
  assertEquals(parseStatusKb(text, "VmSwap"), null);
});

Deno.test("parseCmdline() and hostSubcommand() find the orchestrator-api subcommand", () => {
  const argv = parseCmdline("/x/deno\0run\0--allow-all\0/r/src/main.ts\0host\0orchestrator-api\0mission-state\0");
  assertEquals(argv.length, 7);
  assertEquals(hostSubcommand(argv), "mission-state");
  assertEquals(hostSubcommand(["bash", "-c", "sleep 1"]), null);
  assertEquals(parseUptime("12345.67 999.0\n"), 12345.67);
});

Deno.test("cpuSecondsBetween() uses the last sample at or before each instant", () => {
  const points = [{ atSec: 10, ticks: 100 }, { atSec: 20, ticks: 150 }, { atSec: 30, ticks: 400 }];
  assertEquals(cpuSecondsBetween(points, 10, 25), 0.5);
  assertEquals(cpuSecondsBetween(points, 12, 31), 3);
  assertEquals(cpuSecondsBetween(points, 5, 20), null);
});

Deno.test("summaryOf() takes the run_finished summary from NDJSON events", () => {
  const events = parseEvents(
    '{"type":"run_started","run_id":"r"}\nnot json\n' +
      '{"type":"run_finished","run_id":"r","summary":{"run_id":"r","host_calls":{"transition":2}}}\n{"trunc',
  );
  assertEquals(events.length, 2);
  assertEquals(summaryOf(events)?.host_calls, { transition: 2 });
  assertEquals(summaryOf([]), null);
});

Deno.test("benchFiles() lays out chains as lanes with seeded events and dependent WPs", () => {
  const shape = { chains: 3, chainLength: 4, subtasksPerWp: 2 };
  assertEquals(chainIds(shape)[1], ["WP05", "WP06", "WP07", "WP08"]);
  const files = benchFiles(shape, AGENT, new Date("2026-01-02T03:04:05Z"));
  const dir = "kitty-specs/001-bench";
  const lanes = JSON.parse(files[`${dir}/lanes.json`] ?? "{}");
  assertEquals(lanes.lanes.map((l: { wp_ids: string[] }) => l.wp_ids), chainIds(shape));
  assertEquals((files[`${dir}/status.events.jsonl`] ?? "").trim().split("\n").length, 12);
  assertStringIncludes(files[`${dir}/tasks/WP06-bench.md`] ?? "", "dependencies: [WP05]");
  assertStringIncludes(files[`${dir}/tasks/WP05-bench.md`] ?? "", "dependencies: []\nsubtasks: [T009, T010]");
  assertStringIncludes(files["orchestration.yaml"] ?? "", "kind: builtin");
  assertEquals(
    agentConf({ ...AGENT, implOutputBytes: 2e8 }),
    "IMPL_SECONDS=10\nREVIEW_SECONDS=10\nIMPL_OUTPUT_BYTES=200000000\n",
  );
  assertStringIncludes(orchestrationYaml(AGENT), "max_concurrent: 4\ndefaults:");
  assertStringIncludes(
    orchestrationYaml({ ...AGENT, historyNotes: false }),
    "max_concurrent: 4\nhistory_notes: false\n",
  );
});

Deno.test("chainGaps() measures the non-agent gaps along a chain", () => {
  const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
  const events = [
    { type: "run_started", at: at(0) },
    { type: "lane_changed", wp_id: "WP01", to: "in_progress", at: at(5) },
    { type: "attempt_finished", wp_id: "WP01", role: "implement", at: at(15) },
    { type: "lane_changed", wp_id: "WP01", to: "for_review", at: at(20) },
    { type: "lane_changed", wp_id: "WP01", to: "in_review", at: at(22) },
    { type: "attempt_finished", wp_id: "WP01", role: "review", at: at(32) },
    { type: "lane_changed", wp_id: "WP01", to: "done", at: at(34) },
    { type: "lane_changed", wp_id: "WP02", to: "in_progress", at: at(40) },
    { type: "run_finished", at: at(50) },
  ];
  const gaps = chainGaps(events, ["WP01", "WP02"]);
  assertEquals(gaps["start → first claim"], 5000);
  assertEquals(gaps["implement end → for_review"], 5000);
  assertEquals(gaps["for_review → in_review"], 2000);
  assertEquals(gaps["review end → done"], 2000);
  assertEquals(gaps["done → next claim"], 6000);
  assert(Number.isNaN(gaps["last done → run end"] ?? 0));
});
