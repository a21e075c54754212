/**
 * The OpenAI Responses wire API (`POST /v1/responses`, `stream: true`) for the scripted model
 * server: what Codex speaks when its `config.toml` declares a provider with
 * `wire_api = "responses"`.
 *
 * Parsing: the prompt is the first user message that is not one of Codex's own context blocks
 * (`<environment_context>`, AGENTS.md instructions); tool results are `function_call_output`
 * and `custom_tool_call_output` items in order; `text.format` of type `json_schema` (how
 * `codex exec --output-schema` arrives) becomes `turn.structured = {via: "format"}`.
 *
 * Rendering: server-sent events as Codex reads them (`response.created`,
 * `response.output_item.added`, argument / text deltas, `response.output_item.done`,
 * `response.completed` with usage); Codex needs `response.completed` or it treats the stream as
 * disconnected. A `write` uses the CLI's own `apply_patch` (a freeform `custom` tool, or a
 * function taking `input`) when offered, else `exec_command` (or the older `shell`) with a
 * quoted printf; a `shell` uses `exec_command`/`shell` with the command as given and no
 * `login` argument, like a model that leaves the default (a login shell) alone.
 *
 * Errors use OpenAI's shape `{error: {message, type, param, code}}` with `retry-after` (and
 * `x-should-retry: false` on request); a usage-limit 429 is `{error: {type:
 * "usage_limit_reached", resets_at}}`.
 *
 * @module
 */
import type { RenderOptions, SseStreams, WireAdapter } from "./server.ts";
import { sseFrame } from "./server.ts";
import type { Action, Fault, OfferedTool, Turn } from "./types.ts";

type Json = Record<string, unknown>;

function isObj(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The text of a Responses message `content` (a string, or `input_text`/`output_text` parts). */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  return arr(content).map((p) => (isObj(p) && typeof p["text"] === "string" ? p["text"] : "")).join("");
}

/** The text of a tool output (`output` is a string, or content parts). */
function outputText(output: unknown): string {
  if (typeof output === "string") return output;
  if (isObj(output) && typeof output["content"] === "string") return output["content"];
  return contentText(output);
}

