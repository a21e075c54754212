/**
 * End-to-end harness: a temp git repository with a mission for the built-in host (or a real
 * spec-kitty via `SPEC_KITTY_BIN`), the fake agent CLIs first on PATH, our CLI run as a
 * subprocess, and the invariants every finished run must satisfy.
 *
 * Each scenario runs in its own temp dir (`sko-e2e-*`); {@link withE2e} removes it and kills
 * whatever the scenario left running (CLI process groups, agent process groups, any process whose
 * command line names the temp dir), whether the scenario passed or not.
 *
 * @module
 */
import { V8_FLAGS } from "../../../scripts/compile.ts";
import { dirname, join } from "node:path";
import { assert, assertEquals } from "../assert.ts";
import { isoUtc } from "../../../src/builtin-host/envelope.ts";
import { prettyJson } from "../../../src/builtin-host/json.ts";
import { isLockHeld } from "../../../src/store/lock.ts";
import { readCalls, readPids, readSpans, writeFakeClis } from "./fake_cli.ts";
import { seededStatusFiles } from "../../../src/builtin-host/seed.ts";
import { shippedCli } from "../shipped_cli.ts";

/** The repository root of this project. */
export const ROOT = new URL("../../../", import.meta.url).pathname;
/** Our CLI as it ships: the bundle the binary embeds (see `shipped_cli.ts`). */
export const SHIPPED_CLI: string = await shippedCli();
/** Mission slug used by most scenarios (the guide's example). */
export const MISSION = "034-my-feature";
/** The branch the mission is planned on. */
export const TARGET_BRANCH = "feature/e2e";

/** One WP of a test mission. */
export interface WpSpec {
  id: string;
  /** Lane id in lanes.json. @default "lane-a" */
  lane?: string;
  dependencies?: string[];
  /** Subtask ids. @default one subtask `T<nn>` */
  subtasks?: string[];
}

/** A test mission. */
export interface MissionSpec {
  slug: string;
  wps: WpSpec[];
}

/** `n` independent WPs spread round-robin over `lanes` lanes (WP01 lane-a, WP02 lane-b...). */
export function spreadMission(n: number, lanes: number, slug = MISSION): MissionSpec {
  const ids = "abcdefghij";
  return {
    slug,
    wps: Array.from({ length: n }, (_, i) => ({
      id: `WP${String(i + 1).padStart(2, "0")}`,
      lane: `lane-${ids[i % lanes]}`,
    })),
  };
}

function subtasksOf(wp: WpSpec, index: number): string[] {
  return wp.subtasks ?? [`T${String(index + 1).padStart(3, "0")}`];
}

function wpMarkdown(wp: WpSpec, index: number): string {
  const subtasks = subtasksOf(wp, index);
  return `---
work_package_id: ${wp.id}
title: E2E work package ${wp.id}
dependencies: [${(wp.dependencies ?? []).join(", ")}]
requirement_refs: [FR-001]
subtasks: [${subtasks.join(", ")}]
phase: implementation
execution_mode: code_change
owned_files: [e2e/${wp.id}.txt]
authoritative_surface: e2e/${wp.id}.txt
create_intent: [e2e/${wp.id}.txt]
tags: [e2e]
---
# ${wp.id}: E2E work package

## Objective

Write e2e/${wp.id}.txt saying who implemented ${wp.id}.

## Subtasks

${subtasks.map((id) => `- ${id}: write the file`).join("\n")}
`;
}

