/**
 * End to end with the REAL pinned agent CLIs (scripts/agent_clis.json) on the built-in host:
 * our CLI runs `orchestrate` as a user does, with only the pinned CLIs on PATH, each pointed at
 * the scripted model server on loopback (test/support/real_cli/<cli>.ts). The model writes each
 * WP's owned file with the CLI's own write tool, runs the prompt's mark-status lines with its
 * shell tool, and reviews with a verdict (structured where the CLI asks for it).
 *
 * The guide's three pairings, plus one run where the server answers the first request 429 with
 * `retry-after` and the WP still ends done, after the wait.
 *
 * Serial on purpose (deno.json `test:real`): each run spawns real Node/Bun/Rust CLIs, and two of
 * those at once on a 2-core machine turn stall windows into flakes.
 */
import { join } from "node:path";
import { taggedPids } from "../../src/proc/reap_tagged.ts";
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { anthropicAdapter } from "../support/model_server/anthropic.ts";
import { chatAdapter } from "../support/model_server/chat.ts";
import { responsesAdapter } from "../support/model_server/responses.ts";
import { REJECT_FEEDBACK, type ScriptKnobs } from "../support/model_server/script.ts";
import { type FaultRule, type ModelServer, startModelServer } from "../support/model_server/server.ts";
import type { LoggedRequest, WireApi } from "../support/model_server/types.ts";
import { claudeSetup, type ClaudeSetupOptions } from "../support/real_cli/claude.ts";
import { codexSetup } from "../support/real_cli/codex.ts";
import { opencodeSetup } from "../support/real_cli/opencode.ts";
import { pinned, pinnedBinary, pinnedPath } from "../support/real_cli/pinned.ts";
import {
  checkInvariants,
  configYaml,
  type E2e,
  GIT_ENV,
  laneEvents,
  MISSION,
  orchestrateArgs,
  readHostEvents,
  readState,
  runCli,
  spreadMission,
  withE2e,
  type WpStateView,
} from "../support/e2e/harness.ts";

/** The agents these runs drive, each with the wire API its CLI speaks. */
type RealAgent = "claude-code" | "codex" | "opencode";

const WIRE: Record<RealAgent, WireApi> = { "claude-code": "anthropic", codex: "responses", opencode: "chat" };

/** The environment that points `agent`'s real CLI at `server` (files under `dir`). */
async function agentEnv(
  agent: RealAgent,
  server: ModelServer,
  dir: string,
  run: RealRun,
): Promise<Record<string, string>> {
  switch (agent) {
    case "claude-code":
      return (await claudeSetup(server, dir, run.claude ?? {})).env;
    case "codex":
      return (await codexSetup(server, dir)).env;
    case "opencode":
      return (await opencodeSetup(server, dir)).env;
  }
}

/** `claude-code 2.1.328`: the agent id and the pinned release a test name carries. */
function named(agent: RealAgent): string {
  return `${agent} ${pinned(agent).version}`;
}

/** An attempt of the run state, with its timing. */
type AttemptView = WpStateView["attempts"][number] & { started_at: string; duration_ms: number | null };

/** Two independent WPs on two lanes (WP01 lane-a, WP02 lane-b), one subtask each. */
const SPEC = spreadMission(2, 2);
const WPS = ["WP01", "WP02"] as const;

/** A run's setup. */
interface RealRun {
  impl: RealAgent;
  review: RealAgent;
  knobs?: ScriptKnobs;
  faults?: FaultRule[];
  /** orchestration.yaml. @default configYaml() (2 attempts, 1 s retry interval) */
  config?: string;
  /** Claude Code's setup (e.g. its own retries). @default {} (the CLI's defaults) */
  claude?: ClaudeSetupOptions;
}

/** What a finished real run left behind. */
interface RealResult {
  e: E2e;
  server: ModelServer;
  out: { code: number; text: string };
  wallMs: number;
}

/**
 * Runs `orchestrate --impl-agent <impl> --review-agent <review> --max-concurrent 1 --host builtin`
 * with the real CLIs, then hands the scenario the result (the server is still open, closed after).
 */
