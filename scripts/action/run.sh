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
# The run id and the per-WP outcomes come from the `run_finished` event, read as JSON by
# summary.mjs with the runner's node (GitHub's runners have it; the agent CLIs are Node programs,
# so a self-hosted runner that runs them has it too). Without node the exit code still maps as
# above, with a warning and no job summary or per-WP annotations.
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
trap 'rm -f "$events"' EXIT
summary_js="$(dirname "${BASH_SOURCE[0]}")/summary.mjs"
have_node=1
command -v node >/dev/null 2>&1 || have_node=0
# summary <run-id|annotations>: what summary.mjs reads from the events, or nothing without node.
summary() { [ "$have_node" = 0 ] || node "$summary_js" "$1" "$events" || true; }

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

if [ "$have_node" = 0 ]; then
  echo "::warning title=spec-kitty-orchestrator::node is not on PATH, so the run's summary cannot be read: no run-id output, job summary or per-WP annotations (add actions/setup-node before this action)"
fi
run_id="$(summary run-id)"
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

case "$code" in
  0) exit 0 ;;
  75)
    echo "::notice title=spec-kitty-orchestrator::another run of mission $mission holds the lock; it carries on, this run changed nothing"
    exit 0
    ;;
  3)
    # One annotation per WP that did not end done, escaped for the runner by summary.mjs.
    annotations="$(summary annotations)"
    if [ -n "$annotations" ]; then
      printf '%s\n' "$annotations"
    else
      echo "::error title=spec-kitty-orchestrator::mission $mission ended with WPs not done (exit 3); see the run report"
    fi
    exit 3
    ;;
  *)
    echo "::error title=spec-kitty-orchestrator::orchestrate for mission $mission exited $code; see the logs artifact"
    exit "$code"
    ;;
esac
