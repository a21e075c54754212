/**
 * SpecKittyHost against fake host scripts: transport faults, timeouts that kill the whole
 * process group, retries of reads only, cwd/env of each call.
 */
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../../test/assert.ts";
import { HostError, HostTransportError } from "./errors.ts";
import { backoffDelayMs, type HostCallEvent, SpecKittyHost, type SpecKittyHostOptions } from "./spec_kitty_host.ts";
import type { PolicyMetadata } from "./types.ts";

const POLICY: PolicyMetadata = {
  orchestrator_id: "spec-kitty-orchestrator",
  orchestrator_version: "0.1.0",
  agent_family: "claude",
  approval_mode: "full_auto",
  sandbox_mode: "workspace_write",
  network_mode: "none",
  dangerous_flags: [],
  tool_restrictions: null,
};

/** An envelope line for bash `printf '%s\n'`. */
function env(sub: string, data: Record<string, unknown>, success = true, code: string | null = null): string {
  return JSON.stringify({
    contract_version: "1.3.0",
    command: `orchestrator-api.${sub}`,
    timestamp: "2026-11-21T09:17:37+00:00",
    correlation_id: "corr-0",
    success,
    error_code: code,
    data,
  });
}

/** Shell-quotes a string for a bash script. */
const q = (s: string): string => `'${s.replaceAll("'", `'"'"'`)}'`;

interface Fixture {
  dir: string;
  repo: string;
  host(body: string, options?: Partial<SpecKittyHostOptions>): SpecKittyHost;
  sleeps: number[];
  events: HostCallEvent[];
}

async function withFixture(fn: (f: Fixture) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "sko-host-" });
  const repo = `${dir}/repo`;
  await Deno.mkdir(repo);
  let n = 0;
  const sleeps: number[] = [];
  const events: HostCallEvent[] = [];
  const f: Fixture = {
    dir,
    repo,
    sleeps,
    events,
    host(body, options = {}) {
      const script = `${dir}/fake-host-${n++}.sh`;
      Deno.writeTextFileSync(script, `#!/usr/bin/env bash\nset -u\nD=${q(dir)}\n${body}\n`);
      Deno.chmodSync(script, 0o755);
      return new SpecKittyHost({
        command: [script],
        repoRoot: repo,
        timeoutMs: 5_000,
        killGraceMs: 200,
        sleep: (ms) => {
          sleeps.push(ms);
          return Promise.resolve();
        },
        random: () => 1,
        onCall: (e) => events.push(e),
        ...options,
      });
    },
  };
  try {
    await fn(f);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** True when `pid` is gone (or a zombie nobody reaped yet, e.g. in a container without init). */
function isGone(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return /\) Z /.test(stat);
  } catch {
    return true;
  }
}

