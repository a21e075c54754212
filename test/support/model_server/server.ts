/**
 * The scripted model server: a loopback HTTP server (random port) that answers the wire APIs
 * of the real agent CLIs from a {@link Script}, injects {@link Fault}s on knobs, and logs every
 * request. Test support only.
 *
 * Each wire API is a {@link WireAdapter} (one file each beside this one); the server routes a
 * request to the first adapter whose `matches` accepts it, asks the adapter to turn the body
 * into a neutral {@link Turn}, consults the fault rules, then the script, and lets the adapter
 * render the answer.
 *
 * @module
 */
import type { Action, Fault, LoggedRequest, RequestRole, Turn, WireApi } from "./types.ts";
import { roleOf, Script, type ScriptKnobs, wpOf } from "./script.ts";

/** How an adapter's streaming answer is paced. */
export interface RenderOptions {
  /** Send the first event, then nothing more (the connection stays open until the server closes). */
  stallAfterFirst: boolean;
  /** Delay before each event after the first, in ms. */
  delayMs: number;
}

/** One wire API. */
export interface WireAdapter {
  api: WireApi;
  /** Whether this adapter serves the request (method and path, query included). */
  matches(method: string, url: URL): boolean;
  /** An answer that needs no script (model lists, token counts, health), or null. */
  staticAnswer?(req: Request, url: URL): Response | null;
  /** The request body as a neutral turn. */
  parse(body: unknown, url: URL, headers: Headers): Turn;
  /** The action as this API's (streaming, when the request asked for it) response. */
  render(action: Action, turn: Turn, body: unknown, opts: RenderOptions, stream: SseStreams): Response;
  /** An HTTP error status in this API's own error shape. */
  renderStatus(fault: Extract<Fault, { kind: "status" }>, turn: Turn): Response;
}

/** A fault rule: when it applies and how often. */
export interface FaultRule {
  fault: Fault;
  /** Which requests it hits. @default "any" */
  role?: RequestRole | "any";
  /** Only requests about this WP. */
  wp?: string;
  /** How many requests it hits, then it is spent. @default Infinity */
  times?: number;
  /**
   * How many matching requests it lets through before it starts hitting (e.g. stall the
   * second implement request, after the CLI has printed and written something). @default 0
   */
  skip?: number;
}

/** Options of {@link startModelServer}. */
export interface ModelServerOptions {
  adapters: readonly WireAdapter[];
  knobs?: ScriptKnobs;
  faults?: FaultRule[];
  /** Append every logged request as one JSON line here (bodies left out). */
  logFile?: string;
}

/** A running server. */
export interface ModelServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  url: string;
  port: number;
  script: Script;
  /** Every request so far, in order. */
  requests: LoggedRequest[];
  /** Replace the fault rules. */
  setFaults(rules: FaultRule[]): void;
  /** Stop: ends stalled streams, waits for the listener to close. */
  close(): Promise<void>;
}

/** Builds SSE / NDJSON streaming responses whose pacing follows {@link RenderOptions}; closed with the server. */
export class SseStreams {
  #open = new Set<ReadableStreamDefaultController<Uint8Array>>();
  #timers = new Set<ReturnType<typeof setTimeout>>();

  /**
   * A streaming response of pre-encoded chunks (each chunk one event, already framed).
   * `contentType` defaults to `text/event-stream`.
   */
  respond(chunks: readonly string[], opts: RenderOptions, contentType = "text/event-stream"): Response {
    const enc = new TextEncoder();
    const open = this.#open;
    const timers = this.#timers;
    let i = 0;
    let ctrl: ReadableStreamDefaultController<Uint8Array> | undefined;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        ctrl = c;
        open.add(c);
      },
      async pull(c) {
        if (i >= chunks.length) {
          open.delete(c);
          c.close();
          return;
        }
        if (i > 0 && opts.stallAfterFirst) return await new Promise<void>(() => {}); // never resolves: a stall
        if (i > 0 && opts.delayMs > 0) {
          await new Promise<void>((r) => {
            const t = setTimeout(() => {
              timers.delete(t);
              r();
            }, opts.delayMs);
            timers.add(t);
          });
        }
        c.enqueue(enc.encode(chunks[i++]!));
      },
      cancel() {
        if (ctrl) open.delete(ctrl);
      },
    });
    return new Response(body, {
      headers: { "content-type": contentType, "cache-control": "no-cache", connection: "keep-alive" },
    });
  }

  /**
   * Ends every open stream and clears pending delays. Closed, not errored: Deno.serve prints an
   * errored response body to stderr ("Error: model server closed" amid the test report), and by now
   * the client is gone or its test is over; a stream cut short without its final event is a failed
   * response to any client still reading.
   */
  closeAll(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    for (const c of this.#open) {
      try {
        c.close();
      } catch { /* already closed */ }
    }
    this.#open.clear();
  }
}

