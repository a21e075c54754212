/**
 * The files of the demo repository: configuration, the finalized sample mission `001-demo`
 * (five WPs in two dependency chains, WP01→WP02→WP03 and WP04→WP05, on two lanes) and its
 * seeded event log. Pure: returns path → content.
 *
 * @module
 */
import { DEMO_AGENT_SH } from "./demo_agent.ts";
import { isoUtc } from "../builtin-host/envelope.ts";
import { prettyJson } from "../builtin-host/json.ts";
import { seededStatusFiles } from "../builtin-host/seed.ts";

/** The demo mission slug. */
export const DEMO_MISSION = "001-demo";
/** The branch the demo plans on (planning must not happen on `main`). */
export const DEMO_BRANCH = "feature/demo";

/** orchestration.yaml of the demo; kept identical to `pipelines/demo.yaml` (a test checks). */
export const DEMO_ORCHESTRATION_YAML =
  `# yaml-language-server: $schema=https://raw.githubusercontent.com/spec-kitty/spec-kitty-orchestrator/main/schema/orchestration.schema.json
#
# The demo (\`spec-kitty-orchestrator init --demo\`): the built-in host and two deterministic
# script agents, so the whole loop runs in seconds with no spec-kitty install and no API keys.
version: 1
host:
  kind: builtin
max_concurrent: 2

defaults:
  timeout: 2m
  stall_timeout: 1m
  retry:
    max_attempts: 2
    initial_interval: 1s
    maximum_interval: 5s
    jitter: false
  max_review_cycles: 2

pipelines:
  default:
    implement:
      agents: [demo-impl]
    review:
      agents: [demo-review]

agents:
  demo-impl:
    command: ["bash", "{repo_root}/.kittify/demo-agent.sh", "{role}", "{prompt_file}", "{wp}"]
    prompt: file
    family: demo
  demo-review:
    command: ["bash", "{repo_root}/.kittify/demo-agent.sh", "{role}", "{prompt_file}", "{wp}"]
    prompt: file
    family: demo

runs:
  retention: 5
`;

interface DemoWp {
  id: string;
  slug: string;
  title: string;
  dependencies: string[];
  subtasks: [string, string][];
  objective: string;
}

const WPS: DemoWp[] = [
  {
    id: "WP01",
    slug: "greeting",
    title: "Greeting notes",
    dependencies: [],
    subtasks: [["T001", "Write the greeting notes"], ["T002", "List the greeting examples"]],
    objective: "Write demo/WP01.md describing greet(name) -> 'Hello, <name>!'.",
  },
  {
    id: "WP02",
    slug: "shouting",
    title: "Shouting notes",
    dependencies: ["WP01"],
    subtasks: [["T003", "Write the shouting notes"], ["T004", "Add a usage example"]],
    objective: "Write demo/WP02.md describing shout(name), the upper-case greeting, with a usage example.",
  },
  {
    id: "WP03",
    slug: "greeting-guide",
    title: "Greeting guide",
    dependencies: ["WP02"],
    subtasks: [["T005", "Write the guide"]],
    objective: "Write demo/WP03.md, a short guide that links the greeting and shouting notes.",
  },
  {
    id: "WP04",
    slug: "farewell",
    title: "Farewell notes",
    dependencies: [],
    subtasks: [["T006", "Write the farewell notes"], ["T007", "List the farewell examples"]],
    objective: "Write demo/WP04.md describing farewell(name) -> 'Goodbye, <name>!'.",
  },
  {
    id: "WP05",
    slug: "farewell-guide",
    title: "Farewell guide",
    dependencies: ["WP04"],
    subtasks: [["T008", "Write the farewell guide"]],
    objective: "Write demo/WP05.md, a short guide for the farewell notes.",
  },
];

function wpMarkdown(wp: DemoWp): string {
  const list = (items: string[]) => items.length === 0 ? "[]" : `[${items.join(", ")}]`;
  return `---
work_package_id: ${wp.id}
title: ${wp.title}
dependencies: ${list(wp.dependencies)}
requirement_refs: [FR-00${WPS.indexOf(wp) + 1}]
subtasks: ${list(wp.subtasks.map(([id]) => id))}
phase: implementation
execution_mode: code_change
owned_files: [demo/${wp.id}.md]
authoritative_surface: demo/${wp.id}.md
create_intent: [demo/${wp.id}.md]
tags: [demo]
history:
- at: '2026-01-01T00:00:00Z'
  actor: init-demo
  action: created
---
# ${wp.id}: ${wp.title}

## Objective

${wp.objective}

## Subtasks

${wp.subtasks.map(([id, text]) => `- ${id}: ${text}`).join("\n")}

## Done when

- \`demo/${wp.id}.md\` exists and describes the objective above.
- Every subtask is marked done with the command given in the prompt.
`;
}

