#!/usr/bin/env bash
# Step 2 of the GitHub Action (action.yml): runs `orchestrate --continue --json` for one mission,
# writes the run report to the job summary, sets the step outputs and maps the exit code:
#   0        success
#   75       another run of this mission holds the lock: a notice, the step succeeds (overlapping
#            schedules are normal; the other run carries on)
#   3        WPs blocked, failed or skipped: one ::error:: annotation per WP (from the run's own
#            summary, the `run_finished` event), the step fails with 3
#   other    ::error:: with the code, the step fails with it
#
# Environment: SKO_MISSION (required), SKO_IMPL_AGENT, SKO_REVIEW_AGENT, SKO_MAX_CONCURRENT,
# SKO_CONFIG, SKO_ARGS, SKO_BIN (default: spec-kitty-orchestrator on PATH), GITHUB_OUTPUT,
# GITHUB_STEP_SUMMARY, RUNNER_TEMP.
set -uo pipefail

bin="${SKO_BIN:-spec-kitty-orchestrator}"
mission="${SKO_MISSION:?SKO_MISSION must be set: the mission slug (input 'mission')}"
out_file="${GITHUB_OUTPUT:-/dev/null}"
summary_file="${GITHUB_STEP_SUMMARY:-/dev/null}"
events="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/sko-events-$mission-$$.ndjson"

# Workflow annotations are parsed by the runner: a value must not break out of its command.
escape_data() { local s="${1//'%'/'%25'}"; s="${s//$'\r'/'%0D'}"; s="${s//$'\n'/'%0A'}"; printf '%s' "$s"; }

args=(orchestrate --continue --json --no-caffeinate --mission "$mission")
[ -z "${SKO_IMPL_AGENT:-}" ] || args+=(--impl-agent "$SKO_IMPL_AGENT")
[ -z "${SKO_REVIEW_AGENT:-}" ] || args+=(--review-agent "$SKO_REVIEW_AGENT")
[ -z "${SKO_MAX_CONCURRENT:-}" ] || args+=(--max-concurrent "$SKO_MAX_CONCURRENT")
[ -z "${SKO_CONFIG:-}" ] || args+=(--config "$SKO_CONFIG")
# shellcheck disable=SC2206 # word splitting is the documented meaning of the 'args' input
[ -z "${SKO_ARGS:-}" ] || args+=(${SKO_ARGS})

echo "::group::$bin ${args[*]}"
"$bin" "${args[@]}" | tee "$events"
code=${PIPESTATUS[0]}
echo "::endgroup::"

finished="$(grep '"type":"run_finished"' "$events" 2>/dev/null | tail -n 1 || true)"
run_id="$(printf '%s' "$finished" | grep -o '"run_id":"[^"]*"' | head -n 1 | cut -d'"' -f4 || true)"
report=""
if [ -n "$run_id" ]; then
  report_dir="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/sko-report-$run_id"
  if "$bin" report "$run_id" --out "$report_dir" >/dev/null 2>&1 && [ -f "$report_dir/report.md" ]; then
    report="$report_dir/report.md"
    cat "$report" >> "$summary_file"
  else
    echo "::warning::spec-kitty-orchestrator report $run_id failed; no job summary written"
  fi
fi
{
  echo "exit-code=$code"
  echo "run-id=$run_id"
  echo "report=$report"
} >> "$out_file"
rm -f "$events"

case "$code" in
  0) exit 0 ;;
  75)
    echo "::notice title=spec-kitty-orchestrator::another run of mission $mission holds the lock; it carries on, this run changed nothing"
    exit 0
    ;;
  3)
    # One annotation per WP that did not end done: {"wp_id":"WP02","outcome":"blocked","reason":"..."}.
    found=0
    while IFS= read -r wp; do
      [ -n "$wp" ] || continue
      id="$(printf '%s' "$wp" | cut -d'"' -f4)"
      outcome="$(printf '%s' "$wp" | cut -d'"' -f8)"
      case "$outcome" in done | approved) continue ;; esac
      reason="$(printf '%s' "$wp" | sed -n 's/.*"reason":"\(\([^"\\]\|\\.\)*\)".*/\1/p')"
      echo "::error title=$id $outcome::$(escape_data "$id $outcome: ${reason:-see the run report}")"
      found=1
    done < <(printf '%s' "$finished" | grep -o '{"wp_id":"[^"]*","outcome":"[a-z_]*","reason":"\([^"\\]\|\\.\)*"')
    [ "$found" = 1 ] || echo "::error title=spec-kitty-orchestrator::mission $mission ended with WPs not done (exit 3); see the run report"
    exit 3
    ;;
  *)
    echo "::error title=spec-kitty-orchestrator::orchestrate for mission $mission exited $code; see the logs artifact"
    exit "$code"
    ;;
esac
