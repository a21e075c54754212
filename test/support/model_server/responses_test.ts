/** The Responses wire adapter: parsing Codex's request bodies, rendering SSE, error shapes. */
import { assert, assertEquals, assertStringIncludes, assertThrows } from "../assert.ts";
import {
  addFilePatch,
  parseResponsesBody,
  responsesAdapter,
  responsesError,
  responsesEvents,
  shellWriteCommand,
  toolCallFor,
} from "./responses.ts";
import { startModelServer } from "./server.ts";
import type { Turn } from "./types.ts";

const PROMPT = "---\nwork_package_id: WP01\nowned_files:\n- src/a.txt\n---\n# WP01\n";
const EXEC = { type: "function", name: "exec_command", parameters: { type: "object" } };
const PATCH = { type: "custom", name: "apply_patch", format: { type: "grammar" } };

/** A body shaped like what Codex 0.169 sends (developer + env context + task, then tool turns). */
function body(extra: Record<string, unknown> = {}, input: unknown[] = []): Record<string, unknown> {
  return {
    model: "gpt-mock",
    stream: true,
    tools: [EXEC],
    input: [
      { type: "message", role: "developer", content: [{ type: "input_text", text: "You are Codex." }] },
      {
        type: "message",
        role: "user",
        content: [{ type: "input_text", text: "<environment_context>\n</environment_context>" }],
      },
      { type: "message", role: "user", content: [{ type: "input_text", text: PROMPT }] },
      ...input,
    ],
    ...extra,
  };
}

/** The JSON payloads of framed SSE events. */
function payloads(frames: string[]): Record<string, unknown>[] {
  return frames.map((f) => JSON.parse(f.slice(f.indexOf("data: ") + 6)) as Record<string, unknown>);
}

Deno.test("parseResponsesBody: the task prompt skips Codex's environment_context; tool outputs are results", () => {
  const turn = parseResponsesBody(body({}, [
    { type: "custom_tool_call", call_id: "c1", name: "apply_patch", input: "..." },
    { type: "custom_tool_call_output", call_id: "c1", output: "Success. Updated the following files" },
    { type: "function_call", call_id: "c2", name: "exec_command", arguments: "{}" },
    { type: "function_call_output", call_id: "c2", output: "Process exited with code 0" },
  ]));
  assertEquals(turn.prompt, PROMPT);
  assertEquals(turn.system, "You are Codex.");
  assertEquals(turn.toolResults, ["Success. Updated the following files", "Process exited with code 0"]);
  assertEquals(turn.tools.map((t) => t.name), ["exec_command"]);
  assertEquals(turn.structured, undefined);
});

Deno.test("parseResponsesBody: text.format json_schema (codex --output-schema) is a structured turn", () => {
  const schema = { type: "object", properties: { verdict: { type: "string" } } };
  const turn = parseResponsesBody(body({ text: { format: { type: "json_schema", strict: true, schema } } }));
  assertEquals(turn.structured, { via: "format", schema });
  assertEquals(parseResponsesBody(body({ text: { verbosity: "low" } })).structured, undefined);
});

Deno.test("toolCallFor: write uses the freeform apply_patch when offered, else exec_command", () => {
  const turn = (tools: unknown[]): Turn => parseResponsesBody(body({ tools }));
  const write = { kind: "write" as const, path: "src/a.txt", content: "one\ntwo\n" };
  assertEquals(toolCallFor(write, turn([EXEC, PATCH]), [EXEC, PATCH]), {
    kind: "custom",
    name: "apply_patch",
    input: "*** Begin Patch\n*** Add File: src/a.txt\n+one\n+two\n*** End Patch\n",
  });
  assertEquals(toolCallFor(write, turn([EXEC]), [EXEC]), {
    kind: "function",
    name: "exec_command",
    args: { cmd: shellWriteCommand("src/a.txt", "one\ntwo\n") },
  });
  const shell = { type: "function", name: "shell" };
  assertEquals(toolCallFor({ kind: "shell", command: "ls" }, turn([shell]), [shell]), {
    kind: "function",
    name: "shell",
    args: { command: ["bash", "-lc", "ls"] },
  });
  assertEquals(toolCallFor({ kind: "text", text: "done" }, turn([EXEC]), [EXEC]), null);
  assertThrows(() => toolCallFor({ kind: "shell", command: "ls" }, turn([]), []), Error, "no shell tool offered");
});