/** Every file of the mission directory and the repo config, by path relative to the repo root. */
export function missionFiles(spec: MissionSpec, now: Date): Record<string, string> {
  const at = isoUtc(now);
  const dir = `kitty-specs/${spec.slug}`;
  const meta = {
    created_at: at,
    friendly_name: "E2E mission",
    mission_number: spec.slug.slice(0, 3),
    mission_slug: spec.slug,
    mission_type: "software-dev",
    slug: spec.slug,
    target_branch: TARGET_BRANCH,
  };
  const laneIds = [...new Set(spec.wps.map((wp) => wp.lane ?? "lane-a"))];
  const lanes = {
    version: 1,
    mission_slug: spec.slug,
    mission_id: null,
    mission_branch: `kitty/mission-${spec.slug}`,
    target_branch: TARGET_BRANCH,
    lanes: laneIds.map((laneId, i) => {
      const wpIds = spec.wps.filter((wp) => (wp.lane ?? "lane-a") === laneId).map((wp) => wp.id);
      return {
        lane_id: laneId,
        wp_ids: wpIds,
        write_scope: wpIds.map((id) => `e2e/${id}.txt`),
        predicted_surfaces: ["e2e/"],
        depends_on_lanes: [],
        parallel_group: i === 0 ? 0 : 0,
      };
    }),
    computed_at: at,
    computed_from: "e2e harness",
    planning_artifact_wps: [],
    planning_commit_sha: null,
  };
  const status = seededStatusFiles(spec.slug, meta, spec.wps.map((wp) => wp.id), at);
  const files: Record<string, string> = {
    [`${dir}/meta.json`]: prettyJson(meta),
    [`${dir}/spec.md`]: "# Specification: E2E\n\n| ID | Requirement |\n|---|---|\n| FR-001 | Files get written |\n",
    [`${dir}/plan.md`]: "# Plan: E2E\n\nOne file per WP under e2e/.\n",
    [`${dir}/tasks.md`]: `# Tasks: E2E\n\n${
      spec.wps.map((wp, i) =>
        `## Work Package ${wp.id}\n\n${subtasksOf(wp, i).map((t) => `- [ ] ${t} write the file`).join("\n")}\n`
      ).join("\n")
    }`,
    [`${dir}/lanes.json`]: JSON.stringify(lanes, null, 2) + "\n",
    [`${dir}/status.events.jsonl`]: status.events,
    [`${dir}/status.json`]: status.snapshot,
  };
  spec.wps.forEach((wp, i) => files[`${dir}/tasks/${wp.id}-e2e.md`] = wpMarkdown(wp, i));
  return files;
}

/** orchestration.yaml for the built-in host with fast retries (the defaults wait 30 s). */
export function configYaml(extra = ""): string {
  return `version: 1
host:
  kind: builtin
max_concurrent: 1
defaults:
  timeout: 2m
  stall_timeout: 1m
  retry:
    max_attempts: 2
    initial_interval: 1s
    maximum_interval: 1s
    jitter: false
  max_review_cycles: 2
