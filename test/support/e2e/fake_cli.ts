/**
 * Fake agent executables for end-to-end tests: scripts named `claude`, `codex`, `opencode` and
 * `gemini` that do real work in the worktree (write a file, run the subtask-marking commands the
 * prompt lists) and answer in each real CLI's output format (see docs/agent-samples).
 *
 * Behaviour is steered per CLI through files in a control directory (the orchestrator filters
 * the agents' environment, so env vars would not reach them):
 * - `<cli>.impl` : `ok` (default) | `fail` (exit 1, auth-like error) | `model_missing` (exit 1, the CLI's
 *                  "model not found" error: opencode and claude; the others' auth error) | `crash_once` | `noop` (exit 0, no change)
 *                  | `hang` (sleeps; needs the timeout) | `slow:<seconds>` (sleeps then works)
 *                  | `slow_once:<seconds>` (the first call per WP sleeps, later ones work at once)
 *                  | `wait_release` (waits, at most 60 s, until `<control>/release` exists: see {@link releaseFakes})
 *                  | `rate_limit_first:<n>` (the first n calls per WP answer the CLI's 429; claude: `api_error_status`)
 * - `<cli>.review`: `approve` (default) | `reject_once` | `crash_once` | `no_verdict` | `reject_always`
 *                  | `slow:<seconds>` (sleeps then approves) | `slow_once:<seconds>` | `model_missing` (as for impl)
 * Counters live in `<control>/count.<cli>.<role>.<wp>`; every call is logged to `<control>/calls.log`,
 * and its lifetime to `<control>/spans.log` (`start|end <cli> <role> <wp> <n> <pid> <epoch ms>`;
 * the pid is also the agent's process group, as the orchestrator starts each agent in its own).
 * `<control>/pids.log` gets the pid first thing, before the prompt is read.
 *
 * @module
 */
import { join } from "node:path";

/** The CLIs we fake. */
export type FakeCli = "claude" | "codex" | "opencode" | "gemini";

/** All fake CLI names. */
export const FAKE_CLIS: readonly FakeCli[] = ["claude", "codex", "opencode", "gemini"];

function outputFunctions(cli: FakeCli): string {
  switch (cli) {
    case "claude":
      return `emit_ok() { jq_msg=$(json_str "$1"); printf '{"type":"result","subtype":"success","is_error":false,"duration_ms":1200,"num_turns":3,"result":%s,"stop_reason":"end_turn","session_id":"fake","total_cost_usd":0.0125,"usage":{"input_tokens":100,"output_tokens":50}}\\n' "$jq_msg"; }
emit_fail() { jq_msg=$(json_str "$1"); printf '{"type":"result","subtype":"success","is_error":true,"duration_ms":300,"num_turns":1,"result":%s,"session_id":"fake","total_cost_usd":0,"api_error_status":401,"usage":{"input_tokens":0,"output_tokens":0}}\\n' "$jq_msg"; }
emit_model_missing() { jq_msg=$(json_str "$1"); printf '{"type":"result","subtype":"success","is_error":true,"duration_ms":300,"num_turns":1,"result":%s,"session_id":"fake","total_cost_usd":0,"api_error_status":404,"usage":{"input_tokens":0,"output_tokens":0}}\\n' "$jq_msg"; }
emit_rate_limit() { jq_msg=$(json_str "$1"); printf '{"type":"result","subtype":"success","is_error":true,"duration_ms":300,"num_turns":1,"result":%s,"session_id":"fake","total_cost_usd":0,"api_error_status":429,"usage":{"input_tokens":0,"output_tokens":0}}\\n' "$jq_msg"; }`;
    case "codex":
      return `emit_ok() { jq_msg=$(json_str "$1"); printf '{"type":"thread.started","thread_id":"fake"}\\n{"type":"turn.started"}\\n{"type":"item.completed","item":{"id":"item_1","type":"agent_message","text":%s}}\\n{"type":"turn.completed","usage":{"input_tokens":200,"cached_input_tokens":0,"output_tokens":80}}\\n' "$jq_msg"; }
emit_fail() { jq_msg=$(json_str "$1"); printf '{"type":"thread.started","thread_id":"fake"}\\n{"type":"turn.started"}\\n{"type":"error","message":%s}\\n{"type":"turn.failed","error":{"message":%s}}\\n' "$jq_msg" "$jq_msg"; }`;
    case "opencode":
      return `emit_ok() { jq_msg=$(json_str "$1"); printf '{"type":"step_start","timestamp":1,"sessionID":"ses_fake","part":{"id":"p1","sessionID":"ses_fake","messageID":"m1","type":"step-start"}}\\n{"type":"text","timestamp":2,"sessionID":"ses_fake","part":{"id":"p2","sessionID":"ses_fake","messageID":"m1","type":"text","text":%s,"time":{"start":1,"end":2}}}\\n{"type":"step_finish","timestamp":3,"sessionID":"ses_fake","part":{"id":"p3","sessionID":"ses_fake","messageID":"m1","type":"step-finish","reason":"stop","tokens":{"total":300,"input":250,"output":50,"reasoning":0,"cache":{"write":0,"read":0}},"cost":0.004}}\\n' "$jq_msg"; }
emit_fail() { jq_msg=$(json_str "$1"); printf '{"type":"error","timestamp":1,"sessionID":"ses_fake","error":{"name":"ProviderAuthError","data":{"providerID":"anthropic","message":%s}}}\\n' "$jq_msg"; }
emit_model_missing() { jq_msg=$(json_str "$1"); printf '{"type":"error","timestamp":1,"sessionID":"ses_fake","error":{"name":"ProviderModelNotFoundError","data":{"providerID":"fake","modelID":"nope","message":%s}}}\\n' "$jq_msg"; }`;
    case "gemini":
      return `emit_ok() { jq_msg=$(json_str "$1"); printf '{\\n  "session_id": "fake",\\n  "response": %s,\\n  "stats": {"models": {"gemini-2.5-pro": {"tokens": {"input": 100, "prompt": 120, "candidates": 40, "total": 160}}}}\\n}\\n' "$jq_msg"; }
emit_fail() { printf '{"error":{"type":"FatalAuthenticationError","message":"%s","code":41}}\\n' "auth failed" >&2; exit 41; }`;
  }
}

