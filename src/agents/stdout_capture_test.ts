/**
 * Per-parser retention of stdout: each parser keeps only what it declared, JSONL parsers stream
 * with O(1) memory, over-long lines are dropped and marked.
 */
import { assert, assertEquals, assertStringIncludes } from "../../test/support/assert.ts";
import { customParser } from "./parse/custom.ts";
import { PARSERS } from "./parse/mod.ts";
import type { ParsedOutput, StreamParser } from "./parse/types.ts";
import { StdoutCapture } from "./stdout_capture.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const CHUNK = 64 * 1024;

/** Feeds `lines` to a parser through a capture in pipe-sized chunks, as a supervised run does. */
function run(parser: StreamParser, chunks: Iterable<Uint8Array>, exitCode = 0) {
  const capture = new StdoutCapture(parser.stdout, (line) => parser.line(line));
  let maxTail = 0;
  for (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i += CHUNK) capture.push(chunk.subarray(i, i + CHUNK));
    maxTail = Math.max(maxTail, capture.tailAllocatedBytes);
  }
  capture.end();
  const out: ParsedOutput = parser.finish({
    stdoutTail: capture.tail(),
    stderrTail: "",
    exitCode,
    role: "implement",
    nowMs: 0,
    skippedLines: capture.skipped,
  });
  return { out, maxTail, skipped: capture.skipped };
}

function* repeat(line: string, count: number): Generator<Uint8Array> {
  const batch = enc(line.repeat(100));
  for (let i = 0; i < count; i += 100) yield batch;
}

const xs = (bytes: number) => new Uint8Array(bytes).fill(120);

Deno.test("StdoutCapture: a JSONL parser keeps no stdout tail over 50k lines and still reports cost and message", () => {
  const step = '{"type":"step_finish","part":{"cost":0.001,"tokens":{"input":10,"output":2},"reason":"tool-calls"}}\n';
  const text = '{"type":"text","part":{"messageID":"m9","text":"All done."}}\n';
  const stop = '{"type":"step_finish","part":{"cost":0.5,"reason":"stop"}}\n';
  const { out, maxTail } = run(PARSERS.opencode(), [...repeat(step, 50_000), enc(text + stop)]);
  assertEquals(maxTail, 0);
  assertEquals([out.ok, out.finalMessage], [true, "All done."]);
  assertEquals(Math.round((out.costUsd ?? 0) * 1000), 50_000 + 500);
  assertEquals(out.tokens, { input: 500_000, output: 100_000 });
});

Deno.test("StdoutCapture: codex over 50k events keeps no tail and takes the last agent message and usage", () => {
  const item = '{"type":"item.completed","item":{"type":"command_execution","aggregated_output":"ok"}}\n';
  const last = '{"type":"item.completed","item":{"type":"agent_message","text":"Implemented."}}\n' +
    '{"type":"turn.completed","usage":{"input_tokens":7,"output_tokens":3}}\n';
  const { out, maxTail } = run(PARSERS.codex(), [...repeat(item, 50_000), enc(last)]);
  assertEquals(maxTail, 0);
  assertEquals([out.ok, out.finalMessage, out.tokens], [true, "Implemented.", { input: 7, output: 3 }]);
});

Deno.test("StdoutCapture: a 50 MB single line is dropped and marked; the stream around it still parses", () => {
  const before = enc('{"type":"text","part":{"messageID":"m1","text":"hi"}}\n');
  const after = enc('\n{"type":"step_finish","part":{"reason":"stop"}}\n');
  const ok = run(PARSERS.opencode(), [before, xs(50 * 1024 * 1024), after]);
  assertEquals([ok.out.ok, ok.out.finalMessage], [true, "hi"]);
  assertEquals(ok.skipped, { count: 1, maxBytes: 50 * 1024 * 1024 });
  assertEquals(ok.maxTail, 0);
  // Without a terminal event the failure says a line was not parsed.
  const bad = run(PARSERS.pi(), [before, xs(50 * 1024 * 1024)]);
  assertEquals(bad.out.failure?.class, "bad_output");
  assertStringIncludes(bad.out.failure?.message ?? "", "1 stdout line(s) longer than the 1 MiB line limit");
});

Deno.test("StdoutCapture: JSON-value parsers keep nothing of a text flood and the final JSON after one", () => {
  const flood = run(PARSERS.claude(), [xs(20 * 1024 * 1024)]);
  assertEquals(flood.maxTail, 0);
  assertEquals(flood.out.failure?.class, "bad_output");
  const result = '{"type":"result","subtype":"success","is_error":false,"result":"done","total_cost_usd":0.2}\n';
  const json = run(PARSERS.claude(), [xs(20 * 1024 * 1024), enc("\n" + result)]);
  assert(json.maxTail <= 1024 * 1024, `tail ${json.maxTail}`);
  assertEquals([json.out.ok, json.out.finalMessage, json.out.costUsd], [true, "done", 0.2]);
  const pretty = run(PARSERS.gemini(), [
    enc('Loaded cached credentials.\n{\n  "response": "hello",\n  "stats": {}\n}\n'),
  ]);
  assertEquals([pretty.out.ok, pretty.out.finalMessage], [true, "hello"]);
});

Deno.test("StdoutCapture: a JSON-value parser's tail stays bounded when JSON is followed by a flood", () => {
  const r = run(PARSERS.claude(), [enc('{"type":"system"}\n'), xs(30 * 1024 * 1024)]);
  assertEquals(r.maxTail, 1024 * 1024);
  assertEquals(r.out.failure?.class, "bad_output");
});

Deno.test("StdoutCapture: custom text keeps a 64 KiB tail and answers with its last 4 KiB", () => {
  const { out, maxTail } = run(customParser("text", "t")(), [xs(10 * 1024 * 1024), enc("\nVERDICT: APPROVED\n\n")]);
  assertEquals(maxTail, 64 * 1024);
  assertEquals(out.finalMessage.length, 4096);
  assert(out.finalMessage.endsWith("x\nVERDICT: APPROVED"));
});

Deno.test("StdoutCapture: custom jsonl streams 50k lines and keeps the last event with a message", () => {
  const { out } = run(customParser("jsonl", "j")(), [
    ...repeat('{"type":"progress","n":1}\n', 50_000),
    enc('{"result":"final","cost_usd":0.25}\n{"type":"done"}\n'),
  ]);
  assertEquals([out.ok, out.finalMessage, out.costUsd], [true, "final", 0.25]);
  const crash = run(customParser("jsonl", "j")(), [enc("step 1\nstep 2: boom\n")], 2);
  assertStringIncludes(crash.out.failure?.message ?? "", "step 2: boom");
});

Deno.test("StdoutCapture: parsers that read no lines get none", () => {
  let lines = 0;
  const capture = new StdoutCapture({ lines: false, tailBytes: 16 }, () => lines++);
  capture.push(enc("a\nb\nc\n"));
  capture.end();
  assertEquals([lines, capture.tail()], [0, "a\nb\nc\n"]);
});
