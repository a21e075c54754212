/**
 * Fault-injection harness (docs/reliability.md §4.1): a temporary git repository with a small
 * built-in-host mission, the orchestrator CLI run as an owned subprocess, a faulty host wrapper
 * (`host.command`) and a scriptable agent (see `scripts.ts`), plus the invariant checks run
 * after every fault.
 *
 * @module
 */
import { V8_FLAGS } from "../../../scripts/compile.ts";
import { join } from "node:path";
import { prettyJson } from "../../../src/builtin-host/json.ts";
import { isoUtc } from "../../../src/builtin-host/envelope.ts";
import { agentScript, claudeScript, hostScript } from "./scripts.ts";
import { seededStatusFiles } from "../../../src/builtin-host/seed.ts";
import { shippedCli } from "../shipped_cli.ts";

/** The orchestrator as it ships: the bundle the binary embeds (see `shipped_cli.ts`). */
export const SHIPPED_CLI: string = await shippedCli();

/** One WP of the test mission. */
export interface WpSpec {
  id: string;
  title?: string;
  dependencies?: string[];
  /** File name stem under tasks/ (default `<id>-task`). */
  file?: string;
}

/** Options of {@link createFaultRepo}. */
export interface FaultRepoOptions {
  /** @default two independent WPs, WP01 and WP02, one lane each */
  wps?: WpSpec[];
  /** @default "001-fault" */
  mission?: string;
  /** Yaml settings; see {@link yamlFor}. */
  yaml?: YamlOptions;
}

/** What the generated orchestration.yaml contains. */
export interface YamlOptions {
  /** @default "10s" */
  hostTimeout?: string;
  /** @default "30s" */
  timeout?: string;
  /** @default "20s" */
  stallTimeout?: string;
  /** @default 2 */
  maxAttempts?: number;
  /** @default ["impl-a"] */
  implement?: string[];
  /** @default ["review-a"] */
  review?: string[];
  /** @default 2 */
  maxConcurrent?: number;
  /** `logs.max_bytes`. */
  logMaxBytes?: string;
  /** Extra argv appended to every custom agent command (e.g. shell metacharacters). */
  extraArgs?: string[];
  /** Appended verbatim at the end. */
  extra?: string;
}

/** The agent ids the yaml defines: implementers, reviewers and a JSON-output implementer. */
export const AGENT_IDS = ["impl-a", "impl-b", "review-a", "review-b", "json-a"] as const;

/** Result of one CLI run. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout + stderr, for message assertions. */
  out: string;
}

/** A temporary repository under fault. */
export interface FaultRepo {
  /** Temp parent: everything the test creates (and the orphan tag). */
  parent: string;
  root: string;
  control: string;
  mission: string;
  wps: WpSpec[];
  hostScriptPath: string;
  agentScriptPath: string;
  /** Runs the CLI (`args` + `--repo-root` where accepted) and waits, killing its group on timeout. */
  cli(args: string[], opts?: { timeoutMs?: number; env?: Record<string, string> }): Promise<CliResult>;
  /** Starts the CLI in the background. */
  spawn(args: string[]): Deno.ChildProcess;
  /** Writes `hostfault.<sub>`; null clears it. */
  hostFault(sub: string, spec: string | null): Promise<void>;
  /** Writes `mode.<agent>.<role>[.<wp>]`; null clears it. */
  agentMode(agent: string, role: "implement" | "review", mode: string | null, wp?: string): Promise<void>;
  /** Rewrites orchestration.yaml. */
  writeYaml(yaml: YamlOptions | string): Promise<void>;
  /** Lines of `host-calls.log` as [sub, n, mode]. */
  hostCalls(): Promise<string[][]>;
  /** Lines of `agent-calls.log` as [agent, role, wp, n, mode, pid]. */
  agentCalls(): Promise<string[][]>;
  cleanup(): Promise<void>;
}