function script(cli: FakeCli, control: string): string {
  return `#!/usr/bin/env bash
# Fake ${cli} for end-to-end tests (generated by test/support/e2e/fake_cli.ts).
set -u
CONTROL=${JSON.stringify(control)}
json_str() { python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$1" 2>/dev/null || printf '"%s"' "$(printf '%s' "$1" | sed 's/\\\\/\\\\\\\\/g; s/"/\\\\"/g' | tr '\\n' ' ')"; }
${outputFunctions(cli)}
type emit_model_missing >/dev/null 2>&1 || emit_model_missing() { emit_fail "$1"; }
type emit_rate_limit >/dev/null 2>&1 || emit_rate_limit() { echo "$1" >&2; }
if [ "\${1:-}" = "--version" ]; then echo "${cli} 9.9.9 (fake)"; exit 0; fi
echo "$$" >> "$CONTROL/pids.log"
prompt="$(cat)"
wp="$(printf '%s\\n' "$prompt" | grep -oE 'work_package_id: *["'"'"']?WP[0-9]+' | grep -oE 'WP[0-9]+' | head -n1)"
[ -n "$wp" ] || wp="$(printf '%s\\n' "$prompt" | grep -oE 'WP[0-9]+' | head -n1)"
[ -n "$wp" ] || wp="WPXX"
if printf '%s' "$prompt" | grep -q 'VERDICT: CHANGES_REQUESTED'; then role=review; else role=impl; fi
counter="$CONTROL/count.${cli}.$role.$wp"
n=$(( $(cat "$counter" 2>/dev/null || echo 0) + 1 ))
echo "$n" > "$counter"
echo "${cli} $role $wp $n $(pwd)" >> "$CONTROL/calls.log"
echo "start ${cli} $role $wp $n $$ $(date +%s%3N)" >> "$CONTROL/spans.log"
trap 'echo "end ${cli} $role $wp $n $$ $(date +%s%3N)" >> "$CONTROL/spans.log"' EXIT
mode="$(cat "$CONTROL/${cli}.$role" 2>/dev/null || true)"
if [ "$role" = impl ]; then
  case "$mode" in
    fail) emit_fail "Invalid API key - please run /login"; exit 1 ;;
    model_missing) emit_model_missing "Model not found: fake/nope"; exit 1 ;;
    rate_limit_first:*) if [ "$n" -le "\${mode#rate_limit_first:}" ]; then emit_rate_limit "API Error: Request rejected (429) · 429 Too Many Requests"; exit 1; fi ;;
    crash_once) if [ "$n" -eq 1 ]; then echo "segfault-ish crash" >&2; exit 139; fi ;;
    noop) emit_ok "I looked around and changed nothing."; exit 0 ;;
    hang) sleep 3600 ;;
    slow:*) sleep "\${mode#slow:}" ;;
    slow_once:*) if [ "$n" -eq 1 ]; then sleep "\${mode#slow_once:}"; fi ;;
    wait_release) i=0; while [ ! -f "$CONTROL/release" ] && [ "$i" -lt 600 ]; do sleep 0.1; i=$((i + 1)); done ;;
  esac
  mkdir -p e2e
  printf '%s implemented by ${cli} (attempt %s)\\n' "$wp" "$n" >> "e2e/$wp.txt"
  # Run the subtask-marking commands the prompt lists, as a real agent would.
  printf '%s\\n' "$prompt" | grep -E '^    .*agent tasks mark-status' | while IFS= read -r line; do bash -c "$line" >/dev/null 2>&1 || echo "mark-status failed: $line" >&2; done
  emit_ok "Implemented $wp: wrote e2e/$wp.txt."
  exit 0
fi
case "$mode" in
  reject_once) if [ "$n" -eq 1 ]; then emit_ok "The file lacks a trailing summary.
VERDICT: CHANGES_REQUESTED
Add a summary line to e2e/$wp.txt."; exit 0; fi ;;
  reject_always) emit_ok "Still wrong.
VERDICT: CHANGES_REQUESTED
Please redo $wp."; exit 0 ;;
  crash_once) if [ "$n" -eq 1 ]; then echo "reviewer crashed" >&2; exit 134; fi ;;
  no_verdict) emit_ok "Looks fine to me I guess."; exit 0 ;;
  model_missing) emit_model_missing "Model not found: fake/nope"; exit 1 ;;
  edit_approve) echo "reviewer was here" >> "e2e/$wp.txt"; echo scratch > "review-notes-$wp.txt" ;;
  slow:*) sleep "\${mode#slow:}" ;;
  slow_once:*) if [ "$n" -eq 1 ]; then sleep "\${mode#slow_once:}"; fi ;;
esac
emit_ok "Checked the diff of $wp against its acceptance criteria.

VERDICT: APPROVED
Good work."
exit 0
`;
}