${extra}`;
}

/** One prepared scenario. */
export interface E2e {
  /** Temp parent dir (removed at the end). */
  dir: string;
  repo: string;
  bin: string;
  control: string;
  mission: string;
  /** Environment overrides of every CLI run (PATH with the fakes first, git identity). */
  env: Record<string, string>;
}

/** Options of {@link setupE2e}. */
export interface SetupOptions {
  /** orchestration.yaml content (committed); null: no file. @default configYaml() */
  config?: string | null;
  /**
   * A real spec-kitty executable: the mission is then finalized by it (`agent mission
   * finalize-tasks`) instead of getting a generated event log and lanes.json.
   */
  specKitty?: string;
  /** More missions planned in the same repository (built-in host only). */
  extraMissions?: MissionSpec[];
}

/** The files `finalize-tasks` writes itself (left out when a real spec-kitty prepares the mission). */
const FINALIZE_OUTPUTS = ["status.events.jsonl", "status.json", "lanes.json"];

/** Environment that makes git work without a global identity. */
export const GIT_ENV = {
  GIT_AUTHOR_NAME: "e2e",
  GIT_AUTHOR_EMAIL: "e2e@e2e.invalid",
  GIT_COMMITTER_NAME: "e2e",
  GIT_COMMITTER_EMAIL: "e2e@e2e.invalid",
};

async function git(cwd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command("git", {
    args: ["-c", "commit.gpgsign=false", ...args],
    cwd,
    env: GIT_ENV,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  if (out.code !== 0) throw new Error(`git ${args.join(" ")} failed: ${dec.decode(out.stderr)}`);
  return dec.decode(out.stdout);
}

/** Creates the repo (main + planning branch with the mission committed), the fakes and the env. */
export async function setupE2e(spec: MissionSpec, opts: SetupOptions = {}): Promise<E2e> {
  const dir = await Deno.makeTempDir({ prefix: "sko-e2e-" });
  const e: E2e = {
    dir,
    repo: join(dir, "repo"),
    bin: join(dir, "bin"),
    control: join(dir, "control"),
    mission: spec.slug,
    env: {
      ...GIT_ENV,
      PATH: `${join(dir, "bin")}:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}`,
      NO_COLOR: "1",
      SKO_FAULT: "",
    },
  };
  await writeFakeClis(e.bin, e.control);
  await Deno.mkdir(e.repo, { recursive: true });
  await git(e.repo, ["init", "-q", "-b", "main"]);
  await Deno.writeTextFile(join(e.repo, "README.md"), "# e2e\n");
  await Deno.writeTextFile(
    join(e.repo, ".gitignore"),
    [".worktrees/", ".kittify/", ".status.lock", ""].join("\n"),
  );
  await git(e.repo, ["add", "-A"]);
  await git(e.repo, ["commit", "-q", "-m", "Initial commit"]);
  await git(e.repo, ["checkout", "-q", "-b", TARGET_BRANCH]);
  const files = missionFiles(spec, new Date());
  for (const extra of opts.extraMissions ?? []) Object.assign(files, missionFiles(extra, new Date()));
  if (opts.specKitty !== undefined) {
    for (const name of FINALIZE_OUTPUTS) delete files[`kitty-specs/${spec.slug}/${name}`];
    e.env.SPEC_KITTY_HOME = join(dir, ".spec-kitty-home");
    e.env.SPEC_KITTY_ENABLE_SAAS_SYNC = "0";
  }
  const config = opts.config === undefined ? configYaml() : opts.config;
  if (config !== null) files["orchestration.yaml"] = config;
  for (const [path, content] of Object.entries(files)) {
    await Deno.mkdir(dirname(join(e.repo, path)), { recursive: true });
    await Deno.writeTextFile(join(e.repo, path), content);
  }
  await git(e.repo, ["add", "-A"]);
  await git(e.repo, ["commit", "-q", "-m", `Add mission ${spec.slug} (finalized)`]);
  if (opts.specKitty !== undefined) {
    const out = await new Deno.Command(opts.specKitty, {
      args: ["agent", "mission", "finalize-tasks", "--mission", spec.slug, "--json"],
      cwd: e.repo,
      env: e.env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dec = new TextDecoder();
    if (out.code !== 0) {
      throw new Error(`spec-kitty finalize-tasks failed: ${dec.decode(out.stdout)}${dec.decode(out.stderr)}`);
    }
  }
  return e;
}

/** The same scenario seen through another of its missions (`extraMissions`). */
export function forMission(e: E2e, mission: string): E2e {
  return { ...e, mission };
}

/** What a CLI run produced. */
export interface CliResult {
  code: number;
  signal: Deno.Signal | null;
  stdout: string;
  stderr: string;
  /** stdout + stderr, for assertion messages. */
  text: string;
}

/** Options of {@link runCli}. */
export interface RunOptions {
  /** @default 60_000 */
  timeoutMs?: number;
  env?: Record<string, string>;
}

/**
 * The command that runs our CLI (`<deno> run -A <the CLI bundle>` with the V8 flags the released
 * binary carries, so the e2e suite runs the CLI as it ships), or `SKO_E2E_BIN` when set.
 */
export function cliCommand(): { cmd: string; prefix: string[] } {
  const bin = Deno.env.get("SKO_E2E_BIN");
  if (bin) return { cmd: bin, prefix: [] };
  return { cmd: Deno.execPath(), prefix: ["run", "-A", `--v8-flags=${V8_FLAGS.join(",")}`, SHIPPED_CLI] };
}

/** A CLI process started by {@link spawnCli}. */
export interface CliProcess {
  child: Deno.ChildProcess;
  /** Resolves with the exit and the whole output. */
  result: Promise<CliResult>;
  /** SIGKILLs the CLI's process group (idempotent). */
  kill(): void;
}

/** Starts our CLI in `e.repo` (in its own process group; killed after `timeoutMs`). */
export function spawnCli(e: E2e, args: string[], opts: RunOptions = {}): CliProcess {
  const { cmd, prefix } = cliCommand();
  const child = new Deno.Command(cmd, {
    args: [...prefix, ...args],
    cwd: e.repo,
    env: { ...e.env, ...opts.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    detached: true,
  }).spawn();
  const kill = () => {
    try {
      Deno.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  };
  const timer = setTimeout(kill, opts.timeoutMs ?? 60_000);
  const result = child.output().then((out) => {
    const dec = new TextDecoder();
    const stdout = dec.decode(out.stdout);
    const stderr = dec.decode(out.stderr);
    return { code: out.code, signal: out.signal, stdout, stderr, text: `${stdout}\n--- stderr ---\n${stderr}` };
  }).finally(() => {
    clearTimeout(timer);
    kill();
  });
  return { child, result, kill };
}

/** Runs our CLI in `e.repo` to its end. */
export function runCli(e: E2e, args: string[], opts: RunOptions = {}): Promise<CliResult> {
  return spawnCli(e, args, opts).result;
}

/** One line of the host's event log (lane events have `to_lane`; annotations have `kind`). */
export type HostEvent = Record<string, unknown> & { wp_id?: string; to_lane?: string };

/** The host's event log path. */
export function eventsPath(e: E2e): string {
  return join(e.repo, "kitty-specs", e.mission, "status.events.jsonl");
}

/** Reads the host's event log. */
export async function readHostEvents(e: E2e): Promise<HostEvent[]> {
  const text = await Deno.readTextFile(eventsPath(e));
  return text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as HostEvent);
}

/** Lane events only. */
export function laneEvents(events: HostEvent[]): HostEvent[] {
  return events.filter((ev) => typeof ev.to_lane === "string");
}

/** Each WP's final lane: the last `to_lane` of its lane events. */
export function finalLanes(events: HostEvent[]): Record<string, string> {
  const lanes: Record<string, string> = {};
  for (const ev of laneEvents(events)) lanes[String(ev.wp_id)] = String(ev.to_lane);
  return lanes;
}

/**
 * The run state file of `e.mission`: the per-mission file when it exists, else the legacy one
 * (found by listing `.kittify/`, never by assuming one name); null when neither exists.
 */
export async function findStateFile(e: E2e): Promise<string | null> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(join(e.repo, ".kittify"))) names.push(entry.name);
  } catch {
    return null;
  }
  for (const name of [`orchestrator-run-state.${e.mission}.json`, "orchestrator-run-state.json"]) {
    if (names.includes(name)) return join(e.repo, ".kittify", name);
  }
  return null;
}

/** Every `.kittify/orchestrator-run-state*` file (current, backups, archives). */
export async function stateFiles(e: E2e): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(join(e.repo, ".kittify"))) {
      if (entry.name.startsWith("orchestrator-run-state")) names.push(entry.name);
    }
  } catch {
    // no .kittify
  }
  return names.sort();
}

/** The parsed run state (throws when missing or not JSON). */
export async function readState(e: E2e): Promise<Record<string, unknown> & { wps: Record<string, WpStateView> }> {
  const path = await findStateFile(e);
  if (path === null) throw new Error(`no run state file in ${join(e.repo, ".kittify")}`);
  return JSON.parse(await Deno.readTextFile(path));
}

/** The parts of a WP's run state the tests look at. */
export interface WpStateView {
  outcome: { kind: string; reason: string } | null;
  attempts: { n: number; role: string; agent: string; result: string; verdict: string | null }[];
  review_cycles: number;
  last_error: string | null;
}

/** Live processes (not zombies) whose command line contains `needle`, other than this one. */
export function processesMatching(needle: string): { pid: number; cmdline: string }[] {
  const found: { pid: number; cmdline: string }[] = [];
  if (Deno.build.os !== "linux") return found;
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name) || Number(entry.name) === Deno.pid) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      const state = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
      if (state === "Z" || state === "X") continue;
      const cmdline = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`).replaceAll("\0", " ");
      if (cmdline.includes(needle)) found.push({ pid: Number(entry.name), cmdline });
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