function git(cwd: string, args: string[]): void {
  const out = new Deno.Command("git", {
    args: ["-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false", ...args],
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).outputSync();
  if (!out.success) throw new Error(`git ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
}

function wpMarkdown(wp: WpSpec, index: number): string {
  const deps = wp.dependencies ?? [];
  const t1 = `T${String(index * 2 + 1).padStart(3, "0")}`;
  const t2 = `T${String(index * 2 + 2).padStart(3, "0")}`;
  return `---
work_package_id: ${wp.id}
title: ${JSON.stringify(wp.title ?? `Fault task ${wp.id}`)}
dependencies: [${deps.join(", ")}]
requirement_refs: [FR-001]
subtasks: [${t1}, ${t2}]
phase: implementation
execution_mode: code_change
owned_files: [work/${wp.id}.md]
authoritative_surface: work/${wp.id}.md
create_intent: [work/${wp.id}.md]
tags: [fault]
---
# ${wp.id}: ${wp.title ?? "Fault task"}

## Objective

Write work/${wp.id}.md.

## Subtasks

- ${t1}: Write the file
- ${t2}: Check the file

## Done when

- Every subtask is marked done with the command given in the prompt.
`;
}

/** The files of the mission directory, by path relative to it. */
export function missionFiles(mission: string, wps: WpSpec[], now = new Date()): Record<string, string> {
  const at = isoUtc(now);
  const meta = {
    created_at: at,
    friendly_name: "Fault mission",
    mission_number: mission.slice(0, 3),
    mission_slug: mission,
    mission_type: "software-dev",
    slug: mission,
    target_branch: "feature/fault",
  };
  const laneOf = new Map<string, string>();
  const lanes: { lane_id: string; wp_ids: string[] }[] = [];
  wps.forEach((wp) => {
    const dep = wp.dependencies?.[0];
    const lane = dep !== undefined ? laneOf.get(dep) : undefined;
    if (lane !== undefined) {
      laneOf.set(wp.id, lane);
      lanes.find((l) => l.lane_id === lane)?.wp_ids.push(wp.id);
    } else {
      const id = `lane-${String.fromCharCode(97 + lanes.length)}`;
      laneOf.set(wp.id, id);
      lanes.push({ lane_id: id, wp_ids: [wp.id] });
    }
  });
  const lanesJson = {
    version: 1,
    mission_slug: mission,
    mission_id: null,
    mission_branch: `kitty/mission-${mission}`,
    target_branch: "feature/fault",
    lanes: lanes.map((l) => ({
      ...l,
      depends_on_lanes: [],
      parallel_group: 0,
      write_scope: l.wp_ids.map((id) => `work/${id}.md`),
      predicted_surfaces: ["work/"],
    })),
    computed_at: at,
    computed_from: "fault harness",
    planning_artifact_wps: [],
    planning_commit_sha: null,
  };
  const status = seededStatusFiles(mission, meta, wps.map((wp) => wp.id), at);
  const files: Record<string, string> = {
    "meta.json": prettyJson(meta),
    "spec.md": "# Fault mission\n",
    "plan.md": "# Plan\n",
    "tasks.md": `# Tasks\n\n${wps.map((wp) => `## Work Package ${wp.id}\n`).join("\n")}`,
    "lanes.json": JSON.stringify(lanesJson, null, 2) + "\n",
    "status.events.jsonl": status.events,
    "status.json": status.snapshot,
  };
  wps.forEach((wp, i) => (files[`tasks/${wp.file ?? `${wp.id}-task`}.md`] = wpMarkdown(wp, i)));
  return files;
}

/** orchestration.yaml for the harness: a faulty-host `spec-kitty` host and the scriptable agents. */
export function yamlFor(hostPath: string, agentPath: string, o: YamlOptions = {}): string {
  const q = (s: string) => JSON.stringify(s);
  const extra = (o.extraArgs ?? []).map(q);
  const agent = (id: string, output?: string) =>
    `  ${id}:\n    command: [${
      ["bash", agentPath, id, "{role}", "{prompt_file}", "{wp}"].map(q).concat(extra).join(", ")
    }]\n    prompt: file\n    family: fault\n${output ? `    output: ${output}\n` : ""}`;
  return `version: 1
host:
  kind: spec-kitty
  command: [${q(hostPath)}]
  timeout: ${o.hostTimeout ?? "10s"}
  heartbeat: 5s
max_concurrent: ${o.maxConcurrent ?? 2}
defaults:
  timeout: ${o.timeout ?? "30s"}
  stall_timeout: ${o.stallTimeout ?? "20s"}
  retry:
    max_attempts: ${o.maxAttempts ?? 2}
    initial_interval: 1s
    maximum_interval: 1s
    jitter: false
  max_review_cycles: 2
pipelines:
  default:
    implement:
      agents: [${(o.implement ?? ["impl-a"]).join(", ")}]
    review:
      agents: [${(o.review ?? ["review-a"]).join(", ")}]
agents:
${agent("impl-a")}${agent("impl-b")}${agent("review-a")}${agent("review-b")}${agent("json-a", "json")}${
    o.logMaxBytes ? `logs:\n  max_bytes: ${o.logMaxBytes}\n` : ""
  }${o.extra ?? ""}`;
}

/** Creates the repository: `main` with one commit, then the mission committed on `feature/fault`. */
export async function createFaultRepo(opts: FaultRepoOptions = {}): Promise<FaultRepo> {
  const parent = await Deno.makeTempDir({ prefix: "sko-fault-" });
  const root = join(parent, "repo");
  const control = join(parent, "control");
  const mission = opts.mission ?? "001-fault";
  const wps = opts.wps ?? [{ id: "WP01" }, { id: "WP02" }];
  await Deno.mkdir(root, { recursive: true });
  await Deno.mkdir(control, { recursive: true });
  git(root, ["init", "-q", "-b", "main"]);
  git(root, ["config", "user.name", "Fault Test"]);
  git(root, ["config", "user.email", "fault@test.invalid"]);
  git(root, ["config", "commit.gpgsign", "false"]);
  await Deno.writeTextFile(join(root, "README.md"), "# fault repo\n");
  await Deno.writeTextFile(
    join(root, ".gitignore"),
    [".worktrees/", ".kittify/logs/", ".kittify/runs/", ".kittify/orchestrator-*", ".kittify/locks/", ".status.lock"]
      .join("\n") + "\n",
  );
  git(root, ["add", "README.md", ".gitignore"]);
  git(root, ["commit", "-q", "-m", "init"]);
  git(root, ["checkout", "-q", "-b", "feature/fault"]);
  const files = missionFiles(mission, wps);
  for (const [rel, text] of Object.entries(files)) {
    const full = join(root, "kitty-specs", mission, rel);
    await Deno.mkdir(join(full, ".."), { recursive: true });
    await Deno.writeTextFile(full, text);
  }
  git(root, ["add", "-A"]);
  git(root, ["commit", "-q", "-m", "mission"]);

  const hostScriptPath = join(control, "faulty-host");
  const agentScriptPath = join(control, "agent.sh");
  const real = [Deno.execPath(), "run", "--allow-all", SHIPPED_CLI, "host"];
  await Deno.writeTextFile(hostScriptPath, hostScript(control, parent, real));
  await Deno.chmod(hostScriptPath, 0o755);
  await Deno.writeTextFile(agentScriptPath, agentScript(control, parent));
  await Deno.chmod(agentScriptPath, 0o755);
  // A fake `claude` first on PATH, for faults that need a built-in agent's output format.
  const binDir = join(control, "bin");
  await Deno.mkdir(binDir);
  await Deno.writeTextFile(join(binDir, "claude"), claudeScript(control, parent, agentScriptPath));
  await Deno.chmod(join(binDir, "claude"), 0o755);
  const writeYaml = async (y: YamlOptions | string) => {
    const text = typeof y === "string" ? y : yamlFor(hostScriptPath, agentScriptPath, y);
    await Deno.writeTextFile(join(root, "orchestration.yaml"), text);
  };
  await writeYaml(opts.yaml ?? {});

  const env = (extra: Record<string, string> = {}) => {
    const base = Deno.env.toObject();
    delete base.SPEC_KITTY_BIN;
    delete base.SKO_SELF_COMMAND;
    const path = `${binDir}:${base.PATH ?? "/usr/bin:/bin"}`;
    return { ...base, PATH: path, FAULT_TAG: parent, NO_COLOR: "1", ...extra };
  };
  const argv = (args: string[]) => ["run", "--allow-all", `--v8-flags=${V8_FLAGS.join(",")}`, SHIPPED_CLI, ...args];
  const command = (args: string[], extra?: Record<string, string>) =>
    new Deno.Command(Deno.execPath(), {
      args: argv(args),
      cwd: root,
      env: env(extra),
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    });

  const lines = async (name: string) =>
    (await Deno.readTextFile(join(control, name)).catch(() => "")).split("\n").filter((l) => l !== "")
      .map((l) => l.split(" "));

  return {
    parent,
    root,
    control,
    mission,
    wps,
    hostScriptPath,
    agentScriptPath,
    async cli(args, o = {}) {
      const child = command(args, o.env).spawn();
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch {
          // already gone
        }
      }, o.timeoutMs ?? 90_000);
      try {
        const out = await child.output();
        const stdout = new TextDecoder().decode(out.stdout);
        const stderr = new TextDecoder().decode(out.stderr);
        return { code: out.code, stdout, stderr, out: stdout + stderr };
      } finally {
        clearTimeout(timer);
      }
    },
    spawn(args) {
      return command(args).spawn();
    },
    async hostFault(sub, spec) {
      const path = join(control, `hostfault.${sub}`);
      if (spec === null) await Deno.remove(path).catch(() => {});
      else await Deno.writeTextFile(path, spec + "\n");
    },
    async agentMode(agent, role, mode, wp) {
      const path = join(control, `mode.${agent}.${role}${wp ? `.${wp}` : ""}`);
      if (mode === null) await Deno.remove(path).catch(() => {});
      else await Deno.writeTextFile(path, mode);
    },
    writeYaml,
    hostCalls: () => lines("host-calls.log"),
    agentCalls: () => lines("agent-calls.log"),
    async cleanup() {
      await killTagged(parent);
      await Deno.remove(parent, { recursive: true }).catch(() => {});
    },
  };
}

