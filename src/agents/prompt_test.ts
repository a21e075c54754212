import { assert, assertEquals, assertStringIncludes } from "../../test/support/assert.ts";
import { buildImplementPrompt, buildReviewPrompt, extractSubtasks } from "./prompt.ts";
import { parseVerdict } from "../core/verdict.ts";

const WP = `---
work_package_id: WP01
subtasks:
  - T001
  - "T002"
  - 'T003'
  - T004;touch-pwned
title: Demo
---
# WP01

Do the thing.
`;

Deno.test("extractSubtasks() reads a block list, strips quotes and drops unsafe ids", () => {
  assertEquals(extractSubtasks(WP), ["T001", "T002", "T003"]);
});

Deno.test("extractSubtasks() reads an inline list and tolerates CRLF", () => {
  assertEquals(extractSubtasks("---\r\nsubtasks: [T1, 'T2', \"$(x)\"]\r\n---\r\nbody"), ["T1", "T2"]);
});

Deno.test("extractSubtasks() returns nothing without frontmatter or key", () => {
  assertEquals(extractSubtasks("# no frontmatter\nsubtasks:\n  - T1"), []);
  assertEquals(extractSubtasks("---\ntitle: x\n---\n"), []);
  assertEquals(extractSubtasks("---\nsubtasks: [T1]\n"), []);
});

Deno.test("extractSubtasks() uses only the first subtasks key", () => {
  assertEquals(extractSubtasks("---\nsubtasks:\n  - A1\nsubtasks:\n  - B1\n---\n"), ["A1"]);
});

Deno.test("buildImplementPrompt() lists one indented, quoted mark-status command per subtask", () => {
  const prompt = buildImplementPrompt({
    wpMarkdown: WP,
    mission: "001 demo",
    wp: "WP01",
    subtasks: ["T001", "T002"],
    markStatusCommand: ["spec-kitty"],
  });
  assert(prompt.startsWith("## Agent Subtask Completion Protocol"));
  assertStringIncludes(prompt, "\n    spec-kitty agent tasks mark-status T001 --status done --mission '001 demo'\n");
  assertStringIncludes(prompt, "\n    spec-kitty agent tasks mark-status T002 --status done --mission '001 demo'\n");
  assert(prompt.endsWith(WP));
  assert(!prompt.includes("## Review Feedback"));
});

Deno.test("buildImplementPrompt() adds the review feedback section on rework", () => {
  const prompt = buildImplementPrompt({
    wpMarkdown: "body",
    mission: "m",
    wp: "WP01",
    subtasks: [],
    markStatusCommand: ["x"],
    feedback: "add tests",
  });
  assert(prompt.startsWith("## Review Feedback (address before resubmitting)"));
  assertStringIncludes(prompt, "add tests");
  assert(!prompt.includes("Subtask Completion Protocol"));
});

Deno.test("buildReviewPrompt() is a reviewer brief with diff, criteria and verdict format", () => {
  const prompt = buildReviewPrompt({
    wpMarkdown: WP,
    mission: "001-demo",
    wp: "WP01",
    diff: "diff --git a/x b/x\n+```\n",
    subtasks: ["T001"],
    acceptance: "slug() handles unicode",
  });
  assertStringIncludes(prompt, "You are the REVIEWER");
  assertStringIncludes(prompt, "Do not modify");
  assertStringIncludes(prompt, "slug() handles unicode");
  assertStringIncludes(prompt, "- T001");
  assertStringIncludes(prompt, "````diff\ndiff --git a/x b/x\n+```\n````");
  assertStringIncludes(prompt, "\nVERDICT: APPROVED\n");
  assertStringIncludes(prompt, "\nVERDICT: CHANGES_REQUESTED\n");
  assert(!prompt.includes("mark-status"));
});

Deno.test("buildReviewPrompt() caps a huge diff with a note", () => {
  const prompt = buildReviewPrompt({
    wpMarkdown: "wp",
    mission: "m",
    wp: "WP01",
    diff: "+x\n".repeat(100_000),
    subtasks: [],
    maxDiffBytes: 1000,
  });
  assertStringIncludes(prompt, "only the first 1000 bytes are shown");
  assert(prompt.length < 5000);
});

Deno.test("buildReviewPrompt() echoed back by a CLI is read as no verdict, never as an approval", () => {
  // The prompt itself lists both verdicts; a CLI echoing it must not produce a verdict by accident:
  // a message holding both verdict lines decides nothing.
  const prompt = buildReviewPrompt({ wpMarkdown: "wp", mission: "m", wp: "WP01", diff: "", subtasks: [] });
  assertEquals(parseVerdict(prompt), null);
});
