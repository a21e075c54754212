import { kindForTarget, kindsFor, slackBody, toNotification, webhookBody } from "./payload.ts";
import { assertEquals, assertStringIncludes } from "../../test/support/assert.ts";
import { sampleEvents, sampleSummary } from "../../test/support/sample_run.ts";
import type { RunEvent } from "../domain/run_events.ts";

const finished = sampleEvents.at(-1)!;
const failed: RunEvent = { ...finished, type: "run_finished", exit_code: 1, status: "failed", summary: sampleSummary };

Deno.test("kindsFor() maps run and WP events to notification kinds, most specific first", () => {
  assertEquals(kindsFor(finished), ["run_finished"]);
  assertEquals(kindsFor(failed), ["run_failed", "run_finished"]);
  const outcomes = sampleEvents.filter((e) => e.type === "wp_finished").map(kindsFor);
  assertEquals(outcomes, [["wp_blocked"], [], []]);
  assertEquals(kindsFor(sampleEvents[0]!), []);
});

Deno.test("kindForTarget() sends one message per event to each target", () => {
  assertEquals(kindForTarget(failed, ["run_finished", "run_failed"]), "run_failed");
  assertEquals(kindForTarget(failed, ["run_finished"]), "run_finished");
  assertEquals(kindForTarget(finished, ["run_failed", "wp_blocked"]), null);
});

Deno.test("webhookBody() spreads the summary after the event name", () => {
  const n = toNotification("run_finished", finished, null)!;
  assertEquals(webhookBody(n), { event: "run_finished", ...sampleSummary });
});

Deno.test("slackBody() for a run with no WPs says so", () => {
  const empty = { ...sampleSummary, wps: [], next_steps: [], cost_usd: 0 };
  const n = toNotification("run_finished", {
    ...finished,
    type: "run_finished",
    exit_code: 0,
    status: "done",
    summary: empty,
  }, null)!;
  const text = slackBody(n).text;
  assertEquals(text.split("\n").length, 1);
  assertStringIncludes(text, "no WPs — $0.00");
});
