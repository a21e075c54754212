/**
 * The era matrix: the guide's flow (two WPs, accept at the end), a rework, and a kill -9 with
 * resume, against the built-in host emulating every host era (`host.emulate`, see
 * src/host/era.ts). Each era must end every WP done with no forced transition except the ones
 * the era has no unforced path for (the feature era's approval to done), each counted in the
 * run summary; the per-WP host calls are checked against the era's lifecycle.
 */
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import type { EraId } from "../../src/domain/host.ts";
import { isLockHeld } from "../../src/store/lock.ts";
import type { RunSummary } from "../../src/domain/run_events.ts";
import { setFakeMode } from "../support/e2e/fake_cli.ts";
import {
  configYaml,
  type E2e,
  finalLanes,
  laneEvents,
  liveAgentGroups,
  MISSION,
  orchestrateArgs,
  processesMatching,
  readCalls,
  readHostEvents,
  readState,
  runCli,
  spreadMission,
  withE2e,
} from "../support/e2e/harness.ts";

const ARGS = orchestrateArgs(MISSION, "--impl-agent", "claude-code", "--review-agent", "codex");

/** What each era's lifecycle costs per WP on the happy path (mutating host calls, forced ones). */
const PER_WP: Record<EraId, { transitions: number; startReview: number; forced: number; lanes: string[] }> = {
  // start-implementation, for_review, start-review, done
  "1.3": { transitions: 2, startReview: 1, forced: 0, lanes: ["in_progress", "for_review", "in_review", "done"] },
  // start-implementation, for_review, then blocked -> in_progress -> approved -> done (no start-review)
  "1.2-mission": {
    transitions: 5,
    startReview: 0,
    forced: 0,
    lanes: ["in_progress", "for_review", "blocked", "in_progress", "approved", "done"],
  },
  "1.1-mission": {
    transitions: 5,
    startReview: 0,
    forced: 0,
    lanes: ["in_progress", "for_review", "blocked", "in_progress", "approved", "done"],
  },
  "1.0-mission": {
    transitions: 5,
    startReview: 0,
    forced: 0,
    lanes: ["in_progress", "for_review", "blocked", "in_progress", "approved", "done"],
  },
  // start-implementation, for_review, done --force (no evidence flag on this era)
  "1.0-feature": { transitions: 2, startReview: 0, forced: 1, lanes: ["in_progress", "for_review", "done"] },
};

const ERAS_UNDER_TEST = Object.keys(PER_WP) as EraId[];

function eraConfig(era: EraId): string {
  return configYaml().replace("  kind: builtin\n", `  kind: builtin\n  emulate: "${era}"\n`);
}

/** stdout of `git <args>` in `cwd`. */
async function gitOut(cwd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command("git", { args, cwd, stdout: "piped", stderr: "piped" }).output();
  return new TextDecoder().decode(out.stdout).trim();
}

/** The summary.json of the run recorded in the state file. */
async function readSummary(e: E2e): Promise<RunSummary> {
  const state = await readState(e);
  return JSON.parse(await Deno.readTextFile(join(e.repo, ".kittify", "runs", String(state.run_id), "summary.json")));
}

/** Lane moves of `wp` after planning (claimed folded into in_progress as the host records both). */
function lanesOf(events: Awaited<ReturnType<typeof readHostEvents>>, wp: string): string[] {
  return laneEvents(events).filter((ev) => ev.wp_id === wp && ev.to_lane !== "planned" && ev.to_lane !== "claimed")
    .map((ev) => String(ev.to_lane));
}

/** Every WP done, forced moves only where the era has no other path, nothing left running. */
async function checkEraInvariants(e: E2e, era: EraId, wps: string[], reworks = 0): Promise<void> {
  const events = await readHostEvents(e);
  assertEquals(finalLanes(events), Object.fromEntries(wps.map((wp) => [wp, "done"])), "final lanes");
  const forced = laneEvents(events).filter((ev) => ev.force === true);
  assertEquals(forced.length, PER_WP[era].forced * wps.length, `forced events: ${JSON.stringify(forced)}`);
  for (const ev of forced) {
    assertEquals(ev.to_lane, "done", "only the approval is forced");
    assertStringIncludes(String(ev.reason), "Review approved by 'codex'");
    assertStringIncludes(String(ev.reason), "forced: contract 1.0.0 (feature era) has no --evidence-json");
  }
  for (const ev of laneEvents(events).filter((ev) => ev.to_lane === "done" && ev.force !== true)) {
    const evidence = ev.evidence as { review?: { verdict?: string } } | null;
    assertEquals(evidence?.review?.verdict, "approved", `done without approved evidence: ${JSON.stringify(ev)}`);
  }
  for (const ev of laneEvents(events)) {
    if (ev.actor === "finalize-tasks") continue;
    assert(ev.policy_metadata !== null && typeof ev.policy_metadata === "object", `no policy: ${JSON.stringify(ev)}`);
  }
  if (reworks === 0) { for (const wp of wps) assertEquals(lanesOf(events, wp), PER_WP[era].lanes, `${wp} lanes`); }
  const state = await readState(e);
  assertEquals(state.host_era, era, "era recorded in the run state");
  assertEquals(await liveAgentGroups(e), [], "agent process groups still alive");
  assertEquals(processesMatching(e.dir).map((p) => p.cmdline), [], "processes of the scenario still alive");
  assertEquals(await isLockHeld(e.repo, e.mission), false, "run lock still held");
}

