/**
 * One attempt of a pinned real agent CLI that speaks OpenAI Chat Completions (opencode, qwen,
 * pi), driven THROUGH OUR AGENT RUNNER exactly as the engine drives it: the built-in
 * definition's argv and environment allow-list, the prompt from `src/agents/prompt.ts`, a temp
 * git repository as the workspace, and a `spec-kitty` shim on PATH that records every
 * mark-status call. The model is the scripted server on loopback (`chatAdapter`).
 *
 * The CLI's setup (HOME, config files, endpoint) goes into the runner's *source* environment,
 * so only what the agent's `passEnv` and the base allow-list let through reaches it: a variable
 * the adapter forgets to pass shows up here as a failing test, as it would for a user.
 *
 * The binary on PATH is a small wrapper that runs the pinned binary with the same argv and
 * copies its stdout, stderr and exit code to files (the runner's log interleaves them); with
 * `RECORD_REAL_SAMPLES=1` they are saved as fixtures under
 * `test/fixtures/agent-samples-real/<agent>-<version>/<case>.{out,err,code}`, with the temp
 * temp directory rewritten to `/sandbox` and the checkout to `/repo`.
 *
 * @module
 */
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../assert.ts";
import { parseVerdict } from "../../../src/core/verdict.ts";
import { defaultResolvedConfig } from "../../../src/config/mod.ts";
import { createAgentRunner } from "../../../src/agents/runner.ts";
import { buildImplementPrompt, buildReviewPrompt } from "../../../src/agents/prompt.ts";
import type { AgentRole, AttemptResult, FailureClass } from "../../../src/domain/agent.ts";
import { chatAdapter } from "../model_server/chat.ts";
import { type FaultRule, startModelServer, type WireAdapter } from "../model_server/server.ts";
import type { ScriptKnobs } from "../model_server/script.ts";
import type { LoggedRequest } from "../model_server/types.ts";
import { gitWorkspaceProbe, type WorkspaceProbe } from "../../../src/agents/workspace_probe.ts";
import { pinned, pinnedBinary, pinnedPath, REPO_ROOT } from "./pinned.ts";

/** The mission and WP every case uses. */
export const MISSION = "001-demo";
/** The WP every case implements or reviews. */
export const WP = "WP01";
/** The file the WP owns (the script writes it). */
export const OWNED_FILE = "src/wp01.txt";
/** The WP's subtasks (one mark-status line each). */
export const SUBTASKS = ["T001", "T002"] as const;

/** The WP markdown (frontmatter the script reads: owned file, subtasks). */
export const WP_MARKDOWN = [
  "---",
  `work_package_id: ${WP}`,
  "title: Part 1",
  "owned_files:",
  `- ${OWNED_FILE}`,
  "subtasks:",
  ...SUBTASKS.map((s) => `- ${s}`),
  "---",
  `# ${WP} - Part 1`,
  "",
  `Implement ${WP}: create \`${OWNED_FILE}\` with one line saying it is implemented.`,
  "",
].join("\n");

/** The mark-status lines the implement prompt asks for, as the shim records them. */
export const EXPECTED_CALLS: readonly string[] = SUBTASKS.map((s) =>
  `agent tasks mark-status ${s} --status done --mission ${MISSION}`
);

/**
 * What every successful implement run through a real CLI shows: no failure, the owned file
 * written, every mark-status line run, the agent's closing message.
 */
export function assertImplemented(r: RealRun): void {
  assertEquals(r.result.failure, null, r.stdout + r.stderr);
  assert(r.result.ok);
  assertEquals(r.owned, `${WP} implemented\n`);
  assertEquals(r.calls, EXPECTED_CALLS);
  assertStringIncludes(r.result.finalMessage, `Implemented ${WP}`);
}

/** Whether the engine's default retry policy retries `cls` with the same agent (a transient failure). */
export function retriedByEngine(cls: FailureClass | undefined): boolean {
  const config = defaultResolvedConfig();
  const policy = config.pipelines[config.defaultPipeline]?.implement.retry;
  return cls !== undefined && policy !== undefined && !policy.nonRetryable.includes(cls);
}

/** Sets a CLI up against the server; returns the environment to run it with. */
export type CliSetup = (server: { url: string }, dir: string) => Promise<{ env: Record<string, string> }>;

