import { createNotifier } from "./notifier.ts";
import type { NotifyTarget } from "../domain/config.ts";
import type { RunEvent } from "../domain/run_events.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../../test/support/assert.ts";
import { SAMPLE_RUN_ID, sampleEvents, sampleSummary } from "../../test/support/sample_run.ts";

interface Received {
  path: string;
  body: unknown;
}

/** A local webhook receiver on 127.0.0.1. `respond` decides the status for the n-th request (0-based). */
async function withServer(
  respond: (n: number) => number | "hang",
  fn: (url: string, received: Received[]) => Promise<void>,
): Promise<void> {
  const received: Received[] = [];
  const hanging: Array<() => void> = [];
  const ac = new AbortController();
  let listening!: (port: number) => void;
  const port = new Promise<number>((resolve) => (listening = resolve));
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen: ({ port }) => listening(port) },
    async (req) => {
      const n = received.length;
      received.push({ path: new URL(req.url).pathname, body: await req.json() });
      const status = respond(n);
      if (status === "hang") {
        await new Promise<void>((resolve) => hanging.push(resolve));
        return new Response("late", { status: 200 });
      }
      return new Response(status === 200 ? "ok" : "nope", { status });
    },
  );
  try {
    await fn(`http://127.0.0.1:${await port}/hooks/T000/SECRET-TOKEN`, received);
  } finally {
    for (const release of hanging) release();
    ac.abort();
    await server.finished;
  }
}

const target = (kind: "webhook" | "slack", events: NotifyTarget["events"], extra: Partial<NotifyTarget> = {}) => ({
  kind,
  urlEnv: "SKO_TEST_HOOK",
  events,
  timeoutMs: 5000,
  retries: 2,
  ...extra,
});

const runStarted = sampleEvents[0]!;
const runFinished = sampleEvents.at(-1)!;
const blocked = sampleEvents.find((e) => e.type === "wp_finished" && e.outcome === "blocked")!;
const failedRun: RunEvent = {
  at: "2026-11-21T11:00:00.000Z",
  run_id: SAMPLE_RUN_ID,
  type: "run_finished",
  exit_code: 1,
  status: "failed",
  summary: { ...sampleSummary, status: "failed", exit_code: 1 },
};

Deno.test("createNotifier() webhook posts { event, run_id, mission, ...summary } on run_finished", async () => {
  await withServer(() => 200, async (url, received) => {
    const warnings: string[] = [];
    const n = createNotifier([target("webhook", ["run_finished"])], { SKO_TEST_HOOK: url }, (m) => warnings.push(m));
    for (const e of sampleEvents) await n.notify(e);
    assertEquals(warnings, []);
    assertEquals(received.length, 1);
    assertEquals(received[0]!.path, "/hooks/T000/SECRET-TOKEN");
    assertEquals(received[0]!.body, { event: "run_finished", ...sampleSummary });
    assertEquals((received[0]!.body as { mission: string }).mission, "001-demo");
  });
});

Deno.test("createNotifier() slack target gets one readable line plus per-WP counts, escaped", async () => {
  await withServer(() => 200, async (url, received) => {
    const n = createNotifier([target("slack", ["run_finished", "wp_blocked"])], { SKO_TEST_HOOK: url }, () => {});
    await n.notify(runStarted);
    await n.notify(blocked);
    await n.notify(runFinished);
    assertEquals(received.length, 2);
    const [wpText, runText] = received.map((r) => (r.body as { text: string }).text);
    assertEquals(Object.keys(received[0]!.body as object), ["text"]);
    assertStringIncludes(wpText!, "WP03 is blocked in 001-demo");
    assertStringIncludes(wpText!, "agent &lt;b&gt;auth&lt;/b&gt; failed &amp; no fallback");
    const lines = runText!.split("\n");
    assertMatch(lines[0]!, /001-demo incomplete \(exit 3\) — 2 done, 1 blocked — \$2\.25 — 1h00m/);
    assertStringIncludes(runText!, "WP01 done: 4 attempts, 1 review cycle, $1.50");
    assertStringIncludes(runText!, "WP03 blocked: 1 attempt, 0 review cycles, $0.00");
  });
});

Deno.test("createNotifier() sends a failed run once as run_failed to a target subscribed to both", async () => {
  await withServer(() => 200, async (url, received) => {
    const n = createNotifier([target("webhook", ["run_finished", "run_failed"])], { SKO_TEST_HOOK: url }, () => {});
    await n.notify(failedRun);
    assertEquals(received.map((r) => (r.body as { event: string }).event), ["run_failed"]);
  });
});