for (const era of ERAS_UNDER_TEST) {
  Deno.test(`eras ${era}: the guide's flow ends every WP done, accepted, with the era's host calls`, async () => {
    await withE2e(spreadMission(2, 2), { config: eraConfig(era) }, async (e) => {
      const out = await runCli(e, [...ARGS, "--accept"]);
      assertEquals(out.code, 0, out.text);
      await checkEraInvariants(e, era, ["WP01", "WP02"]);
      const summary = await readSummary(e);
      assertEquals(summary.host_era, era);
      assertEquals(summary.forced_transitions?.length ?? 0, PER_WP[era].forced * 2, "forced in the summary");
      const calls = summary.host_calls;
      assertEquals(calls["start-implementation"], 2, JSON.stringify(calls));
      assertEquals(calls.transition, PER_WP[era].transitions * 2, JSON.stringify(calls));
      assertEquals(calls["start-review"] ?? 0, PER_WP[era].startReview * 2, JSON.stringify(calls));
      assertEquals(calls[era === "1.0-feature" ? "accept-feature" : "accept-mission"], 1, JSON.stringify(calls));
      if (era === "1.0-feature") {
        // mission-state twice: the era probe, and the startup read sent with contract-version before the era
        // was known (dropped and sent again as feature-state); list-ready likewise once per spelling.
        assertEquals(calls["mission-state"], 2, JSON.stringify(calls));
        assertEquals(calls["list-ready"], 2, JSON.stringify(calls));
        assert((calls["feature-state"] ?? 0) >= 1, JSON.stringify(calls));
      }
      assertStringIncludes(out.stdout, `contract ${era === "1.3" ? "1.3.0" : era.slice(0, 3) + ".0"}`);
      if (PER_WP[era].forced > 0) assertStringIncludes(out.stdout, "Forced transitions: 2");
      else assert(!out.stdout.includes("Forced transitions"), out.stdout);
      if (PER_WP[era].lanes.includes("blocked") || era === "1.0-feature") {
        // Old hosts commit tasks.md when a subtask is marked: the primary checkout stays clean.
        const log = await gitOut(e.repo, ["log", "--format=%s", "-n", "20"]);
        assertStringIncludes(log, "chore: Mark T001 as done on spec 034");
        assertEquals(
          await gitOut(e.repo, ["status", "--porcelain", "--untracked-files=no", "--", "kitty-specs/*/tasks.md"]),
          "",
        );
      }
      if (era === "1.2-mission" || era === "1.1-mission") {
        // The guide's last step: the host merges the lane branches (it needs a clean primary checkout).
        const merged = await runCli(e, [
          "host",
          "--emulate",
          era,
          "orchestrator-api",
          "merge-mission",
          "--mission",
          MISSION,
        ]);
        assertEquals(merged.code, 0, merged.text);
      }
      // status reads the lanes in the era's spelling (recorded in the run state), with no handshake.
      const status = await runCli(e, ["status", "--json"]);
      assertEquals(status.code, 0, status.text);
      const doc = JSON.parse(status.stdout) as { lanes_error: string | null; wps: { lane: string | null }[] };
      assertEquals([doc.lanes_error, doc.wps.map((w) => w.lane)], [null, ["done", "done"]], status.text);
    });
  });

  Deno.test(`eras ${era}: a rejected review is reworked without --force and ends done`, async () => {
    await withE2e(spreadMission(1, 1), { config: eraConfig(era) }, async (e) => {
      await setFakeMode(e.control, "codex", "review", "reject_once");
      const out = await runCli(e, ARGS);
      assertEquals(out.code, 0, out.text);
      await checkEraInvariants(e, era, ["WP01"], 1);
      assertEquals(
        (await readCalls(e.control)).map((c) => `${c.cli} ${c.role} ${c.n}`),
        ["claude impl 1", "codex review 1", "claude impl 2", "codex review 2"],
      );
      const lanes = lanesOf(await readHostEvents(e), "WP01");
      const rejection = era === "1.3"
        ? ["for_review", "in_review", "in_progress"]
        : era === "1.0-feature"
        ? ["for_review", "in_progress"]
        : ["for_review", "blocked", "in_progress"];
      assertEquals(lanes.slice(1, 1 + rejection.length), rejection, `rejection path: ${lanes.join(" ")}`);
      assertEquals((await readState(e)).wps.WP01?.review_cycles, 1);
    });
  });

  Deno.test(`eras ${era}: killed before done with the approval recorded, resume reuses it`, async () => {
    await withE2e(spreadMission(1, 1), { config: eraConfig(era) }, async (e) => {
      const crashed = await runCli(e, ARGS, { env: { SKO_FAULT: "crash@before-done" } });
      assertEquals(crashed.signal, "SIGKILL", crashed.text);
      // Before 1.3 the WP is reviewed in for_review (no start-review).
      assertEquals(finalLanes(await readHostEvents(e)).WP01, era === "1.3" ? "in_review" : "for_review");
      const resumed = await runCli(e, ["resume", "--no-caffeinate"]);
      assertEquals(resumed.code, 0, resumed.text);
      await checkEraInvariants(e, era, ["WP01"]);
      assertEquals((await readCalls(e.control)).filter((c) => c.role === "review").length, 1, "reviewer runs");
    });
  });

  Deno.test(`eras ${era}: killed after the hand-off to review, resume finishes the WP`, async () => {
    await withE2e(spreadMission(1, 1), { config: eraConfig(era) }, async (e) => {
      const crashed = await runCli(e, ARGS, { env: { SKO_FAULT: "crash@after-for-review" } });
      assertEquals(crashed.signal, "SIGKILL", crashed.text);
      assertEquals(finalLanes(await readHostEvents(e)).WP01, "for_review");
      const resumed = await runCli(e, ["resume", "--no-caffeinate"]);
      assertEquals(resumed.code, 0, resumed.text);
      await checkEraInvariants(e, era, ["WP01"]);
      const state = await readState(e);
      assertEquals(state.resume_count, 1);
      assertEquals(state.wps.WP01?.outcome?.kind, "done");
      assertEquals((await readCalls(e.control)).filter((c) => c.role === "impl").length, 1, "implementer runs");
    });
  });
}