/** One case. */
export interface RealCase {
  agentId: "opencode" | "qwen" | "pi" | "kilocode" | "gemini" | "claude-code" | "copilot" | "augment" | "letta";
  /** The wire APIs the server speaks. @default [chatAdapter()] */
  adapters?: readonly WireAdapter[];
  /** Fixture name (`impl`, `review`, `err-429`, ...). */
  name: string;
  role: AgentRole;
  setup: CliSetup;
  faults?: FaultRule[];
  knobs?: ScriptKnobs;
  /** Our stall limit, counted from the CLI's first model request (see {@link runReal}). @default 60_000 */
  stallTimeoutMs?: number;
  /** Our wall-clock limit. @default 90_000 */
  timeoutMs?: number;
}

/** What one case produced. */
export interface RealRun {
  result: AttemptResult;
  /** The shim's recorded calls (argv after `spec-kitty`), in order. */
  calls: string[];
  /** The owned file's content afterwards, or null. */
  owned: string | null;
  /** `git status --porcelain --untracked-files=all` of the workspace afterwards, one entry a line. */
  gitStatus: string[];
  requests: LoggedRequest[];
  stdout: string;
  stderr: string;
  /** The CLI's exit code as its wrapper saw it (null when killed before it wrote one). */
  exitCode: number | null;
  wallMs: number;
}

