/**
 * The Anthropic Messages wire adapter: request parsing as Claude Code 2.1.328 sends it, the
 * tool mapping (Write with an absolute path, Bash, StructuredOutput), the SSE events a
 * streaming client reassembles, Anthropic's error shape and headers, and the adapter behind
 * the real server.
 */
import { assert, assertEquals, assertStringIncludes } from "../assert.ts";
import {
  anthropicAdapter,
  anthropicBlocks,
  anthropicErrorResponse,
  anthropicMessage,
  anthropicStreamFrames,
  parseAnthropic,
  STRUCTURED_TOOL,
  workingDirOf,
} from "./anthropic.ts";
import { startModelServer } from "./server.ts";

const WRITE_SCHEMA = {
  type: "object",
  properties: { file_path: { type: "string" }, content: { type: "string" } },
  required: ["file_path", "content"],
};
const VERDICT_SCHEMA = { type: "object", properties: { verdict: {}, feedback: {} } };
const TASK = "---\nwork_package_id: WP01\nowned_files:\n- src/wp01.txt\n---\n# WP01\n";

/** The shape of a Claude Code 2.1.328 request (system blocks, reminders, a system-role message). */
function claudeBody(extra: { messages?: unknown[]; tools?: unknown[]; stream?: boolean } = {}) {
  return {
    model: "claude-opus-5-5",
    stream: extra.stream ?? true,
    system: [
      { type: "text", text: "x-anthropic-billing-header: cc_version=2.1.328" },
      { type: "text", text: "You are a Claude agent." },
    ],
    messages: [
      {
        role: "user",
        content: [
          { type: "text", text: "<system-reminder>\ngitStatus: clean\n</system-reminder>" },
          { type: "text", text: TASK },
        ],
      },
      { role: "system", content: "# Environment\n - Primary working directory: /sandbox/repo\n - Platform: linux" },
      ...(extra.messages ?? []),
    ],
    tools: extra.tools ?? [
      { name: "Bash", input_schema: { type: "object", properties: { command: {} } } },
      { name: "Write", input_schema: WRITE_SCHEMA },
    ],
  };
}

/** What a streaming client reads of one SSE frame. */
function events(frames: string[]): Array<{ event: string; data: Record<string, unknown> }> {
  return frames.map((f) => {
    const event = /^event: (.+)$/m.exec(f)?.[1] ?? "";
    const data = JSON.parse(/^data: (.+)$/m.exec(f)?.[1] ?? "null");
    return { event, data };
  });
}

Deno.test("parseAnthropic() reads system blocks and system-role messages, the prompt past reminders, tool results and tools", () => {
  const turn = parseAnthropic(claudeBody({
    messages: [
      { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "Write", input: {} }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "File created" }] },
      { role: "assistant", content: [{ type: "tool_use", id: "t2", name: "Bash", input: {} }] },
      {
        role: "user",
        content: [{ type: "tool_result", tool_use_id: "t2", content: [{ type: "text", text: '{"result":"ok"}' }] }],
      },
    ],
  }));
  assertEquals(turn.api, "anthropic");
  assertEquals(turn.model, "claude-opus-5-5");
  assertEquals(turn.prompt, TASK);
  assertStringIncludes(turn.system, "You are a Claude agent.");
  assertStringIncludes(turn.system, "Primary working directory: /sandbox/repo");
  assertEquals(turn.toolResults, ["File created", '{"result":"ok"}']);
  assertEquals(turn.modelTurns, 2);
  assertEquals(turn.tools.map((t) => t.name), ["Bash", "Write"]);
  assertEquals(turn.structured, undefined);
});

Deno.test("parseAnthropic(): the StructuredOutput tool (--json-schema) is a structured request via tool", () => {
  const turn = parseAnthropic(claudeBody({ tools: [{ name: STRUCTURED_TOOL, input_schema: VERDICT_SCHEMA }] }));
  assertEquals(turn.structured, { via: "tool", schema: VERDICT_SCHEMA, toolName: STRUCTURED_TOOL });
});

Deno.test("parseAnthropic() tolerates a body that is not a Messages request", () => {
  const turn = parseAnthropic(null);
  assertEquals([turn.prompt, turn.system, turn.model, turn.toolResults.length, turn.tools.length], ["", "", "", 0, 0]);
});

Deno.test("workingDirOf() reads Claude Code's environment section; '' when absent", () => {
  assertEquals(workingDirOf(claudeBody()), "/sandbox/repo");
  assertEquals(workingDirOf({ messages: [{ role: "user", content: "hi" }] }), "");
});

Deno.test("anthropicBlocks(): write is Write with an absolute path, shell is Bash, structured is StructuredOutput", () => {
  const body = claudeBody();
  const turn = parseAnthropic(body);
  const write = anthropicBlocks({ kind: "write", path: "src/wp01.txt", content: "x\n" }, turn, body);
  const tool = write.find((b) => b.type === "tool_use");
  assertEquals(tool?.type === "tool_use" ? [tool.name, tool.input] : null, [
    "Write",
    { file_path: "/sandbox/repo/src/wp01.txt", content: "x\n" },
  ]);
  const shell = anthropicBlocks({ kind: "shell", command: "spec-kitty x" }, turn, body).at(-1);
  assertEquals(shell?.type === "tool_use" ? [shell.name, shell.input["command"]] : null, ["Bash", "spec-kitty x"]);

  const reviewBody = claudeBody({ tools: [{ name: STRUCTURED_TOOL, input_schema: VERDICT_SCHEMA }] });
  const value = { verdict: "approved", feedback: "ok" };
  const structured = anthropicBlocks({ kind: "structured", value }, parseAnthropic(reviewBody), reviewBody);
  assertEquals(structured.length, 1);
  assertEquals(structured[0]?.type === "tool_use" ? [structured[0].name, structured[0].input] : null, [
    STRUCTURED_TOOL,
    value,
  ]);
  // Without the tool the value is plain JSON text; a tool the CLI did not offer is never invented.
  assertEquals(anthropicBlocks({ kind: "structured", value }, turn, body), [{
    type: "text",
    text: JSON.stringify(value),
  }]);
  const noWrite = parseAnthropic(claudeBody({ tools: [] }));
  assert(anthropicBlocks({ kind: "write", path: "a", content: "" }, noWrite, body).every((b) => b.type === "text"));
});