async function withRealRun(run: RealRun, check: (r: RealResult) => Promise<void>): Promise<void> {
  // Fail with the install command when a CLI is missing (never a skip).
  for (const agent of new Set([run.impl, run.review])) pinnedBinary(agent);
  await withE2e(SPEC, { config: run.config ?? configYaml() }, async (e) => {
    const server = startModelServer({
      adapters: [anthropicAdapter(), chatAdapter(), responsesAdapter],
      knobs: run.knobs ?? {},
      faults: run.faults ?? [],
      logFile: join(e.dir, "model-requests.jsonl"),
    });
    try {
      const env: Record<string, string> = {};
      for (const agent of new Set([run.impl, run.review])) {
        Object.assign(env, await agentEnv(agent, server, e.dir, run));
      }
      await shareDenoCache(env);
      // Only the pinned CLIs and the system directories: never a fake, never a global install.
      e.env = { ...e.env, ...GIT_ENV, ...env, PATH: pinnedPath(), NO_COLOR: "1" };
      const started = performance.now();
      const out = await runCli(
        e,
        orchestrateArgs(
          MISSION,
          "--impl-agent",
          run.impl,
          "--review-agent",
          run.review,
          "--max-concurrent",
          "1",
          "--host",
          "builtin",
        ),
        { timeoutMs: 240_000 },
      );
      await check({ e, server, out, wallMs: performance.now() - started });
    } finally {
      await server.close();
    }
  });
}

/** The Deno cache this test process uses (its npm packages are what our CLI imports). */
function denoDir(): string {
  const env = Deno.env.toObject();
  if (env["DENO_DIR"]) return env["DENO_DIR"];
  return join(env["XDG_CACHE_HOME"] ?? join(env["HOME"] ?? "/root", ".cache"), "deno");
}

/**
 * The setups give the CLIs a fresh HOME (no user config leaks in), and our CLI, its host calls
 * and the agents' mark-status lines (`deno run … src/main.ts`) would then start from an empty
 * Deno cache and fetch every npm dependency again. The fresh cache dir points at ours instead.
 */
async function shareDenoCache(env: Record<string, string>): Promise<void> {
  const cache = env["XDG_CACHE_HOME"] ?? (env["HOME"] ? join(env["HOME"], ".cache") : null);
  if (cache === null) return;
  await Deno.mkdir(cache, { recursive: true });
  await Deno.symlink(denoDir(), join(cache, "deno")).catch((error) => {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
  });
}

async function git(repo: string, args: string[]): Promise<{ code: number; stdout: string }> {
  const out = await new Deno.Command("git", { args, cwd: repo, env: GIT_ENV, stdout: "piped", stderr: "piped" })
    .output();
  return { code: out.code, stdout: new TextDecoder().decode(out.stdout) };
}

/** The file `path` as committed on `branch`, or null when it is not there. */
async function committed(repo: string, branch: string, path: string): Promise<string | null> {
  const r = await git(repo, ["show", `${branch}:${path}`]);
  return r.code === 0 ? r.stdout : null;
}

/** Subtask id → status the agent's own mark-status calls recorded for `wp` (host annotations). */
async function agentMarks(e: E2e, wp: string): Promise<Record<string, unknown>> {
  const marks: Record<string, unknown> = {};
  for (const ev of await readHostEvents(e)) {
    if (ev.kind !== "annotation" || ev.wp_id !== wp || ev.actor !== "mark-status") continue;
    Object.assign(marks, (ev.delta as { subtasks?: Record<string, unknown> } | undefined)?.subtasks ?? {});
  }
  return marks;
}

/** Requests of one role and WP that the real CLI made on its own wire API. */
function requestsOf(server: ModelServer, api: WireApi, role: LoggedRequest["role"], wp: string): LoggedRequest[] {
  return server.requests.filter((r) => r.api === api && r.role === role && r.wp === wp);
}

/**
 * Everything a run that ended well must show: exit 0, all WPs done with approved evidence and
 * the harness invariants, each owned file committed on its lane branch with the model's
 * content, each subtask marked by the agent itself, and the model server's log proving each
 * real CLI talked to it (several turns per implementation: the CLI ran the write and shell tools).
 */