async function sh(args: string[], cwd: string): Promise<void> {
  const out = await new Deno.Command(args[0]!, { args: args.slice(1), cwd, stdout: "null", stderr: "piped" }).output();
  if (!out.success) throw new Error(`${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
}

async function gitStatusOf(repo: string): Promise<string[]> {
  const out = await new Deno.Command("git", {
    args: ["status", "--porcelain", "--untracked-files=all"],
    cwd: repo,
    stdout: "piped",
    stderr: "null",
  }).output();
  return new TextDecoder().decode(out.stdout).split("\n").filter((l) => l !== "");
}

async function readOr(path: string, fallback: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return fallback;
  }
}

/** Writes an executable script. */
async function script(path: string, text: string): Promise<void> {
  await Deno.writeTextFile(path, text);
  await Deno.chmod(path, 0o755);
}

/** Runs one case; see the module doc. */
export async function runReal(c: RealCase): Promise<RealRun> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: `real-${c.agentId}-` }));
  const server = startModelServer({
    adapters: c.adapters ?? [chatAdapter()],
    faults: c.faults ?? [],
    knobs: c.knobs ?? {},
    logFile: join(dir, "requests.jsonl"),
  });
  try {
    const setup = await c.setup(server, dir);
    const repo = join(dir, "repo");
    await Deno.mkdir(join(repo, "src"), { recursive: true });
    await Deno.writeTextFile(join(repo, "README.md"), "# demo\n");
    if (c.role === "review") await Deno.writeTextFile(join(repo, OWNED_FILE), `${WP} implemented\n`);
    await sh(["git", "init", "-q", "-b", "main"], repo);
    await sh(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", "add", "-A"], repo);
    await sh(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "base"], repo);

    // The host shim: records each call, answers like spec-kitty does.
    const shimDir = join(dir, "shim");
    await Deno.mkdir(shimDir);
    const callsFile = join(dir, "calls.txt");
    await script(
      join(shimDir, "spec-kitty"),
      `#!/bin/sh\nprintf '%s\\n' "$*" >> '${callsFile}'\nprintf '%s\\n' '{"result": "success"}'\n`,
    );
    // The wrapper: same argv to the pinned binary, its three outputs copied to files.
    const teeDir = join(dir, "tee");
    await Deno.mkdir(teeDir);
    const real = pinnedBinary(c.agentId);
    const bin = pinned(c.agentId).bin;
    const cap = join(dir, "captured");
    await script(
      join(teeDir, bin),
      `#!/bin/bash\n'${real}' "$@" > >(tee '${cap}.out') 2> >(tee '${cap}.err' >&2)\ncode=$?\n` +
        `printf '%s\\n' "$code" > '${cap}.code'\nwait\nexit "$code"\n`,
    );

    // Our stall timer starts when the CLI first talks to the model: until then the probe reports
    // a change on every poll. A real CLI's start-up is silent (opencode: several seconds, 20 s
    // on a loaded 2-core machine) and a stall case with a short limit would otherwise measure
    // the start-up, not the stalled stream. After the first request it is the engine's probe.
    // Side requests (opencode's title generator) do not count: the task's own first request may
    // follow them by seconds on a loaded machine.
    const probe: WorkspaceProbe = (ws) =>
      server.requests.some((q) => q.role !== "side")
        ? gitWorkspaceProbe(ws)
        : Promise.resolve(`starting ${performance.now()}`);
    const runner = createAgentRunner({
      config: { ...defaultResolvedConfig(), logMaxBytes: 4 * 1024 * 1024, agents: {} },
      repoRoot: repo,
      mission: MISSION,
      env: { PATH: `${teeDir}:${pinnedPath([shimDir])}`, LANG: "C.UTF-8", ...setup.env },
      graceMs: 1_000,
      pollMs: 250,
      probe,
    });
    const prompt = c.role === "implement"
      ? buildImplementPrompt({
        wpMarkdown: WP_MARKDOWN,
        mission: MISSION,
        wp: WP,
        subtasks: SUBTASKS,
        markStatusCommand: ["spec-kitty"],
      })
      : buildReviewPrompt({
        wpMarkdown: WP_MARKDOWN,
        mission: MISSION,
        wp: WP,
        subtasks: SUBTASKS,
        diff: `--- /dev/null\n+++ b/${OWNED_FILE}\n@@ -0,0 +1 @@\n+${WP} implemented\n`,
      });
    const started = performance.now();
    let result: AttemptResult;
    try {
      result = await runner.run({
        agentId: c.agentId,
        role: c.role,
        workspace: repo,
        prompt,
        logPath: join(dir, "logs", `${c.name}.log`),
        timeoutMs: c.timeoutMs ?? 90_000,
        stallTimeoutMs: c.stallTimeoutMs ?? 60_000,
        wp: WP,
      });
    } finally {
      await runner.terminateAll();
    }
    const wallMs = Math.round(performance.now() - started);
    const calls = (await readOr(callsFile, "")).split("\n").filter((l) => l !== "");
    const ownedText = await readOr(join(repo, OWNED_FILE), "\u0000");
    const codeText = (await readOr(`${cap}.code`, "")).trim();
    const run: RealRun = {
      result,
      calls,
      owned: ownedText === "\u0000" ? null : ownedText,
      gitStatus: await gitStatusOf(repo),
      requests: [...server.requests],
      stdout: await readOr(`${cap}.out`, ""),
      stderr: await readOr(`${cap}.err`, ""),
      exitCode: codeText === "" ? null : Number(codeText),
      wallMs,
    };
    if (Deno.env.get("RECORD_REAL_SAMPLES") === "1") await record(c, run, dir);
    return run;
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** Where a CLI's real samples live. */
export function fixtureDir(agentId: string): string {
  return join(REPO_ROOT, "test", "fixtures", "agent-samples-real", `${agentId}-${pinned(agentId).version}`);
}

async function record(c: RealCase, run: RealRun, dir: string): Promise<void> {
  const out = fixtureDir(c.agentId);
  await Deno.mkdir(out, { recursive: true });
  const clean = (s: string) => s.replaceAll(dir, "/sandbox").replaceAll(REPO_ROOT, "/repo");
  await Deno.writeTextFile(join(out, `${c.name}.out`), clean(run.stdout));
  await Deno.writeTextFile(join(out, `${c.name}.err`), clean(run.stderr));
  // Killed by our timers: the shell convention 128 + signal (what the wrapper could not write).
  const code = run.exitCode ?? (run.result.signal === "SIGKILL" ? 137 : 143);
  await Deno.writeTextFile(join(out, `${c.name}.code`), `${code}\n`);
}

/** One case of a {@link realCliSuite}: what to run and what it must show. */
export interface SuiteCase {
  /** The step's name (what the case proves). */
  title: string;
  /** The case; `setup` defaults to the suite's. */
  run: Omit<RealCase, "agentId" | "setup"> & Partial<Pick<RealCase, "setup">>;
  check(r: RealRun): void | Promise<void>;
}

/**
 * One test named `title` whose steps are `cases`, the real CLI runs started up to
 * `concurrency` at a time in the order given (a real CLI spends most of a case waiting:
 * start-up I/O, its own retry-after sleeps, our stall window), each step asserting on its own
 * run. Every run has ended before the test does, so nothing outlives it.
 */
export function realCliSuite(
  title: string,
  base: Pick<RealCase, "agentId" | "setup">,
  cases: readonly SuiteCase[],
  concurrency = 3,
): void {
  Deno.test({
    name: title,
    // Runs overlap steps by design; the test as a whole awaits every one of them.
    sanitizeOps: false,
    sanitizeResources: false,
    fn: async (t) => {
      let next = 0;
      const started: Promise<RealRun>[] = [];
      const runs = cases.map(() => Promise.withResolvers<RealRun>());
      const worker = async () => {
        while (next < cases.length) {
          const i = next++;
          const run = runReal({ ...base, ...cases[i]!.run });
          started.push(run);
          await run.then(runs[i]!.resolve, runs[i]!.reject);
        }
      };
      const workers = Array.from({ length: Math.max(1, concurrency) }, worker);
      for (const r of runs) r.promise.catch(() => {}); // reported by its step
      try {
        for (const [i, c] of cases.entries()) {
          await t.step({
            name: c.title,
            sanitizeOps: false,
            sanitizeResources: false,
            fn: async () => await c.check(await runs[i]!.promise),
          });
        }
      } finally {
        await Promise.allSettled([...workers, ...started]);
      }
    },
  });
}

/** The cases every {@link chatCliSuite} runs, in this order (the fixture names of their runs). */
export type ChatCaseId =
  | "impl"
  | "review"
  | "review-reject"
  | "err-429"
  | "err-401"
  | "err-404"
  | "err-503"
  | "err-529-once"
  | "stall";

/** How one CLI's run of a standard case differs from the standard. */
export interface ChatCaseTweak {
  /** The step's name instead of the standard one. */
  title?: string;
  /** Replaces parts of the standard run (its faults, say). */
  run?: Partial<SuiteCase["run"]>;
  /** What this CLI must show besides the standard checks (asserted after them). */
  also?(r: RealRun): void;
}

/** What differs between the Chat Completions CLIs a {@link chatCliSuite} drives. */
export interface ChatCliSpec extends Pick<RealCase, "agentId" | "setup"> {
  /** The test's name (it carries the pinned release: `opencode 1.18.33 (real)`). */
  title: string;
  /** The CLI as the step titles name it (`opencode`, `qwen`, `Pi`). */
  cli: string;
  /** Implement requests of a turn answered 429 or 503 every time: the CLI's first try and its own retries. */
  failingTurnRequests: number;
  /** Why that many (the message of the count's assertion). */
  failingTurnNote: string;
  /** Where the CLI's token counts come from (the message of the tokens assertion). */
  tokensFrom: string;
  /**
   * The workspace is asserted to hold nothing but the owned file after implement and nothing
   * after review.
   */
  checksGitStatus: boolean;
  /** Our stall limit in the stall case, counted from the CLI's first model request. */
  stallTimeoutMs: number;
  /** Per standard case: this CLI's title, run changes and extra checks. */
  cases?: Partial<Record<ChatCaseId, ChatCaseTweak>>;
  /** The CLI's own cases, each run after the standard case it names (or after all of them). */
  extra?: readonly (SuiteCase & { after?: ChatCaseId })[];
}

const implementRequests = (r: RealRun) => r.requests.filter((q) => q.role === "implement").length;

/** The standard cases: a {@link SuiteCase} each, the title a default a spec may replace. */
function standardCases(spec: ChatCliSpec): readonly (SuiteCase & { id: ChatCaseId })[] {
  const implemented = `${WP} implemented\n`;
  const retries = spec.failingTurnRequests > 2 ? "retries" : "retry";
  return [
    {
      id: "impl",
      title: "implement writes the owned file with its write tool and runs every mark-status line",
      run: { name: "impl", role: "implement" },
      check: (r) => {
        assertImplemented(r);
        if (spec.checksGitStatus) assertEquals(r.gitStatus, [`?? ${OWNED_FILE}`], "nothing but the owned file changed");
        assert(r.result.tokens !== null && r.result.tokens.input > 0, `tokens from ${spec.tokensFrom}`);
      },
    },
    {
      id: "review",
      title: "review approve parses to our verdict (plain VERDICT text)",
      run: { name: "review", role: "review" },
      check: (r) => {
        assertEquals(r.result.failure, null, r.stdout + r.stderr);
        assertEquals(parseVerdict(r.result.finalMessage)?.verdict, "approved");
        assertEquals(r.calls, [], "a reviewer runs no status commands");
        if (spec.checksGitStatus) assertEquals(r.gitStatus, [], "a reviewer changes nothing");
      },
    },
    {
      id: "review-reject",
      title: "review reject parses to changes_requested with the feedback",
      run: { name: "review-reject", role: "review", knobs: { reject: [WP] } },
      // How much of the feedback the verdict keeps differs per CLI: each spec's `also` says.
      check: (r) => {
        assertEquals(r.result.failure, null, r.stdout + r.stderr);
        assertEquals(parseVerdict(r.result.finalMessage)?.verdict, "changes_requested");
      },
    },
    {
      id: "err-429",
      title: "429 with retry-after ends in rate_limit carrying the server's retry-after",
      run: {
        name: "err-429",
        role: "implement",
        faults: [{ fault: { kind: "status", status: 429, retryAfterSeconds: 1 }, role: "implement" }],
      },
      check: (r) => {
        assertEquals(r.result.failure?.class, "rate_limit", r.stdout);
        assertEquals(r.result.failure?.retryAfterMs, 1_000);
        assertEquals(implementRequests(r), spec.failingTurnRequests, spec.failingTurnNote);
      },
    },
    {
      id: "err-401",
      title: "401 ends in auth at once (no retry, next agent in the chain)",
      run: { name: "err-401", role: "implement", faults: [{ fault: { kind: "status", status: 401 } }] },
      check: (r) => {
        assertEquals(r.result.failure?.class, "auth", r.stdout);
        assert(!retriedByEngine("auth"), "auth goes to the next agent of the chain");
        assertEquals(implementRequests(r), 1);
      },
    },
    {
      id: "err-404",
      title: "404 model not found ends in model_not_found at once",
      run: { name: "err-404", role: "implement", faults: [{ fault: { kind: "status", status: 404 } }] },
      check: (r) => {
        assertEquals(r.result.failure?.class, "model_not_found", r.stdout);
        assertStringIncludes(r.result.failure?.message ?? "", "does not exist");
        assertEquals(implementRequests(r), 1);
      },
    },
    {
      id: "err-503",
      title: `503 overloaded ends in overloaded (transient) after ${spec.cli}'s own ${retries}`,
      run: {
        name: "err-503",
        role: "implement",
        faults: [{ fault: { kind: "status", status: 503, retryAfterSeconds: 1 }, role: "implement" }],
      },
      check: (r) => {
        assertEquals(r.result.failure?.class, "overloaded", r.stdout);
        assert(retriedByEngine("overloaded"), "transient: waited out by the engine");
        assertEquals(implementRequests(r), spec.failingTurnRequests);
      },
    },
    {
      id: "err-529-once",
      title: `one 529 overloaded answer is retried by ${spec.cli} and the attempt succeeds`,
      run: {
        name: "err-529-once",
        role: "implement",
        faults: [{ fault: { kind: "status", status: 529, retryAfterSeconds: 1 }, role: "implement", times: 1 }],
      },
      check: (r) => {
        assertEquals(r.result.failure, null, r.stdout);
        assertEquals(r.calls, EXPECTED_CALLS);
      },
    },
    // The stall hits the second implement request: the CLI has printed events and written the
    // file by then, and nothing it does afterwards counts as progress.
    {
      id: "stall",
      title: "a stream that stalls after its first event is killed at our stall_timeout",
      run: {
        name: "stall",
        role: "implement",
        faults: [{ fault: { kind: "stall" }, role: "implement", skip: 1 }],
        stallTimeoutMs: spec.stallTimeoutMs,
      },
      check: (r) => {
        assertEquals(r.result.failure?.class, "stall", r.stdout);
        assertEquals(r.owned, implemented, "the step before the stall ran");
        assert(r.requests.some((q) => q.answered.kind === "stall"), "the stalled stream was served");
        assertEquals(r.calls, [], "nothing after the stall ran");
      },
    },
  ];
}

/**
 * The {@link realCliSuite} of a pinned Chat Completions CLI: the standard cases (implement,
 * review approve and reject, 429, 401, 404, 503, one 529, stall) with the spec's titles, run
 * changes and extra checks, and the spec's own cases where it places them.
 */
export function chatCliSuite(spec: ChatCliSpec): void {
  const cases: SuiteCase[] = [];
  const extraAfter = (id: ChatCaseId | undefined) =>
    cases.push(...(spec.extra ?? []).filter((c) => c.after === id).map(({ after: _after, ...c }) => c));
  for (const { id, ...standard } of standardCases(spec)) {
    const tweak = spec.cases?.[id] ?? {};
    cases.push({
      title: tweak.title ?? standard.title,
      run: { ...standard.run, ...tweak.run },
      check: async (r) => {
        await standard.check(r);
        tweak.also?.(r);
      },
    });
    extraAfter(id);
  }
  extraAfter(undefined);
  realCliSuite(spec.title, { agentId: spec.agentId, setup: spec.setup }, cases);
}