/** User messages Codex adds on its own, before or around the task prompt. */
const CONTEXT_BLOCK = /^\s*(<environment_context>|<user_instructions>|# AGENTS\.md instructions|<permissions)/;

/** The request body as a neutral {@link Turn}. */
export function parseResponsesBody(body: unknown): Turn {
  const b = isObj(body) ? body : {};
  const input = arr(b["input"]);
  const system: string[] = typeof b["instructions"] === "string" ? [b["instructions"]] : [];
  const users: string[] = [];
  const toolResults: string[] = [];
  for (const item of input) {
    if (!isObj(item)) continue;
    const type = item["type"] ?? (item["role"] !== undefined ? "message" : undefined);
    if (type === "message") {
      const text = contentText(item["content"]);
      if (item["role"] === "user") users.push(text);
      else if (item["role"] === "developer" || item["role"] === "system") system.push(text);
    } else if (type === "function_call_output" || type === "custom_tool_call_output") {
      toolResults.push(outputText(item["output"]));
    }
  }
  const prompt = users.find((u) => !CONTEXT_BLOCK.test(u)) ?? users[users.length - 1] ?? "";
  const tools: OfferedTool[] = arr(b["tools"]).filter(isObj).map((t) => {
    const name = typeof t["name"] === "string" ? t["name"] : String(t["type"] ?? "");
    const schema = t["parameters"] ?? t["format"];
    return schema === undefined ? { name } : { name, schema };
  });
  const turn: Turn = {
    api: "responses",
    model: typeof b["model"] === "string" ? b["model"] : "",
    system: system.join("\n\n"),
    prompt,
    toolResults,
    tools,
  };
  const format = isObj(b["text"]) ? b["text"]["format"] : undefined;
  if (isObj(format) && format["type"] === "json_schema") {
    turn.structured = { via: "format", schema: format["schema"] };
  }
  return turn;
}

/** A single-quoted shell word. */
function shq(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** A shell command that writes `content` to `path` (parents created), for CLIs without a write tool. */
export function shellWriteCommand(path: string, content: string): string {
  const slash = path.lastIndexOf("/");
  const mkdir = slash > 0 ? `mkdir -p ${shq(path.slice(0, slash))} && ` : "";
  return `${mkdir}printf '%s' ${shq(content)} > ${shq(path)}`;
}

/** An `apply_patch` patch adding `path` with `content`. */
export function addFilePatch(path: string, content: string): string {
  const lines = content.replace(/\n$/, "").split("\n");
  return `*** Begin Patch\n*** Add File: ${path}\n${lines.map((l) => `+${l}`).join("\n")}\n*** End Patch\n`;
}

/** One tool call, wire-neutral: a freeform custom tool (`input`) or a JSON function (`arguments`). */
type ToolCall = { kind: "custom"; name: string; input: string } | { kind: "function"; name: string; args: Json };

function offered(turn: Turn, name: string): OfferedTool | undefined {
  return turn.tools.find((t) => t.name === name);
}

/**
 * The tool call that carries out `action` with what the CLI offered, or null when the action
 * is text. Throws when the CLI offered no tool that can (the test then says what Codex sent).
 */
export function toolCallFor(action: Action, turn: Turn, rawTools: readonly unknown[]): ToolCall | null {
  const shell = (cmd: string): ToolCall => {
    if (offered(turn, "exec_command")) return { kind: "function", name: "exec_command", args: { cmd } };
    if (offered(turn, "shell")) return { kind: "function", name: "shell", args: { command: ["bash", "-lc", cmd] } };
    throw new Error(
      `model server (responses): no shell tool offered; tools: ${turn.tools.map((t) => t.name).join(", ")}`,
    );
  };
  if (action.kind === "shell") return shell(action.command);
  if (action.kind === "write") {
    const patch = rawTools.filter(isObj).find((t) => t["name"] === "apply_patch");
    if (patch?.["type"] === "custom") {
      return { kind: "custom", name: "apply_patch", input: addFilePatch(action.path, action.content) };
    }
    if (patch?.["type"] === "function") {
      return { kind: "function", name: "apply_patch", args: { input: addFilePatch(action.path, action.content) } };
    }
    return shell(shellWriteCommand(action.path, action.content));
  }
  return null;
}

let counter = 0;
function id(prefix: string): string {
  counter++;
  return `${prefix}_mock${Date.now().toString(36)}${counter.toString(36).padStart(4, "0")}`;
}

/** Usage as Codex reads it (its `turn.completed.usage` is built from this). */
function usage(turn: Turn, outputChars: number): Json {
  const input = Math.ceil((turn.system.length + turn.prompt.length + turn.toolResults.join("").length) / 4);
  const output = Math.max(1, Math.ceil(outputChars / 4));
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + output,
  };
}

/** Splits `s` into a few chunks, so deltas arrive as a real stream does (never empty). */
function chunks(s: string, parts = 3): string[] {
  if (s.length === 0) return [""];
  const size = Math.max(1, Math.ceil(s.length / parts));
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out;
}

/** The SSE events (already framed) answering `action`. */
export function responsesEvents(action: Action, turn: Turn, rawTools: readonly unknown[]): string[] {
  const respId = id("resp");
  const base = { id: respId, object: "response", created_at: Math.floor(Date.now() / 1000), model: turn.model };
  const ev: string[] = [];
  let seq = 0;
  const emit = (type: string, data: Json) => ev.push(sseFrame({ type, sequence_number: seq++, ...data }, type));
  emit("response.created", { response: { ...base, status: "in_progress", output: [] } });
  const call = toolCallFor(action, turn, rawTools);
  let item: Json;
  let outChars: number;
  if (call === null) {
    const text = action.kind === "structured"
      ? JSON.stringify(action.value)
      : action.kind === "text"
      ? action.text
      : "";
    const itemId = id("msg");
    const added = { id: itemId, type: "message", status: "in_progress", role: "assistant", content: [] };
    emit("response.output_item.added", { output_index: 0, item: added });
    emit("response.content_part.added", {
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      part: { type: "output_text", text: "", annotations: [] },
    });
    for (const delta of chunks(text)) {
      emit("response.output_text.delta", { item_id: itemId, output_index: 0, content_index: 0, delta });
    }
    emit("response.output_text.done", { item_id: itemId, output_index: 0, content_index: 0, text });
    const part = { type: "output_text", text, annotations: [] };
    emit("response.content_part.done", { item_id: itemId, output_index: 0, content_index: 0, part });
    item = { ...added, status: "completed", content: [part] };
    outChars = text.length;
  } else if (call.kind === "custom") {
    const itemId = id("ctc");
    const callId = id("call");
    const added = { id: itemId, type: "custom_tool_call", status: "in_progress", call_id: callId, name: call.name };
    emit("response.output_item.added", { output_index: 0, item: { ...added, input: "" } });
    for (const delta of chunks(call.input)) {
      emit("response.custom_tool_call_input.delta", { item_id: itemId, output_index: 0, delta });
    }
    emit("response.custom_tool_call_input.done", { item_id: itemId, output_index: 0, input: call.input });
    item = { ...added, status: "completed", input: call.input };
    outChars = call.input.length;
  } else {
    const itemId = id("fc");
    const callId = id("call");
    const args = JSON.stringify(call.args);
    const added = { id: itemId, type: "function_call", status: "in_progress", call_id: callId, name: call.name };
    emit("response.output_item.added", { output_index: 0, item: { ...added, arguments: "" } });
    for (const delta of chunks(args)) {
      emit("response.function_call_arguments.delta", { item_id: itemId, output_index: 0, delta });
    }
    emit("response.function_call_arguments.done", { item_id: itemId, output_index: 0, arguments: args });
    item = { ...added, status: "completed", arguments: args };
    outChars = args.length;
  }
  emit("response.output_item.done", { output_index: 0, item });
  emit("response.completed", {
    response: { ...base, status: "completed", output: [item], usage: usage(turn, outChars) },
  });
  return ev;
}

/** The body and headers of an HTTP error fault, in OpenAI's error shape. */
export function responsesError(
  fault: Extract<Fault, { kind: "status" }>,
  model: string,
): { status: number; body: Json; headers: Record<string, string> } {
  const reqId = id("req");
  const headers: Record<string, string> = { "content-type": "application/json", "x-request-id": reqId };
  if (fault.retryAfterSeconds !== undefined) {
    headers["retry-after"] = String(fault.retryAfterSeconds);
    headers["retry-after-ms"] = String(fault.retryAfterSeconds * 1000);
  }
  if (fault.shouldRetry === false) headers["x-should-retry"] = "false";
  const err = (message: string, type: string, code: string | null) => ({
    error: { message, type, param: null, code },
  });
  switch (fault.status) {
    case 401:
      return {
        status: 401,
        headers,
        body: err(
          "Incorrect API key provided: sk-test. You can find your API key at https://platform.openai.com/account/api-keys.",
          "invalid_request_error",
          "invalid_api_key",
        ),
      };
    case 404:
      return {
        status: 404,
        headers,
        body: err(
          `The model \`${model}\` does not exist or you do not have access to it.`,
          "invalid_request_error",
          "model_not_found",
        ),
      };
    case 429: {
      const wait = fault.retryAfterSeconds ?? 20;
      if (fault.usageLimit) {
        // The shape of a plan's usage limit (Codex's ChatGPT sign-in): a reset instant, no code.
        return {
          status: 429,
          headers,
          body: {
            error: {
              type: "usage_limit_reached",
              message: "The usage limit has been reached",
              plan_type: "plus",
              resets_at: Math.floor(Date.now() / 1000) + wait,
            },
          },
        };
      }
      headers["x-ratelimit-reset-requests"] = `${wait}s`;
      return {
        status: 429,
        headers,
        body: err(
          `Rate limit reached for ${model} in organization org-mock on requests per min (RPM): Limit 3, Used 3, ` +
            `Requested 1. Please try again in ${wait}s.`,
          "requests",
          "rate_limit_exceeded",
        ),
      };
    }
    case 500:
      return {
        status: 500,
        headers,
        body: err("The server had an error while processing your request. Sorry about that!", "server_error", null),
      };
    case 503:
    case 529:
      return {
        status: fault.status,
        headers,
        body: err("The server is overloaded or not ready yet.", "server_error", "server_overloaded"),
      };
  }
}

/** The Responses adapter for {@link startModelServer}. */
export const responsesAdapter: WireAdapter = {
  api: "responses",
  matches(method, url) {
    return url.pathname.endsWith("/responses") && method === "POST" ||
      url.pathname.endsWith("/models") && method === "GET";
  },
  staticAnswer(req, url) {
    // A model list in OpenAI's shape, should a client ask (Codex 0.169 with a custom provider did not).
    if (req.method === "GET" && url.pathname.endsWith("/models")) {
      return Response.json({ object: "list", data: [{ id: "gpt-mock", object: "model", owned_by: "mock" }] });
    }
    return null;
  },
  parse(body) {
    return parseResponsesBody(body);
  },
  render(action: Action, turn: Turn, body: unknown, opts: RenderOptions, stream: SseStreams): Response {
    const rawTools = isObj(body) ? arr(body["tools"]) : [];
    const events = responsesEvents(action, turn, rawTools);
    if (isObj(body) && body["stream"] === false) {
      // Non-streaming callers get the final response object.
      const last = events[events.length - 1] ?? "";
      const data = JSON.parse(last.slice(last.indexOf("data: ") + 6)) as Json;
      return Response.json(data["response"]);
    }
    return stream.respond(events, opts);
  },
  renderStatus(fault, turn) {
    const e = responsesError(fault, turn.model);
    return new Response(JSON.stringify(e.body), { status: e.status, headers: e.headers });
  },
};
