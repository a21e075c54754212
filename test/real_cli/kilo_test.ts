/**
 * The pinned real Kilo CLI (`@kilocode/cli`, an opencode fork), driven through our agent runner
 * with the built-in `kilocode` definition against the scripted Chat Completions server (a
 * `KILO_CONFIG` provider on loopback, see `test/support/real_cli/kilo.ts`): implement and a 401
 * ending in auth; review approve and reject are in `kilo_review_test.ts`. Kilo's output is opencode's
 * JSON event stream and is parsed by the opencode parser, whose fault classes the opencode tests
 * prove against the same server; a Kilo run costs 10-20 s here, so this file keeps to these.
 */
import { assert, assertEquals } from "../support/assert.ts";
import { kiloSetup } from "../support/real_cli/kilo.ts";
import { pinned } from "../support/real_cli/pinned.ts";
import {
  assertImplemented,
  type RealCase,
  type RealRun,
  retriedByEngine,
  runReal,
} from "../support/real_cli/chat_cli_harness.ts";

const V = pinned("kilocode").version;
// Kilo spends seconds of its own per step (3-5 s on a loaded 2-core machine): a wider limit
// than the harness default, so a slow machine is not a failure.
const run = (c: Omit<RealCase, "agentId" | "setup">) =>
  runReal({ agentId: "kilocode", setup: kiloSetup, timeoutMs: 180_000, ...c });
const agentTurns = (r: RealRun) => r.requests.filter((q) => q.role === "implement" && q.tools.length > 0);

Deno.test(`kilocode ${V} (real): implement writes the owned file with its write tool and runs every mark-status line`, async () => {
  const r = await run({ name: "impl", role: "implement" });
  assertImplemented(r);
  // The agent's own turns (Kilo's title generator sends the prompt too, with no tools, sometimes
  // after the run's last turn).
  const actions = agentTurns(r).map((q) => q.answered.kind);
  assertEquals(actions, ["write", "shell", "shell", "text"]);
  assertEquals(r.gitStatus, ["?? src/wp01.txt"], "nothing else left in the workspace");
});

Deno.test(`kilocode ${V} (real): 401 ends in auth at once (no retry, next agent in the chain)`, async () => {
  const r = await run({ name: "err-401", role: "implement", faults: [{ fault: { kind: "status", status: 401 } }] });
  assertEquals(r.result.failure?.class, "auth", r.stdout + r.stderr);
  assert(!retriedByEngine("auth"));
  assertEquals(agentTurns(r).length, 1);
});
