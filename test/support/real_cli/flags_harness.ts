/**
 * For pinned real CLIs on routes that cannot be driven offline (the vendor's own service: Augment
 * always, GitHub Copilot's login, Letta Cloud): run OUR EXACT argv, through our agent runner
 * with the built-in definition, with missing credentials or with the network cut, and check
 * that the CLI got past its argument parsing (every flag we pass exists) and failed on auth or
 * connection, and how our parser classified that.
 *
 * The network is cut deterministically, with or without internet: `HTTPS_PROXY`/`HTTP_PROXY`
 * (in every agent's environment allow-list) point at a loopback port nobody listens on.
 *
 * {@link runWithBogusFlag} is the control: the same argv plus a flag that does not exist must
 * produce the usage error {@link USAGE_ERROR} detects, so a passing flags test cannot be one
 * whose check never fires.
 *
 * @module
 */
import { builtinDefinition } from "../../../src/agents/cli/builtin.ts";
import { argvTemplate, substituteArgv } from "../../../src/agents/definition.ts";
import type { BuiltinAgentId } from "../../../src/domain/agent_ids.ts";
import type { ParsedOutput } from "../../../src/agents/parse/types.ts";
import { parseAll } from "../../../src/agents/stdout_capture.ts";
import { createAgentRunner } from "../../../src/agents/runner.ts";
import { defaultResolvedConfig } from "../../../src/config/mod.ts";
import type { AgentRole } from "../../../src/domain/agent.ts";
import { freshHome } from "./opencode.ts";
import { pinned, pinnedBinary, pinnedPath } from "./pinned.ts";
import { assert, assertEquals, assertStringIncludes } from "../assert.ts";
import { type RealCase, type RealRun, runReal } from "./chat_cli_harness.ts";

/**
 * What the pinned CLIs print for an unknown option or malformed command line (commander's
 * "error: unknown option", Letta's "Unknown option", Copilot's "Invalid command format", clap's
 * "unexpected argument") or a usage block.
 */
export const USAGE_ERROR =
  /unknown option|invalid command format|unexpected argument|unknown arguments?|too many arguments|^usage:/im;

/** A loopback URL nothing listens on (bound, then closed). */
export function closedPortUrl(): string {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return `http://127.0.0.1:${port}`;
}

/** Environment that cuts every HTTP(S) connection a CLI makes (a proxy on a closed port). */
export function cutNetworkEnv(): Record<string, string> {
  const proxy = closedPortUrl();
  return { HTTPS_PROXY: proxy, HTTP_PROXY: proxy, https_proxy: proxy, http_proxy: proxy, NO_PROXY: "" };
}

/** One flags case: our argv for `role`, a fresh HOME, the network cut, plus `env`. */
export function runOurArgv(
  agentId: RealCase["agentId"],
  role: AgentRole,
  name: string,
  env: Record<string, string> = {},
): Promise<RealRun> {
  return runReal({
    agentId,
    name,
    role,
    setup: async (_server, dir) => ({ env: { ...(await freshHome(dir)), ...cutNetworkEnv(), ...env } }),
    timeoutMs: 60_000,
  });
}

/** What {@link runWithBogusFlag} saw. */
export interface BogusRun {
  code: number;
  stdout: string;
  stderr: string;
  parsed: ParsedOutput;
}

/**
 * The control: the pinned binary with our implement argv plus `--sko-no-such-flag`, in a fresh
 * HOME with the network cut, parsed by the agent's own parser.
 */