Deno.test("eras: --dry-run names the host's era and what degrades on it; doctor names the era", async () => {
  await withE2e(spreadMission(1, 1), { config: eraConfig("1.0-feature") }, async (e) => {
    const dry = await runCli(e, [...ARGS, "--dry-run"]);
    assertEquals(dry.code, 0, dry.text);
    assertStringIncludes(dry.stdout, "contract 1.0.0, feature era, spec-kitty 2.0 - 2.1.x");
    assertStringIncludes(dry.stdout, "On this host era (1.0-feature) the run degrades");
    assertStringIncludes(dry.stdout, "approval to done needs --force");
    const doctor = await runCli(e, ["doctor"]);
    assertStringIncludes(doctor.text, "builtin host, contract 1.0.0 (1.0-feature, feature era)");
  });
  await withE2e(spreadMission(1, 1), {}, async (e) => {
    const dry = await runCli(e, [...ARGS, "--dry-run"]);
    assertEquals(dry.code, 0, dry.text);
    assertStringIncludes(dry.stdout, "contract 1.3.0, current era, spec-kitty 3.2.6rc1 and later");
    assert(!dry.stdout.includes("degrades"), dry.stdout);
  });
});

Deno.test("eras 1.0-feature: the orchestrator gates dependencies and creates <feature>-WPnn worktrees on the dependency's branch", async () => {
  const chain = {
    slug: MISSION,
    wps: [{ id: "WP01", lane: "lane-a" }, { id: "WP02", lane: "lane-b", dependencies: ["WP01"] }],
  };
  await withE2e(chain, { config: eraConfig("1.0-feature") }, async (e) => {
    const out = await runCli(e, ARGS);
    assertEquals(out.code, 0, out.text);
    await checkEraInvariants(e, "1.0-feature", ["WP01", "WP02"]);
    const events = laneEvents(await readHostEvents(e));
    const wp01Done = events.findIndex((ev) => ev.wp_id === "WP01" && ev.to_lane === "done");
    const wp02Claimed = events.findIndex((ev) => ev.wp_id === "WP02" && ev.to_lane === "claimed");
    assert(wp01Done !== -1 && wp01Done < wp02Claimed, "WP02 was claimed before its dependency was done");
    for (const wp of ["WP01", "WP02"]) {
      const ws = join(e.repo, ".worktrees", `${MISSION}-${wp}`);
      const branch = await new Deno.Command("git", { args: ["-C", ws, "branch", "--show-current"], stdout: "piped" })
        .output();
      assertEquals(new TextDecoder().decode(branch.stdout).trim(), `${MISSION}-${wp}`);
    }
    // WP02 was started from WP01's branch, so it carries WP01's work.
    await Deno.stat(join(e.repo, ".worktrees", `${MISSION}-WP02`, "e2e", "WP01.txt"));
    const state = await readState(e);
    assert((state.created as { worktrees: string[] }).worktrees.length === 2, "worktrees recorded as ours");
  });
});
