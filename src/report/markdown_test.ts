import { renderMarkdown } from "./markdown.ts";
import { assert, assertStringIncludes } from "../../test/assert.ts";
import { sampleEvents, sampleSummary } from "../../test/report/sample_run.ts";

Deno.test("renderMarkdown() shows status, a WP table with totals and the next steps", () => {
  const md = renderMarkdown({ events: sampleEvents, summary: sampleSummary });
  assertStringIncludes(md, "# Run report: 001-demo");
  assertStringIncludes(md, "Status: **incomplete** (exit 3): 2 done, 1 blocked");
  assertStringIncludes(md, "| WP | Outcome | Attempts | Review cycles | Cost | Duration | Agents | Reason |");
  assertStringIncludes(md, "| WP01 | done | 4 | 1 | $1.50 | 50m00s | claude, codex | review approved |");
  assertStringIncludes(md, "| **Total** | 2 done, 1 blocked | 8 | 1 | $2.25 | 1h00m |  |  |");
  assertStringIncludes(md, "- unblock WP03: fix the agent login");
});

Deno.test("renderMarkdown() neutralises HTML and pipes in text", () => {
  const summary = {
    ...sampleSummary,
    wps: sampleSummary.wps.map((w) => ({ ...w, reason: "a | b <img src=x onerror=alert(1)>\nnext" })),
  };
  const md = renderMarkdown({ events: sampleEvents, summary });
  assert(!md.includes("<img"), "raw HTML must not survive");
  assertStringIncludes(md, "a \\| b &lt;img src=x onerror=alert(1)&gt; next");
});

Deno.test("renderMarkdown() shows an agent's control characters as escapes", () => {
  const summary = {
    ...sampleSummary,
    wps: sampleSummary.wps.map((w) => ({ ...w, reason: "x \x1b]0;PWNED\x07\x1b[2J y" })),
    next_steps: ["retry \x1b[2J now"],
  };
  const md = renderMarkdown({ events: sampleEvents, summary });
  assert(!md.includes("\x1b") && !md.includes("\x07"), "no raw control character");
  assertStringIncludes(md, "x \\x1b]0;PWNED\\x07\\x1b[2J y");
  assertStringIncludes(md, "- retry \\x1b[2J now");
});