export async function runWithBogusFlag(agentId: BuiltinAgentId, stdin = "Say hello."): Promise<BogusRun> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: `bogus-${agentId}-` }));
  try {
    const def = builtinDefinition(agentId);
    const promptFile = `${dir}/prompt.md`;
    await Deno.writeTextFile(promptFile, stdin);
    const argv = substituteArgv(argvTemplate(def, "implement"), {
      prompt: stdin,
      prompt_file: promptFile,
      workspace: dir,
      repo_root: dir,
      role: "implement",
      wp: "WP01",
      mission: "001-demo",
    });
    const args = [...argv.slice(1), "--sko-no-such-flag"];
    const child = new Deno.Command(pinnedBinary(agentId), {
      args,
      cwd: dir,
      clearEnv: true,
      env: { PATH: pinnedPath(), LANG: "C.UTF-8", ...(await freshHome(dir)), ...cutNetworkEnv(), ...def.env },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(stdin)).catch(() => {});
    await w.close().catch(() => {});
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    const out = await child.output();
    clearTimeout(timer);
    const dec = new TextDecoder();
    const stdout = dec.decode(out.stdout);
    const stderr = dec.decode(out.stderr);
    return { code: out.code, stdout, stderr, parsed: parseAll(def.parser, { stdout, stderr, exitCode: out.code }) };
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** What one CLI's flags tests expect. */
export interface FlagsSuite {
  agentId: "copilot" | "augment" | "letta";
  /** A substring of the failure message without credentials (the CLI's own auth message). */
  authText: string;
  /** Credentials that pass the CLI's local checks, so it goes to the network (which is cut). */
  credentials: () => Record<string, string>;
  /** What the run with credentials and the network cut ends in, and a substring of its message. */
  connection: { class: "crash" | "stall" | "auth"; text: string; stallTimeoutMs?: number };
}

/** The recorded fixture name of each case. */
export const FLAGS_CASES = ["flags-implement", "flags-review", "flags-connection"] as const;

/**
 * Registers the flags tests of one CLI: our implement and review argv each get past argument
 * parsing and fail on auth (no credentials), with credentials the failure is the connection's,
 * and the control (an unknown flag) is a usage error our parser calls `config`.
 */
export function defineFlagsTests(s: FlagsSuite): void {
  const version = pinned(s.agentId).version;
  const noUsageError = (r: Pick<RealRun, "stdout" | "stderr">) => {
    assert(!USAGE_ERROR.test(r.stdout + r.stderr), `usage error for our argv:\n${r.stdout}\n${r.stderr}`);
  };
  for (const role of ["implement", "review"] as const) {
    Deno.test(`${s.agentId} ${version} (real): our ${role} argv is accepted (no usage error) and no credentials end in auth`, async () => {
      const r = await runOurArgv(s.agentId, role, `flags-${role}`);
      noUsageError(r);
      assert(r.exitCode !== null && r.exitCode !== 0, `exit ${r.exitCode}`);
      assertEquals(r.result.failure?.class, "auth", r.stdout + r.stderr);
      assertStringIncludes(r.stdout + r.stderr, s.authText);
    });
  }
  Deno.test(`${s.agentId} ${version} (real): with credentials and the network cut, our argv fails on the connection (${s.connection.class})`, async () => {
    const r = s.connection.stallTimeoutMs === undefined
      ? await runOurArgv(s.agentId, "implement", "flags-connection", s.credentials())
      : await runQuiet(s.agentId, s.credentials(), s.connection.stallTimeoutMs);
    noUsageError(r);
    assertEquals(r.result.failure?.class, s.connection.class, r.stdout + r.stderr);
    assertStringIncludes(r.stdout + r.stderr, s.connection.text);
  });
  Deno.test(`${s.agentId} ${version} (real): control: an unknown flag is a usage error, classified config`, async () => {
    const b = await runWithBogusFlag(s.agentId);
    assert(USAGE_ERROR.test(b.stdout + b.stderr), `no usage error seen:\n${b.stdout}\n${b.stderr}`);
    assertEquals(b.parsed.failure?.class, "config", b.stdout + b.stderr);
  });
}

/**
 * Our implement argv through our runner with the engine's own stall detection from the start
 * (the shared harness starts it only at the CLI's first model request, which a CLI talking to
 * its vendor never makes): for a CLI that goes quiet when its endpoint is unreachable.
 */
async function runQuiet(
  agentId: RealCase["agentId"],
  env: Record<string, string>,
  stallTimeoutMs: number,
): Promise<Pick<RealRun, "result" | "stdout" | "stderr" | "exitCode">> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: `quiet-${agentId}-` }));
  try {
    const repo = `${dir}/repo`;
    await Deno.mkdir(repo);
    await new Deno.Command("git", { args: ["init", "-q", repo], stdout: "null", stderr: "null" }).output();
    const runner = createAgentRunner({
      config: { ...defaultResolvedConfig(), agents: {} },
      repoRoot: repo,
      mission: "001-demo",
      env: { PATH: pinnedPath(), LANG: "C.UTF-8", ...(await freshHome(dir)), ...cutNetworkEnv(), ...env },
      graceMs: 1_000,
      pollMs: 250,
    });
    const logPath = `${dir}/logs/attempt.log`;
    const result = await runner.run({
      agentId,
      role: "implement",
      workspace: repo,
      prompt: "Say hello.",
      logPath,
      timeoutMs: 60_000,
      stallTimeoutMs,
    }).finally(() => runner.terminateAll());
    // The attempt log holds stdout and stderr interleaved; both go to `stderr` here.
    const log = await Deno.readTextFile(logPath).catch(() => "");
    return { result, stdout: "", stderr: log, exitCode: result.exitCode };
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