async function assertAllDone(r: RealResult, impl: RealAgent, review: RealAgent): Promise<void> {
  const { e, server, out } = r;
  assertEquals(out.code, 0, out.text);
  await checkInvariants(e, { lanes: { WP01: "done", WP02: "done" } });
  const state = await readState(e);
  assertEquals(state.status, "finished");
  // No process of a real CLI outlived the run (every agent and its children carry the run's tag).
  assertEquals(await taggedPids(String(state.run_id)), [], "processes tagged with the run id still alive");
  for (const [i, wp] of WPS.entries()) {
    assertEquals(state.wps[wp]?.outcome?.kind, "done", `${wp}: ${JSON.stringify(state.wps[wp])}`);
    const lane = `kitty/mission-${MISSION}-lane-${"ab"[i]}`;
    const file = await committed(e.repo, lane, `e2e/${wp}.txt`);
    assert(file !== null, `e2e/${wp}.txt is not committed on ${lane}`);
    assertStringIncludes(file, `${wp} implemented`);
    const subtask = `T${String(i + 1).padStart(3, "0")}`;
    assertEquals(await agentMarks(e, wp), { [subtask]: "done" }, `${wp}: subtasks the agent marked`);
    const implTurns = requestsOf(server, WIRE[impl], "implement", wp);
    // write, one mark-status, closing text: at least three model turns, each after a tool ran.
    assert(implTurns.length >= 3, `${wp}: ${impl} made ${implTurns.length} implement requests`);
    assert(requestsOf(server, WIRE[review], "review", wp).length >= 1, `${wp}: ${review} never asked for a review`);
    const attempts = state.wps[wp]!.attempts;
    assert(attempts.every((a) => a.agent === (a.role === "implement" ? impl : review)), JSON.stringify(attempts));
  }
}

Deno.test(
  `real CLIs: orchestrate ${named("claude-code")} → ${named("codex")} reworks WP01 once and ends with both WPs done`,
  async () => {
    await withRealRun({ impl: "claude-code", review: "codex", knobs: { reject: ["WP01"] } }, async (r) => {
      await assertAllDone(r, "claude-code", "codex");
      const state = await readState(r.e);
      assertEquals(state.wps.WP01?.review_cycles, 1, "WP01 rework cycles");
      assertEquals(state.wps.WP02?.review_cycles, 0, "WP02 rework cycles");
      const wp01 = state.wps.WP01!.attempts.map((a) => `${a.role}:${a.result}:${a.verdict ?? "-"}`);
      assertEquals(wp01, [
        "implement:ok:-",
        "review:ok:changes_requested",
        "implement:ok:-",
        "review:ok:approved",
      ]);
      assertEquals(r.server.script.reviews().get("WP01"), 2);
      // The rework prompt carried the reviewer's feedback back to the implementer, which appended.
      const rework = requestsOf(r.server, "anthropic", "implement", "WP01").filter((q) =>
        JSON.stringify(q.body).includes(REJECT_FEEDBACK)
      );
      assert(rework.length >= 1, "the rework prompt lacks the review feedback");
      const file = await committed(r.e.repo, `kitty/mission-${MISSION}-lane-a`, "e2e/WP01.txt");
      assertStringIncludes(file ?? "", "rework: usage example added");
      const lanes = laneEvents(await readHostEvents(r.e)).filter((ev) => ev.wp_id === "WP01").map((ev) => ev.to_lane);
      assertEquals(lanes.filter((l) => l === "in_review").length, 2, `WP01 lanes: ${lanes.join(" ")}`);
    });
  },
);

Deno.test(`real CLIs: orchestrate ${named("codex")} → ${named("claude-code")} ends with both WPs done`, async () => {
  await withRealRun({ impl: "codex", review: "claude-code" }, async (r) => {
    await assertAllDone(r, "codex", "claude-code");
    const state = await readState(r.e);
    for (const wp of WPS) assertEquals(state.wps[wp]?.review_cycles, 0);
  });
});