/** The standard CLI args. */
export function orchestrateArgs(repo: FaultRepo, ...more: string[]): string[] {
  return ["orchestrate", "--mission", repo.mission, "--repo-root", repo.root, "--no-caffeinate", ...more];
}

/** `resume` args. */
export function resumeArgs(repo: FaultRepo, ...more: string[]): string[] {
  return ["resume", "--mission", repo.mission, "--repo-root", repo.root, "--no-caffeinate", ...more];
}

/** Pids (not ours, not zombies) whose cmdline or environment mentions `tag`. */
export function taggedPids(tag: string): number[] {
  const found: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^[0-9]+$/.test(entry.name)) continue;
    const pid = Number(entry.name);
    if (pid === Deno.pid) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
      if (stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z") continue;
      const cmdline = Deno.readTextFileSync(`/proc/${pid}/cmdline`);
      let environ = "";
      try {
        environ = Deno.readTextFileSync(`/proc/${pid}/environ`);
      } catch {
        // not readable: cmdline only
      }
      if (cmdline.includes(tag) || environ.includes(`FAULT_TAG=${tag}`)) found.push(pid);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Kills every process tagged with `tag`; returns their cmdlines. */
export async function killTagged(tag: string): Promise<string[]> {
  const killed: string[] = [];
  for (const pid of taggedPids(tag)) {
    try {
      killed.push(`${pid}: ${Deno.readTextFileSync(`/proc/${pid}/cmdline`).replaceAll("\0", " ").trim()}`);
      Deno.kill(pid, "SIGKILL");
    } catch {
      // gone meanwhile
    }
  }
  if (killed.length > 0) await new Promise((r) => setTimeout(r, 100));
  return killed;
}

/** Runs `fn` with a fresh fault repo and always cleans up (processes and files). */
export async function withFaultRepo(
  opts: FaultRepoOptions,
  fn: (repo: FaultRepo) => Promise<void>,
): Promise<void> {
  const repo = await createFaultRepo(opts);
  try {
    await fn(repo);
  } finally {
    await repo.cleanup();
  }
}