/** Writes the fake CLIs into `binDir`; behaviour files go in `controlDir`. */
export async function writeFakeClis(
  binDir: string,
  controlDir: string,
  clis: readonly FakeCli[] = FAKE_CLIS,
): Promise<void> {
  await Deno.mkdir(binDir, { recursive: true });
  await Deno.mkdir(controlDir, { recursive: true });
  for (const cli of clis) {
    const path = join(binDir, cli);
    await Deno.writeTextFile(path, script(cli, controlDir));
    await Deno.chmod(path, 0o755);
  }
}

/** Sets a fake CLI's behaviour for a role. */
export async function setFakeMode(
  controlDir: string,
  cli: FakeCli,
  role: "impl" | "review",
  mode: string,
): Promise<void> {
  await Deno.writeTextFile(join(controlDir, `${cli}.${role}`), mode);
}

/** Lets every fake in `wait_release` mode go on. */
export async function releaseFakes(controlDir: string): Promise<void> {
  await Deno.writeTextFile(join(controlDir, "release"), "");
}

/** One fake agent invocation. */
export interface FakeCall {
  cli: string;
  role: string;
  wp: string;
  n: number;
  cwd: string;
}

/** Reads the calls log: one entry per agent invocation. */
export async function readCalls(controlDir: string): Promise<FakeCall[]> {
  let text = "";
  try {
    text = await Deno.readTextFile(join(controlDir, "calls.log"));
  } catch {
    return [];
  }
  return text.trim().split("\n").filter((l) => l !== "").map((line) => {
    const [cli, role, wp, n, ...cwd] = line.split(" ");
    return { cli: cli ?? "", role: role ?? "", wp: wp ?? "", n: Number(n), cwd: cwd.join(" ") };
  });
}

/** One agent lifetime from `spans.log`: `end` is null while running or when it was killed. */
export interface FakeSpan {
  cli: string;
  role: string;
  wp: string;
  n: number;
  pid: number;
  start: number;
  end: number | null;
}

/** Reads `spans.log`: one entry per agent invocation, with start/end times (epoch ms) and pid. */
export async function readSpans(controlDir: string): Promise<FakeSpan[]> {
  let text = "";
  try {
    text = await Deno.readTextFile(join(controlDir, "spans.log"));
  } catch {
    return [];
  }
  const spans = new Map<string, FakeSpan>();
  for (const line of text.split("\n")) {
    const [kind, cli, role, wp, n, pid, at] = line.split(" ");
    if (cli === undefined || role === undefined || wp === undefined || at === undefined) continue;
    const key = `${cli} ${role} ${wp} ${n} ${pid}`;
    if (kind === "start") {
      spans.set(key, { cli, role, wp, n: Number(n), pid: Number(pid), start: Number(at), end: null });
    } else if (kind === "end") {
      const span = spans.get(key);
      if (span !== undefined) span.end = Number(at);
    }
  }
  return [...spans.values()];
}

/** Pids (= process groups) of every fake started so far, from `pids.log`. */
export async function readPids(controlDir: string): Promise<number[]> {
  const text = await Deno.readTextFile(join(controlDir, "pids.log")).catch(() => "");
  return [...new Set(text.split("\n").filter((l) => /^\d+$/.test(l.trim())).map(Number))];
}
