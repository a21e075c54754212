/**
 * The pinned real Codex CLI (scripts/agent_clis.json) driven end to end, offline, through our
 * agent runner with the built-in `codex` definition (its exact argv, `--output-schema` file
 * included), against the scripted model server speaking the OpenAI Responses API on loopback.
 *
 * Each case runs in a fresh git repository with the WP in a worktree under `.worktrees/`, the
 * way the engine lays it out, and a `spec-kitty` shim on PATH that appends every call to
 * `kitty-specs/<mission>/calls.jsonl` in the primary checkout: where the real host writes
 * `mark-status` state, outside the worktree Codex's sandbox makes writable.
 *
 * With `RECORD_REAL_SAMPLES=1` each case also writes what Codex printed (stdout, stderr, exit
 * code; temp paths rewritten to `/sandbox`) to `test/fixtures/agent-samples-real/codex-<version>/`.
 *
 * @module
 */
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { defaultResolvedConfig } from "../../src/config/mod.ts";
import type { ResolvedConfig } from "../../src/domain/config.ts";
import { createAgentRunner } from "../../src/agents/runner.ts";
import { buildImplementPrompt, buildReviewPrompt } from "../../src/agents/prompt.ts";
import { parseVerdict, VERDICT_JSON_SCHEMA } from "../../src/core/verdict.ts";
import type { AgentRole, AttemptResult } from "../../src/domain/agent.ts";
import { type FaultRule, type ModelServer, startModelServer } from "../support/model_server/server.ts";
import { responsesAdapter } from "../support/model_server/responses.ts";
import { REJECT_FEEDBACK, type ScriptKnobs } from "../support/model_server/script.ts";
import { codexSetup, type CodexSetupOptions } from "../support/real_cli/codex.ts";
import { pinned, pinnedBinary, pinnedPath, REPO_ROOT } from "../support/real_cli/pinned.ts";

const CODEX = pinned("codex");
const NAME = `codex ${CODEX.version} (real)`;
const MISSION = "001-demo";
const WP = "WP01";
const OWNED = "src/wp01.txt";
const WP_MARKDOWN = [
  "---",
  `work_package_id: ${WP}`,
  "title: Part 1",
  "owned_files:",
  `- ${OWNED}`,
  "subtasks:",
  "- T001",
  "- T002",
  "---",
  `# ${WP} - Part 1`,
  "",
  `Create \`${OWNED}\` saying that ${WP} is implemented.`,
  "",
].join("\n");
const FIXTURES = join(REPO_ROOT, "test", "fixtures", "agent-samples-real", `codex-${CODEX.version}`);
const RECORD = Deno.env.get("RECORD_REAL_SAMPLES") === "1";
// Not under /tmp: Codex's workspace-write sandbox leaves /tmp and $TMPDIR writable, which would
// hide whether the host's state directory outside the worktree is writable to the agent.
const SCRATCH = join(REPO_ROOT, ".tools", "real-cli-tmp");

function sh(cwd: string, script: string): void {
  const out = new Deno.Command("bash", { args: ["-c", script], cwd, stdout: "piped", stderr: "piped" }).outputSync();
  if (!out.success) throw new Error(`${script}: ${new TextDecoder().decode(out.stderr)}`);
}

interface Case {
  /** Fixture name. */
  name: string;
  role: AgentRole;
  faults?: FaultRule[];
  knobs?: ScriptKnobs;
  setup?: CodexSetupOptions;
  /** Our stall limit. @default 30_000 */
  stallTimeoutMs?: number;
  /** Implementer rework: review feedback in the prompt, the owned file already committed. */
  feedback?: string;
}

