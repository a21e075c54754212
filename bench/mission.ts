/**
 * The benchmark's mission: a git repository with a finalized mission for the built-in host
 * (`chains` independent dependency chains of `chainLength` WPs, one lane per chain in
 * lanes.json, seeded genesis→planned events) and an `orchestration.yaml` whose custom command
 * agents are a bash script that sleeps a set time, optionally floods stdout, writes a file, marks
 * its subtasks with the prompt's own commands (like the demo agent) and approves every review.
 *
 * The agent's settings live in `.kittify/bench-agent.conf` next to the script because agents run
 * with a filtered environment. {@link benchFiles} is pure; {@link createBenchMission} writes it.
 *
 * @module
 */
import { dirname, join, resolve } from "node:path";
import { isoUtc } from "../src/builtin-host/envelope.ts";
import { newLaneEvent } from "../src/builtin-host/events.ts";
import { git } from "../src/builtin-host/git.ts";
import { prettyJson, pyJson } from "../src/builtin-host/json.ts";
import { identityOf } from "../src/builtin-host/mission.ts";
import { buildSnapshot } from "../src/builtin-host/snapshot.ts";

/** The mission slug of every benchmark repository. */
export const BENCH_MISSION = "001-bench";
/** The branch the mission is planned on (planning must not land on `main`). */
export const BENCH_BRANCH = "feature/bench";

/** Shape of the mission. */
export interface MissionShape {
  /** Independent dependency chains (one lane each). */
  chains: number;
  /** WPs per chain; each depends on the previous one. */
  chainLength: number;
  /** Subtasks per WP (the agent marks each one done). */
  subtasksPerWp: number;
}

/** What the fake agent does. */
export interface AgentBehaviour {
  implSeconds: number;
  reviewSeconds: number;
  /** Bytes of `x` the implementer writes to stdout before its work (0: none). */
  implOutputBytes: number;
  /** Max WPs in flight written to orchestration.yaml. */
  maxConcurrent: number;
  /** `history_notes` of orchestration.yaml; omitted (the default, on) unless false. */
  historyNotes?: boolean;
}

/** WP ids chain by chain: chain c holds WP(c*len+1) … WP(c*len+len). */
export function chainIds(shape: MissionShape): string[][] {
  return Array.from(
    { length: shape.chains },
    (_, c) =>
      Array.from(
        { length: shape.chainLength },
        (_, i) => `WP${String(c * shape.chainLength + i + 1).padStart(2, "0")}`,
      ),
  );
}

/** The agent script; `$0` is its path, so the config file beside it is found from any worktree. */
export const BENCH_AGENT_SH = `#!/usr/bin/env bash
# Benchmark agent: sleep, optionally flood stdout, write a file, mark subtasks, approve reviews.
set -euo pipefail
role="$1"; prompt_file="$2"; wp="$3"
. "$(dirname "$0")/bench-agent.conf"
case "$role" in
  implement)
    sleep "$IMPL_SECONDS"
    if [ "$IMPL_OUTPUT_BYTES" -gt 0 ]; then head -c "$IMPL_OUTPUT_BYTES" /dev/zero | tr '\\0' 'x'; echo; fi
    mkdir -p bench
    printf -- '- pass\\n' >> "bench/$wp.md"
    while IFS= read -r cmd; do
      [ -n "$cmd" ] || continue
      bash -c "$cmd" > /dev/null
    done < <(awk '/^## Agent Subtask Completion Protocol/ { inside = 1; next }
                  inside && /^---[[:space:]]*$/ { exit }
                  inside && /^[[:space:]]+/ && /mark-status/ { sub(/^[[:space:]]+/, ""); print }' "$prompt_file")
    echo "bench-agent: implemented $wp"
    ;;
  review)
    sleep "$REVIEW_SECONDS"
    echo "Looks complete."
    echo "VERDICT: APPROVED"
    ;;
  *) echo "bench-agent: unknown role $role" >&2; exit 2 ;;
esac
`;

/** The agent's settings file (sourced by the script). */
export function agentConf(agent: AgentBehaviour): string {
  return `IMPL_SECONDS=${agent.implSeconds}\nREVIEW_SECONDS=${agent.reviewSeconds}\n` +
    `IMPL_OUTPUT_BYTES=${Math.max(0, Math.floor(agent.implOutputBytes))}\n`;
}

/** orchestration.yaml: built-in host, one attempt per stage, generous timeouts. */
export function orchestrationYaml(agent: AgentBehaviour): string {
  const command = `["bash", "{repo_root}/.kittify/bench-agent.sh", "{role}", "{prompt_file}", "{wp}"]`;
  return `version: 1
host:
  kind: builtin
max_concurrent: ${agent.maxConcurrent}
${agent.historyNotes === false ? "history_notes: false\n" : ""}defaults:
  timeout: 30m
  stall_timeout: 10m
  retry:
    max_attempts: 1
  max_review_cycles: 1
pipelines:
  default:
    implement:
      agents: [bench-impl]
    review:
      agents: [bench-review]
agents:
  bench-impl:
    command: ${command}
    prompt: file
    family: bench
  bench-review:
    command: ${command}
    prompt: file
    family: bench
runs:
  retention: 5
`;
}

