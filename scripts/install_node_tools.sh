#!/usr/bin/env bash
# Installs the pinned Node tools the test gate uses (not the agent CLIs: see install_agents.sh)
# into .tools/node-tools/ (git-ignored), reusing that install while the pins below are unchanged.
#
#   @action-validator/cli   validates action.yml and the example workflow (test/action/)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

specs=("@action-validator/cli@0.6.0" "@action-validator/core@0.6.0")
prefix=".tools/node-tools"
stamp="$prefix/.pins"
want="${specs[*]}"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$prefix/node_modules/.bin/action-validator" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "scripts/install_node_tools.sh: npm is required to install ${specs[*]}; install Node.js, then rerun." >&2
  exit 127
fi
echo "scripts/install_node_tools.sh: installing ${specs[*]} into $prefix ..." >&2
mkdir -p "$prefix"
[ -f "$prefix/package.json" ] || echo '{ "name": "sko-node-tools", "private": true }' > "$prefix/package.json"
npm install --prefix "$prefix" --no-audit --no-fund --no-save --loglevel=error "${specs[@]}" >&2
echo "$want" > "$stamp"
