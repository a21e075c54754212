/**
 * SpecKittyHost against fake host scripts: transport faults, timeouts that kill the whole
 * process group, retries of reads only, cwd/env of each call.
 */
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../../test/support/assert.ts";
import { HostError, HostTransportError } from "../domain/host_errors.ts";
import { type HostCallEvent, READ_BACKOFF, SpecKittyHost, type SpecKittyHostOptions } from "./spec_kitty_host.ts";
import { backoffDelayMs } from "../core/retry.ts";
import type { PolicyMetadata } from "../domain/host.ts";
import { TEST_POLICY } from "../../test/support/harness.ts";

const POLICY: PolicyMetadata = TEST_POLICY;

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

Deno.test("READ_BACKOFF: full jitter over an exponential capped at 2 s", () => {
  assertEquals([1, 2, 3, 4, 5].map((r) => backoffDelayMs(READ_BACKOFF, r, () => 0.999999)), [
    249,
    499,
    999,
    1999,
    1999,
  ]);
  assertEquals(backoffDelayMs(READ_BACKOFF, 3, () => 0), 0);
});

/** An envelope of an older era (`contract_version` and `command` as that host prints them). */
function oldEnv(contract: string, command: string, data: Record<string, unknown>, code: string | null = null): string {
  return JSON.stringify({
    contract_version: contract,
    command: `orchestrator-api.${command}`,
    timestamp: "2026-12-02T06:37:41.521546+00:00",
    correlation_id: "corr-0",
    success: code === null,
    error_code: code,
    data,
  });
}

Deno.test("SpecKittyHost detects the feature era by a read-only probe and speaks it (feature-state, --feature)", async () => {
  await withFixture(async (f) => {
    const contract = oldEnv("1.0.0", "contract-version", {
      api_version: "1.0.0",
      min_supported_provider_version: "0.1.0",
    });
    const usage = oldEnv("1.0.0", "unknown", { message: "No such command 'mission-state'." }, "USAGE_ERROR");
    const state = oldEnv("1.0.0", "feature-state", {
      feature_slug: "034-x",
      summary: { planned: 0 },
      work_packages: [{ wp_id: "WP01", lane: "planned", dependencies: [], last_actor: null }],
    });
    const host = f.host(`
      echo "$*" >> "$D/argv.log"
      case "$2" in
        contract-version) printf '%s\\n' ${q(contract)} ;;
        mission-state) printf '%s\\n' ${q(usage)}; exit 2 ;;
        feature-state) printf '%s\\n' ${q(state)} ;;
      esac`);
    const info = await host.contractVersion("0.1.0");
    assertEquals(info.era, "1.0-feature");
    assertEquals(host.era, "1.0-feature");
    const ms = await host.missionState("034-x");
    assertEquals(ms.missionSlug, "034-x");
    assertEquals(ms.workPackages[0]?.lane, "planned");
    assertEquals(host.callCounts(), { "contract-version": 1, "mission-state": 1, "feature-state": 1 });
    assertEquals((await Deno.readTextFile(`${f.dir}/argv.log`)).trim().split("\n"), [
      "orchestrator-api contract-version --provider-version 0.1.0",
      "orchestrator-api mission-state --mission sko-era-probe",
      "orchestrator-api feature-state --feature 034-x",
    ]);
  });
});

Deno.test("SpecKittyHost on 1.0.0 answering the probe with MISSION_NOT_FOUND is the mission era", async () => {
  await withFixture(async (f) => {
    const contract = oldEnv("1.0.0", "contract-version", {
      api_version: "1.0.0",
      min_supported_provider_version: "0.1.0",
    });
    const missing = oldEnv("1.0.0", "mission-state", { message: "Mission not found" }, "MISSION_NOT_FOUND");
    const host = f.host(`
      case "$2" in
        contract-version) printf '%s\\n' ${q(contract)} ;;
        mission-state) printf '%s\\n' ${q(missing)}; exit 1 ;;
      esac`);
    assertEquals((await host.contractVersion("0.1.0")).era, "1.0-mission");
  });
});

