#!/usr/bin/env bash
# Step 1 of the GitHub Action (action.yml): installs the release binary for the runner's OS/CPU
# with scripts/install.sh (so the checksum check is the same as a manual install) into
# $RUNNER_TEMP and puts it on the job's PATH through $GITHUB_PATH.
#
# Environment: SKO_ACTION_VERSION (a version or "latest"), SKO_INSTALL_BASE_URL (mirror, optional),
# GITHUB_ACTION_PATH, GITHUB_PATH, RUNNER_TEMP (set by the runner; the tests set them too).
set -euo pipefail

here="${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH must be set (this script runs as a step of action.yml)}"
: "${GITHUB_PATH:?GITHUB_PATH must be set (this script runs as a step of action.yml)}"
bin_dir="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/spec-kitty-orchestrator/bin"

args=(--bin-dir "$bin_dir")
version="${SKO_ACTION_VERSION:-latest}"
if [ -n "$version" ] && [ "$version" != "latest" ]; then args+=(--version "$version"); fi
[ -n "${SKO_INSTALL_BASE_URL:-}" ] || unset SKO_INSTALL_BASE_URL

sh "$here/scripts/install.sh" "${args[@]}"
echo "$bin_dir" >> "$GITHUB_PATH"
