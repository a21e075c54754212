#!/usr/bin/env bash
# The README's test command: sets up what the suite needs on a fresh machine (the pinned Deno,
# Chromium for the HTML report render test when we can install it, the pinned real agent CLIs and
# Node tools), then runs the whole gate: fmt --check, lint, type check, schema drift, tests.
#
# A failed agent CLI install fails the gate (set -e): the real-CLI tests must never be skipped.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/ensure_chromium.sh
bash scripts/install_agents.sh scripts/agent_clis.json
bash scripts/install_agents.sh scripts/node_tools.json
exec ./scripts/deno.sh task ok "$@"