function wpMarkdown(wpId: string, deps: string[], subtasks: string[]): string {
  const list = (items: string[]) => `[${items.join(", ")}]`;
  return `---
work_package_id: ${wpId}
title: Bench ${wpId}
dependencies: ${list(deps)}
subtasks: ${list(subtasks)}
phase: implementation
execution_mode: code_change
owned_files: [bench/${wpId}.md]
authoritative_surface: bench/${wpId}.md
create_intent: [bench/${wpId}.md]
---
# ${wpId}: Bench ${wpId}

## Objective

Append a line to bench/${wpId}.md.

## Subtasks

${subtasks.map((id) => `- ${id}: step ${id}`).join("\n")}
`;
}

/** Every file of the benchmark repository by relative path. Pure. */
export function benchFiles(shape: MissionShape, agent: AgentBehaviour, now: Date): Record<string, string> {
  const at = isoUtc(now);
  const dir = `kitty-specs/${BENCH_MISSION}`;
  const chains = chainIds(shape);
  const meta = {
    created_at: at,
    friendly_name: "Benchmark mission",
    mission_number: "001",
    mission_slug: BENCH_MISSION,
    mission_type: "software-dev",
    slug: BENCH_MISSION,
    target_branch: BENCH_BRANCH,
  };
  const lanes = {
    version: 1,
    mission_slug: BENCH_MISSION,
    mission_id: null,
    mission_branch: `kitty/mission-${BENCH_MISSION}`,
    target_branch: BENCH_BRANCH,
    lanes: chains.map((ids, c) => ({
      lane_id: `lane-${String.fromCharCode(97 + c)}`,
      wp_ids: ids,
      depends_on_lanes: [],
      parallel_group: 0,
      write_scope: ids.map((id) => `bench/${id}.md`),
      predicted_surfaces: ["bench/"],
    })),
    computed_at: at,
    computed_from: "bench",
    planning_artifact_wps: [],
    planning_commit_sha: null,
  };
  const wpIds = chains.flat();
  const events = wpIds.map((wpId) =>
    newLaneEvent({ wpId, from: "genesis", to: "planned", at, actor: "finalize-tasks", missionSlug: BENCH_MISSION })
  );
  const files: Record<string, string> = {
    ".gitignore": [".worktrees/", ".kittify/logs/", ".kittify/runs/", ".kittify/orchestrator-*", ".kittify/locks/"]
      .concat([".status.lock", ""]).join("\n"),
    "README.md": "# Benchmark repository\n",
    "orchestration.yaml": orchestrationYaml(agent),
    ".kittify/bench-agent.sh": BENCH_AGENT_SH,
    ".kittify/bench-agent.conf": agentConf(agent),
    [`${dir}/meta.json`]: prettyJson(meta),
    [`${dir}/spec.md`]: "# Specification: benchmark\n",
    [`${dir}/plan.md`]: "# Plan: benchmark\n",
    [`${dir}/tasks.md`]: "# Tasks: benchmark\n",
    [`${dir}/lanes.json`]: JSON.stringify(lanes, null, 2) + "\n",
    [`${dir}/status.events.jsonl`]: events.map((e) => pyJson(e)).join("\n") + "\n",
    [`${dir}/status.json`]: prettyJson(buildSnapshot(identityOf(BENCH_MISSION, meta), events, at)),
  };
  let subtask = 0;
  for (const ids of chains) {
    ids.forEach((wpId, i) => {
      const subtasks = Array.from({ length: shape.subtasksPerWp }, () => `T${String(++subtask).padStart(3, "0")}`);
      files[`${dir}/tasks/${wpId}-bench.md`] = wpMarkdown(wpId, i === 0 ? [] : [ids[i - 1] ?? ""], subtasks);
    });
  }
  return files;
}

async function run(cwd: string, args: string[]): Promise<void> {
  const result = await git(cwd, args);
  if (result.code !== 0) {
    throw new Error(`Cannot set up the bench repo as 'git ${args.join(" ")}' failed: ${result.stderr}`);
  }
}

/** Creates the repository in the (empty or absent) `dir`; returns its absolute path. */
export async function createBenchMission(dir: string, shape: MissionShape, agent: AgentBehaviour): Promise<string> {
  const root = resolve(dir);
  await Deno.mkdir(root, { recursive: true });
  await run(root, ["init", "-q", "-b", "main"]);
  // Repo-local identity: the run commits in worktrees and must not depend on global config.
  await run(root, ["config", "user.name", "Bench"]);
  await run(root, ["config", "user.email", "bench@orchestrator.invalid"]);
  await run(root, ["config", "commit.gpgsign", "false"]);
  const files = benchFiles(shape, agent, new Date());
  const write = async (path: string) => {
    await Deno.mkdir(dirname(join(root, path)), { recursive: true });
    await Deno.writeTextFile(join(root, path), files[path] ?? "");
  };
  await write("README.md");
  await run(root, ["add", "README.md"]);
  await run(root, ["commit", "-q", "-m", "Initial commit"]);
  await run(root, ["checkout", "-q", "-b", BENCH_BRANCH]);
  for (const path of Object.keys(files)) await write(path);
  await Deno.chmod(join(root, ".kittify", "bench-agent.sh"), 0o755);
  await run(root, ["add", "-A"]);
  await run(root, ["commit", "-q", "-m", `Add mission ${BENCH_MISSION}`]);
  return root;
}
