/**
 * The invariants checked after every fault (docs/reliability.md §4.1): host state consistent, run
 * state file readable, run resumable, no orphan process. The "clear message" check is per test.
 *
 * @module
 */
import { join } from "node:path";
import { assert, assertEquals } from "../assert.ts";
import { ALL_LANES, isLegalEdge } from "../../../src/builtin-host/lanes.ts";
import { decodeState, type StateDecodeResult } from "../../../src/store/state_schema.ts";
import { decodeWithJournal, JOURNAL_SUFFIX } from "../../../src/store/run_state.ts";
import type { RunState } from "../../../src/domain/run_state.ts";
import { type CliResult, type FaultRepo, killTagged, orchestrateArgs, resumeArgs, taggedPids } from "./harness.ts";

/** Fails (after killing them) when processes of this repo outlive the CLI beyond `graceMs`. */
export async function assertNoOrphans(repo: FaultRepo, graceMs = 4000): Promise<void> {
  const deadline = Date.now() + graceMs;
  while (taggedPids(repo.parent).length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const killed = await killTagged(repo.parent);
  assertEquals(killed, [], `orphan processes survived the run:\n${killed.join("\n")}`);
}

/** One lane event of the host's log. */
interface LaneEventLine {
  wp_id: string;
  from_lane: string;
  to_lane: string;
  force?: boolean;
  event_id: string;
}

/**
 * Every line of the host's event log parses; each WP's lane events form one legal chain from
 * genesis (no impossible lane, no duplicate transition); `status.json` agrees. Returns WP → lane.
 */
export async function assertHostConsistent(repo: FaultRepo): Promise<Map<string, string>> {
  const dir = join(repo.root, "kitty-specs", repo.mission);
  const text = await Deno.readTextFile(join(dir, "status.events.jsonl"));
  const lanes = new Map<string, string>();
  const ids = new Set<string>();
  text.split("\n").filter((l) => l.trim() !== "").forEach((line, i) => {
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(line);
    } catch (error) {
      throw new Error(`status.events.jsonl line ${i + 1} does not parse (${error}): ${line.slice(0, 200)}`);
    }
    const id = String(event.event_id);
    assert(!ids.has(id), `duplicate event id ${id}`);
    ids.add(id);
    if (typeof event.to_lane !== "string") return;
    const e = event as unknown as LaneEventLine;
    const before = lanes.get(e.wp_id) ?? "genesis";
    assert((ALL_LANES as readonly string[]).includes(e.to_lane), `impossible lane ${e.to_lane} for ${e.wp_id}`);
    assertEquals(e.from_lane, before, `event ${i + 1} of ${e.wp_id} starts from ${e.from_lane}, lane was ${before}`);
    // The orchestrator never forces a transition on its own.
    assert(e.force !== true, `forced transition ${e.from_lane} -> ${e.to_lane} of ${e.wp_id}`);
    assert(isLegalEdge(e.from_lane, e.to_lane), `illegal ${e.from_lane} -> ${e.to_lane} of ${e.wp_id}`);
    assert(e.from_lane !== e.to_lane, `duplicate transition ${e.from_lane} -> ${e.to_lane} of ${e.wp_id}`);
    lanes.set(e.wp_id, e.to_lane);
  });
  const status = JSON.parse(await Deno.readTextFile(join(dir, "status.json"))) as {
    work_packages: Record<string, { lane: string }>;
  };
  for (const [wp, lane] of lanes) {
    assertEquals(status.work_packages[wp]?.lane, lane, `status.json lane of ${wp}`);
  }
  return lanes;
}

/** The run state files of this repo's mission (legacy or per-mission name). */
export async function stateFiles(repo: FaultRepo): Promise<string[]> {
  const names = ["orchestrator-run-state.json", `orchestrator-run-state.${repo.mission}.json`];
  const found: string[] = [];
  for (const name of names) {
    const path = join(repo.root, ".kittify", name);
    if (await Deno.stat(path).then(() => true, () => false)) found.push(path);
  }
  return found;
}

/**
 * Decodes a run state file with its journal applied: the state `resume` would load (the file
 * alone is the state at the last snapshot).
 */
export async function decodeStateFile(file: string): Promise<StateDecodeResult> {
  const journal = await Deno.readTextFile(file + JOURNAL_SUFFIX).catch(() => null);
  return await decodeWithJournal(await Deno.readTextFile(file), journal, file + JOURNAL_SUFFIX);
}

/** Every run state file decodes; returns the states (at least one unless `allowNone`). */
export async function assertStateReadable(repo: FaultRepo, allowNone = false): Promise<RunState[]> {
  const files = await stateFiles(repo);
  if (!allowNone) assert(files.length > 0, "no run state file was written");
  const states: RunState[] = [];
  for (const file of files) {
    const decoded = await decodeState(await Deno.readTextFile(file));
    assert(decoded.ok, `${file} does not decode: ${decoded.ok ? "" : decoded.detail}`);
    if (decoded.ok) states.push(decoded.state);
  }
  return states;
}

/** Asserts exit code and that every substring appears in the output. */
export function assertMessage(result: CliResult, code: number, ...parts: (string | RegExp)[]): void {
  assertEquals(result.code, code, `exit code; output:\n${result.out.slice(-3000)}`);
  for (const part of parts) {
    const ok = typeof part === "string" ? result.out.includes(part) : part.test(result.out);
    assert(ok, `output lacks ${String(part)}; output:\n${result.out.slice(-3000)}`);
  }
}

/** After the fault is removed, `resume` (or a new `orchestrate`) ends with exit 0 and every WP done. */
export async function assertResumable(repo: FaultRepo, how: "resume" | "orchestrate" = "resume"): Promise<CliResult> {
  const result = await repo.cli(how === "resume" ? resumeArgs(repo) : orchestrateArgs(repo));
  assertMessage(result, 0);
  const lanes = await assertHostConsistent(repo);
  for (const wp of repo.wps) assertEquals(lanes.get(wp.id), "done", `host lane of ${wp.id} after ${how}`);
  await assertStateReadable(repo);
  await assertNoOrphans(repo);
  return result;
}

/** The invariants after the faulty run: orphans, host log, state file. */
export async function assertAfterFault(repo: FaultRepo, opts: { stateMayBeMissing?: boolean } = {}): Promise<void> {
  await assertNoOrphans(repo);
  await assertHostConsistent(repo);
  await assertStateReadable(repo, opts.stateMayBeMissing ?? false);
}

/** Host lane of every WP, from the event log. */
export async function hostLanes(repo: FaultRepo): Promise<Map<string, string>> {
  return await assertHostConsistent(repo);
}
