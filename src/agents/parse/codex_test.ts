/**
 * The Codex parser on error lines Codex 0.169.0 printed against a plain HTTP server (the
 * recorded runner cases are replayed by real_samples_test.ts from
 * test/fixtures/agent-samples-real/codex-0.169.0/).
 */
import { assertEquals } from "../../../test/support/assert.ts";
import type { FailureClass } from "../../domain/agent.ts";
import { PARSERS } from "./mod.ts";
import { parseAll } from "../stdout_capture.ts";

function failedWith(message: string): FailureClass | undefined {
  return parseAll(PARSERS.codex, {
    stdout: `{"type":"turn.started"}\n{"type":"turn.failed","error":{"message":${JSON.stringify(message)}}}\n`,
    stderr: "",
    exitCode: 1,
    nowMs: Date.UTC(2026, 11, 2),
  }).failure?.class;
}

Deno.test("codex parser: a 403 is auth by the status in Codex's 'unexpected status' prefix", () => {
  assertEquals(
    failedWith(
      "unexpected status 403 Forbidden: You are not allowed to sample from this model, url: http://127.0.0.1:38641/v1/responses",
    ),
    "auth",
  );
});

Deno.test("codex parser: a bare 404 from the endpoint is config (wrong base_url), not model_not_found", () => {
  assertEquals(
    failedWith("unexpected status 404 Not Found: Not Found, url: http://127.0.0.1:35441/v1/responses"),
    "config",
  );
  assertEquals(failedWith("The model `gpt-x` does not exist or you do not have access to it."), "model_not_found");
});

Deno.test("codex parser: a status in prose that is not Codex's prefix decides nothing", () => {
  assertEquals(failedWith("tool said: unexpected status 404 somewhere"), "crash");
});
