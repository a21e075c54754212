/**
 * Pi (`pi -p --mode json`): JSONL AgentEvents. Pi exits 0 even when the last assistant message
 * has `stopReason:"error"`, so success = `agent_end` seen and the last assistant `message_end`
 * stopped with neither `error` nor `aborted`. Cost and tokens are summed over assistant
 * `message_end` events (Pi's own estimate).
 *
 * @module
 */
import { streamFailure } from "./stream_failure.ts";
import { asObject, num, obj, str, tryParse } from "./json.ts";
import { retryAfterFromText } from "./retry_after.ts";
import { LINES_NEEDS, type ParserFactory, type StreamParser, succeeded } from "./types.ts";

const MAX_MESSAGE = 256 * 1024;

/** Parser for Pi. */
export const piParser: ParserFactory = (): StreamParser => {
  let cost = 0;
  let sawCost = false;
  const tokens = { input: 0, output: 0 };
  let sawTokens = false;
  let finalMessage = "";
  let stopReason = "";
  let errorMessage = "";
  let ended = false;
  return {
    stdout: LINES_NEEDS,
    line(line) {
      if (!line.startsWith("{")) return;
      const ev = asObject(tryParse(line));
      if (!ev) return;
      const type = str(ev, "type");
      if (type === "agent_end") ended = true;
      if (type !== "message_end") return;
      const msg = obj(ev, "message");
      if (str(msg, "role") !== "assistant") return;
      const usage = obj(msg, "usage");
      if (usage) {
        tokens.input += (num(usage, "input") ?? 0) + (num(usage, "cacheRead") ?? 0);
        tokens.output += num(usage, "output") ?? 0;
        sawTokens = true;
        const c = num(obj(usage, "cost"), "total");
        if (c !== undefined) (cost += c, sawCost = true);
      }
      stopReason = str(msg, "stopReason") ?? "";
      errorMessage = str(msg, "errorMessage") ?? "";
      const content = msg?.["content"];
      const texts = Array.isArray(content)
        ? content.map(asObject).filter((c) => str(c, "type") === "text").map((c) => str(c, "text") ?? "")
        : [];
      finalMessage = texts.join("\n").slice(0, MAX_MESSAGE);
    },
    finish(ctx) {
      const costUsd = sawCost ? cost : null;
      const usage = sawTokens ? tokens : null;
      const bad = stopReason === "error" || stopReason === "aborted";
      if (ended && !bad && ctx.exitCode === 0) return succeeded(finalMessage, costUsd, usage);
      const retry = retryAfterFromText(`${errorMessage}\n${ctx.stderrTail}`, ctx.nowMs);
      const extra = { costUsd, tokens: usage, finalMessage, ...(retry === undefined ? {} : { retryAfterMs: retry }) };
      return streamFailure(ctx, {
        cli: "pi",
        message: errorMessage,
        structured: null,
        errored: bad,
        missing: "agent_end",
        extra,
      });
    },
  };
};
