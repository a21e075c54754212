/**
 * The Anthropic Messages wire API of the scripted model server (`POST /v1/messages`, which
 * Claude Code sends as `/v1/messages?beta=true` with `stream: true`).
 *
 * - {@link parseAnthropic}: a request body as a neutral {@link Turn}: the `system` blocks plus
 *   any `role: "system"` message (Claude Code 2.1.328 puts its environment section, with the
 *   working directory, in one), the task prompt (the first user message's text blocks that are
 *   not Claude Code's own `<system-reminder>` preambles), every `tool_result` block in order,
 *   the offered tools, and `StructuredOutput` (what `--json-schema` becomes) as
 *   `structured = {via: "tool"}`.
 * - {@link anthropicAdapter}: renders an {@link Action} as the Messages SSE stream
 *   (`message_start`, `content_block_start`/`_delta`/`_stop` with `text_delta` or
 *   `input_json_delta` pieces for a `tool_use`, `message_delta` with the `stop_reason`,
 *   `message_stop`) or as one `message` object when the request did not stream (Claude Code
 *   falls back to a non-streaming request after its stream watchdog fires), and a fault in
 *   Anthropic's error shape (`{type: "error", error: {type, message}}` with `request-id`,
 *   `retry-after` and `x-should-retry` headers).
 *
 * `write` becomes `Write {file_path, content}` with an absolute path (Claude Code's Write tool
 * refuses relative paths; the working directory is read from the request), `shell` becomes
 * `Bash {command, description}`, `structured` becomes a `StructuredOutput` tool call whose
 * input is the value.
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

function messagesOf(body: unknown): Obj[] {
  const m = asObj(body)?.["messages"];
  return Array.isArray(m) ? m.map(asObj).filter((x): x is Obj => x !== null) : [];
}

/** The text blocks of a `content` (a string is one block). */
function textBlocks(content: unknown): string[] {
  if (typeof content === "string") return [content];
  if (!Array.isArray(content)) return [];
  return content.map(asObj).filter((b) => b?.["type"] === "text" && typeof b["text"] === "string")
    .map((b) => b!["text"] as string);
}

/** The text of a `tool_result` block's `content` (a string, or text blocks). */
function toolResultText(content: unknown): string {
  return textBlocks(content).join("\n");
}

/** The tool name through which Claude Code's `--json-schema` asks for its final answer. */
export const STRUCTURED_TOOL = "StructuredOutput";

/** A Messages request body as a neutral turn; see the module doc. */
export function parseAnthropic(body: unknown): Turn {
  const b = asObj(body) ?? {};
  const messages = messagesOf(body);
  const system = [
    ...textBlocks(b["system"]),
    ...messages.filter((m) => m["role"] === "system").flatMap((m) => textBlocks(m["content"])),
  ].join("\n\n");
  const firstUser = messages.find((m) => m["role"] === "user");
  const userTexts = firstUser ? textBlocks(firstUser["content"]) : [];
  const own = userTexts.filter((t) => !t.trimStart().startsWith("<system-reminder>"));
  const prompt = (own.length > 0 ? own : userTexts).join("\n\n");
  const toolResults: string[] = [];
  for (const m of messages) {
    if (m["role"] !== "user" || !Array.isArray(m["content"])) continue;
    for (const block of m["content"].map(asObj)) {
      if (block?.["type"] === "tool_result") toolResults.push(toolResultText(block["content"]));
    }
  }
  const tools: OfferedTool[] = [];
  for (const t of Array.isArray(b["tools"]) ? b["tools"].map(asObj) : []) {
    if (t && typeof t["name"] === "string") tools.push({ name: t["name"], schema: t["input_schema"] });
  }
  const turn: Turn = {
    api: "anthropic",
    model: typeof b["model"] === "string" ? b["model"] : "",
    system,
    prompt,
    toolResults,
    modelTurns: messages.filter((m) => m["role"] === "assistant").length,
    tools,
  };
  const structured = tools.find((t) => t.name === STRUCTURED_TOOL);
  if (structured) turn.structured = { via: "tool", schema: structured.schema ?? null, toolName: STRUCTURED_TOOL };
  return turn;
}

