/**
 * The Chat Completions wire adapter: request parsing, tool mapping per CLI schema, the SSE
 * frames a streaming client reassembles, OpenAI's error shape, and the adapter behind the real
 * server (a streamed tool call, the model list, fault rules with `skip`).
 */
import { assert, assertEquals, assertStringIncludes } from "../assert.ts";
import {
  chatAdapter,
  chatStep,
  errorResponse,
  parseChat,
  shellToolOf,
  streamFrames,
  workingDirOf,
  writeToolOf,
} from "./chat.ts";
import { startModelServer } from "./server.ts";
import type { OfferedTool } from "./types.ts";

const fn = (name: string, properties: Record<string, unknown>, required: string[] = []) => ({
  type: "function",
  function: { name, description: name, parameters: { type: "object", properties, required } },
});

/** The tool schemas the three CLIs really offered (names and argument keys as recorded). */
const OPENCODE_TOOLS = [
  fn("bash", { command: {}, timeout: {}, workdir: {}, description: {} }, ["command", "description"]),
  fn("write", { content: {}, filePath: {} }, ["content", "filePath"]),
  fn("read", { filePath: {}, offset: {} }, ["filePath"]),
];
const QWEN_TOOLS = [
  fn("read_file", { absolute_path: {} }, ["absolute_path"]),
  fn("write_file", { file_path: {}, content: {} }, ["file_path", "content"]),
  fn("run_shell_command", { command: {}, is_background: {}, description: {} }, ["command"]),
];
const PI_TOOLS = [fn("read", { path: {} }), fn("bash", { command: {} }), fn("write", { path: {}, content: {} })];

/** What a streaming client reads of a chunk. */
interface Chunk {
  choices: Array<{
    delta: { content?: string | null; tool_calls?: Array<{ function: { name?: string; arguments: string } }> };
    finish_reason: string | null;
  }>;
  usage?: { prompt_tokens: number };
}
/** OpenAI's error body. */
interface ErrorBody {
  error: { code: string | null; type: string; message: string };
}
const errorOf = async (r: Response) => ((await r.json()) as ErrorBody).error;

const offered = (tools: unknown[]): OfferedTool[] => parseChat({ messages: [], tools }).tools;

Deno.test("parseChat() reads system text, the task prompt past system-reminder parts, tool results, tools and response_format", () => {
  const turn = parseChat({
    model: "mock-coder",
    messages: [
      { role: "system", content: "You are a CLI." },
      {
        role: "user",
        content: [
          { type: "text", text: "<system-reminder>\nskills...\n</system-reminder>" },
          { type: "text", text: "---\nwork_package_id: WP01\n---\nDo it." },
        ],
      },
      { role: "assistant", content: null, tool_calls: [] },
      { role: "tool", tool_call_id: "c1", content: [{ type: "text", text: "Wrote file." }] },
      { role: "tool", tool_call_id: "c2", content: "ok" },
    ],
    tools: OPENCODE_TOOLS,
    response_format: { type: "json_schema", json_schema: { name: "v", schema: { type: "object" } } },
  });
  assertEquals(turn.api, "chat");
  assertEquals(turn.model, "mock-coder");
  assertEquals(turn.system, "You are a CLI.");
  assertEquals(turn.prompt, "---\nwork_package_id: WP01\n---\nDo it.");
  assertEquals(turn.toolResults, ["Wrote file.", "ok"]);
  assertEquals(turn.tools.map((t) => t.name), ["bash", "write", "read"]);
  assertEquals(turn.structured, { via: "format", schema: { type: "object" } });
});

Deno.test("qwen's structured_output tool is structured output via a tool, answered by calling it", () => {
  const tools = [...QWEN_TOOLS, fn("structured_output", { verdict: {}, feedback: {} }, ["verdict", "feedback"])];
  const turn = parseChat({ messages: [{ role: "user", content: "You are the REVIEWER" }], tools });
  assertEquals(turn.structured?.via, "tool");
  assertEquals(turn.structured?.toolName, "structured_output");
  const value = { verdict: "approved", feedback: "ok" };
  assertEquals(chatStep({ kind: "structured", value }, turn, {}), {
    kind: "tool",
    name: "structured_output",
    arguments: value,
  });
});

