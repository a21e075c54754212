/**
 * Delivers notifications to webhook targets when a run finishes, fails, or a WP gets blocked.
 *
 * Rules a cron user can rely on:
 * - URLs come only from the environment variable a target names (`urlEnv`), never from the config
 *   file, and never appear in any message we print: they are secrets (Slack URLs embed a token).
 * - A notification never stops or fails a run: every problem is one warning.
 * - Each request has a timeout, and transient failures (network, timeout, 408/429/5xx) are
 *   retried `retries` times with exponential backoff (the shared policy, `core/retry.ts`);
 *   one delivery with its retries takes at most {@link DELIVERY_DEADLINE_MS}.
 *
 * @module
 */
import type { NotifyTarget } from "../domain/config.ts";
import type { RunEvent } from "../domain/run_events.ts";
import { withRetry } from "../core/retry.ts";
import { errorMessage } from "../domain/errors.ts";
import { kindForTarget, type Notification, slackBody, toNotification, webhookBody } from "./payload.ts";
import { PRODUCT, VERSION } from "../domain/version.ts";

/** Sends notifications for run events. */
export interface Notifier {
  /** Sends whatever `event` triggers to every subscribed target. Never throws. */
  notify(event: RunEvent): Promise<void>;
}

/** Tuning knobs, mostly for tests. */
export interface NotifierOptions {
  /** First retry delay; doubles each retry, capped at 30 s. @default 1000 */
  backoffMs?: number;
  /** How to wait between retries. @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
  /** Total time of one delivery with its retries. @default DELIVERY_DEADLINE_MS */
  deadlineMs?: number;
}

/** One delivery with its retries never holds the end of a run longer than this. */
export const DELIVERY_DEADLINE_MS = 120_000;
/** Retry waits double up to this. */
const BACKOFF_CAP_MS = 30_000;

/** A failed request, as the retry policy sees it. */
class PostFailure extends Error {
  constructor(readonly outcome: { retryable: boolean; error: string }) {
    super(outcome.error);
  }
}

interface ReadyTarget {
  target: NotifyTarget;
  url: string;
  label: string;
}

/**
 * Creates a notifier. Targets whose environment variable is unset, empty, or not an http(s) URL
 * are skipped with one warning each, now.
 */
export function createNotifier(
  targets: readonly NotifyTarget[],
  env: Record<string, string | undefined>,
  warn: (msg: string) => void,
  fetchImpl: typeof fetch = fetch,
  options: NotifierOptions = {},
): Notifier {
  const backoffMs = options.backoffMs ?? 1000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const ready: ReadyTarget[] = [];
  for (const target of targets) {
    const label = `${target.kind} target $${target.urlEnv}`;
    const url = env[target.urlEnv];
    if (url === undefined || url.trim() === "") {
      warn(
        `Cannot send notifications to the ${label} as its environment variable must hold the URL: current value is ` +
          `${
            url === undefined ? "unset" : "empty"
          } (the target is skipped; export ${target.urlEnv} in the cron environment)`,
      );
      continue;
    }
    if (!isHttpUrl(url.trim())) {
      warn(
        `Cannot send notifications to the ${label} as its value must be an http(s) URL: current value is ` +
          "<redacted> (the target is skipped)",
      );
      continue;
    }
    ready.push({ target, url: url.trim(), label });
  }
  let mission: string | null = null;

  const deliver = async (t: ReadyTarget, n: Notification): Promise<void> => {
    const body = JSON.stringify(t.target.kind === "slack" ? slackBody(n) : webhookBody(n));
    try {
      await withRetry(async ({ remainingMs }) => {
        const outcome = await postOnce(fetchImpl, t.url, body, Math.min(t.target.timeoutMs, remainingMs));
        if (!outcome.ok) throw new PostFailure(outcome);
      }, {
        maxAttempts: 1 + Math.max(0, Math.floor(t.target.retries)),
        deadlineMs: options.deadlineMs ?? DELIVERY_DEADLINE_MS,
        backoff: { initialIntervalMs: backoffMs, backoffCoefficient: 2, maximumIntervalMs: BACKOFF_CAP_MS },
        retryable: (error) => error instanceof PostFailure && error.outcome.retryable,
        clock: { now: () => performance.now(), sleep, random: Math.random },
      });
    } catch (error) {
      if (!(error instanceof PostFailure)) throw error;
      warn(
        `Cannot deliver the ${n.kind} notification to the ${t.label} as the request failed: ${
          redact(error.message, t.url)
        }`,
      );
    }
  };

  return {
    async notify(event) {
      if (event.type === "run_started") mission = event.mission;
      const jobs: Promise<void>[] = [];
      for (const t of ready) {
        const kind = kindForTarget(event, t.target.events);
        if (kind === null) continue;
        const n = toNotification(kind, event, mission);
        if (n === null) continue;
        jobs.push(
          deliver(t, n).catch((error) =>
            warn(`Cannot deliver the ${kind} notification to the ${t.label}: ${redact(errorMessage(error), t.url)}`)
          ),
        );
      }
      await Promise.all(jobs);
    },
  };
}

type PostOutcome = { ok: true } | { ok: false; retryable: boolean; error: string };

async function postOnce(fetchImpl: typeof fetch, url: string, body: string, timeoutMs: number): Promise<PostOutcome> {
  try {
    const res = await fetchImpl(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": `${PRODUCT}/${VERSION}` },
      body,
      signal: AbortSignal.timeout(Math.max(1, timeoutMs)),
      redirect: "error",
    });
    // Drain the body so the connection is released (and Deno's resource sanitizer stays quiet).
    await res.body?.cancel().catch(() => {});
    if (res.ok) return { ok: true };
    const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
    return { ok: false, retryable, error: `HTTP ${res.status}${retryable ? " after retries" : " (not retried)"}` };
  } catch (error) {
    const timedOut = error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError");
    return {
      ok: false,
      retryable: true,
      error: timedOut ? `no response within ${timeoutMs} ms (timeout, after retries)` : errorMessage(error),
    };
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}

/** Removes the URL (and any other URL) from a message: webhook URLs carry secrets. */
export function redact(message: string, url: string): string {
  let out = message;
  const variants = new Set([url]);
  try {
    variants.add(new URL(url).href);
  } catch {
    // Not a URL: the raw value is all we can strip.
  }
  for (const v of variants) if (v !== "") out = out.replaceAll(v, "<redacted>");
  return out.replace(/[a-z][a-z0-9+.-]*:\/\/[^\s)'"]+/gi, "<redacted>");
}