/** True while process group `pgid` has a live (non-zombie) member. */
export function groupAlive(pgid: number): boolean {
  try {
    Deno.kill(-pgid, 0 as unknown as Deno.Signal);
  } catch {
    return false;
  }
  if (Deno.build.os !== "linux") return true;
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid && fields[0] !== "Z" && fields[0] !== "X") return true;
    } catch {
      // exited meanwhile
    }
  }
  return false;
}

/** Agent process groups (from the fakes' spans log) that are still alive. */
export async function liveAgentGroups(e: E2e): Promise<number[]> {
  const pids = new Set([...(await readSpans(e.control)).map((s) => s.pid), ...await readPids(e.control)]);
  return [...pids].filter((pid) => groupAlive(pid));
}

/** What {@link checkInvariants} expects. */
export interface Expectations {
  /** Final host lane per WP. */
  lanes: Record<string, string>;
}

/**
 * The invariants of a finished run: final lanes; every done event carries approved review
 * evidence; no forced transition; at most one done per WP; our events carry policy metadata;
 * the state file parses; no agent and no process of the scenario is alive; the lock is free.
 */
export async function checkInvariants(e: E2e, expected: Expectations): Promise<void> {
  const events = await readHostEvents(e);
  const lanes = laneEvents(events);
  assertEquals(finalLanes(events), expected.lanes, "final lanes");
  for (const ev of lanes) {
    assert(ev.force !== true, `forced transition: ${JSON.stringify(ev)}`);
    if (ev.actor === "finalize-tasks") continue;
    assert(
      ev.policy_metadata !== null && typeof ev.policy_metadata === "object",
      `lane event without policy_metadata: ${JSON.stringify(ev)}`,
    );
  }
  const dones = lanes.filter((ev) => ev.to_lane === "done");
  for (const ev of dones) {
    const evidence = ev.evidence as { review?: { verdict?: string } } | null;
    assertEquals(evidence?.review?.verdict, "approved", `done without approved evidence: ${JSON.stringify(ev)}`);
  }
  const doneWps = dones.map((ev) => String(ev.wp_id));
  assertEquals(doneWps.length, new Set(doneWps).size, `duplicate done events: ${doneWps.join(", ")}`);
  const state = await readState(e);
  assert(typeof state.run_id === "string" && state.status !== undefined, "state file lacks run_id/status");
  assertEquals(await liveAgentGroups(e), [], "agent process groups still alive");
  assertEquals(processesMatching(e.dir).map((p) => p.cmdline), [], "processes of the scenario still alive");
  assertEquals(await isLockHeld(e.repo, e.mission), false, "run lock still held");
}

/** Kills whatever the scenario left running and removes its temp dir. */
export async function teardown(e: E2e): Promise<void> {
  for (const pid of await readPids(e.control).catch(() => [])) {
    try {
      Deno.kill(-pid, "SIGKILL");
    } catch {
      // gone
    }
  }
  for (const p of processesMatching(e.dir)) {
    try {
      Deno.kill(p.pid, "SIGKILL");
    } catch {
      // gone
    }
  }
  await Deno.remove(e.dir, { recursive: true }).catch(() => {});
}

/** Runs `scenario` on a fresh setup and always tears it down. */
export async function withE2e(
  spec: MissionSpec,
  opts: SetupOptions,
  scenario: (e: E2e) => Promise<void>,
): Promise<void> {
  const e = await setupE2e(spec, opts);
  try {
    await scenario(e);
  } finally {
    await teardown(e);
  }
}

/** The agents' calls, re-exported for scenarios. */
export { readCalls, readSpans };

/** `orchestrate` argv with the usual flags for a test run. */
export function orchestrateArgs(mission: string, ...extra: string[]): string[] {
  return ["orchestrate", "--mission", mission, "--no-caffeinate", ...extra];
}
