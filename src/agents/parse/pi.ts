/**
 * Pi (`pi -p --mode json`): JSONL AgentEvents. Pi exits 0 even when the last assistant message
 * has `stopReason:"error"`, so success = `agent_end` seen and the last assistant `message_end`
 * stopped with neither `error` nor `aborted`. Cost and tokens are summed over assistant
 * `message_end` events (Pi's own estimate).
 *
 * A provider's HTTP failure arrives as `errorMessage` = `<status> <provider message>` (the
 * provider SDK's fixed `APIError` wording, e.g. `401 Incorrect API key provided…`): that
 * leading status decides the class (auth, model not found, rate limit, overloaded) before any
 * pattern over the provider's prose.
 *
 * Start-up problems exit 1 with one fixed line on stderr and no agent event (0.73.1 prints its
 * `session` header line first); Pi words a
 * provider without credentials (its custom `models.json` not found, or no key) as
 * `No API key found for the selected model.`, which is an auth failure.
 *
 * @module
 */
import type { FailureClass } from "../../domain/agent.ts";
import { classifyHttpStatus } from "./classify.ts";
import { streamFailure } from "./stream_failure.ts";
import { asObject, lineObject, num, obj, str } from "./json.ts";
import { retryAfterFromText } from "./retry_after.ts";
import { LINES_NEEDS, type ParserFactory, type StreamParser, succeeded } from "./types.ts";

const MAX_MESSAGE = 256 * 1024;

/** Pi's fixed start-up error lines (stderr, exit 1, before any agent event) that the shared patterns miss. */
const STARTUP_ERRORS: ReadonlyArray<readonly [RegExp, FailureClass]> = [
  [/^No API key found for the selected model\b/m, "auth"],
];

/** The class of a provider error's leading HTTP status (`429 Rate limit reached…`), else null. */
export function piStatusClass(errorMessage: string): FailureClass | null {
  const m = /^([1-5]\d{2})\s/.exec(errorMessage.trimStart());
  return m ? classifyHttpStatus(Number(m[1])) : null;
}

function startupClass(started: boolean, exitCode: number | null, stderr: string): FailureClass | null {
  if (started || exitCode === 0) return null;
  return STARTUP_ERRORS.find(([re]) => re.test(stderr))?.[1] ?? null;
}

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
  /** An agent event (anything but the `session` header) arrived: Pi got past its start-up. */
  let started = false;
  return {
    stdout: LINES_NEEDS,
    line(line) {
      const ev = lineObject(line);
      if (!ev) return;
      const type = str(ev, "type");
      if (type !== "session") started = true;
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
      const startup = startupClass(started, ctx.exitCode, ctx.stderrTail);
      return streamFailure(ctx, {
        cli: "pi",
        message: errorMessage || (startup ? (ctx.stderrTail.trim().split("\n")[0] ?? "") : ""),
        structured: (bad ? piStatusClass(errorMessage) : null) ?? startup,
        errored: bad,
        missing: "agent_end",
        extra,
      });
    },
  };
};
