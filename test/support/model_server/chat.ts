/**
 * The OpenAI Chat Completions wire API of the scripted model server (`POST /v1/chat/completions`,
 * also `/chat/completions` for clients whose base URL has no `/v1`), as opencode (through the
 * bundled `@ai-sdk/openai-compatible`), qwen-code and pi send it.
 *
 * - {@link parseChat}: a request body as a neutral {@link Turn} (system/developer text, the first
 *   user text, every `role: "tool"` result, the offered function tools, structured output:
 *   `response_format` json_schema via `format`, or qwen-code's synthetic `structured_output`
 *   tool via `tool`).
 * - {@link chatAdapter}: renders an {@link Action} as streaming SSE chunks (`delta.content`,
 *   `delta.tool_calls` with the arguments in pieces, `finish_reason`, a usage chunk when
 *   `stream_options.include_usage`, `data: [DONE]`) or one JSON object, and a fault in OpenAI's
 *   error shape (`{error: {message, type, param, code}}`, `retry-after` on 429).
 *
 * The script's neutral `write`/`shell` actions are mapped onto whatever tools the CLI offered,
 * by name first and then by schema (a tool with a path-like and a `content` property is a write
 * tool; one with a `command` property is a shell tool), because every CLI names them
 * differently: opencode `write {filePath, content}` / `bash {command, description}`, qwen-code
 * `write_file {file_path, content}` / `run_shell_command {command}`, pi `write {path, content}` /
 * `bash {command}`. Paths are made absolute against the working directory the CLI states in its
 * prompt, since several write tools refuse relative paths.
 *
 * @module
 */
import type { RenderOptions, SseStreams, WireAdapter } from "./server.ts";
import { sseFrame } from "./server.ts";
import type { Action, Fault, OfferedTool, Turn } from "./types.ts";

type Obj = Record<string, unknown>;

function asObj(v: unknown): Obj | null {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? v as Obj : null;
}

/** The text of a message `content`: a string, or the `text` of its text parts. */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content.map((p) => {
      const o = asObj(p);
      if (!o) return typeof p === "string" ? p : "";
      return typeof o["text"] === "string" ? o["text"] : "";
    }).join("");
  }
  return "";
}

/** The text parts of a message `content` (a string is one part). */
function textParts(content: unknown): string[] {
  if (typeof content === "string") return [content];
  if (!Array.isArray(content)) return [];
  return content.map((p) => {
    const o = asObj(p);
    return o && typeof o["text"] === "string" ? o["text"] : typeof p === "string" ? p : "";
  }).filter((t) => t !== "");
}

/**
 * The task prompt: the first user text part that is not a CLI's own `<system-reminder>`
 * preamble (qwen-code puts its skill list in front of the prompt, in the same message).
 */
function promptOf(messages: readonly Obj[]): string {
  const parts = messages.filter((m) => m["role"] === "user").flatMap((m) => textParts(m["content"]));
  return parts.find((t) => !t.trimStart().startsWith("<system-reminder>")) ?? parts[0] ?? "";
}

/** Tools through which a CLI asks for its structured final answer (qwen-code `--json-schema`). */
const STRUCTURED_TOOL_NAMES: readonly string[] = ["structured_output"];

/** A Chat Completions request body as a neutral turn. */
export function parseChat(body: unknown): Turn {
  const b = asObj(body) ?? {};
  const messages = Array.isArray(b["messages"]) ? b["messages"].map(asObj).filter((m) => m !== null) : [];
  const system = messages.filter((m) => m["role"] === "system" || m["role"] === "developer")
    .map((m) => contentText(m["content"])).join("\n\n");
  const toolResults = messages.filter((m) => m["role"] === "tool").map((m) => contentText(m["content"]));
  const tools: OfferedTool[] = [];
  for (const t of Array.isArray(b["tools"]) ? b["tools"] : []) {
    const fn = asObj(asObj(t)?.["function"]);
    if (fn && typeof fn["name"] === "string") tools.push({ name: fn["name"], schema: fn["parameters"] });
  }
  const turn: Turn = {
    api: "chat",
    model: typeof b["model"] === "string" ? b["model"] : "",
    system,
    prompt: promptOf(messages),
    toolResults,
    tools,
  };
  const rf = asObj(b["response_format"]);
  // qwen-code's `--json-schema` registers a synthetic tool; the session ends on its first valid call.
  const structuredTool = tools.find((t) => STRUCTURED_TOOL_NAMES.includes(t.name));
  if (structuredTool) {
    turn.structured = { via: "tool", schema: structuredTool.schema ?? null, toolName: structuredTool.name };
  } else if (rf?.["type"] === "json_schema") {
    const js = asObj(rf["json_schema"]);
    turn.structured = { via: "format", schema: js?.["schema"] ?? null };
  }
  return turn;
}