/** One SSE frame: `event:` (optional) and `data:` as JSON. */
export function sseFrame(data: unknown, event?: string): string {
  return (event ? `event: ${event}\n` : "") + `data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`;
}

function headerRecord(h: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of h) out[k] = /key|auth|token/i.test(k) ? "<redacted>" : v;
  return out;
}

/** Starts the server on 127.0.0.1 with a random port. */
export function startModelServer(options: ModelServerOptions): ModelServer {
  const script = new Script(options.knobs ?? {});
  let rules: { rule: FaultRule; left: number; skip: number }[] = [];
  const setFaults = (r: FaultRule[]) => {
    rules = r.map((rule) => ({ rule, left: rule.times ?? Number.POSITIVE_INFINITY, skip: rule.skip ?? 0 }));
  };
  setFaults(options.faults ?? []);
  const requests: LoggedRequest[] = [];
  const streams = new SseStreams();
  let seq = 0;

  const log = async (entry: LoggedRequest) => {
    requests.push(entry);
    if (options.logFile) {
      const { body: _body, ...line } = entry;
      await Deno.writeTextFile(options.logFile, JSON.stringify(line) + "\n", { append: true });
    }
  };

  const takeFault = (role: RequestRole, wp: string): Fault | undefined => {
    for (const r of rules) {
      if (r.left <= 0) continue;
      if ((r.rule.role ?? "any") !== "any" && r.rule.role !== role) continue;
      if (r.rule.wp !== undefined && r.rule.wp !== wp) continue;
      if (r.skip > 0) {
        r.skip--;
        continue;
      }
      r.left--;
      return r.rule.fault;
    }
    return undefined;
  };

  const handler = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const adapter = options.adapters.find((a) => a.matches(req.method, url));
    const base = {
      seq: ++seq,
      at: performance.timeOrigin + performance.now(),
      method: req.method,
      path: url.pathname + url.search,
      headers: headerRecord(req.headers),
    };
    if (!adapter) {
      const text = req.method === "GET" || req.method === "HEAD" ? "" : await req.text().catch(() => "");
      await log({
        ...base,
        api: "unknown",
        model: "",
        stream: false,
        role: "side",
        wp: "",
        tools: [],
        answered: { kind: "unrouted" },
        status: 404,
        body: text,
      });
      return Response.json({ error: { message: `model server: no adapter for ${req.method} ${url.pathname}` } }, {
        status: 404,
      });
    }
    const fixed = adapter.staticAnswer?.(req, url) ?? null;
    if (fixed) return fixed;
    let body: unknown = null;
    try {
      body = await req.json();
    } catch {
      body = null;
    }
    const turn = adapter.parse(body, url, req.headers);
    const role = roleOf(turn);
    const wp = wpOf(turn.prompt);
    const stream = typeof body === "object" && body !== null && (body as Record<string, unknown>)["stream"] === true;
    const entry = {
      ...base,
      api: adapter.api,
      model: turn.model,
      stream,
      role,
      wp,
      tools: turn.tools.map((t) => t.name),
    };
    const fault = takeFault(role, wp);
    if (fault?.kind === "status") {
      const res = adapter.renderStatus(fault, turn);
      await log({ ...entry, answered: fault, status: res.status, body });
      return res;
    }
    const action = script.next(turn);
    const opts: RenderOptions = {
      stallAfterFirst: fault?.kind === "stall",
      delayMs: fault?.kind === "slow" ? fault.delayMs : 0,
    };
    const res = adapter.render(action, turn, body, opts, streams);
    await log({ ...entry, answered: fault ?? action, status: res.status, body });
    return res;
  };

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  const port = server.addr.port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    script,
    requests,
    setFaults,
    async close() {
      streams.closeAll();
      await server.shutdown();
    },
  };
}
