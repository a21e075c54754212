import { renderMarkdown } from "./markdown.ts";
import { assert, assertEquals, assertStringIncludes } from "../../test/support/assert.ts";
import { renderHtml } from "./html.ts";
import { sampleEvents, sampleSummary } from "../../test/support/sample_run.ts";

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

Deno.test("renderMarkdown() and renderHtml() show spend against budget, each consensus reviewer and cooldowns", () => {
  const summary = {
    ...sampleSummary,
    budget: { per_run_usd: 10 },
    wps: sampleSummary.wps.map((w, i) =>
      i === 0
        ? {
          ...w,
          budget: { per_wp_usd: 2, per_wp_minutes: 60, agent_ms: 12 * 60_000 },
          reviews: [
            { reviewer: "codex", verdict: "approved" as const },
            { reviewer: "claude-code", verdict: "changes_requested" as const },
          ],
        }
        : w
    ),
  };
  const at = sampleEvents[0]!.at;
  const run_id = sampleEvents[0]!.run_id;
  const events = [
    ...sampleEvents,
    {
      type: "cooldown_started" as const,
      at,
      run_id,
      family: "claude",
      agent: "claude-code",
      reason: "rate_limit" as const,
      until: "2026-11-21T09:42:10.000Z",
      wp_id: "WP02",
    },
  ];
  const md = renderMarkdown({ events, summary });
  assertStringIncludes(
    md,
    "## Budget\n\n- Budget: run $2.25 of $10.00 (per_run_usd)\n- Budget: WP01 $1.50 of $2.00, 12m00s of 60m agent time",
  );
  assertStringIncludes(md, "## Reviews\n\n- Reviews: WP01 codex approved, claude-code changes_requested");
  assertStringIncludes(md, "claude cooling down until 09:42:10 (rate_limit of claude-code in WP02)");
  const html = renderHtml({ events, summary });
  assertStringIncludes(html, "<h2>Budget</h2>");
  assertStringIncludes(html, "<li>Reviews: WP01 codex approved, claude-code changes_requested</li>");
  assertEquals(renderMarkdown({ events: sampleEvents, summary: sampleSummary }).includes("## Budget"), false);
});