Deno.test("createNotifier() wp_blocked webhook names the WP and the reason", async () => {
  await withServer(() => 200, async (url, received) => {
    const n = createNotifier([target("webhook", ["wp_blocked"])], { SKO_TEST_HOOK: url }, () => {});
    await n.notify(runStarted);
    for (const e of sampleEvents.slice(1, -1)) await n.notify(e);
    assertEquals(received.length, 1);
    assertEquals(received[0]!.body, {
      event: "wp_blocked",
      run_id: SAMPLE_RUN_ID,
      mission: "001-demo",
      at: blocked.at,
      wp_id: "WP03",
      reason: "agent <b>auth</b> failed & no fallback",
    });
  });
});

Deno.test("createNotifier() retries after a 500 and succeeds without warning", async () => {
  await withServer((n) => (n === 0 ? 500 : 200), async (url, received) => {
    const warnings: string[] = [];
    const sleeps: number[] = [];
    const n = createNotifier(
      [target("webhook", ["run_finished"])],
      { SKO_TEST_HOOK: url },
      (m) => warnings.push(m),
      fetch,
      {
        backoffMs: 5,
        sleep: (ms) => (sleeps.push(ms), Promise.resolve()),
      },
    );
    await n.notify(runFinished);
    assertEquals(received.length, 2);
    assertEquals(sleeps, [5]);
    assertEquals(warnings, []);
  });
});

Deno.test("createNotifier() gives up after retries with one warning that hides the URL", async () => {
  await withServer(() => 503, async (url, received) => {
    const warnings: string[] = [];
    const n = createNotifier(
      [target("slack", ["run_finished"], { retries: 2 })],
      { SKO_TEST_HOOK: url },
      (m) => warnings.push(m),
      fetch,
      { backoffMs: 1 },
    );
    await n.notify(runFinished);
    assertEquals(received.length, 3);
    assertEquals(warnings.length, 1);
    assertStringIncludes(warnings[0]!, "HTTP 503");
    assertStringIncludes(warnings[0]!, "$SKO_TEST_HOOK");
    assert(!warnings[0]!.includes("SECRET-TOKEN") && !warnings[0]!.includes("127.0.0.1"), warnings[0]);
  });
});

Deno.test("createNotifier() does not retry a 404", async () => {
  await withServer(() => 404, async (url, received) => {
    const warnings: string[] = [];
    const n = createNotifier([target("webhook", ["run_finished"])], { SKO_TEST_HOOK: url }, (m) => warnings.push(m));
    await n.notify(runFinished);
    assertEquals(received.length, 1);
    assertStringIncludes(warnings[0]!, "HTTP 404 (not retried)");
  });
});

Deno.test("createNotifier() times out a hanging receiver and warns without the URL", async () => {
  await withServer(() => "hang", async (url, received) => {
    const warnings: string[] = [];
    const n = createNotifier(
      [target("webhook", ["run_finished"], { timeoutMs: 100, retries: 1 })],
      { SKO_TEST_HOOK: url },
      (m) => warnings.push(m),
      fetch,
      { backoffMs: 1 },
    );
    await n.notify(runFinished);
    assertEquals(received.length, 2);
    assertEquals(warnings.length, 1);
    assertStringIncludes(warnings[0]!, "timeout");
    assert(!warnings[0]!.includes("SECRET-TOKEN"), warnings[0]);
  });
});

Deno.test("createNotifier() warns once for a missing variable and skips that target", async () => {
  await withServer(() => 200, async (url, received) => {
    const warnings: string[] = [];
    const n = createNotifier(
      [target("webhook", ["run_finished"], { urlEnv: "SKO_UNSET_HOOK" }), target("webhook", ["run_finished"])],
      { SKO_TEST_HOOK: url },
      (m) => warnings.push(m),
    );
    await n.notify(runFinished);
    await n.notify(runFinished);
    assertEquals(warnings.length, 1);
    assertStringIncludes(warnings[0]!, "$SKO_UNSET_HOOK");
    assertStringIncludes(warnings[0]!, "unset");
    assertEquals(received.length, 2, "the other target still gets both");
  });
});

Deno.test("createNotifier() refuses a non-http URL without printing it", () => {
  const warnings: string[] = [];
  createNotifier(
    [target("webhook", ["run_finished"])],
    { SKO_TEST_HOOK: "file:///etc/SECRET" },
    (m) => warnings.push(m),
  );
  assertEquals(warnings.length, 1);
  assert(!warnings[0]!.includes("SECRET"), warnings[0]);
});

Deno.test("createNotifier() never throws when fetch itself throws, and redacts the URL from the error", async () => {
  const warnings: string[] = [];
  const url = "https://hooks.example.invalid/services/SECRET-TOKEN";
  const n = createNotifier(
    [target("webhook", ["run_finished"], { retries: 0 })],
    { SKO_TEST_HOOK: url },
    (m) => warnings.push(m),
    () => Promise.reject(new TypeError(`error sending request for url (${url})`)),
  );
  await n.notify(runFinished);
  assertEquals(warnings.length, 1);
  assert(!warnings[0]!.includes("SECRET-TOKEN"), warnings[0]);
  assertStringIncludes(warnings[0]!, "<redacted>");
});