Deno.test("shellWriteCommand: writes exactly the content, quotes included, creating parents", async () => {
  const dir = await Deno.makeTempDir({ prefix: "responses-test-" });
  try {
    const content = "it's $HOME `x` \\n\n";
    const out = new Deno.Command("bash", { args: ["-c", shellWriteCommand("a b/c.txt", content)], cwd: dir })
      .outputSync();
    assert(out.success);
    assertEquals(await Deno.readTextFile(`${dir}/a b/c.txt`), content);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assertEquals(addFilePatch("x", "a"), "*** Begin Patch\n*** Add File: x\n+a\n*** End Patch\n");
});

Deno.test("responsesEvents: a function call streams argument deltas that add up, then completes with usage", () => {
  const turn = parseResponsesBody(body());
  const ev = payloads(
    responsesEvents({ kind: "shell", command: "spec-kitty agent tasks mark-status T001" }, turn, [EXEC]),
  );
  assertEquals(ev[0]!["type"], "response.created");
  assertEquals(ev[ev.length - 1]!["type"], "response.completed");
  const deltas = ev.filter((e) => e["type"] === "response.function_call_arguments.delta").map((e) => e["delta"]);
  assert(deltas.length > 1);
  assertEquals(JSON.parse(deltas.join("")), { cmd: "spec-kitty agent tasks mark-status T001" });
  const done = ev.find((e) => e["type"] === "response.output_item.done")!["item"] as Record<string, unknown>;
  assertEquals([done["type"], done["name"], done["arguments"]], ["function_call", "exec_command", deltas.join("")]);
  const usage = (ev[ev.length - 1]!["response"] as Record<string, Record<string, number>>)["usage"]!;
  assert(usage["input_tokens"]! > 0 && usage["output_tokens"]! > 0);
  assertEquals(ev.map((e) => e["sequence_number"]), ev.map((_, i) => i));
});

Deno.test("responsesEvents: structured output is one assistant message whose text is the JSON", () => {
  const turn = parseResponsesBody(body());
  const value = { verdict: "approved", feedback: "ok" };
  const ev = payloads(responsesEvents({ kind: "structured", value }, turn, [EXEC]));
  const text = ev.filter((e) => e["type"] === "response.output_text.delta").map((e) => e["delta"]).join("");
  assertEquals(JSON.parse(text), value);
  const done = ev.find((e) => e["type"] === "response.output_item.done")!["item"] as Record<string, unknown>;
  assertEquals(done["content"], [{ type: "output_text", text, annotations: [] }]);
});

Deno.test("responsesError: OpenAI's error shape with codes, retry-after and x-should-retry", () => {
  const rl = responsesError({ kind: "status", status: 429, retryAfterSeconds: 7, shouldRetry: false }, "m");
  assertEquals(rl.status, 429);
  assertEquals([rl.headers["retry-after"], rl.headers["x-should-retry"]], ["7", "false"]);
  const e = (rl.body as { error: { code: string; message: string } }).error;
  assertEquals(e.code, "rate_limit_exceeded");
  assertStringIncludes(e.message, "Please try again in 7s");
  const codes = ([401, 404, 500, 503, 529] as const).map((status) =>
    (responsesError({ kind: "status", status }, "gpt-x").body as { error: { code: string | null } }).error.code
  );
  assertEquals(codes, ["invalid_api_key", "model_not_found", null, "server_overloaded", "server_overloaded"]);
  const nf = responsesError({ kind: "status", status: 404 }, "gpt-x").body as { error: { message: string } };
  assertStringIncludes(nf.error.message, "The model `gpt-x` does not exist");
});

Deno.test("responsesError: a usage-limit 429 carries resets_at retryAfterSeconds from now", () => {
  const before = Math.floor(Date.now() / 1000);
  const e = responsesError({ kind: "status", status: 429, retryAfterSeconds: 60, usageLimit: true }, "m");
  const err = (e.body as { error: { type: string; resets_at: number } }).error;
  assertEquals([e.status, err.type], [429, "usage_limit_reached"]);
  assert(err.resets_at >= before + 60 && err.resets_at <= Math.floor(Date.now() / 1000) + 60);
});

Deno.test("responsesAdapter over HTTP: SSE for /v1/responses, a fault in OpenAI's shape, a model list", async () => {
  const server = startModelServer({ adapters: [responsesAdapter] });
  try {
    const post = (b: unknown) =>
      fetch(`${server.url}/v1/responses`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(b),
      });
    const ok = await post(body());
    assertEquals(ok.headers.get("content-type"), "text/event-stream");
    const text = await ok.text();
    assertStringIncludes(text, "event: response.completed\n");
    assertStringIncludes(text, '"name":"exec_command"');
    server.setFaults([{ fault: { kind: "status", status: 401 }, times: 1 }]);
    const denied = await post(body());
    assertEquals(denied.status, 401);
    assertEquals(((await denied.json()) as { error: { code: string } }).error.code, "invalid_api_key");
    const models = await fetch(`${server.url}/v1/models`);
    assertEquals(((await models.json()) as { data: { id: string }[] }).data[0]?.id, "gpt-mock");
    assertEquals(server.requests.map((r) => [r.api, r.status]), [["responses", 200], ["responses", 401]]);
  } finally {
    await server.close();
  }
});
