/**
 * GitHub Copilot CLI (`copilot -p … --output-format json`): JSONL session events ending in a
 * top-level `result` with `exitCode`. Final message = last `assistant.message` without tool
 * requests and without `agentId` (subagents). No `result` event means failure. No tokens or
 * USD cost are reported (premium requests only).
 *
 * @module
 */
import { streamFailure } from "./stream_failure.ts";
import type { FailureClass } from "../../domain/agent.ts";
import { classifyHttpStatus } from "./classify.ts";
import { type Json, lineObject, num, obj, str } from "./json.ts";
import { retryAfterFromText } from "./retry_after.ts";
import { LINES_NEEDS, type ParserFactory, type StreamParser, succeeded } from "./types.ts";

const MAX_MESSAGE = 256 * 1024;

function sessionErrorClass(data: Json | null): FailureClass | null {
  const type = str(data, "errorType");
  if (type === "quota" || type === "rate_limit") return "rate_limit";
  if (str(data, "errorCode") === "model_not_supported") return "model_not_found";
  return classifyHttpStatus(num(data, "statusCode"));
}

/** Parser for Copilot CLI. */
export const copilotParser: ParserFactory = (): StreamParser => {
  let finalMessage = "";
  let resultExit: number | undefined;
  let sessionError: Json | null = null;
  return {
    stdout: LINES_NEEDS,
    line(line) {
      const ev = lineObject(line);
      if (!ev) return;
      const type = str(ev, "type");
      const data = obj(ev, "data");
      if (type === "assistant.message") {
        const requests = data?.["toolRequests"];
        const noTools = !Array.isArray(requests) || requests.length === 0;
        if (noTools && data?.["agentId"] === undefined) {
          finalMessage = (str(data, "content") ?? "").slice(0, MAX_MESSAGE);
        }
      } else if (type === "session.error") {
        sessionError = data;
      } else if (type === "result") {
        resultExit = num(ev, "exitCode") ?? -1;
      }
    },
    finish(ctx) {
      if (resultExit === 0 && ctx.exitCode === 0 && !sessionError) return succeeded(finalMessage, null, null);
      const message = str(sessionError, "message") ?? "";
      const retry = retryAfterFromText(`${message}\n${ctx.stderrTail}`, ctx.nowMs);
      const extra = { finalMessage, ...(retry === undefined ? {} : { retryAfterMs: retry }) };
      return streamFailure(ctx, {
        cli: "copilot",
        message,
        structured: sessionErrorClass(sessionError),
        errored: resultExit !== undefined,
        missing: "a result event",
        extra,
      });
    },
  };
};
