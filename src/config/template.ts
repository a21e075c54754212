/**
 * The commented `orchestration.yaml` written by `init`. Every active value is the built-in
 * default (a test checks that it resolves exactly like having no file), so the file documents
 * the defaults and is a starting point to edit.
 *
 * @module
 */
import { SCHEMA_URL } from "./json_schema.ts";

/** The template text. */
export const DEFAULT_CONFIG_YAML = `# yaml-language-server: $schema=${SCHEMA_URL}
#
# spec-kitty-orchestrator configuration. Check it with:  spec-kitty-orchestrator validate
# Precedence: command-line flag > this file > built-in default.
# Durations: 30s, 10m, 1h, 1h30m.
version: 1

host:
  kind: spec-kitty          # spec-kitty (the real host) or builtin (no spec-kitty install needed)
  command: [spec-kitty]     # argv prefix used to call the host
  timeout: 60s              # per host call
  heartbeat: 30s            # re-read mission state this often while agents work

actor: spec-kitty-orchestrator   # identity recorded by the host (--actor)
max_concurrent: 4                # WPs in flight at once (--max-concurrent)
accept: false                    # call accept-mission when every WP is done (--accept)
history_notes: true              # best-effort append-history notes to the host (one call each)

# Declared to the host on every claim and transition. Values must not contain
# token/secret/key/password/credential (the host rejects them as secrets).
policy:
  approval_mode: full_auto
  sandbox_mode: workspace_write
  network_mode: none
  tool_restrictions: null

# Merged into every pipeline stage unless the stage sets its own value.
defaults:
  stall_timeout: 10m        # no output and no file change for this long = stalled
  retry:
    max_attempts: 2         # per agent, including the first attempt
    initial_interval: 30s
    backoff_coefficient: 2
    maximum_interval: 10m
    jitter: true
    non_retryable: [auth, model_not_found, config]   # go straight to the next agent
    rate_limit_budget: 30m  # per WP: rate limits/overloads are waited out this long, not counted as attempts
  max_review_cycles: 3      # review rejections before the WP is blocked
  # budget:                 # hard stops from the cost and time agents report (default: none)
  #   per_wp_usd: 5         # no new attempt once a WP cost this much (it is blocked: budget)
  #   per_wp_minutes: 90    # ... or spent this long in agent attempts
  #   per_run_usd: 40       # no new WP starts once the run cost this much (exit 3)

pipeline: default           # used when no selector below matches (--pipeline forces one)
pipelines:
  default:
    implement:
      agents: [claude-code] # fallback chain, e.g. [claude-code, codex] (--impl-agent replaces it)
      timeout: 45m
    review:
      agents: [claude-code] # e.g. [codex] (--review-agent replaces it)
      timeout: 20m
  # careful:
  #   implement: { agents: [claude-code, codex], timeout: 1h }
  #   review: { agents: [codex, claude-code], require: all }   # consensus: all | any | majority
  #   max_review_cycles: 5
  #   budget: { per_wp_usd: 10 }

# First match wins. wp is a glob on the WP id (* ? [..]); tag matches WP frontmatter tags.
# select:
#   - { wp: "WP0[1-3]", pipeline: careful }
#   - { tag: docs, pipeline: default }

# Custom command agents; use their ids in pipelines. Placeholders: {prompt_file} {prompt}
# {workspace} {repo_root} {role} {wp} {mission}. Only variables named in pass_env are passed.
# agents:
#   my-agent:
#     command: ["{repo_root}/scripts/agent.sh", "{prompt_file}", "{workspace}"]
#     prompt: file           # stdin (default), file or arg
#     output: text           # text (default), json or jsonl
#     pass_env: [OPENAI_API_KEY]
#     family: aider

# Notifications; the URL is read from the named environment variable.
# notify:
#   - { kind: slack, url_env: SLACK_WEBHOOK_URL, events: [run_finished, wp_blocked, run_failed] }

logs:
  max_bytes: 50MiB          # per attempt log cap
runs:
  retention: 20             # run directories kept under .kittify/runs/
`;