Deno.test("parseChat() takes opencode's title request for what it is: its first user text", () => {
  const turn = parseChat({
    messages: [
      { role: "system", content: "You are a title generator." },
      { role: "user", content: "Generate a title for this conversation:\n" },
      { role: "user", content: "---\nwork_package_id: WP01\n---" },
    ],
  });
  assertEquals(turn.prompt, "Generate a title for this conversation:\n");
  assertEquals(turn.tools, []);
  assertEquals(turn.structured, undefined);
});

Deno.test("writeToolOf()/shellToolOf() map onto each CLI's own tools by name and schema", () => {
  assertEquals(writeToolOf(offered(OPENCODE_TOOLS)), { name: "write", pathKey: "filePath", contentKey: "content" });
  assertEquals(writeToolOf(offered(QWEN_TOOLS)), { name: "write_file", pathKey: "file_path", contentKey: "content" });
  assertEquals(writeToolOf(offered(PI_TOOLS)), { name: "write", pathKey: "path", contentKey: "content" });
  // copilot 1.0.102
  assertEquals(writeToolOf(offered([fn("create", { path: {}, file_text: {} })])), {
    name: "create",
    pathKey: "path",
    contentKey: "file_text",
  });
  assertEquals(shellToolOf(offered(OPENCODE_TOOLS))?.name, "bash");
  assertEquals(shellToolOf(offered(QWEN_TOOLS))?.name, "run_shell_command");
  assertEquals(shellToolOf(offered(PI_TOOLS))?.name, "bash");
  // An unknown name with a write-shaped schema still maps.
  assertEquals(writeToolOf(offered([fn("put", { target_path: {}, path: {}, content: {} })])), {
    name: "put",
    pathKey: "path",
    contentKey: "content",
  });
  assertEquals(writeToolOf(offered([fn("read", { filePath: {} })])), null);
});

Deno.test("chatStep() makes write paths absolute against the working directory the CLI stated", () => {
  for (
    const [text, cwd] of [
      ["<env>\n  Working directory: /w/repo\n</env>", "/w/repo"],
      ["I'm currently working in the directory: /w/qwen.", "/w/qwen"],
      ["Current working directory: /w/pi", "/w/pi"],
    ] as const
  ) {
    const body = { messages: [{ role: "system", content: text }, { role: "user", content: "x" }], tools: QWEN_TOOLS };
    assertEquals(workingDirOf(body), cwd);
    const step = chatStep({ kind: "write", path: "src/a.txt", content: "A\n" }, parseChat(body), body);
    assertEquals(step, {
      kind: "tool",
      name: "write_file",
      arguments: { file_path: `${cwd}/src/a.txt`, content: "A\n" },
    });
  }
  const shell = chatStep(
    { kind: "shell", command: "spec-kitty x" },
    parseChat({ tools: OPENCODE_TOOLS }),
    { tools: OPENCODE_TOOLS },
  );
  assertEquals(shell.kind === "tool" && shell.name, "bash");
  assertEquals(shell.kind === "tool" && shell.arguments["command"], "spec-kitty x");
  assert(shell.kind === "tool" && typeof shell.arguments["description"] === "string", "opencode requires it");
  assertEquals(chatStep({ kind: "structured", value: { verdict: "approved" } }, parseChat({}), {}), {
    kind: "text",
    text: '{"verdict":"approved"}',
  });
});

function dataOf(frames: string[]): Array<Chunk | "[DONE]"> {
  return frames.map((f) => f.replace(/^data: /, "").trim()).map((d) => d === "[DONE]" ? d : JSON.parse(d) as Chunk);
}
const chunksOf = (frames: string[]): Chunk[] => dataOf(frames).filter((d): d is Chunk => d !== "[DONE]");

