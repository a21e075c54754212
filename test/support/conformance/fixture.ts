/**
 * The mission the real host was recorded with (transcript A, `001-demo`: WP01, WP02 depends on WP01, WP03) in a
 * fresh git repository on `feature/demo`, finalized either by the real host
 * (`spec-kitty agent mission finalize-tasks`) or, for the built-in host, by writing what
 * finalize-tasks writes (lanes.json with lane-a/lane-b/lane-c and the genesis→planned seeds).
 *
 * @module
 */
import { dirname, join } from "node:path";
import { prettyJson } from "../../../src/builtin-host/json.ts";
import { bootstrapEvents, eventsJsonl } from "../../../src/builtin-host/seed.ts";

/** Environment that makes git work without any global configuration. */
export const GIT_ENV: Record<string, string> = {
  GIT_AUTHOR_NAME: "t",
  GIT_AUTHOR_EMAIL: "t@t",
  GIT_COMMITTER_NAME: "t",
  GIT_COMMITTER_EMAIL: "t@t",
  GIT_CONFIG_NOSYSTEM: "1",
};

/** Runs git in `cwd`; throws with stderr on failure. */
export async function gitIn(cwd: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", {
    args: ["-c", "commit.gpgsign=false", ...args],
    cwd,
    env: GIT_ENV,
    stdin: "null",
  })
    .output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) throw new Error(`git ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
  return text.trim();
}

const META = {
  slug: "001-demo",
  mission_slug: "001-demo",
  friendly_name: "Demo greeting library",
  mission_number: "001",
  mission_type: "software-dev",
  target_branch: "feature/demo",
  created_at: "2026-11-21T00:00:00+00:00",
};

const SPEC = `# Feature Specification: Demo greeting library

## User Scenarios & Testing

### User Story 1 - Greet (Priority: P1)
A user calls greet("Ada") and gets "Hello, Ada!".

### User Story 2 - Shout (Priority: P2)
A user calls shout("Ada") and gets "HELLO, ADA!".

## Requirements

### Functional Requirements

| ID | Requirement | Acceptance Criteria | Status |
| --- | --- | --- | --- |
| FR-001 | greet(name) returns "Hello, <name>!" | greet("Ada") == "Hello, Ada!" | proposed |
| FR-002 | shout(name) returns the greeting upper-cased | shout("Ada") == "HELLO, ADA!" | proposed |
| FR-003 | docs/usage.md shows both functions | the file exists | proposed |

### Non-Functional Requirements

| ID | Requirement | Measurable Threshold | Status |
| --- | --- | --- | --- |
| NFR-001 | greet runs fast | under 1 ms per call | proposed |

### Constraints

| ID | Constraint | Rationale | Status |
| --- | --- | --- | --- |
| C-001 | Standard library only | keep the demo tiny | proposed |
`;

interface Wp {
  id: string;
  file: string;
  title: string;
  deps: string[];
  refs: string[];
  subtasks: string[];
  owned: string[];
}

/** The three WPs of the transcript mission. */
export const WPS: readonly Wp[] = [
  {
    id: "WP01",
    file: "WP01-greeting-function.md",
    title: "Greeting function",
    deps: [],
    refs: ["FR-001", "NFR-001", "C-001"],
    subtasks: ["T001", "T002"],
    owned: ["demo/__init__.py", "demo/greet.py"],
  },
  {
    id: "WP02",
    file: "WP02-shouting-function.md",
    title: "Shouting function",
    deps: ["WP01"],
    refs: ["FR-002"],
    subtasks: ["T003", "T004"],
    owned: ["demo/shout.py"],
  },
  {
    id: "WP03",
    file: "WP03-usage-docs.md",
    title: "Usage docs",
    deps: [],
    refs: ["FR-003"],
    subtasks: ["T005", "T006"],
    owned: ["docs/usage.md"],
  },
];

function wpFile(wp: Wp): string {
  const list = (xs: readonly string[]) => `[${xs.join(", ")}]`;
  return `---
work_package_id: ${wp.id}
title: ${wp.title}
dependencies: ${list(wp.deps)}
requirement_refs: ${list(wp.refs)}
subtasks: ${list(wp.subtasks)}
execution_mode: code_change
owned_files: ${list(wp.owned)}
authoritative_surface: ${wp.owned[wp.owned.length - 1]}
create_intent: ${list(wp.owned)}
history:
- at: '2026-11-21T00:00:00Z'
  actor: planner
  action: created
---
# ${wp.id}: ${wp.title}

Implement ${wp.owned.join(", ")}.
`;
}

function tasksMd(): string {
  return `# Tasks: Demo greeting library\n\n${
    WPS.map((wp) =>
      `## Work Package ${wp.id}: ${wp.title} (Priority: P1)\n\n**Goal**: ${wp.title}.\n` +
      `**Prompt**: tasks/${wp.file}\n**Requirement Refs**: ${wp.refs.join(", ")}\n\n` +
      wp.subtasks.map((t) => `- ${t} ${wp.title} part`).join("\n") + "\n\n" +
      (wp.deps.length > 0 ? `Depends on ${wp.deps.join(", ")}.\n` : "")
    ).join("\n")
  }`;
}

/** What the built-in fixture writes in place of finalize-tasks. */
function finalizedFiles(): Record<string, string> {
  const at = "2026-11-21T00:00:00.000000+00:00";
  const events = bootstrapEvents("001-demo", WPS.map((wp) => wp.id), at);
  const lanes = {
    version: 1,
    mission_slug: "001-demo",
    mission_id: null,
    mission_branch: "kitty/mission-001-demo",
    target_branch: "feature/demo",
    lanes: [
      { lane_id: "lane-a", wp_ids: ["WP01"], depends_on_lanes: [] },
      { lane_id: "lane-c", wp_ids: ["WP03"], depends_on_lanes: [] },
      { lane_id: "lane-b", wp_ids: ["WP02"], depends_on_lanes: ["lane-a"] },
    ],
  };
  return {
    "lanes.json": prettyJson(lanes),
    "status.events.jsonl": eventsJsonl(events),
  };
}

/**
 * Creates the project in a new temp dir and returns its (real) path.
 *
 * @param finalize null for the built-in host (files written directly), else a function that
 *   runs the real host's `spec-kitty init` and `finalize-tasks` in the repo.
 */
export async function createTranscriptProject(
  finalize: ((repo: string) => Promise<void>) | null,
  init: ((repo: string) => Promise<void>) | null = null,
): Promise<string> {
  const repo = await Deno.realPath(await Deno.makeTempDir({ prefix: "sko-conformance-" }));
  await gitIn(repo, "init", "-q", "-b", "main");
  await Deno.writeTextFile(join(repo, ".gitignore"), ".worktrees/\n.status.lock\n");
  await Deno.writeTextFile(join(repo, "README.md"), "# conformance\n");
  await gitIn(repo, "add", "-A");
  await gitIn(repo, "commit", "-q", "-m", "init");
  if (init !== null) {
    await init(repo);
    await gitIn(repo, "add", "-A");
    await gitIn(repo, "commit", "-q", "--allow-empty", "-m", "spec-kitty init");
  } else {
    await Deno.mkdir(join(repo, ".kittify"));
    await Deno.writeTextFile(join(repo, ".kittify", "config.yaml"), "# conformance fixture\n");
  }
  await gitIn(repo, "checkout", "-q", "-b", "feature/demo");
  const dir = join(repo, "kitty-specs", "001-demo");
  const files: Record<string, string> = {
    "meta.json": JSON.stringify(META, null, 2) + "\n",
    "spec.md": SPEC,
    "plan.md": "# Plan\n\nThree files, standard library only.\n",
    "tasks.md": tasksMd(),
    ...Object.fromEntries(WPS.map((wp) => [`tasks/${wp.file}`, wpFile(wp)])),
    ...(finalize === null ? finalizedFiles() : {}),
  };
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(dirname(join(dir, path)), { recursive: true });
    await Deno.writeTextFile(join(dir, path), text);
  }
  await gitIn(repo, "add", "-A");
  await gitIn(repo, "commit", "-q", "-m", "001-demo: mission files");
  if (finalize !== null) await finalize(repo);
  return repo;
}
