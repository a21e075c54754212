/**
 * The HTML run report (`report.html`): one self-contained page (inline CSS and script, no
 * external assets) with the run's status, a timeline of every agent attempt per WP, and the WP
 * table with cost and duration per WP and in total. Pure.
 *
 * All text is escaped; the timeline data is embedded as JSON with `<` escaped so no value can
 * close the script element.
 *
 * @module
 */
import { buildRunModel, type RunInput } from "./model.ts";
import { countOutcomes } from "./format.ts";
import { usd } from "../core/budget.ts";
import { formatElapsed } from "../core/duration.ts";
import { TIMELINE_SCRIPT } from "./timeline_script.ts";
import { PRODUCT, VERSION } from "../domain/version.ts";
import { escapeForeign } from "../core/escape.ts";

const CSS = `
:root { color-scheme: light; --fg: #1f2328; --muted: #656d76; --line: #d0d7de; --bg: #fff; --stripe: #f6f8fa; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg);
  margin: 0 auto; padding: 24px; max-width: 1100px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 28px 0 8px; }
.meta { color: var(--muted); margin: 0; }
.status { display: inline-block; padding: 1px 8px; border-radius: 10px; font-weight: 600; color: #fff; background: #656d76; }
.status.done { background: #1e8449; } .status.incomplete { background: #b9770e; } .status.failed { background: #c0392b; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; margin: 16px 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; min-width: 120px; }
.card b { display: block; font-size: 18px; } .card span { color: var(--muted); font-size: 12px; }
#timeline { border: 1px solid var(--line); border-radius: 8px; padding: 6px; overflow-x: auto; }
svg.timeline text { font: 12px system-ui, sans-serif; fill: var(--fg); }
svg.timeline .tick { fill: var(--muted); font-size: 11px; } svg.timeline .grid { stroke: #eaeef2; }
svg.timeline .stripe { fill: var(--stripe); } svg.timeline .wp-label { font-weight: 600; }
svg.timeline .wp-meta { fill: var(--muted); } svg.timeline .bar-label { fill: #fff; font-size: 10px; font-weight: 700; }
svg.timeline .mark { font-weight: 700; }
svg.timeline .outcome-done, svg.timeline .outcome-approved { fill: #1e8449; }
svg.timeline .outcome-blocked, svg.timeline .outcome-failed { fill: #c0392b; }
svg.timeline .outcome-skipped, svg.timeline .outcome-unfinished { fill: #b9770e; }
#legend { list-style: none; padding: 0; margin: 8px 0 0; display: flex; flex-wrap: wrap; gap: 6px 16px; color: var(--muted); }
#legend li { display: flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 18px; height: 12px; border-radius: 2px; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { color: var(--muted); font-weight: 600; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tfoot td { font-weight: 600; border-top: 2px solid var(--line); }
.outcome-done, .outcome-approved { color: #1e8449; } .outcome-blocked, .outcome-failed { color: #c0392b; }
.outcome-skipped, .outcome-unfinished { color: #b9770e; }
footer { margin-top: 28px; color: var(--muted); font-size: 12px; }
`;

/** Renders the self-contained HTML report of a recorded run. */
export function renderHtml(run: RunInput): string {
  const m = buildRunModel(run);
  const statusClass = m.status.replace(/[^a-z]/g, "");
  const card = (value: string, label: string) => `<div class="card"><b>${h(value)}</b><span>${h(label)}</span></div>`;
  const rows = m.wps.map((w) =>
    `<tr data-wp="${h(w.wp_id)}"><td>${h(w.wp_id)}</td><td class="outcome-${h(w.outcome)}">${h(w.outcome)}</td>` +
    `<td class="num">${w.attempts}</td><td class="num">${w.review_cycles}</td><td class="num">${
      h(usd(w.cost_usd))
    }</td>` +
    `<td class="num">${h(formatElapsed(w.duration_ms))}</td><td>${h(w.agents.join(", "))}</td><td>${
      h(w.reason)
    }</td></tr>`
  );
  const list = (items: readonly string[]) => `<ul>${items.map((s) => `<li>${h(s)}</li>`).join("")}</ul>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(`Run report: ${m.mission} (${m.run_id})`)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>Run report: ${h(m.mission)}</h1>
<p class="meta">Run <code>${h(m.run_id)}</code>${m.resumes > 0 ? ` · resumed ${m.resumes}×` : ""} ·
<span class="status ${h(statusClass)}">${h(m.status)}</span>${m.exit_code === null ? "" : ` exit ${m.exit_code}`} · ${
    h(countOutcomes(m.wps))
  }</p>
<div class="cards">
${card(formatElapsed(m.duration_ms), "duration")}
${card(usd(m.cost_usd), "cost")}
${card(String(m.attempts), "agent attempts")}
${card(String(m.review_cycles), "review cycles")}
${card(`${m.started_at.slice(0, 16).replace("T", " ")} UTC`, "started")}
</div>
<h2>Timeline</h2>
<div id="timeline" data-bars="${m.wps.reduce((n, w) => n + w.bars.length, 0)}"></div>
<ul id="legend"></ul>
<noscript><p>The timeline needs JavaScript; the table below has the same totals.</p></noscript>
<h2>Work packages</h2>
<table>
<thead><tr><th>WP</th><th>Outcome</th><th class="num">Attempts</th><th class="num">Review cycles</th><th class="num">Cost</th>` +
    `<th class="num">Duration</th><th>Agents</th><th>Reason</th></tr></thead>
<tbody>
${rows.join("\n")}
</tbody>
<tfoot><tr><td>Total</td><td>${
      h(countOutcomes(m.wps))
    }</td><td class="num">${m.attempts}</td><td class="num">${m.review_cycles}</td>` +
    `<td class="num">${h(usd(m.cost_usd))}</td><td class="num">${
      h(formatElapsed(m.duration_ms))
    }</td><td></td><td></td></tr></tfoot>
</table>
${m.budget.length > 0 ? `<h2>Budget</h2>\n${list(m.budget)}` : ""}
${m.reviews.length > 0 ? `<h2>Reviews</h2>\n${list(m.reviews)}` : ""}
${m.cooldowns.length > 0 ? `<h2>Rate-limit cooldowns</h2>\n${list(m.cooldowns)}` : ""}
<h2>Next steps</h2>
${
      m.next_steps.length > 0
        ? list(m.next_steps)
        : `<p>${m.exit_code === null ? "The run has not finished." : "Nothing left to do."}</p>`
    }
${m.warnings.length > 0 ? `<h2>Warnings</h2>\n${list(m.warnings)}` : ""}
<footer>Generated by ${h(`${PRODUCT} ${VERSION}`)} from .kittify/runs/${h(m.run_id)}/ · times in UTC</footer>
<script type="application/json" id="run-data">${embedJson(m)}</script>
<script>${TIMELINE_SCRIPT}</script>
</body>
</html>
`;
}

/**
 * Escapes text for HTML element content and quoted attribute values; control characters other
 * than line breaks and tabs (agent and host text) are shown as escapes.
 */
export function h(text: string): string {
  return escapeForeign(text, { keepNewlines: true, keepTabs: true }).replaceAll("&", "&amp;").replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;").replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** JSON safe inside a `<script>` element: `<`, `>`, `&` and line separators are \u-escaped. */
export function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
