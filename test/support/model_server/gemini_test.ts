import { assert, assertEquals } from "../assert.ts";
import { geminiErrorResponse, geminiPart, parseGemini, streamChunks, workspaceDirOf } from "./gemini.ts";

const URL_STREAM = new URL("http://127.0.0.1:1/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");

/** A request body shaped like Gemini CLI 0.61.0's (session context part first, then the prompt). */
const BODY = {
  systemInstruction: { parts: [{ text: "You are Gemini CLI." }] },
  contents: [
    {
      role: "user",
      parts: [
        { text: "<session_context>\n- **Workspace Directories:**\n  - /sandbox/repo\n</session_context>" },
        { text: "work_package_id: WP01\n\nFollow the instructions above." },
      ],
    },
    { role: "model", parts: [{ functionCall: { name: "write_file", args: { file_path: "/sandbox/repo/a" } } }] },
    { role: "user", parts: [{ functionResponse: { name: "write_file", response: { output: "ok" } } }] },
  ],
  tools: [{
    functionDeclarations: [
      {
        name: "write_file",
        parametersJsonSchema: { type: "object", properties: { file_path: {}, content: {} } },
      },
      {
        name: "run_shell_command",
        parametersJsonSchema: { type: "object", properties: { command: {}, description: {}, is_background: {} } },
      },
    ],
  }],
};

Deno.test("parseGemini() reads the prompt without the session context, tool results, tools and the model", () => {
  const t = parseGemini(BODY, URL_STREAM);
  assertEquals(t.model, "gemini-2.5-flash");
  assertEquals(t.system, "You are Gemini CLI.");
  assertEquals(t.prompt, "work_package_id: WP01\n\nFollow the instructions above.");
  assertEquals(t.toolResults, ['{"output":"ok"}']);
  assertEquals(t.tools.map((x) => x.name), ["write_file", "run_shell_command"]);
  assertEquals(t.structured, undefined);
  assertEquals(workspaceDirOf(BODY), "/sandbox/repo");
});

Deno.test("geminiPart() maps write/shell onto write_file (absolute path) and run_shell_command", () => {
  const t = parseGemini(BODY, URL_STREAM);
  assertEquals(geminiPart({ kind: "write", path: "src/a.txt", content: "x\n" }, t, BODY), {
    functionCall: { name: "write_file", args: { file_path: "/sandbox/repo/src/a.txt", content: "x\n" } },
  });
  assertEquals(geminiPart({ kind: "shell", command: "true" }, t, BODY), {
    functionCall: {
      name: "run_shell_command",
      args: { command: "true", description: "Run a command the task asks for", is_background: false },
    },
  });
});

Deno.test("streamChunks() streams a call then a closing chunk, so a stall leaves it unfinished", () => {
  const frames = streamChunks({ functionCall: { name: "write_file", args: {} } }, "m", BODY);
  assertEquals(frames.length, 2);
  const last = JSON.parse(frames[1]!.replace(/^data: /, ""));
  assertEquals(last.candidates[0].finishReason, "STOP");
  assert(last.usageMetadata.promptTokenCount > 0);
  assert(!frames[0]!.includes("finishReason"));
});

Deno.test("geminiErrorResponse() answers 429 in Google's shape with RetryInfo and retry-after", async () => {
  const res = geminiErrorResponse({ kind: "status", status: 429, retryAfterSeconds: 7 }, "m");
  assertEquals(res.status, 429);
  assertEquals(res.headers.get("retry-after"), "7");
  const body = await res.json();
  assertEquals(body.error.status, "RESOURCE_EXHAUSTED");
  assertEquals(body.error.details[1], { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "7s" });
  const overloaded = geminiErrorResponse({ kind: "status", status: 529 }, "m");
  assertEquals(overloaded.status, 503, "the Gemini API has no 529: overload is 503 UNAVAILABLE");
  assertEquals((await overloaded.json()).error.status, "UNAVAILABLE");
});