/** Every message's text of a request (system, user, tool results), for finding the working directory. */
function allText(body: unknown): string {
  const b = asObj(body) ?? {};
  const messages = Array.isArray(b["messages"]) ? b["messages"] : [];
  return messages.map((m) => contentText(asObj(m)?.["content"])).join("\n");
}

const CWD_PATTERNS: readonly RegExp[] = [
  // opencode: "<env>\n  Working directory: /abs"
  /Working directory:\s*(\/[^\s<]+)/,
  // qwen-code (Gemini lineage): "I'm currently working in the directory: /abs"
  /working in the directory:?\s*(\/[^\s<]+)/i,
  // pi: "Current working directory: /abs"
  /Current working directory:\s*(\/[^\s<]+)/i,
];

/** The working directory the CLI told the model about, or "" when it did not. */
export function workingDirOf(body: unknown): string {
  const text = allText(body);
  for (const re of CWD_PATTERNS) {
    const m = re.exec(text);
    if (m?.[1]) return m[1].replace(/[.,;:`'"]+$/, "");
  }
  return "";
}

function props(tool: OfferedTool): string[] {
  const p = asObj(asObj(tool.schema)?.["properties"]);
  return p ? Object.keys(p) : [];
}

function required(tool: OfferedTool): string[] {
  const r = asObj(tool.schema)?.["required"];
  return Array.isArray(r) ? r.filter((x): x is string => typeof x === "string") : [];
}

// copilot 1.0.102: `create {path, file_text}` (absolute path; the file must not exist yet).
const WRITE_NAMES = ["write", "write_file", "Write", "create_file", "create"];
const SHELL_NAMES = ["bash", "run_shell_command", "shell", "Bash", "exec_command"];
const PATH_KEYS = ["filePath", "file_path", "path", "absolute_path"];
const CONTENT_KEYS = ["content", "file_text"];

/** The offered write tool and its path and content argument names, by name first, then by schema. */
export function writeToolOf(
  tools: readonly OfferedTool[],
): { name: string; pathKey: string; contentKey: string } | null {
  const byName = WRITE_NAMES.map((n) => tools.find((t) => t.name === n)).find((t) => t !== undefined);
  const bySchema = tools.find((t) =>
    CONTENT_KEYS.some((k) => props(t).includes(k)) && PATH_KEYS.some((k) => props(t).includes(k))
  );
  const tool = byName ?? bySchema;
  if (!tool) return null;
  const pathKey = PATH_KEYS.find((k) => props(tool).includes(k)) ?? "path";
  const contentKey = CONTENT_KEYS.find((k) => props(tool).includes(k)) ?? "content";
  return { name: tool.name, pathKey, contentKey };
}

/** The offered shell tool, by name first, then by a `command` property. */
export function shellToolOf(tools: readonly OfferedTool[]): OfferedTool | null {
  const byName = SHELL_NAMES.map((n) => tools.find((t) => t.name === n)).find((t) => t !== undefined);
  return byName ?? tools.find((t) => props(t).includes("command")) ?? null;
}

/** A tool call the model makes, or text when the CLI offered no tool for the action. */
export type ChatStep =
  | { kind: "tool"; name: string; arguments: Obj }
  | { kind: "text"; text: string };

/**
 * The script's action as a Chat Completions step for this request: `write`/`shell` mapped onto
 * the offered tools (see the module doc), `structured` as its JSON text, `text` as is.
 */
export function chatStep(action: Action, turn: Turn, body: unknown): ChatStep {
  if (action.kind === "text") return { kind: "text", text: action.text };
  if (action.kind === "structured") {
    const s = turn.structured;
    if (s?.via === "tool" && s.toolName) {
      return { kind: "tool", name: s.toolName, arguments: asObj(action.value) ?? {} };
    }
    return { kind: "text", text: JSON.stringify(action.value) };
  }
  if (action.kind === "write") {
    const tool = writeToolOf(turn.tools);
    if (!tool) return { kind: "text", text: `(no write tool offered; would write ${action.path})` };
    const cwd = workingDirOf(body);
    const path = action.path.startsWith("/") || cwd === "" ? action.path : `${cwd.replace(/\/$/, "")}/${action.path}`;
    return { kind: "tool", name: tool.name, arguments: { [tool.pathKey]: path, [tool.contentKey]: action.content } };
  }
  const tool = shellToolOf(turn.tools);
  if (!tool) return { kind: "text", text: `(no shell tool offered; would run ${action.command})` };
  const args: Obj = { command: action.command };
  const p = props(tool);
  if (p.includes("description")) args["description"] = "Run a command the task asks for";
  if (p.includes("is_background") && required(tool).includes("is_background")) args["is_background"] = false;
  return { kind: "tool", name: tool.name, arguments: args };
}

let callCounter = 0;

/** A tool call id in OpenAI's style, unique within the process. */
function callId(): string {
  callCounter++;
  return `call_mock${callCounter.toString(16).padStart(4, "0")}${crypto.randomUUID().replace(/-/g, "").slice(0, 12)}`;
}

/** Split `s` into about `n` pieces (the model streams arguments and text in fragments). */
function pieces(s: string, n: number): string[] {
  if (s === "") return [""];
  const size = Math.max(1, Math.ceil(s.length / n));
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out;
}

function usageOf(body: unknown, output: string): Obj {
  const prompt = Math.ceil(JSON.stringify(body ?? "").length / 4);
  const completion = Math.max(1, Math.ceil(output.length / 4));
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** The SSE frames of one streamed step (every frame framed; ends with `data: [DONE]`). */
export function streamFrames(
  step: ChatStep,
  model: string,
  body: unknown,
  id = `chatcmpl-mock${Date.now()}`,
): string[] {
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: Obj, finish: string | null): string =>
    sseFrame({
      id,
      object: "chat.completion.chunk",
      created,
      model,
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
  const frames: string[] = [];
  let output: string;
  if (step.kind === "text") {
    output = step.text;
    frames.push(chunk({ role: "assistant", content: "" }, null));
    for (const p of pieces(step.text, 3)) frames.push(chunk({ content: p }, null));
    frames.push(chunk({}, "stop"));
  } else {
    const args = JSON.stringify(step.arguments);
    output = args;
    frames.push(chunk({
      role: "assistant",
      content: null,
      tool_calls: [{ index: 0, id: callId(), type: "function", function: { name: step.name, arguments: "" } }],
    }, null));
    for (const p of pieces(args, 3)) {
      frames.push(chunk({ tool_calls: [{ index: 0, function: { arguments: p } }] }, null));
    }
    frames.push(chunk({}, "tool_calls"));
  }
  const so = asObj(asObj(body)?.["stream_options"]);
  if (so?.["include_usage"] === true) {
    frames.push(
      sseFrame({ id, object: "chat.completion.chunk", created, model, choices: [], usage: usageOf(body, output) }),
    );
  }
  frames.push(sseFrame("[DONE]"));
  return frames;
}

/** The non-streaming `chat.completion` object of one step. */
export function completionObject(step: ChatStep, model: string, body: unknown): Obj {
  const message: Obj = step.kind === "text" ? { role: "assistant", content: step.text } : {
    role: "assistant",
    content: null,
    tool_calls: [{
      id: callId(),
      type: "function",
      function: { name: step.name, arguments: JSON.stringify(step.arguments) },
    }],
  };
  return {
    id: `chatcmpl-mock${Date.now()}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message, finish_reason: step.kind === "text" ? "stop" : "tool_calls" }],
    usage: usageOf(body, step.kind === "text" ? step.text : JSON.stringify(step.arguments)),
  };
}

