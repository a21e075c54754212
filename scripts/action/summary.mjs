// The run step of the GitHub Action (scripts/action/run.sh) reads the run's own summary here:
// the last `run_finished` event of the NDJSON that `orchestrate --json` printed. It is parsed as
// JSON, so neither key order, spacing nor quotes and commas in a reason can shift a field (the
// step used to cut it out with grep and sed). Run by the runner's node, which the agent CLIs need
// anyway; plain Node, no dependencies.
//
//   node summary.mjs run-id <events.ndjson>       the run id, or nothing (no run finished)
//   node summary.mjs annotations <events.ndjson>  one ::error:: line per WP that did not end done
//
// Exit 0, or 2 on a usage error. Lines that are not JSON objects are skipped: a partial last
// line (the orchestrator killed mid-write) must not hide an earlier complete event.
import { readFileSync } from "node:fs";
import process from "node:process";

/** The run ids the orchestrator makes (`20261202T010000Z-abcd`): safe in a path and an output. */
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The `summary` of the last `run_finished` event in `text`, or undefined. */
function lastSummary(text) {
  let summary;
  for (const line of text.split("\n")) {
    let event;
    try {
      event = JSON.parse(line);
    } catch {
      continue;
    }
    if (event !== null && typeof event === "object" && event.type === "run_finished") {
      summary = typeof event.summary === "object" && event.summary !== null ? event.summary : {};
    }
  }
  return summary;
}

/** Other control characters (C0, DEL, C1, bidi controls) made visible, so an agent's text cannot drive the terminal. */
function visible(s) {
  // deno-lint-ignore no-control-regex
  return s.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/** GitHub's escaping for a workflow command's message: it must not end the command early. */
function escapeData(s) {
  return visible(s).replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}

/** GitHub's escaping for a workflow command's property (`title=`): also `:` and `,`. */
function escapeProperty(s) {
  return escapeData(s).replaceAll(":", "%3A").replaceAll(",", "%2C");
}

const text = (v) => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));

const [mode, file] = process.argv.slice(2);
if ((mode !== "run-id" && mode !== "annotations") || file === undefined) {
  process.stderr.write("usage: node summary.mjs run-id|annotations <events.ndjson>\n");
  process.exit(2);
}
let events = "";
try {
  events = readFileSync(file, "utf8");
} catch {
  // No events file (orchestrate printed nothing): no run finished.
}
const summary = lastSummary(events);
if (mode === "run-id") {
  const id = text(summary?.run_id);
  if (RUN_ID.test(id)) process.stdout.write(`${id}\n`);
  else if (id !== "") process.stderr.write(`summary.mjs: ignoring run_id ${JSON.stringify(id)}: not a run id\n`);
} else {
  for (const wp of Array.isArray(summary?.wps) ? summary.wps : []) {
    const id = text(wp?.wp_id);
    const outcome = text(wp?.outcome);
    if (outcome === "done" || outcome === "approved") continue;
    const reason = text(wp?.reason) || "see the run report";
    process.stdout.write(
      `::error title=${escapeProperty(`${id} ${outcome}`)}::${escapeData(`${id} ${outcome}: ${reason}`)}\n`,
    );
  }
}