Deno.test("anthropicStreamFrames(): the event sequence reassembles to the tool call, stop_reason tool_use", () => {
  const blocks = [
    { type: "text" as const, text: "I'll write it." },
    {
      type: "tool_use" as const,
      id: "toolu_1",
      name: "Write",
      input: { file_path: "/a", content: "long ".repeat(20) },
    },
  ];
  const evs = events(anthropicStreamFrames(blocks, "claude-opus-5-5", claudeBody()));
  assertEquals(evs[0]?.event, "message_start");
  assertEquals(evs.at(-1)?.event, "message_stop");
  assertEquals(evs.at(-2)?.data["delta"], { stop_reason: "tool_use", stop_sequence: null });
  for (const e of evs) assertEquals(e.event, e.data["type"], "event name matches data.type");
  const text = evs.filter((e) => e.data["index"] === 0 && e.event === "content_block_delta")
    .map((e) => (e.data["delta"] as { text: string }).text).join("");
  assertEquals(text, "I'll write it.");
  const start = evs.find((e) => e.event === "content_block_start" && e.data["index"] === 1);
  assertEquals((start?.data["content_block"] as { name: string }).name, "Write");
  const deltas = evs.filter((e) => e.data["index"] === 1 && e.event === "content_block_delta");
  assert(deltas.length > 1, "tool input arrives in pieces");
  const json = deltas.map((e) => (e.data["delta"] as { type: string; partial_json: string })).map((d) => {
    assertEquals(d.type, "input_json_delta");
    return d.partial_json;
  }).join("");
  assertEquals(JSON.parse(json), blocks[1]!.input);
  assertEquals(evs.filter((e) => e.event === "content_block_stop").length, 2);
});

Deno.test("anthropicMessage(): a text answer ends the turn", () => {
  const m = anthropicMessage([{ type: "text", text: "Done." }], "claude-opus-5-5", {});
  assertEquals([m["type"], m["role"], m["stop_reason"]], ["message", "assistant", "end_turn"]);
  assertEquals(m["content"], [{ type: "text", text: "Done." }]);
});

Deno.test("anthropicErrorResponse(): Anthropic's error types, retry-after and x-should-retry", async () => {
  const cases = [
    [429, "rate_limit_error"],
    [401, "authentication_error"],
    [404, "not_found_error"],
    [529, "overloaded_error"],
    [503, "api_error"],
    [500, "api_error"],
  ] as const;
  for (const [status, type] of cases) {
    const r = anthropicErrorResponse({ kind: "status", status }, "claude-opus-5-5");
    assertEquals(r.status, status);
    const body = await r.json() as { type: string; error: { type: string; message: string } };
    assertEquals([body.type, body.error.type], ["error", type]);
    assert(body.error.message.length > 0);
    assert(r.headers.get("request-id")?.startsWith("req_"));
    assertEquals(r.headers.get("x-should-retry"), null, "only when the fault says");
  }
  const limited = anthropicErrorResponse(
    { kind: "status", status: 429, retryAfterSeconds: 7, shouldRetry: false },
    "m",
  );
  assertEquals(limited.headers.get("retry-after"), "7");
  assertEquals(limited.headers.get("x-should-retry"), "false");
  await limited.body?.cancel();
  const notFound = await anthropicErrorResponse({ kind: "status", status: 404 }, "claude-x").json() as {
    error: { message: string };
  };
  assertStringIncludes(notFound.error.message, "claude-x");
});

Deno.test("anthropicAdapter() behind the server: a streamed Write call, a non-streamed answer, faults, static answers", async () => {
  const server = startModelServer({
    adapters: [anthropicAdapter()],
    faults: [{ fault: { kind: "status", status: 529 }, times: 1 }],
  });
  try {
    const post = (body: unknown, path = "/v1/messages?beta=true") =>
      fetch(`${server.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const overloaded = await post(claudeBody());
    assertEquals(overloaded.status, 529);
    await overloaded.body?.cancel();

    const streamed = await post(claudeBody());
    assertEquals(streamed.headers.get("content-type"), "text/event-stream");
    const text = await streamed.text();
    assertStringIncludes(text, "event: message_start");
    assertStringIncludes(text, '"name":"Write"');
    assertStringIncludes(text, "input_json_delta");

    const whole = await post(claudeBody({ stream: false }));
    const message = await whole.json() as { content: Array<{ type: string; name?: string }> };
    assertEquals(message.content.find((b) => b.type === "tool_use")?.name, "Write");

    const count = await post(claudeBody(), "/v1/messages/count_tokens");
    assert(((await count.json()) as { input_tokens: number }).input_tokens > 0);
    const models = await fetch(`${server.url}/v1/models`);
    assertEquals(((await models.json()) as { data: Array<{ id: string }> }).data[0]?.id, "claude-opus-5-5");

    assertEquals(server.requests.map((r) => [r.api, r.status, r.stream]), [
      ["anthropic", 529, true],
      ["anthropic", 200, true],
      ["anthropic", 200, false],
    ]);
  } finally {
    await server.close();
  }
});