async function waitGone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (isGone(pid)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

Deno.test("SpecKittyHost.missionState() malformed JSON is a protocol error after 3 jittered retries", async () => {
  await withFixture(async (f) => {
    const host = f.host(`echo '{"success":tru'`);
    const error = await assertRejects(() => host.missionState("001-demo"), HostTransportError);
    assertEquals(error.kind, "protocol");
    assertEquals(error.ambiguous, false);
    assertStringIncludes(error.message, "mission-state");
    assertStringIncludes(error.message, '{\\"success\\":tru');
    assertEquals(host.callCounts(), { "mission-state": 4 });
    assertEquals(f.sleeps, [250, 500, 1000]);
    assertEquals(f.events.map((e) => [e.attempt, e.outcome, e.willRetry]), [
      [1, "protocol", true],
      [2, "protocol", true],
      [3, "protocol", true],
      [4, "protocol", false],
    ]);
  });
});

Deno.test("SpecKittyHost.transition() traceback with empty stdout is an ambiguous crash, not retried", async () => {
  await withFixture(async (f) => {
    const host = f.host(`
      echo 'Traceback (most recent call last):' >&2
      echo '  File "x.py", line 1, in <module>' >&2
      echo 'env: API_TOKEN=abc123secretvalue' >&2
      echo 'ValueError: Invalid mission handle ../x' >&2
      exit 1`);
    const error = await assertRejects(
      () => host.transition({ mission: "m", wp: "WP01", to: "for_review", actor: "a", policy: POLICY }),
      HostTransportError,
    );
    assertEquals(error.kind, "crash");
    assertEquals(error.ambiguous, true);
    assertEquals(error.exitCode, 1);
    assertStringIncludes(error.message, "ValueError: Invalid mission handle ../x");
    assertStringIncludes(error.stderrTail, "API_TOKEN=***");
    assertEquals(error.message.includes("abc123secretvalue"), false);
    assertEquals(host.callCounts(), { transition: 1 });
    assertEquals(f.sleeps, []);
  });
});

Deno.test("SpecKittyHost.startImplementation() hang: timeout kills the host AND its child", async () => {
  await withFixture(async (f) => {
    const host = f.host(`sleep 30 >/dev/null 2>&1 & echo $! > "$D/child.pid"; wait`, { timeoutMs: 500 });
    const error = await assertRejects(
      () => host.startImplementation({ mission: "m", wp: "WP01", actor: "a", policy: POLICY }),
      HostTransportError,
    );
    assertEquals(error.kind, "timeout");
    assertEquals(error.ambiguous, true);
    assertStringIncludes(error.message, "re-read mission-state");
    const child = Number(Deno.readTextFileSync(`${f.dir}/child.pid`).trim());
    assert(child > 0);
    assert(await waitGone(child), `child ${child} survived the timeout`);
    assertEquals(host.callCounts(), { "start-implementation": 1 });
  });
});

Deno.test("SpecKittyHost.acceptMission() hang ignoring SIGTERM is SIGKILLed after the grace period", async () => {
  await withFixture(async (f) => {
    // `trap '' TERM` is inherited: both bash and its sleep ignore SIGTERM.
    const host = f.host(`trap '' TERM; sleep 30 >/dev/null 2>&1 & echo $! > "$D/child.pid"; wait; wait`, {
      timeoutMs: 300,
    });
    const error = await assertRejects(() => host.acceptMission({ mission: "m", actor: "a" }), HostTransportError);
    assertEquals(error.kind, "timeout");
    const child = Number(Deno.readTextFileSync(`${f.dir}/child.pid`).trim());
    assert(await waitGone(child), `child ${child} survived SIGKILL`);
  });
});

Deno.test("SpecKittyHost.transition() non-zero exit with a valid failure envelope is a HostError", async () => {
  await withFixture(async (f) => {
    const line = env("transition", { message: "Illegal transition: for_review -> done" }, false, "TRANSITION_REJECTED");
    const host = f.host(`printf '%s\\n' ${q(line)}; exit 1`);
    const error = await assertRejects(
      () => host.transition({ mission: "m", wp: "WP01", to: "done", actor: "a" }),
      HostError,
    );
    assertEquals(error.code, "TRANSITION_REJECTED");
    assertStringIncludes(error.message, "Illegal transition");
    assertEquals(host.callCounts(), { transition: 1 });
  });
});

Deno.test("SpecKittyHost.listReady() HostError is not retried even for reads", async () => {
  await withFixture(async (f) => {
    const line = env("list-ready", { message: "Mission 'x' not found" }, false, "MISSION_NOT_FOUND");
    const host = f.host(`printf '%s\\n' ${q(line)}; exit 1`);
    const error = await assertRejects(() => host.listReady("x"), HostError);
    assertEquals(error.code, "MISSION_NOT_FOUND");
    assertEquals(host.callCounts(), { "list-ready": 1 });
  });
});

Deno.test("SpecKittyHost missing binary is not_found, says how to install or use --host builtin", async () => {
  await withFixture(async (f) => {
    const host = new SpecKittyHost({ command: [`${f.dir}/no-such-spec-kitty`], repoRoot: f.repo });
    const error = await assertRejects(() => host.contractVersion(), HostTransportError);
    assertEquals(error.kind, "not_found");
    assertStringIncludes(error.message, "pipx install spec-kitty-cli");
    assertStringIncludes(error.message, "--host builtin");
    assertEquals(host.callCounts(), { "contract-version": 1 });
  });
});

Deno.test("SpecKittyHost.contractVersion() read retry succeeds on the second try", async () => {
  await withFixture(async (f) => {
    const line = env("contract-version", { api_version: "1.3.0", min_supported_provider_version: "0.1.0" });
    const host = f.host(`
      if [ ! -e "$D/tried" ]; then touch "$D/tried"; echo boom >&2; exit 1; fi
      printf '%s\\n' ${q(line)}`);
    const info = await host.contractVersion("0.1.0");
    assertEquals(info, { apiVersion: "1.3.0", minSupportedProviderVersion: "0.1.0", era: "1.3" });
    assertEquals(host.callCounts(), { "contract-version": 2 });
    assertEquals(f.sleeps, [250]);
  });
});

Deno.test("SpecKittyHost.startReview() garbage answer is ambiguous and not retried", async () => {
  await withFixture(async (f) => {
    const host = f.host(`echo 'Rich console says hello'`);
    const error = await assertRejects(
      () => host.startReview({ mission: "m", wp: "WP01", actor: "a", policy: POLICY, reviewRef: "r/1" }),
      HostTransportError,
    );
    assertEquals(error.kind, "protocol");
    assertEquals(error.ambiguous, true);
    assertStringIncludes(error.message, "Rich console says hello");
    assertEquals(host.callCounts(), { "start-review": 1 });
  });
});

Deno.test("SpecKittyHost runs with cwd and SPECIFY_REPO_ROOT at the repo root and resolves relative paths there", async () => {
  await withFixture(async (f) => {
    const host = f.host(
      `
      printf '%s\\n' "$PWD" "$SPECIFY_REPO_ROOT" "$SPEC_KITTY_NO_UPGRADE_CHECK" "$SPEC_KITTY_NO_NAG" "$@" > "$D/seen"
      printf '{"contract_version":"1.3.0","command":"orchestrator-api.resolve-workspace","timestamp":"t",` +
        `"correlation_id":"c","success":true,"error_code":null,"data":{"mission_slug":"m","wp_id":"WP01",` +
        `"workspace_path":".worktrees/m-lane-a","prompt_path":"../../etc/WP01.md"}}\\n'`,
    );
    const ws = await host.resolveWorkspace("m", "WP01");
    const seen = Deno.readTextFileSync(`${f.dir}/seen`).trimEnd().split("\n");
    const realRepo = Deno.realPathSync(f.repo);
    assertEquals(seen.slice(0, 4), [realRepo, f.repo, "1", "1"]);
    assertEquals(seen.slice(4), ["orchestrator-api", "resolve-workspace", "--mission", "m", "--wp", "WP01"]);
    assertEquals(ws.workspacePath, `${f.repo}/.worktrees/m-lane-a`);
    // Outside the repo: resolved, not judged (the engine checks containment).
    assertEquals(ws.promptPath, `${f.dir.replace(/\/[^/]+$/, "")}/etc/WP01.md`);
  });
});

Deno.test("SpecKittyHost.mergeMission() git lines on stdout before the envelope", async () => {
  await withFixture(async (f) => {
    const line = env("merge-mission", { mission_slug: "m", merged: true, target_branch: "main", strategy: "merge" });
    const host = f.host(`echo 'Deleted branch kitty/mission-m-lane-a (was d96428b).'; printf '%s\\n' ${q(line)}`);
    const merged = await host.mergeMission({ mission: "m" });
    assertEquals([merged.merged, merged.targetBranch], [true, "main"]);
  });
});

Deno.test("SpecKittyHost abort signal kills an in-flight call", async () => {
  await withFixture(async (f) => {
    const controller = new AbortController();
    const host = f.host(`sleep 30 >/dev/null 2>&1 & echo $! > "$D/child.pid"; wait`, { signal: controller.signal });
    const pending = host.appendHistory({ mission: "m", wp: "WP01", actor: "a", note: "n" });
    for (let i = 0; i < 200 && !(await exists(`${f.dir}/child.pid`)); i++) await new Promise((r) => setTimeout(r, 10));
    controller.abort();
    const error = await assertRejects(() => pending, HostTransportError);
    assertEquals(error.ambiguous, true);
    const child = Number(Deno.readTextFileSync(`${f.dir}/child.pid`).trim());
    assert(await waitGone(child));
  });
});

async function exists(path: string): Promise<boolean> {
  try {
    const text = await Deno.readTextFile(path);
    return text.trim() !== "";
  } catch {
    return false;
  }
}

Deno.test("SpecKittyHost.missionState() a straggler left behind by a successful host is killed", async () => {
  await withFixture(async (f) => {
    const line = env("mission-state", { mission_slug: "m", summary: {}, work_packages: [] });
    const host = f.host(`sleep 30 >/dev/null 2>&1 & echo $! > "$D/child.pid"; printf '%s\\n' ${q(line)}`);
    const state = await host.missionState("m");
    assertEquals(state.workPackages, []);
    const child = Number(Deno.readTextFileSync(`${f.dir}/child.pid`).trim());
    assert(await waitGone(child), `straggler ${child} outlived the call`);
  });
});

Deno.test("backoffDelayMs() is full jitter over an exponential capped at 2 s", () => {
  assertEquals([1, 2, 3, 4, 5].map((r) => backoffDelayMs(r, () => 0.999999)), [249, 499, 999, 1999, 1999]);
  assertEquals(backoffDelayMs(3, () => 0), 0);
});