Deno.test("SpecKittyHost on 1.2 approves without --force and without start-review; nothing forced", async () => {
  await withFixture(async (f) => {
    const contract = oldEnv("1.2.0", "contract-version", {
      api_version: "1.2.0",
      min_supported_provider_version: "0.1.0",
    });
    const state = oldEnv("1.2.0", "mission-state", {
      mission_slug: "m",
      mission_number: 1,
      mission_type: "software-dev",
      summary: {},
      work_packages: [{ wp_id: "WP01", lane: "for_review", dependencies: [], last_actor: null }],
    });
    const moved = oldEnv("1.2.0", "transition", {
      mission_slug: "m",
      wp_id: "WP01",
      from_lane: "x",
      to_lane: "y",
      policy_metadata_recorded: true,
    });
    await Deno.mkdir(`${f.repo}/kitty-specs/m/tasks`, { recursive: true });
    await Deno.writeTextFile(`${f.repo}/kitty-specs/m/tasks/WP01-part.md`, "# WP01\n");
    const host = f.host(`
      echo "$*" >> "$D/argv.log"
      case "$2" in
        contract-version) printf '%s\\n' ${q(contract)} ;;
        mission-state) printf '%s\\n' ${q(state)} ;;
        transition) printf '%s\\n' ${q(moved)} ;;
        *) exit 9 ;;
      esac`);
    await host.contractVersion("0.1.0");
    const review = await host.startReview({ mission: "m", wp: "WP01", actor: "a", policy: POLICY, reviewRef: "r" });
    assertEquals([review.noOp, review.toLane, review.promptPath], [
      true,
      "for_review",
      `${f.repo}/kitty-specs/m/tasks/WP01-part.md`,
    ]);
    const result = { reviewer: "codex", verdict: "approved" as const, reference: "r" };
    const done = await host.transition({
      mission: "m",
      wp: "WP01",
      to: "done",
      actor: "a",
      policy: POLICY,
      note: "ok",
      reviewRef: "r",
      reviewResult: result,
      evidence: { review: result },
    });
    assertEquals(done.fromLane, "for_review");
    const argv = (await Deno.readTextFile(`${f.dir}/argv.log`)).trim().split("\n").filter((l) =>
      l.includes("transition")
    );
    assertEquals(argv.map((l) => / --to (\S+)/.exec(l)?.[1]), ["blocked", "in_progress", "approved", "done"]);
    assertEquals(argv.some((l) => l.includes("--force") || l.includes("--review-result-json")), false);
    assertEquals(host.forcedTransitions(), []);
    assertEquals(host.callCounts(), { "contract-version": 1, "mission-state": 1, transition: 4 });
  });
});

Deno.test("SpecKittyHost on 1.2 leaves in_review with one counted --force", async () => {
  await withFixture(async (f) => {
    const contract = oldEnv("1.2.0", "contract-version", {
      api_version: "1.2.0",
      min_supported_provider_version: "0.1.0",
    });
    const state = oldEnv("1.2.0", "mission-state", {
      mission_slug: "m",
      summary: {},
      work_packages: [{ wp_id: "WP01", lane: "in_review", dependencies: [], last_actor: null }],
    });
    const moved = oldEnv("1.2.0", "transition", {
      mission_slug: "m",
      wp_id: "WP01",
      from_lane: "in_review",
      to_lane: "done",
    });
    const host = f.host(`
      echo "$*" >> "$D/argv.log"
      case "$2" in
        contract-version) printf '%s\\n' ${q(contract)} ;;
        mission-state) printf '%s\\n' ${q(state)} ;;
        transition) printf '%s\\n' ${q(moved)} ;;
      esac`);
    await host.contractVersion("0.1.0");
    await host.missionState("m");
    await host.transition({ mission: "m", wp: "WP01", to: "done", actor: "a", policy: POLICY, note: "approved" });
    const forced = host.forcedTransitions();
    assertEquals(forced.map((x) => [x.wpId, x.from, x.to]), [["WP01", "in_review", "done"]]);
    assertStringIncludes(forced[0]?.reason ?? "", "no transition leaves in_review unforced");
    const line = (await Deno.readTextFile(`${f.dir}/argv.log`)).trim().split("\n").at(-1) ?? "";
    assertStringIncludes(line, "--force");
    assertStringIncludes(line, "approved [forced: contract 1.2.0 has no --review-result-json");
  });
});

