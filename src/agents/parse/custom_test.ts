import { assertEquals } from "../../../test/support/assert.ts";
import { customParser } from "./custom.ts";
import { parseAll } from "../stdout_capture.ts";

Deno.test("customParser(text) keeps the last 4 KiB of stdout", () => {
  const out = parseAll(customParser("text", "x"), { stdout: "a".repeat(5000) + "END\n", stderr: "", exitCode: 0 });
  assertEquals(out.ok, true);
  assertEquals(out.finalMessage.length, 4096);
  assertEquals(out.finalMessage.endsWith("END"), true);
});

Deno.test("customParser() classifies a non-zero exit or a signal as crash", () => {
  assertEquals(
    parseAll(customParser("text", "x"), { stdout: "", stderr: "boom", exitCode: 3 }).failure?.class,
    "crash",
  );
  assertEquals(parseAll(customParser("json", "x"), { stdout: "", stderr: "", exitCode: null }).failure?.class, "crash");
});

Deno.test("customParser(json) takes the last JSON object", () => {
  const out = parseAll(customParser("json", "x"), {
    stdout: 'log line\n{"result":"done","cost_usd":0.5}\n',
    stderr: "",
    exitCode: 0,
  });
  assertEquals([out.ok, out.finalMessage, out.costUsd], [true, "done", 0.5]);
  assertEquals(
    parseAll(customParser("json", "x"), { stdout: "nope", stderr: "", exitCode: 0 }).failure?.class,
    "bad_output",
  );
});

Deno.test("customParser(jsonl) takes the last event with a message field", () => {
  const stdout = '{"text":"first"}\n{"message":"second"}\n{"type":"done"}\n';
  assertEquals(parseAll(customParser("jsonl", "x"), { stdout, stderr: "", exitCode: 0 }).finalMessage, "second");
  const verdict = '{"verdict":"approved","feedback":""}\n';
  assertEquals(
    parseAll(customParser("jsonl", "x"), { stdout: verdict, stderr: "", exitCode: 0 }).finalMessage,
    '{"verdict":"approved","feedback":""}',
  );
});