Deno.test("streamFrames() streams tool-call arguments in pieces that reassemble, then finish_reason, usage and [DONE]", () => {
  const step = { kind: "tool" as const, name: "write", arguments: { filePath: "/w/a.txt", content: "A\n" } };
  const frames = streamFrames(step, "mock-coder", { stream: true, stream_options: { include_usage: true } });
  assert(frames.every((f) => f.startsWith("data: ") && f.endsWith("\n\n")));
  assertEquals(dataOf(frames).at(-1), "[DONE]");
  const chunks = chunksOf(frames);
  const deltas = chunks.flatMap((c) => c.choices);
  const args = deltas.flatMap((d) => d.delta.tool_calls ?? []).map((t) => t.function.arguments).join("");
  assertEquals(JSON.parse(args), step.arguments);
  assertEquals(deltas[0]?.delta.tool_calls?.[0]?.function.name, "write");
  assert(deltas.filter((d) => d.delta.tool_calls).length > 2, "arguments arrive in several pieces");
  assertEquals(deltas.at(-1)?.finish_reason, "tool_calls");
  const usage = chunks.at(-1);
  assertEquals(usage?.choices, []);
  assert((usage?.usage?.prompt_tokens ?? 0) > 0);

  const text = chunksOf(streamFrames({ kind: "text", text: "VERDICT: APPROVED" }, "m", { stream: true }));
  assertEquals(text.map((c) => c.choices[0]?.delta.content ?? "").join(""), "VERDICT: APPROVED");
  assertEquals(text.at(-1)?.choices[0]?.finish_reason, "stop");
  assert(text.every((c) => c.choices.length === 1), "no usage chunk unless asked");
});

Deno.test("errorResponse() answers in OpenAI's error shape with retry-after on 429 and overload", async () => {
  const r429 = errorResponse({ kind: "status", status: 429, retryAfterSeconds: 2 }, "m");
  assertEquals(r429.status, 429);
  assertEquals(r429.headers.get("retry-after"), "2");
  assertEquals(r429.headers.get("retry-after-ms"), "2000");
  assertEquals((await errorOf(r429)).code, "rate_limit_exceeded");
  const r404 = errorResponse({ kind: "status", status: 404 }, "mock-coder");
  const e404 = await errorOf(r404);
  assertEquals([e404.code, e404.type], ["model_not_found", "invalid_request_error"]);
  assertStringIncludes(e404.message, "`mock-coder` does not exist");
  assertEquals((await errorOf(errorResponse({ kind: "status", status: 401 }, "m"))).code, "invalid_api_key");
  const r529 = errorResponse({ kind: "status", status: 529, retryAfterSeconds: 1, shouldRetry: false }, "m");
  assertEquals([r529.status, r529.headers.get("retry-after"), r529.headers.get("x-should-retry")], [529, "1", "false"]);
  assertEquals((await errorOf(r529)).code, "overloaded");
});

Deno.test("chatAdapter() behind the server: a streamed write call, the model list, and a fault rule with skip", async () => {
  const server = startModelServer({
    adapters: [chatAdapter()],
    faults: [{ fault: { kind: "status", status: 503 }, role: "implement", skip: 1, times: 1 }],
  });
  try {
    const models = await (await fetch(`${server.url}/v1/models`)).json() as { data: Array<{ id: string }> };
    assertEquals(models.data.map((m) => m.id), ["mock-coder"]);
    const body = {
      model: "mock-coder",
      stream: true,
      messages: [
        { role: "system", content: "Working directory: /w/repo" },
        { role: "user", content: "---\nwork_package_id: WP01\nowned_files:\n- src/wp01.txt\n---\n" },
      ],
      tools: OPENCODE_TOOLS,
    };
    const post = () =>
      fetch(`${server.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const first = await post();
    assertEquals(first.headers.get("content-type"), "text/event-stream");
    const sse = await first.text();
    const args = chunksOf(sse.split("\n\n").filter((f) => f.startsWith("data: ")))
      .flatMap((c) => c.choices[0]?.delta.tool_calls ?? []).map((t) => t.function.arguments).join("");
    assertEquals(JSON.parse(args), { filePath: "/w/repo/src/wp01.txt", content: "WP01 implemented\n" });
    const second = await post(); // the rule skipped one request, now it hits
    assertEquals(second.status, 503);
    await second.body?.cancel();
    const third = await post(); // spent
    assertEquals(third.status, 200);
    await third.body?.cancel();
    assertEquals(server.requests.map((r) => r.status), [200, 503, 200]);
    assertEquals(server.requests[0]?.tools, ["bash", "write", "read"]);
  } finally {
    await server.close();
  }
});
