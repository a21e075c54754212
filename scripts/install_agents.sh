#!/usr/bin/env bash
# Installs the pinned real agent CLIs of scripts/agent_clis.json into .tools/agents/ (git-ignored)
# from the npm registry, and reuses that install when it already matches the manifest.
#
# Why a local prefix: the tests must drive exactly these versions, never a globally installed CLI
# (a user's `claude` may be any release). Why a stamp: the install takes ~1 minute and 1+ GB, so
# it is done once per machine and redone only when the manifest changes.
#
# Manifest entries install one of two ways:
# - default: `npm install <package>@<version>` (all packages in one npm run, so none of them is
#   pruned as extraneous by a later run);
# - `"install": "bundle"`: the package's declared dependencies do not resolve on the registry but
#   its bin is a self-contained bundle, so its tarball (`npm pack`) is unpacked into
#   node_modules without them, its `runtimeDeps` are installed in the npm run above, and its bin
#   is linked into node_modules/.bin. This runs after the npm run, which would prune it.
#
# Usage: bash scripts/install_agents.sh   (AGENTS_PREFIX=<dir> installs elsewhere, e.g. to test
# this script from scratch). Exit 0 when every CLI is installed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

manifest="scripts/agent_clis.json"
prefix="$(realpath -m "${AGENTS_PREFIX:-.tools/agents}")"
stamp="$prefix/.manifest.sha256"
want="$(sha256sum "$manifest" | cut -d' ' -f1)"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -d "$prefix/node_modules/.bin" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "scripts/install_agents.sh: npm is required to install the pinned agent CLIs; install Node.js, then rerun." >&2
  exit 127
fi
# What to install, read with node (always there when npm is): `npm <spec>` lines for the one npm
# run, `bundle <package> <version> <bin>` lines for bundles.
mapfile -t plan < <(node -e '
  const m = require(process.argv[1]);
  for (const a of m.agents) {
    if (a.install === undefined) console.log(`npm ${a.package}@${a.version}`);
    else if (a.install === "bundle") console.log(`bundle ${a.package} ${a.version} ${a.bin}`);
    else throw new Error(`${process.argv[1]}: agent ${a.agent}: unknown install "${a.install}" (use "bundle" or leave it out)`);
    for (const d of a.runtimeDeps ?? []) console.log(`npm ${d}`);
  }
' "$PWD/$manifest")
specs=()
bundles=()
for line in "${plan[@]}"; do
  case "$line" in
    npm\ *) specs+=("${line#npm }") ;;
    bundle\ *) bundles+=("${line#bundle }") ;;
  esac
done

echo "scripts/install_agents.sh: installing ${#specs[@]} npm packages and ${#bundles[@]} bundle(s) into $prefix ..." >&2
mkdir -p "$prefix"
[ -f "$prefix/package.json" ] || echo '{ "name": "sko-pinned-agent-clis", "private": true }' > "$prefix/package.json"
rm -f "$stamp"
npm install --prefix "$prefix" --no-audit --no-fund --no-save --loglevel=error "${specs[@]}" >&2

for b in "${bundles[@]}"; do
  read -r pkg version bin <<<"$b"
  dest="$prefix/node_modules/$pkg"
  tmp="$(mktemp -d)"
  # shellcheck disable=SC2064 # expand now: the trap must remove this iteration's directory
  trap "rm -rf '$tmp'" EXIT
  tarball="$(npm pack --silent --pack-destination "$tmp" "$pkg@$version" | tail -n 1)"
  rm -rf "$dest"
  mkdir -p "$dest"
  tar -xzf "$tmp/$tarball" -C "$dest" --strip-components=1
  target="$(node -e '
    const p = require(process.argv[1]);
    const b = typeof p.bin === "string" ? p.bin : (p.bin ?? {})[process.argv[2]];
    if (!b) throw new Error(`${p.name}@${p.version} has no bin named ${process.argv[2]}`);
    console.log(b);
  ' "$dest/package.json" "$bin")"
  chmod +x "$dest/$target"
  mkdir -p "$prefix/node_modules/.bin"
  ln -sfn "../$pkg/${target#./}" "$prefix/node_modules/.bin/$bin"
  rm -rf "$tmp"
  trap - EXIT
done

# Every pinned bin must be there: a missing CLI is a failure, not something a test skips.
missing=0
while read -r bin; do
  if [ ! -x "$prefix/node_modules/.bin/$bin" ]; then
    echo "scripts/install_agents.sh: $prefix/node_modules/.bin/$bin is missing after the install" >&2
    missing=1
  fi
done < <(node -e 'for (const a of require(process.argv[1]).agents) console.log(a.bin)' "$PWD/$manifest")
[ "$missing" = 0 ] || exit 1
echo "$want" > "$stamp"