const SPEC_MD = `# Specification: Demo greeting library

A tiny mission used by \`spec-kitty-orchestrator init --demo\` to show the whole loop
(implement, review, rework, approve) with deterministic script agents.

## User stories

1. As a user I can read how greetings work (greet, shout).
2. As a user I can read how farewells work.

## Functional requirements

| ID | Requirement |
|---|---|
${WPS.map((wp, i) => `| FR-00${i + 1} | ${wp.objective} |`).join("\n")}
`;

const PLAN_MD = `# Plan: Demo greeting library

Each work package writes one markdown file under \`demo/\`. Two independent chains:

- lane-a: WP01 → WP02 → WP03 (greetings)
- lane-b: WP04 → WP05 (farewells)

No code, no dependencies: the point is the workflow, not the product.
`;

function tasksMd(): string {
  return `# Tasks: Demo greeting library\n\n${
    WPS.map((wp) =>
      `## Work Package ${wp.id}: ${wp.title} (Priority: P1)\n\n**Goal**: ${wp.objective}\n` +
      `**Prompt**: tasks/${wp.id}-${wp.slug}.md\n**Requirement Refs**: FR-00${WPS.indexOf(wp) + 1}\n\n` +
      `${wp.subtasks.map(([id, text]) => `- ${id} ${text}`).join("\n")}\n\n` +
      (wp.dependencies.length > 0 ? `Depends on ${wp.dependencies.join(", ")}.\n` : "No dependencies.\n")
    ).join("\n")
  }`;
}

/** Every file of the demo repository, by path relative to its root, for a demo created at `now`. */
export function demoFiles(now: Date): Record<string, string> {
  const at = isoUtc(now);
  const dir = `kitty-specs/${DEMO_MISSION}`;
  const meta = {
    created_at: at,
    friendly_name: "Demo greeting library",
    mission_number: "001",
    mission_slug: DEMO_MISSION,
    mission_type: "software-dev",
    purpose_tldr: "Show the orchestrator loop with deterministic agents",
    slug: DEMO_MISSION,
    target_branch: DEMO_BRANCH,
  };
  const lanes = {
    version: 1,
    mission_slug: DEMO_MISSION,
    mission_id: null,
    mission_branch: `kitty/mission-${DEMO_MISSION}`,
    target_branch: DEMO_BRANCH,
    lanes: [
      { lane_id: "lane-a", wp_ids: ["WP01", "WP02", "WP03"], depends_on_lanes: [], parallel_group: 0 },
      { lane_id: "lane-b", wp_ids: ["WP04", "WP05"], depends_on_lanes: [], parallel_group: 0 },
    ].map((lane) => ({
      ...lane,
      write_scope: lane.wp_ids.map((id) => `demo/${id}.md`),
      predicted_surfaces: ["demo/"],
    })),
    computed_at: at,
    computed_from: "init --demo",
    planning_artifact_wps: [],
    planning_commit_sha: null,
  };
  const status = seededStatusFiles(DEMO_MISSION, meta, WPS.map((wp) => wp.id), at);
  const files: Record<string, string> = {
    ".gitignore": [
      ".worktrees/",
      ".kittify/logs/",
      ".kittify/runs/",
      ".kittify/orchestrator-*",
      ".kittify/demo-agent/",
      ".kittify/locks/",
      ".status.lock",
      "",
    ].join("\n"),
    "README.md": "# Orchestrator demo\n\nCreated by `spec-kitty-orchestrator init --demo`. Run:\n\n" +
      "    spec-kitty-orchestrator orchestrate --mission 001-demo\n",
    "orchestration.yaml": DEMO_ORCHESTRATION_YAML,
    ".kittify/README.md": "Project scaffold for the spec-kitty workflow (demo). The orchestrator writes run logs\n" +
      "and state here; `demo-agent.sh` is the deterministic agent the demo's orchestration.yaml runs.\n",
    ".kittify/demo-agent.sh": DEMO_AGENT_SH,
    [`${dir}/meta.json`]: prettyJson(meta),
    [`${dir}/spec.md`]: SPEC_MD,
    [`${dir}/plan.md`]: PLAN_MD,
    [`${dir}/tasks.md`]: tasksMd(),
    [`${dir}/lanes.json`]: JSON.stringify(lanes, null, 2) + "\n",
    [`${dir}/status.events.jsonl`]: status.events,
    [`${dir}/status.json`]: status.snapshot,
  };
  for (const wp of WPS) files[`${dir}/tasks/${wp.id}-${wp.slug}.md`] = wpMarkdown(wp);
  return files;
}