/** The working directory Claude Code states ("Primary working directory: /abs"), or "". */
export function workingDirOf(body: unknown): string {
  const b = asObj(body) ?? {};
  const texts = [...textBlocks(b["system"]), ...messagesOf(body).flatMap((m) => textBlocks(m["content"]))];
  for (const t of texts) {
    const m = /(?:Primary )?[Ww]orking directory:\s*(\/[^\s<`]+)/.exec(t);
    if (m?.[1]) return m[1];
  }
  return "";
}

/** One content block the model answers with. */
export type AnthropicBlock =
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: Obj };

let toolCounter = 0;

/** A tool-use id in Anthropic's style, unique within the process. */
function toolUseId(): string {
  toolCounter++;
  return `toolu_mock${toolCounter.toString(16).padStart(4, "0")}${crypto.randomUUID().replace(/-/g, "").slice(0, 16)}`;
}

function offers(turn: Turn, name: string): boolean {
  return turn.tools.some((t) => t.name === name);
}

/**
 * The script's action as content blocks: a short text, then a tool call when the action is one
 * (see the module doc). A tool the CLI did not offer becomes text saying so, so a test sees the
 * CLI end without the side effect instead of an invented tool call.
 */
export function anthropicBlocks(action: Action, turn: Turn, body: unknown): AnthropicBlock[] {
  switch (action.kind) {
    case "text":
      return [{ type: "text", text: action.text }];
    case "structured": {
      if (turn.structured?.via !== "tool") return [{ type: "text", text: JSON.stringify(action.value) }];
      const input = asObj(action.value) ?? { value: action.value };
      return [{ type: "tool_use", id: toolUseId(), name: turn.structured.toolName ?? STRUCTURED_TOOL, input }];
    }
    case "write": {
      if (!offers(turn, "Write")) {
        return [{ type: "text", text: `(no Write tool offered; would write ${action.path})` }];
      }
      const cwd = workingDirOf(body);
      const path = action.path.startsWith("/") || cwd === "" ? action.path : `${cwd.replace(/\/$/, "")}/${action.path}`;
      return [
        { type: "text", text: `I'll write ${action.path}.` },
        { type: "tool_use", id: toolUseId(), name: "Write", input: { file_path: path, content: action.content } },
      ];
    }
    case "shell":
      if (!offers(turn, "Bash")) return [{ type: "text", text: `(no Bash tool offered; would run ${action.command})` }];
      return [
        { type: "text", text: "I'll run the command the task asks for." },
        {
          type: "tool_use",
          id: toolUseId(),
          name: "Bash",
          input: { command: action.command, description: "Run a command the task asks for" },
        },
      ];
  }
}

/** Split `s` into about `n` pieces (the model streams text and tool input in fragments). */
function pieces(s: string, n: number): string[] {
  if (s === "") return [""];
  const size = Math.max(1, Math.ceil(s.length / n));
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out;
}

function usageOf(body: unknown, blocks: readonly AnthropicBlock[]): { input_tokens: number; output_tokens: number } {
  const input = Math.ceil(JSON.stringify(body ?? "").length / 4);
  const output = Math.max(1, Math.ceil(JSON.stringify(blocks).length / 4));
  return { input_tokens: input, output_tokens: output };
}

function stopReason(blocks: readonly AnthropicBlock[]): "tool_use" | "end_turn" {
  return blocks.some((b) => b.type === "tool_use") ? "tool_use" : "end_turn";
}

function messageId(): string {
  return `msg_mock${crypto.randomUUID().replace(/-/g, "").slice(0, 20)}`;
}

/** The SSE events of one streamed answer, each framed with its `event:` name. */
export function anthropicStreamFrames(blocks: readonly AnthropicBlock[], model: string, body: unknown): string[] {
  const usage = usageOf(body, blocks);
  const ev = (data: Obj) => sseFrame(data, data["type"] as string);
  const frames: string[] = [
    ev({
      type: "message_start",
      message: {
        id: messageId(),
        type: "message",
        role: "assistant",
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: usage.input_tokens, output_tokens: 1 },
      },
    }),
  ];
  blocks.forEach((block, index) => {
    if (block.type === "text") {
      frames.push(ev({ type: "content_block_start", index, content_block: { type: "text", text: "" } }));
      for (const p of pieces(block.text, 3)) {
        frames.push(ev({ type: "content_block_delta", index, delta: { type: "text_delta", text: p } }));
      }
    } else {
      frames.push(ev({
        type: "content_block_start",
        index,
        content_block: { type: "tool_use", id: block.id, name: block.name, input: {} },
      }));
      for (const p of pieces(JSON.stringify(block.input), 3)) {
        frames.push(ev({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: p } }));
      }
    }
    frames.push(ev({ type: "content_block_stop", index }));
  });
  frames.push(ev({
    type: "message_delta",
    delta: { stop_reason: stopReason(blocks), stop_sequence: null },
    usage: { output_tokens: usage.output_tokens },
  }));
  frames.push(ev({ type: "message_stop" }));
  return frames;
}

/** The non-streaming `message` object of one answer. */
export function anthropicMessage(blocks: readonly AnthropicBlock[], model: string, body: unknown): Obj {
  return {
    id: messageId(),
    type: "message",
    role: "assistant",
    model,
    content: blocks,
    stop_reason: stopReason(blocks),
    stop_sequence: null,
    usage: usageOf(body, blocks),
  };
}

