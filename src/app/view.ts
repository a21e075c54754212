/**
 * What a person (or a pipe) sees while the engine runs.
 *
 * - TTY: a live table of WPs in flight (lane, role, agent, attempt, elapsed, cost) redrawn on
 *   every event and every second, with finished WPs and warnings printed above it;
 * - plain (cron, pipes): one timestamped line per event;
 * - `--json`: every event as one NDJSON line on stdout; the last one (`run_finished`) carries
 *   the summary. Human lines go to stderr.
 *
 * @module
 */
import { escapeForeign } from "../core/escape.ts";
import { budgetLines, describeEvent, formatCost, formatDuration, reviewLines, waitLine } from "../core/event_text.ts";
import type { Terminal } from "../output/terminal.ts";
import type { RunEvent, RunSummary } from "../domain/run_events.ts";
import { byCodeUnit } from "../core/order.ts";

/** Consumes run events and renders them. */
export interface RunView {
  onEvent(event: RunEvent): void;
  /** Prints the end-of-run table and next steps. */
  printSummary(summary: RunSummary): void;
  /** Stops the redraw timer. */
  close(): void;
}

interface LiveRow {
  wp: string;
  lane: string;
  role: string;
  agent: string;
  attempt: number;
  since: number;
  cost: number;
}

/** Options of {@link createRunView}. */
export interface RunViewOptions {
  /** Monotonic ms. @default performance.now */
  now?: () => number;
  /** Redraw period on a TTY; 0 disables the timer. @default 1000 */
  tickMs?: number;
}

/** Creates the view for `term`'s mode. */
export function createRunView(term: Terminal, options: RunViewOptions = {}): RunView {
  const now = options.now ?? (() => performance.now());
  const rows = new Map<string, LiveRow>();
  let timer: ReturnType<typeof setInterval> | null = null;

  const redraw = () => {
    if (!term.isTty) return;
    if (rows.size === 0) return term.live([]);
    const table = term.table(
      ["WP", "LANE", "ROLE", "AGENT", "TRY", "ELAPSED", "COST"],
      [...rows.values()].sort((a, b) => byCodeUnit(a.wp, b.wp)).map((r) => [
        r.wp,
        r.lane,
        escapeForeign(r.role),
        escapeForeign(r.agent),
        r.attempt === 0 ? "-" : String(r.attempt),
        formatDuration(now() - r.since),
        formatCost(r.cost),
      ]),
    );
    term.live(table.split("\n"));
  };
  const row = (wp: string): LiveRow => {
    let r = rows.get(wp);
    if (r === undefined) {
      r = { wp, lane: "?", role: "-", agent: "-", attempt: 0, since: now(), cost: 0 };
      rows.set(wp, r);
    }
    return r;
  };

  if (term.isTty && (options.tickMs ?? 1000) > 0) {
    const t = setInterval(redraw, options.tickMs ?? 1000);
    Deno.unrefTimer(t);
    timer = t;
  }

  return {
    onEvent(event) {
      if (term.json) {
        term.event(event as unknown as Record<string, unknown>);
        return;
      }
      if (!term.isTty) {
        const text = describeEvent(event);
        if (text === null) return;
        if (event.type === "warning") term.warn(text);
        else term.line(text, { stamp: true });
        return;
      }
      switch (event.type) {
        case "wp_dispatched":
          row(event.wp_id).lane = event.lane ?? "planned";
          break;
        case "lane_changed":
          if (rows.has(event.wp_id)) row(event.wp_id).lane = event.to;
          break;
        case "attempt_started": {
          const r = row(event.wp_id);
          r.role = event.role;
          r.agent = event.agent;
          r.attempt = event.attempt;
          r.since = now();
          break;
        }
        case "attempt_finished":
          row(event.wp_id).cost += event.cost_usd ?? 0;
          row(event.wp_id).role = `${event.role} ${event.result === "ok" ? "done" : event.result}`;
          if (event.result !== "ok") term.line(describeEvent(event) ?? "");
          break;
        case "wp_finished":
          rows.delete(event.wp_id);
          term.line(describeEvent(event) ?? "");
          break;
        case "warning":
          term.warn(describeEvent(event) ?? "");
          break;
        case "run_started":
        case "cooldown_started":
        case "cooldown_ended":
          term.line(describeEvent(event) ?? "");
          break;
        case "run_finished":
          rows.clear();
          break;
      }
      redraw();
    },
    printSummary(summary) {
      if (term.isTty) term.live([]);
      const table = term.table(
        ["WP", "OUTCOME", "LANE", "ATTEMPTS", "CYCLES", "COST", "REASON"],
        summary.wps.map((w) => [
          w.wp_id,
          w.outcome,
          w.lane ?? "-",
          String(w.attempts),
          String(w.review_cycles),
          formatCost(w.cost_usd),
          escapeForeign(w.reason),
        ]),
      );
      term.line("");
      for (const line of table.split("\n")) term.line(line);
      term.line("");
      term.line(
        `Run ${summary.run_id}: ${summary.status} (exit ${summary.exit_code}), cost ${formatCost(summary.cost_usd)}`,
      );
      const waited = waitLine(summary);
      if (waited !== null) term.line(waited);
      for (const line of [...budgetLines(summary), ...reviewLines(summary)]) term.line(escapeForeign(line));
      const forced = summary.forced_transitions ?? [];
      if (forced.length > 0) {
        term.line(
          `Forced transitions: ${forced.length} (host era ${
            summary.host_era ?? "unknown"
          } has no unforced path for them)`,
        );
        for (const f of forced) term.line(`  - ${f.wp_id} ${f.from} -> ${f.to}: ${escapeForeign(f.reason)}`);
      }
      if (summary.next_steps.length > 0) {
        term.line("Next steps:");
        for (const step of summary.next_steps) term.line(`  - ${escapeForeign(step)}`);
      }
    },
    close() {
      if (timer !== null) clearInterval(timer);
      timer = null;
      if (term.isTty) term.live([]);
    },
  };
}
