#!/usr/bin/env bash
# The README's test command: sets up what the suite needs on a fresh machine (the pinned Deno,
# Chromium for the HTML report render test when we can install it), then runs the whole gate:
# fmt --check, lint, type check, schema drift, tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/ensure_chromium.sh
exec ./scripts/deno.sh task ok "$@"
