/**
 * Replays what the pinned real Codex printed (test/fixtures/agent-samples-real/codex-<version>/,
 * recorded by test/real_cli/codex_test.ts with RECORD_REAL_SAMPLES=1) through the Codex parser:
 * each case's outcome, failure class and final message, and that no recorded case goes unchecked.
 */
import { assert, assertEquals, assertStringIncludes } from "../../../test/assert.ts";
import { parseVerdict } from "../verdict.ts";
import type { FailureClass } from "../types.ts";
import { PARSERS } from "./mod.ts";
import { parseAll } from "./types.ts";

const VERSION = "0.169.0";
const DIR = new URL(`../../../test/fixtures/agent-samples-real/codex-${VERSION}/`, import.meta.url);
/** Midnight UTC: any "try again at HH:MM" Codex printed is later the same day. */
const NOW = Date.UTC(2026, 11, 2, 0, 0, 0);

interface Expect {
  /** `ok`, or the failure class the parser must give. */
  outcome: "ok" | FailureClass;
  /** Substring of the final message (ok) or of the failure message. */
  text?: string;
  /** Reviewer cases: the verdict the final message parses to. */
  verdict?: "approved" | "changes_requested";
  /** The failure carries a retry delay. */
  retryAfter?: boolean;
  role?: "implement" | "review";
}

const CASES: Record<string, Expect> = {
  "impl": { outcome: "ok", text: "Implemented WP01: wrote src/wp01.txt" },
  "impl-apply-patch": { outcome: "ok", text: "Implemented WP01" },
  "impl-rework": { outcome: "ok", text: "(rework)" },
  "review": { outcome: "ok", verdict: "approved", role: "review" },
  "review-reject": { outcome: "ok", verdict: "changes_requested", role: "review" },
  "err-401": { outcome: "auth", text: "401 Unauthorized" },
  "err-404": { outcome: "model_not_found", text: "does not exist" },
  "err-429": { outcome: "rate_limit", text: "last status: 429" },
  "err-429-usage-limit": { outcome: "rate_limit", text: "try again at", retryAfter: true },
  "err-503": { outcome: "overloaded", text: "503 Service Unavailable" },
  "err-529": { outcome: "overloaded", text: "529" },
  "err-503-once": { outcome: "ok" },
  "stall-reconnect": { outcome: "ok" },
  "stall-idle-timeout": { outcome: "stall", text: "idle timeout waiting for SSE" },
  // Killed by our stall timer (the runner, not the parser, classifies it as `stall`): a signal
  // exit without turn.completed is never success.
  "stall": { outcome: "crash", text: "143" },
};

async function read(name: string): Promise<string> {
  return await Deno.readTextFile(new URL(name, DIR)).catch(() => "");
}

Deno.test(`codex ${VERSION} (real) fixtures: every recorded case has an expectation and vice versa`, async () => {
  const recorded = new Set<string>();
  for await (const e of Deno.readDir(DIR)) if (e.name.endsWith(".code")) recorded.add(e.name.replace(/\.code$/, ""));
  assertEquals([...recorded].sort(), Object.keys(CASES).sort());
});

for (const [name, want] of Object.entries(CASES)) {
  Deno.test(`codex ${VERSION} (real) ${name} replays as ${want.outcome}`, async () => {
    const stdout = await read(`${name}.out`);
    const stderr = await read(`${name}.err`);
    const exitCode = Number((await read(`${name}.code`)).trim());
    const out = parseAll(PARSERS.codex, { stdout, stderr, exitCode, role: want.role ?? "implement", nowMs: NOW });
    assertEquals(out.ok ? "ok" : out.failure?.class, want.outcome, out.failure?.message);
    if (want.text !== undefined) assertStringIncludes(out.ok ? out.finalMessage : out.failure!.message, want.text);
    if (want.verdict !== undefined) assertEquals(parseVerdict(out.finalMessage)?.verdict, want.verdict);
    if (want.retryAfter) {
      const ms = out.failure?.retryAfterMs ?? 0;
      assert(ms > 0 && ms <= 24 * 3600_000, `retryAfterMs ${ms}`);
    } else if (!out.ok) {
      assertEquals(out.failure?.retryAfterMs, undefined);
    }
    if (out.ok) assert(out.tokens !== null && out.tokens.input > 0, "tokens from turn.completed.usage");
  });
}

// Lines Codex 0.169.0 printed against a plain HTTP server (not worth a runner case each).
Deno.test(`codex ${VERSION} (real): a 403 is auth and a bare 404 from the endpoint is config`, () => {
  const failedWith = (message: string) =>
    parseAll(PARSERS.codex, {
      stdout: `{"type":"turn.started"}\n{"type":"turn.failed","error":{"message":${JSON.stringify(message)}}}\n`,
      stderr: "",
      exitCode: 1,
      nowMs: NOW,
    }).failure?.class;
  assertEquals(
    failedWith(
      "unexpected status 403 Forbidden: You are not allowed to sample from this model, url: http://127.0.0.1:38641/v1/responses",
    ),
    "auth",
  );
  assertEquals(
    failedWith("unexpected status 404 Not Found: Not Found, url: http://127.0.0.1:35441/v1/responses"),
    "config",
  );
});