Deno.test("SpecKittyHost finishes a planned transition interrupted after its first step (no WP left in blocked)", async () => {
  await withFixture(async (f) => {
    const contract = oldEnv("1.2.0", "contract-version", {
      api_version: "1.2.0",
      min_supported_provider_version: "0.1.0",
    });
    const state = oldEnv("1.2.0", "mission-state", {
      mission_slug: "m",
      summary: {},
      work_packages: [{ wp_id: "WP01", lane: "for_review", dependencies: [], last_actor: null }],
    });
    const moved = oldEnv("1.2.0", "transition", { mission_slug: "m", wp_id: "WP01", from_lane: "x", to_lane: "y" });
    const controller = new AbortController();
    const host = f.host(
      `
      echo "$*" >> "$D/argv.log"
      case "$2" in
        contract-version) printf '%s\\n' ${q(contract)} ;;
        mission-state) printf '%s\\n' ${q(state)} ;;
        transition) sleep 0.2; printf '%s\\n' ${q(moved)} ;;
      esac`,
      {
        signal: controller.signal,
        onCall: (e) => {
          if (e.command === "transition" && e.outcome === "ok") controller.abort();
        },
      },
    );
    await host.contractVersion("0.1.0");
    await host.transition({ mission: "m", wp: "WP01", to: "in_progress", actor: "a", policy: POLICY, note: "redo" });
    const argv = (await Deno.readTextFile(`${f.dir}/argv.log`)).trim().split("\n").filter((l) =>
      l.includes("transition")
    );
    assertEquals(argv.map((l) => / --to (\S+)/.exec(l)?.[1]), ["blocked", "in_progress"]);
    assert(controller.signal.aborted, "the run was interrupted after the first step");
  });
});

Deno.test("SpecKittyHost: a read sent with contract-version goes out at once and is re-sent when the era spells it otherwise", async () => {
  await withFixture(async (f) => {
    const contract = oldEnv("1.0.0", "contract-version", {
      api_version: "1.0.0",
      min_supported_provider_version: "0.1.0",
    });
    const usage = oldEnv("1.0.0", "unknown", { message: "No such command 'mission-state'." }, "USAGE_ERROR");
    const state = oldEnv("1.0.0", "feature-state", { feature_slug: "034-x", summary: {}, work_packages: [] });
    const host = f.host(`
      echo "$*" >> "$D/argv.log"
      case "$2" in
        contract-version) sleep 0.3; printf '%s\\n' ${q(contract)} ;;
        mission-state) printf '%s\\n' ${q(usage)}; exit 2 ;;
        feature-state) printf '%s\\n' ${q(state)} ;;
      esac`);
    const [info, ms] = await Promise.all([host.contractVersion("0.1.0"), host.missionState("034-x")]);
    assertEquals([info.era, ms.missionSlug], ["1.0-feature", "034-x"]);
    const log = (await Deno.readTextFile(`${f.dir}/argv.log`)).trim().split("\n");
    // The 1.3 spelling went out with contract-version; feature-state only once the probe had answered.
    assertEquals([...log].sort(), [
      "orchestrator-api contract-version --provider-version 0.1.0",
      "orchestrator-api feature-state --feature 034-x",
      "orchestrator-api mission-state --mission 034-x",
      "orchestrator-api mission-state --mission sko-era-probe",
    ]);
    assertEquals(log.at(-1), "orchestrator-api feature-state --feature 034-x");
  });
});