/** A status fault as OpenAI answers it: body `{error: {...}}` and the headers its SDKs read. */
export function errorResponse(fault: Extract<Fault, { kind: "status" }>, model: string): Response {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-request-id": `req_mock${Date.now()}`,
  };
  if (fault.shouldRetry !== undefined) headers["x-should-retry"] = String(fault.shouldRetry);
  let error: Obj;
  switch (fault.status) {
    case 429: {
      const s = fault.retryAfterSeconds ?? 1;
      headers["retry-after"] = String(s);
      headers["retry-after-ms"] = String(s * 1000);
      headers["x-ratelimit-limit-requests"] = "3";
      headers["x-ratelimit-remaining-requests"] = "0";
      headers["x-ratelimit-reset-requests"] = `${s}s`;
      error = {
        message: `Rate limit reached for ${model} in organization org-mock on requests per min (RPM): ` +
          `Limit 3, Used 3, Requested 1. Please try again in ${s}s.`,
        type: "requests",
        param: null,
        code: "rate_limit_exceeded",
      };
      break;
    }
    case 401:
      error = {
        message:
          "Incorrect API key provided: sk-test. You can find your API key at https://platform.openai.com/account/api-keys.",
        type: "invalid_request_error",
        param: null,
        code: "invalid_api_key",
      };
      break;
    case 404:
      error = {
        message: `The model \`${model}\` does not exist or you do not have access to it.`,
        type: "invalid_request_error",
        param: null,
        code: "model_not_found",
      };
      break;
    case 503:
    case 529:
      if (fault.retryAfterSeconds !== undefined) headers["retry-after"] = String(fault.retryAfterSeconds);
      error = {
        message: "The server is overloaded or not ready yet.",
        type: "server_error",
        param: null,
        code: "overloaded",
      };
      break;
    default:
      error = {
        message: "The server had an error while processing your request.",
        type: "server_error",
        param: null,
        code: null,
      };
  }
  return new Response(JSON.stringify({ error }), { status: fault.status, headers });
}

