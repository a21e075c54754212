/**
 * The Gemini API wire format of the scripted model server (`POST
 * /v1beta/models/<model>:streamGenerateContent?alt=sse`, `:generateContent`, `:countTokens`), as
 * Gemini CLI sends it through `@google/genai` when `GOOGLE_GEMINI_BASE_URL` points here.
 *
 * - {@link parseGemini}: a request body as a neutral {@link Turn}: `systemInstruction` text, the
 *   first user content's text parts without the CLI's own `<session_context>` part, every
 *   `functionResponse` part as a tool result, the offered `functionDeclarations`
 *   (`parametersJsonSchema` or `parameters`), and `generationConfig.responseJsonSchema` as
 *   structured output via `format` (Gemini CLI asks for it only in its own side requests, e.g.
 *   the model router; it has no structured-output flag for the task itself).
 * - {@link geminiAdapter}: renders an {@link Action} as SSE `data:` frames of
 *   `GenerateContentResponse` chunks (text in pieces, or one `functionCall` part, then
 *   `finishReason: "STOP"` with `usageMetadata`), or as one JSON object for `:generateContent`;
 *   a fault in Google's error shape `{error: {code, message, status, details}}` with a
 *   `google.rpc.RetryInfo` `retryDelay` and a `retry-after` header on 429.
 *
 * `write`/`shell` map onto Gemini CLI's `write_file {file_path, content}` and
 * `run_shell_command {command, description, is_background}`, found by name then by schema
 * (shared with the Chat adapter); the path is made absolute against the workspace directory the
 * CLI lists in its session context.
 *
 * @module
 */
import { shellToolOf, writeToolOf } from "./chat.ts";
import type { RenderOptions, SseStreams, WireAdapter } from "./server.ts";
import type { Action, Fault, OfferedTool, Turn } from "./types.ts";

type Obj = Record<string, unknown>;

function asObj(v: unknown): Obj | null {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? v as Obj : null;
}

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The text parts of a `Content` (`{role, parts: [{text}, ...]}`). */
function textsOf(content: unknown): string[] {
  return arr(asObj(content)?.["parts"]).map((p) => asObj(p)?.["text"]).filter((t): t is string =>
    typeof t === "string"
  );
}

/** The model in the request path (`/v1beta/models/<model>:streamGenerateContent`), or "". */
export function modelOfPath(pathname: string): string {
  return /\/models\/([^/:]+):/.exec(pathname)?.[1] ?? "";
}

/** A Gemini `generateContent` / `streamGenerateContent` body as a neutral turn. */
export function parseGemini(body: unknown, url: URL): Turn {
  const b = asObj(body) ?? {};
  const contents = arr(b["contents"]).map(asObj).filter((c) => c !== null);
  const system = textsOf(b["systemInstruction"]).join("\n\n");
  const firstUser = contents.find((c) => (c["role"] ?? "user") === "user");
  const userTexts = firstUser ? textsOf(firstUser) : [];
  const prompt = userTexts.filter((t) => !t.trimStart().startsWith("<session_context>")).join("\n");
  const toolResults: string[] = [];
  for (const c of contents) {
    for (const p of arr(c["parts"])) {
      const fr = asObj(asObj(p)?.["functionResponse"]);
      if (fr) toolResults.push(JSON.stringify(fr["response"] ?? null));
    }
  }
  const tools: OfferedTool[] = [];
  for (const t of arr(b["tools"])) {
    for (const d of arr(asObj(t)?.["functionDeclarations"])) {
      const fd = asObj(d);
      if (fd && typeof fd["name"] === "string") {
        tools.push({ name: fd["name"], schema: fd["parametersJsonSchema"] ?? fd["parameters"] });
      }
    }
  }
  const turn: Turn = { api: "gemini", model: modelOfPath(url.pathname), system, prompt, toolResults, tools };
  const gc = asObj(b["generationConfig"]);
  const schema = gc?.["responseJsonSchema"] ?? gc?.["responseSchema"];
  if (schema !== undefined) turn.structured = { via: "format", schema };
  return turn;
}