/**
 * A status fault as Anthropic answers it: `{type: "error", error: {type, message}}`, a
 * `request-id`, `retry-after` (seconds) where the API sends one, and `x-should-retry` when the
 * fault sets it (Claude Code's client retries 408/409/429/5xx unless that header says false).
 */
export function anthropicErrorResponse(fault: Extract<Fault, { kind: "status" }>, model: string): Response {
  const requestId = `req_mock${crypto.randomUUID().replace(/-/g, "").slice(0, 20)}`;
  const headers: Record<string, string> = { "content-type": "application/json", "request-id": requestId };
  if (fault.shouldRetry !== undefined) headers["x-should-retry"] = String(fault.shouldRetry);
  let type: string;
  let message: string;
  switch (fault.status) {
    case 429: {
      const s = fault.retryAfterSeconds ?? 1;
      headers["retry-after"] = String(s);
      const reset = new Date(Date.now() + s * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
      headers["anthropic-ratelimit-requests-limit"] = "50";
      headers["anthropic-ratelimit-requests-remaining"] = "0";
      headers["anthropic-ratelimit-requests-reset"] = reset;
      if (fault.usageLimit) {
        // A subscription's usage limit: the unified rate-limit headers with the reset instant.
        headers["anthropic-ratelimit-unified-status"] = "rejected";
        headers["anthropic-ratelimit-unified-reset"] = String(Math.ceil(Date.now() / 1000) + s);
      }
      type = "rate_limit_error";
      message = "Number of request tokens has exceeded your per-minute rate limit (mock rate limit).";
      break;
    }
    case 401:
      type = "authentication_error";
      message = "invalid x-api-key";
      break;
    case 404:
      type = "not_found_error";
      message = `model: ${model}`;
      break;
    case 529:
      if (fault.retryAfterSeconds !== undefined) headers["retry-after"] = String(fault.retryAfterSeconds);
      type = "overloaded_error";
      message = "Overloaded";
      break;
    case 503:
      if (fault.retryAfterSeconds !== undefined) headers["retry-after"] = String(fault.retryAfterSeconds);
      type = "api_error";
      message = "Service unavailable";
      break;
    default:
      type = "api_error";
      message = "Internal server error";
  }
  return new Response(JSON.stringify({ type: "error", error: { type, message }, request_id: requestId }), {
    status: fault.status,
    headers,
  });
}

/**
 * A rough `POST /v1/messages/count_tokens` answer (a quarter of the body's bytes): the server
 * answers static requests before reading the body, so the size comes from `content-length`.
 */
function countTokens(req: Request): Response {
  const bytes = Number(req.headers.get("content-length") ?? "0");
  return Response.json({ input_tokens: Math.max(1, Math.ceil((Number.isFinite(bytes) ? bytes : 0) / 4)) });
}

/** Options of {@link anthropicAdapter}. */
export interface AnthropicAdapterOptions {
  /** Models listed by `GET /v1/models`. @default ["claude-opus-5-5"] */
  models?: readonly string[];
}

/** The Anthropic Messages {@link WireAdapter}; see the module doc. */
export function anthropicAdapter(options: AnthropicAdapterOptions = {}): WireAdapter {
  const models = options.models ?? ["claude-opus-5-5"];
  return {
    api: "anthropic",
    matches: (method, url) =>
      (method === "POST" && /\/v1\/messages(\/count_tokens)?$/.test(url.pathname)) ||
      (method === "GET" && /\/v1\/models(\/[^/]+)?$/.test(url.pathname)),
    staticAnswer(req, url) {
      if (url.pathname.endsWith("/count_tokens")) return countTokens(req);
      if (req.method !== "GET") return null;
      const one = /\/v1\/models\/([^/]+)$/.exec(url.pathname)?.[1];
      const entry = (id: string) => ({ type: "model", id, display_name: id, created_at: "2026-01-01T00:00:00Z" });
      if (one) return Response.json(entry(decodeURIComponent(one)));
      return Response.json({
        data: models.map(entry),
        has_more: false,
        first_id: models[0] ?? null,
        last_id: models.at(-1) ?? null,
      });
    },
    parse: (body) => parseAnthropic(body),
    render(action: Action, turn: Turn, body: unknown, opts: RenderOptions, streams: SseStreams): Response {
      const blocks = anthropicBlocks(action, turn, body);
      if (asObj(body)?.["stream"] !== true) return Response.json(anthropicMessage(blocks, turn.model, body));
      return streams.respond(anthropicStreamFrames(blocks, turn.model, body), opts);
    },
    renderStatus: (fault, turn) => anthropicErrorResponse(fault, turn.model),
  };
}
