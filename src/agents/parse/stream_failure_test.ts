import { assertEquals } from "../../../test/support/assert.ts";
import { streamFailure } from "./stream_failure.ts";
import type { ParseContext } from "./types.ts";

const ctx = (exitCode: number | null, stderrTail = ""): ParseContext => ({
  stdoutTail: "",
  stderrTail,
  exitCode,
  role: "implement",
  nowMs: 0,
});
const base = { cli: "x", message: "", structured: null, errored: false, missing: "the end event", extra: {} };

Deno.test("streamFailure() prefers the structured class, then the message, then stderr", () => {
  assertEquals(streamFailure(ctx(1), { ...base, structured: "auth", message: "nope" }).failure?.class, "auth");
  assertEquals(streamFailure(ctx(1), { ...base, message: "429 Too Many Requests" }).failure?.class, "rate_limit");
  assertEquals(streamFailure(ctx(1, "Error: invalid api key"), base).failure?.class, "auth");
});

Deno.test("streamFailure() is a crash after a failing exit or a reported error, bad_output after a silent exit 0", () => {
  assertEquals(streamFailure(ctx(2), base).failure, { class: "crash", message: "x exited with code 2" });
  assertEquals(streamFailure(ctx(0), { ...base, errored: true, message: "boom" }).failure?.class, "crash");
  assertEquals(streamFailure(ctx(0), base).failure, {
    class: "bad_output",
    message: "x exited 0 without the end event",
  });
});