/** The workspace directory Gemini CLI lists in its `<session_context>` part, or "". */
export function workspaceDirOf(body: unknown): string {
  const text = arr(asObj(body)?.["contents"]).flatMap(textsOf).join("\n");
  const m = /Workspace Directories:\*{0,2}\s*\n\s*-\s*(\/\S+)/.exec(text) ??
    /working (?:in the )?directory:?\s*(\/\S+)/i.exec(text);
  return m?.[1]?.replace(/[.,;:`'"]+$/, "") ?? "";
}

/** One model part: text, or a function call. */
export type GeminiPart = { text: string } | { functionCall: { name: string; args: Obj } };

/** The script's action as the model's part for this request (see the module doc). */
export function geminiPart(action: Action, turn: Turn, body: unknown): GeminiPart {
  if (action.kind === "text") return { text: action.text };
  if (action.kind === "structured") return { text: JSON.stringify(action.value) };
  if (action.kind === "write") {
    const tool = writeToolOf(turn.tools);
    if (!tool) return { text: `(no write tool offered; would write ${action.path})` };
    const cwd = workspaceDirOf(body);
    const path = action.path.startsWith("/") || cwd === "" ? action.path : `${cwd.replace(/\/$/, "")}/${action.path}`;
    return { functionCall: { name: tool.name, args: { [tool.pathKey]: path, [tool.contentKey]: action.content } } };
  }
  const tool = shellToolOf(turn.tools);
  if (!tool) return { text: `(no shell tool offered; would run ${action.command})` };
  const args: Obj = { command: action.command };
  const props = Object.keys(asObj(asObj(tool.schema)?.["properties"]) ?? {});
  if (props.includes("description")) args["description"] = "Run a command the task asks for";
  if (props.includes("is_background")) args["is_background"] = false;
  return { functionCall: { name: tool.name, args } };
}

function usageOf(body: unknown, output: string): Obj {
  const prompt = Math.ceil(JSON.stringify(body ?? "").length / 4);
  const candidates = Math.max(1, Math.ceil(output.length / 4));
  return { promptTokenCount: prompt, candidatesTokenCount: candidates, totalTokenCount: prompt + candidates };
}

function pieces(s: string, n: number): string[] {
  if (s === "") return [""];
  const size = Math.max(1, Math.ceil(s.length / n));
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out;
}

function chunk(parts: GeminiPart[], model: string, finish?: { body: unknown; output: string }): Obj {
  const candidate: Obj = { content: { role: "model", parts }, index: 0 };
  const out: Obj = { candidates: [candidate], modelVersion: model, responseId: `mock-${crypto.randomUUID()}` };
  if (finish) {
    candidate["finishReason"] = "STOP";
    out["usageMetadata"] = usageOf(finish.body, finish.output);
  }
  return out;
}

/** The SSE frames of one streamed answer: text in pieces (the last one finishing), or one call. */
export function streamChunks(part: GeminiPart, model: string, body: unknown): string[] {
  const frame = (o: Obj) => `data: ${JSON.stringify(o)}\r\n\r\n`;
  if ("functionCall" in part) {
    // As the API streams it: the call, then a closing chunk (empty text, finishReason, usage), so
    // a stall after the first event leaves the call unfinished.
    return [
      frame(chunk([part], model)),
      frame(chunk([{ text: "" }], model, { body, output: JSON.stringify(part.functionCall.args) })),
    ];
  }
  const texts = pieces(part.text, 3);
  return texts.map((t, i) =>
    frame(chunk([{ text: t }], model, i === texts.length - 1 ? { body, output: part.text } : undefined))
  );
}

const STATUS_NAMES: Readonly<Record<number, string>> = {
  401: "UNAUTHENTICATED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
  529: "UNAVAILABLE",
};

/** A status fault as the Gemini API answers it (`{error: {code, message, status, details}}`). */
export function geminiErrorResponse(fault: Extract<Fault, { kind: "status" }>, model: string): Response {
  const headers: Record<string, string> = { "content-type": "application/json; charset=UTF-8" };
  const status = STATUS_NAMES[fault.status] ?? "INTERNAL";
  let message: string;
  let details: Obj[] | undefined;
  switch (fault.status) {
    case 429: {
      const s = fault.retryAfterSeconds ?? 1;
      headers["retry-after"] = String(s);
      message = `You exceeded your current quota, please check your plan and billing details. ` +
        `Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, ` +
        `limit: 10, model: ${model}. Please retry in ${s}s.`;
      details = [
        {
          "@type": "type.googleapis.com/google.rpc.QuotaFailure",
          violations: [{
            quotaMetric: "generativelanguage.googleapis.com/generate_content_free_tier_requests",
            quotaId: "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
            quotaDimensions: { location: "global", model },
            quotaValue: "10",
          }],
        },
        { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: `${s}s` },
      ];
      break;
    }
    case 401:
      message = "API key not valid. Please pass a valid API key.";
      details = [{
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        reason: "API_KEY_INVALID",
        domain: "googleapis.com",
        metadata: { service: "generativelanguage.googleapis.com" },
      }];
      break;
    case 404:
      message = `models/${model} is not found for API version v1beta, or is not supported for generateContent. ` +
        "Call ListModels to see the list of available models and their supported methods.";
      break;
    case 503:
    case 529:
      if (fault.retryAfterSeconds !== undefined) headers["retry-after"] = String(fault.retryAfterSeconds);
      message = "The model is overloaded. Please try again later.";
      break;
    default:
      message =
        "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting";
  }
  const error: Obj = { code: fault.status === 529 ? 503 : fault.status, message, status };
  if (details) error["details"] = details;
  return new Response(JSON.stringify({ error }), { status: fault.status === 529 ? 503 : fault.status, headers });
}

const GEMINI_PATH = /\/models\/[^/:]+:(streamGenerateContent|generateContent|countTokens)$/;

/** The Gemini API {@link WireAdapter}; see the module doc. */
export function geminiAdapter(): WireAdapter {
  // `render` is not given the URL: remember per body whether it came in on the streaming method.
  const streaming = new WeakMap<object, boolean>();
  return {
    api: "gemini",
    matches: (method, url) => method === "POST" && GEMINI_PATH.test(url.pathname),
    staticAnswer: (_req, url) =>
      url.pathname.endsWith(":countTokens") ? Response.json({ totalTokens: 100, promptTokensDetails: [] }) : null,
    parse(body, url) {
      const b = asObj(body);
      if (b) streaming.set(b, url.pathname.endsWith(":streamGenerateContent"));
      return parseGemini(body, url);
    },
    render(action: Action, turn: Turn, body: unknown, opts: RenderOptions, streams: SseStreams): Response {
      const part = geminiPart(action, turn, body);
      const b = asObj(body);
      if (!(b && streaming.get(b))) {
        return Response.json(chunk([part], turn.model, { body, output: "text" in part ? part.text : "" }));
      }
      return streams.respond(streamChunks(part, turn.model, body), opts);
    },
    renderStatus: (fault, turn) => geminiErrorResponse(fault, turn.model),
  };
}
