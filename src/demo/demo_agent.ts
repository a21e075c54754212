/**
 * The deterministic bash agent of the demo repository (`.kittify/demo-agent.sh`).
 *
 * `implement`: writes `demo/<wp>.md` (appending a pass line on every run, so rework always
 * changes something), then runs each indented `mark-status` command of the prompt's
 * "Agent Subtask Completion Protocol" section, exactly as a real agent is told to. It never
 * commits: the orchestrator does. `review`: approves, except the first review of WP02, which
 * requests changes so the demo shows a rework cycle (a marker file under the main checkout's
 * `.kittify/demo-agent/`, found from git, remembers it across worktrees).
 *
 * @module
 */

/** The script text. */
export const DEMO_AGENT_SH = `#!/usr/bin/env bash
# Deterministic demo agent for spec-kitty-orchestrator (created by \`init --demo\`).
# Usage: demo-agent.sh <implement|review> <prompt_file> <wp>
set -euo pipefail
role="\${1:?usage: demo-agent.sh <implement|review> <prompt_file> <wp>}"
prompt_file="\${2:?missing prompt file}"
wp="\${3:?missing WP id}"
case "$wp" in
  WP[0-9]*) ;;
  *) echo "demo-agent: unexpected WP id '$wp'" >&2; exit 2 ;;
esac
# State shared by every worktree lives in the main checkout (ignored by git).
repo_root="$(dirname "$(git rev-parse --path-format=absolute --git-common-dir)")"
state_dir="$repo_root/.kittify/demo-agent"
mkdir -p "$state_dir"

case "$role" in
  implement)
    title="$(sed -n 's/^title:[[:space:]]*//p' "$prompt_file" | head -n 1 | tr -d '"')"
    mkdir -p demo
    out="demo/$wp.md"
    if [ ! -f "$out" ]; then
      printf '# %s: %s\\n\\nWritten by the demo agent for work package %s.\\n\\n' "$wp" "\${title:-$wp}" "$wp" > "$out"
    fi
    pass=$(( $(grep -c '^- pass ' "$out" || true) + 1 ))
    printf -- '- pass %s\\n' "$pass" >> "$out"
    if grep -q 'Review Feedback' "$prompt_file"; then
      printf -- '- addressed review feedback (usage example added)\\n' >> "$out"
    fi
    # Mark subtasks with the exact commands the orchestrator put in the prompt.
    marked=0
    while IFS= read -r cmd; do
      [ -n "$cmd" ] || continue
      bash -c "$cmd" > /dev/null
      marked=$((marked + 1))
    done < <(awk '/^## Agent Subtask Completion Protocol/ { inside = 1; next }
                  inside && /^---[[:space:]]*$/ { exit }
                  inside && /^[[:space:]]+/ && /mark-status/ { sub(/^[[:space:]]+/, ""); print }' "$prompt_file")
    echo "demo-agent: wrote $out (pass $pass) and marked $marked subtask(s) done for $wp."
    ;;
  review)
    marker="$state_dir/reviewed-$wp"
    if [ "$wp" = "WP02" ] && [ ! -f "$marker" ]; then
      : > "$marker"
      echo "The shouting notes lack a usage example; add one and resubmit."
      echo "VERDICT: CHANGES_REQUESTED"
    else
      : > "$marker"
      echo "Small, complete and matching the objective of $wp."
      echo "VERDICT: APPROVED"
    fi
    ;;
  *)
    echo "demo-agent: unknown role '$role' (expected implement or review)" >&2
    exit 2
    ;;
esac
`;
