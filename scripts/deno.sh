#!/usr/bin/env bash
# Run the pinned Deno, installing it first when it is missing.
#
# Why: our machines (and a fresh laptop) may have only Node/npm. The npm registry ships Deno's
# official binaries in the `deno` package, so `npm install deno@<pin>` gives us the exact runtime
# without any other network access. When npm is unavailable we fall back to Deno's installer.
# The binary is kept in .tools/ inside the repository (git-ignored), so nothing global changes.
set -euo pipefail

DENO_VERSION="2.9.6"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$here/.tools/deno-$DENO_VERSION"

find_deno() {
  if [ -n "${DENO_BIN:-}" ] && [ -x "$DENO_BIN" ]; then echo "$DENO_BIN"; return 0; fi
  if [ -x "$tools/node_modules/deno/deno" ]; then echo "$tools/node_modules/deno/deno"; return 0; fi
  if [ -x "$tools/bin/deno" ]; then echo "$tools/bin/deno"; return 0; fi
  if command -v deno >/dev/null 2>&1 && deno --version 2>/dev/null | head -n1 | grep -q "deno $DENO_VERSION "; then
    command -v deno; return 0
  fi
  return 1
}

if ! deno_bin="$(find_deno)"; then
  echo "scripts/deno.sh: installing Deno $DENO_VERSION into $tools ..." >&2
  mkdir -p "$tools"
  if command -v npm >/dev/null 2>&1 && npm install --silent --no-audit --no-fund --prefix "$tools" "deno@$DENO_VERSION" >&2; then
    :
  elif command -v curl >/dev/null 2>&1; then
    curl -fsSL https://deno.land/install.sh | DENO_INSTALL="$tools" sh -s -- "v$DENO_VERSION" -y >&2
  else
    echo "scripts/deno.sh: cannot install Deno: need npm (preferred) or curl. Install Node.js, then rerun." >&2
    exit 127
  fi
  deno_bin="$(find_deno)" || { echo "scripts/deno.sh: Deno install finished but no binary found under $tools" >&2; exit 127; }
fi

exec "$deno_bin" "$@"