Deno.test(`real CLIs: orchestrate ${named("claude-code")} → ${named("opencode")} ends with both WPs done`, async () => {
  await withRealRun({ impl: "claude-code", review: "opencode" }, async (r) => {
    await assertAllDone(r, "claude-code", "opencode");
  });
});

Deno.test(
  `real CLIs: ${named("claude-code")} gets 429 with retry-after 2 s on WP01; the orchestrator waits at least that ` +
    `long, retries, and both WPs end done (${named("codex")} reviews)`,
  async () => {
    // Claude Code retries once itself (CLAUDE_CODE_MAX_RETRIES=1), and its api_retry line carries
    // the server's retry-after: both requests get 429, so the attempt fails as rate_limit with
    // that delay, and the orchestrator's wait is what gets WP01 done.
    const faults: FaultRule[] = [{
      fault: { kind: "status", status: 429, retryAfterSeconds: 2 },
      role: "implement",
      wp: "WP01",
      times: 2,
    }];
    await withRealRun({ impl: "claude-code", review: "codex", faults, claude: { maxRetries: 1 } }, async (r) => {
      await assertAllDone(r, "claude-code", "codex");
      const impl = ((await readState(r.e)).wps.WP01!.attempts as AttemptView[]).filter((a) => a.role === "implement");
      assertEquals(impl.map((a) => a.result), ["rate_limit", "ok"], "WP01 implement attempts");
      const limited = requestsOf(r.server, "anthropic", "implement", "WP01").filter((q) => q.status === 429);
      assertEquals(limited.length, 2, "429 answers to claude's implement requests");
      const [first, second] = impl as [AttemptView, AttemptView];
      const waited = Date.parse(second.started_at) - (Date.parse(first.started_at) + (first.duration_ms ?? 0));
      assert(waited >= 2000 - 5, `the second attempt started ${waited} ms after the first ended (retry-after 2 s)`);
    });
  },
);

Deno.test(
  `real CLIs: ${named("opencode")} reviewing gets 429 with retry-after 1 s until its own retries run out; ` +
    `the orchestrator waits, retries, and WP01 ends done (${named("claude-code")} implements)`,
  async () => {
    // opencode retries a 429 five times itself, each after the server's retry-after, then
    // exits with the retry-after in its error: six 429s make the first review attempt fail as
    // rate_limit, so the orchestrator's own wait and retry are what gets WP01 done. (Its 1 s
    // retry-after equals the configured retry interval: the claude-code run above is the one that
    // tells an honoured retry-after from the engine's own backoff.)
    const faults: FaultRule[] = [{
      fault: { kind: "status", status: 429, retryAfterSeconds: 1 },
      role: "review",
      wp: "WP01",
      times: 6,
    }];
    await withRealRun({ impl: "claude-code", review: "opencode", faults }, async (r) => {
      await assertAllDone(r, "claude-code", "opencode");
      const reviews = ((await readState(r.e)).wps.WP01!.attempts as AttemptView[]).filter((a) => a.role === "review");
      assertEquals(reviews.map((a) => `${a.result}:${a.verdict ?? "-"}`), ["rate_limit:-", "ok:approved"]);
      const asked = requestsOf(r.server, "chat", "review", "WP01");
      const limited = asked.filter((q) => q.status === 429);
      assertEquals(limited.length, 6, "429 answers to opencode's review requests");
      const last429 = limited[limited.length - 1]!;
      const next = asked.find((q) => q.seq > last429.seq);
      assert(next?.at !== undefined && last429.at !== undefined, "no review request after the 429s");
      assert(next.at - last429.at >= 1000, `retried ${Math.round(next.at - last429.at)} ms after the last 429`);
      // The orchestrator, not opencode, made the last wait: the second attempt started after it.
      const [first, second] = reviews as [AttemptView, AttemptView];
      const waited = Date.parse(second.started_at) - (Date.parse(first.started_at) + (first.duration_ms ?? 0));
      assert(waited >= 1000 - 5, `the second review attempt started ${waited} ms after the first ended`);
    });
  },
);