interface Outcome {
  result: AttemptResult;
  server: ModelServer;
  /** argv of every `spec-kitty` call the agent made. */
  calls: string[][];
  /** The owned file in the worktree afterwards, or null. */
  owned: string | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs one case: fresh repo, worktree, shim, server and CODEX_HOME; one attempt through the
 * runner. A `codex` wrapper first on PATH tees Codex's stdout/stderr to files (it `exec`s the
 * pinned binary with the runner's argv unchanged) so the fixtures hold exactly what Codex printed.
 */
async function runCase(c: Case): Promise<Outcome> {
  await Deno.mkdir(SCRATCH, { recursive: true });
  const dir = await Deno.makeTempDir({ dir: SCRATCH, prefix: `codex-${c.name}-` });
  const server = startModelServer({
    adapters: [responsesAdapter],
    ...(c.knobs ? { knobs: c.knobs } : {}),
    ...(c.faults ? { faults: c.faults } : {}),
  });
  try {
    const repo = join(dir, "repo");
    const specs = join(repo, "kitty-specs", MISSION);
    const workspace = join(repo, ".worktrees", `${MISSION}-${WP}`);
    await Deno.mkdir(specs, { recursive: true });
    await Deno.writeTextFile(join(repo, ".gitignore"), ".worktrees/\nkitty-specs/*/calls.jsonl\n");
    await Deno.writeTextFile(join(specs, `${WP}.md`), WP_MARKDOWN);
    sh(
      repo,
      "git init -q -b main && git add -A && git -c user.email=t@e -c user.name=t commit -q -m plan && " +
        `git worktree add -q -b ${MISSION}-${WP} ${workspace}`,
    );
    if (c.feedback !== undefined || c.role === "review") {
      await Deno.mkdir(join(workspace, "src"), { recursive: true });
      await Deno.writeTextFile(join(workspace, OWNED), `${WP} implemented\n`);
      sh(workspace, "git add -A && git -c user.email=t@e -c user.name=t commit -q -m impl");
    }

    const bin = join(dir, "bin");
    const wrap = join(dir, "wrap");
    await Deno.mkdir(bin);
    await Deno.mkdir(wrap);
    const callsFile = join(specs, "calls.jsonl");
    await Deno.writeTextFile(
      join(bin, "spec-kitty"),
      `#!/bin/sh\n# spec-kitty shim: record the call where the host keeps its state, answer success\n` +
        `printf '%s\\n' "$*" >> '${callsFile}' || exit 1\n` +
        `echo '{"result": "success", "updated": ["'"$4"'"]}'\n`,
      { mode: 0o755 },
    );
    const rec = join(dir, "rec");
    await Deno.writeTextFile(
      join(wrap, "codex"),
      `#!/bin/bash\nexec > >(tee '${rec}.out') 2> >(tee '${rec}.err' >&2)\nexec '${pinnedBinary("codex")}' "$@"\n`,
      { mode: 0o755 },
    );

    const setup = await codexSetup(server, dir, c.setup ?? {});
    const config: ResolvedConfig = { ...defaultResolvedConfig(), logMaxBytes: 4 * 1024 * 1024 };
    const runner = createAgentRunner({
      config,
      repoRoot: repo,
      mission: MISSION,
      env: { ...setup.env, PATH: `${wrap}:${pinnedPath([bin])}` },
      graceMs: 2_000,
      pollMs: 250,
    });
    const prompt = c.role === "implement"
      ? buildImplementPrompt({
        wpMarkdown: WP_MARKDOWN,
        mission: MISSION,
        wp: WP,
        subtasks: ["T001", "T002"],
        markStatusCommand: ["spec-kitty"],
        ...(c.feedback !== undefined ? { feedback: c.feedback } : {}),
      })
      : buildReviewPrompt({
        wpMarkdown: WP_MARKDOWN,
        mission: MISSION,
        wp: WP,
        diff: `--- /dev/null\n+++ b/${OWNED}\n@@ -0,0 +1 @@\n+${WP} implemented\n`,
        subtasks: ["T001", "T002"],
      });
    let result: AttemptResult;
    try {
      result = await runner.run({
        agentId: "codex",
        role: c.role,
        workspace,
        prompt,
        logPath: join(dir, "logs", `${c.name}.log`),
        timeoutMs: 60_000,
        stallTimeoutMs: c.stallTimeoutMs ?? 30_000,
        wp: WP,
      });
    } finally {
      await runner.terminateAll();
    }
    const read = (p: string) => Deno.readTextFile(p).catch(() => null);
    const stdout = (await read(`${rec}.out`)) ?? "";
    const stderr = (await read(`${rec}.err`)) ?? "";
    const calls = ((await read(callsFile)) ?? "").split("\n").filter((l) => l !== "").map((l) => l.split(" "));
    if (RECORD) await record(c.name, result, stdout, stderr, [dir, server.url]);
    return { result, server, calls, owned: await read(join(workspace, OWNED)), stdout, stderr };
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** Writes the case's fixtures with machine-specific parts rewritten. */
async function record(name: string, r: AttemptResult, out: string, err: string, [dir, url]: string[]) {
  const clean = (s: string) => s.replaceAll(dir!, "/sandbox").replaceAll(url!, "http://127.0.0.1:PORT");
  await Deno.mkdir(FIXTURES, { recursive: true });
  await Deno.writeTextFile(join(FIXTURES, `${name}.out`), clean(out));
  await Deno.writeTextFile(join(FIXTURES, `${name}.err`), clean(err));
  // Killed by us (stall): 128 + signal number, as a shell reports it.
  const code = r.exitCode ?? (r.signal === "SIGKILL" ? 137 : 143);
  await Deno.writeTextFile(join(FIXTURES, `${name}.code`), `${code}\n`);
}

/** The Responses requests Codex sent (model lists and other side calls left out). */
function turns(server: ModelServer) {
  return server.requests.filter((r) => r.path.endsWith("/responses"));
}

/** Classes the default implement stage gives up on at once (auth, model not found, config). */
const NON_RETRYABLE = (() => {
  const c = defaultResolvedConfig();
  return c.pipelines[c.defaultPipeline]!.implement.retry.nonRetryable;
})();

const MARK_CALLS = ["T001", "T002"].map((
  t,
) => ["agent", "tasks", "mark-status", t, "--status", "done", "--mission", MISSION]);

Deno.test(`${NAME}: implement writes the owned file with exec_command and runs every mark-status line`, async () => {
  const o = await runCase({ name: "impl", role: "implement" });
  assertEquals(o.result.failure, null, o.result.outputTail);
  assert(o.result.ok);
  assertEquals(o.owned, `${WP} implemented\n`);
  // Reached through a plain `bash -c` with our PATH, and allowed to write the host's state dir.
  assertEquals(o.calls, MARK_CALLS);
  assertStringIncludes(o.result.finalMessage, `Implemented ${WP}`);
  assert(o.result.tokens !== null && o.result.tokens.output > 0);
  // An unknown model slug: Codex prints an `error` item first, and the run still succeeds.
  assertStringIncludes(o.stdout, '"type":"error","message":"Model metadata for `gpt-mock` not found');
  assertStringIncludes(o.stdout, '"command":"/bin/bash -c ');
  // write, two mark-status calls, final text: one request each.
  assertEquals(turns(o.server).map((r) => r.answered.kind), ["write", "shell", "shell", "text"]);
});

Deno.test(`${NAME}: implement with a known model writes through apply_patch (file_change)`, async () => {
  const o = await runCase({ name: "impl-apply-patch", role: "implement", setup: { model: "gpt-5.5" } });
  assertEquals(o.result.failure, null, o.result.outputTail);
  assertEquals(o.owned, `${WP} implemented\n`);
  assertEquals(o.calls, MARK_CALLS);
  assert(turns(o.server)[0]!.tools.includes("apply_patch"), "Codex offered apply_patch for gpt-5.5");
  assertStringIncludes(o.stdout, '"type":"file_change"');
});

Deno.test(`${NAME}: rework appends to the committed file through the shell and marks again`, async () => {
  const o = await runCase({ name: "impl-rework", role: "implement", feedback: REJECT_FEEDBACK });
  assertEquals(o.result.failure, null, o.result.outputTail);
  assertEquals(o.owned, `${WP} implemented\nrework: usage example added\n`);
  assertEquals(o.calls, MARK_CALLS);
  assertStringIncludes(JSON.stringify(turns(o.server)[0]!.body), REJECT_FEEDBACK);
});

for (const reject of [false, true]) {
  const verdict = reject ? "changes_requested" : "approved";
  Deno.test(`${NAME}: review ${verdict} arrives as --output-schema JSON and parses to our verdict`, async () => {
    const o = await runCase({
      name: reject ? "review-reject" : "review",
      role: "review",
      ...(reject ? { knobs: { reject: [WP] } } : {}),
    });
    assertEquals(o.result.failure, null, o.result.outputTail);
    // The schema file the runner wrote for --output-schema, sent as a strict json_schema format.
    const sent = turns(o.server)[0]!.body as {
      text?: { format?: { type?: string; strict?: boolean; schema?: unknown } };
    };
    assertEquals([sent.text?.format?.type, sent.text?.format?.strict], ["json_schema", true]);
    assertEquals(sent.text?.format?.schema, VERDICT_JSON_SCHEMA);
    const v = parseVerdict(o.result.finalMessage);
    assertEquals(v?.verdict, verdict);
    if (reject) assertEquals(v?.feedback, REJECT_FEEDBACK);
    assertEquals(o.calls, [], "a reviewer runs no status commands");
  });
}

// Fault cases. request_max_retries/stream_max_retries are 0 (codexSetup's default): Codex's own
// retries (4 HTTP retries, 5 stream reconnects with backoff) would make each case take 5-30 s
// while proving nothing about our side; the engine retries per FailureClass instead.

Deno.test(`${NAME}: 429 with retry-after ends as rate_limit`, async () => {
  const o = await runCase({
    name: "err-429",
    role: "implement",
    faults: [{ fault: { kind: "status", status: 429, retryAfterSeconds: 7 } }],
  });
  assertEquals(o.result.failure?.class, "rate_limit", o.result.outputTail);
  assertStringIncludes(o.result.failure?.message ?? "", "429");
  // Codex 0.169 prints neither the retry-after header nor the body's "try again in 7s" for an
  // API-key 429 ("exceeded retry limit, last status: 429 Too Many Requests"), so there is no
  // delay to surface: the engine's own backoff applies.
  assertEquals(o.result.failure?.retryAfterMs, undefined);
  assertEquals(turns(o.server).length, 1);
  assertEquals(o.owned, null);
});

Deno.test(`${NAME}: a usage-limit 429 ends as rate_limit with the reset time Codex prints`, async () => {
  const o = await runCase({
    name: "err-429-usage-limit",
    role: "implement",
    faults: [{ fault: { kind: "status", status: 429, retryAfterSeconds: 3_600, usageLimit: true } }],
  });
  assertEquals(o.result.failure?.class, "rate_limit", o.result.outputTail);
  assertStringIncludes(o.result.failure?.message ?? "", "try again at");
  // Codex prints the reset to the minute ("try again at 10:05 AM", in TZ=UTC from our env).
  const wait = o.result.failure?.retryAfterMs ?? 0;
  assert(wait > 3_480_000 && wait <= 3_600_000, `retryAfterMs ${wait}`);
});

Deno.test(`${NAME}: 401 ends as auth`, async () => {
  const o = await runCase({ name: "err-401", role: "implement", faults: [{ fault: { kind: "status", status: 401 } }] });
  assertEquals(o.result.failure?.class, "auth", o.result.outputTail);
  assertStringIncludes(o.result.failure?.message ?? "", "401 Unauthorized");
});

Deno.test(`${NAME}: 404 model not found ends as model_not_found after one request`, async () => {
  const o = await runCase({ name: "err-404", role: "implement", faults: [{ fault: { kind: "status", status: 404 } }] });
  assertEquals(o.result.failure?.class, "model_not_found", o.result.outputTail);
  assertStringIncludes(o.result.failure?.message ?? "", "does not exist");
  assertEquals(turns(o.server).length, 1);
});

for (const status of [503, 529] as const) {
  Deno.test(`${NAME}: ${status} overloaded ends as a retryable failure`, async () => {
    const o = await runCase({
      name: `err-${status}`,
      role: "implement",
      faults: [{ fault: { kind: "status", status, retryAfterSeconds: 1 } }],
    });
    const failure = o.result.failure;
    assert(failure !== null, "the attempt failed");
    // Transient: not one of the classes the default retry policy gives up on at once.
    assert(!NON_RETRYABLE.includes(failure.class), failure.class);
    assertEquals(failure.class, "overloaded");
    assertStringIncludes(failure.message, String(status));
  });
}

Deno.test(`${NAME}: 503 once is retried by Codex itself and the WP is implemented`, async () => {
  const o = await runCase({
    name: "err-503-once",
    role: "implement",
    setup: { requestMaxRetries: 1 },
    faults: [{ fault: { kind: "status", status: 503, retryAfterSeconds: 1 }, times: 1 }],
  });
  assertEquals(o.result.failure, null, o.result.outputTail);
  assertEquals(o.owned, `${WP} implemented\n`);
  assertEquals(o.calls, MARK_CALLS);
  assertEquals(turns(o.server)[0]!.status, 503);
});

Deno.test(`${NAME}: a stream that stalls after its first event is killed at our stall_timeout`, async () => {
  const o = await runCase({
    name: "stall",
    role: "implement",
    stallTimeoutMs: 3_000,
    faults: [{ fault: { kind: "stall" } }],
  });
  assertEquals(o.result.failure?.class, "stall", o.result.outputTail);
  assertEquals(o.owned, null);
});

Deno.test(`${NAME}: with stream_idle_timeout_ms Codex gives up on a stall itself, classified as stall`, async () => {
  const o = await runCase({
    name: "stall-idle-timeout",
    role: "implement",
    setup: { streamIdleTimeoutMs: 1_000 },
    faults: [{ fault: { kind: "stall" } }],
  });
  const failure = o.result.failure;
  assert(failure !== null, "the attempt failed");
  assertEquals(failure.class, "stall");
  assertStringIncludes(failure.message, "idle timeout");
});

Deno.test(`${NAME}: one stalled stream is reconnected by Codex (stream_max_retries 1) and the WP is implemented`, async () => {
  const o = await runCase({
    name: "stall-reconnect",
    role: "implement",
    setup: { streamIdleTimeoutMs: 1_000, streamMaxRetries: 1 },
    faults: [{ fault: { kind: "stall" }, times: 1 }],
  });
  assertEquals(o.result.failure, null, o.result.outputTail);
  assertEquals(o.owned, `${WP} implemented\n`);
  assertEquals(o.calls, MARK_CALLS);
  assertStringIncludes(o.stdout, "Reconnecting... 1/1");
});