/** The `GET /v1/models` answer: the one model the tests configure, and any the CLI asks for by id. */
export function modelsResponse(models: readonly string[]): Response {
  return Response.json({
    object: "list",
    data: models.map((id) => ({ id, object: "model", created: 1_700_000_000, owned_by: "mock" })),
  });
}

/** Options of {@link chatAdapter}. */
export interface ChatAdapterOptions {
  /** Models listed by `GET /v1/models`. @default ["mock-coder"] */
  models?: readonly string[];
}

/** The Chat Completions {@link WireAdapter}; see the module doc. */
export function chatAdapter(options: ChatAdapterOptions = {}): WireAdapter {
  const models = options.models ?? ["mock-coder"];
  return {
    api: "chat",
    matches: (method, url) =>
      (method === "POST" && url.pathname.endsWith("/chat/completions")) ||
      (method === "GET" && /\/models\/?$/.test(url.pathname)),
    staticAnswer: (req, url) =>
      req.method === "GET" && /\/models\/?$/.test(url.pathname) ? modelsResponse(models) : null,
    parse: (body) => parseChat(body),
    render(action: Action, turn: Turn, body: unknown, opts: RenderOptions, streams: SseStreams): Response {
      const step = chatStep(action, turn, body);
      const stream = asObj(body)?.["stream"] === true;
      if (!stream) return Response.json(completionObject(step, turn.model, body));
      return streams.respond(streamFrames(step, turn.model, body), opts);
    },
    renderStatus: (fault, turn) => errorResponse(fault, turn.model),
  };
}
