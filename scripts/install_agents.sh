#!/usr/bin/env bash
# Installs the pinned real agent CLIs of scripts/agent_clis.json into .tools/agents/ (git-ignored)
# from the npm registry, and reuses that install when it already matches the manifest.
#
# Why a local prefix: the tests must drive exactly these versions, never a globally installed CLI
# (a user's `claude` may be any release). Why a stamp: the install takes ~1 minute and 1+ GB, so
# it is done once per machine and redone only when the manifest changes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

manifest="scripts/agent_clis.json"
prefix=".tools/agents"
stamp="$prefix/.manifest.sha256"
want="$(sha256sum "$manifest" | cut -d' ' -f1)"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -d "$prefix/node_modules/.bin" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "scripts/install_agents.sh: npm is required to install the pinned agent CLIs; install Node.js, then rerun." >&2
  exit 127
fi
# The package specs, read with node (always there when npm is).
mapfile -t specs < <(node -e '
  const m = require("./'"$manifest"'");
  for (const a of m.agents) console.log(`${a.package}@${a.version}`);
')
echo "scripts/install_agents.sh: installing ${#specs[@]} pinned agent CLIs into $prefix ..." >&2
mkdir -p "$prefix"
[ -f "$prefix/package.json" ] || echo '{ "name": "sko-pinned-agent-clis", "private": true }' > "$prefix/package.json"
npm install --prefix "$prefix" --no-audit --no-fund --no-save --loglevel=error "${specs[@]}" >&2
echo "$want" > "$stamp"
