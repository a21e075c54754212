#!/usr/bin/env bash
# Installs the pinned npm packages of one manifest into a local, git-ignored prefix from the npm
# registry, and reuses that install while it matches the manifest. Two manifests use it:
#   scripts/agent_clis.json   the real agent CLIs the suite drives   -> .tools/agents/ (the default)
#   scripts/node_tools.json   the Node tools the gate uses           -> .tools/node-tools/
#
# Why a local prefix: the tests must drive exactly these versions, never a globally installed CLI
# (a user's `claude` may be any release). Why a stamp: the agent install takes ~1 minute and
# 1+ GB, so it is done once per machine and redone only when the manifest changes.
#
# A manifest is JSON: `prefix` (where to install, relative to the repository; .tools/agents when
# absent) and its entries under `agents` or `tools`, each `{ package, version, bin }` plus
# optional `runtimeDeps` (npm specs installed beside it), `install` and `why`. Entries install
# one of two ways:
# - default: `npm install <package>@<version>` (all packages in one npm run, so none of them is
#   pruned as extraneous by a later run);
# - `"install": "bundle"`: the package's declared dependencies do not resolve on the registry but
#   its bin is a self-contained bundle, so its tarball (`npm pack`) is unpacked into
#   node_modules without them, its `runtimeDeps` are installed in the npm run above, and its bin
#   is linked into node_modules/.bin. This runs after the npm run, which would prune it.
#
# Usage: bash scripts/install_agents.sh [manifest.json]   (default scripts/agent_clis.json;
# TOOLS_PREFIX=<dir> installs elsewhere, e.g. to test this script from scratch). Exit 0 when every
# pinned bin is installed, 127 when npm is missing, 2 when the manifest is invalid, 1 otherwise.
set -euo pipefail
me="scripts/install_agents.sh"
manifest="$(realpath -m "${1:-$(dirname "${BASH_SOURCE[0]}")/agent_clis.json}")"
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
  echo "$me: npm and node are required to install the pinned packages of $manifest; install Node.js (it ships both), then rerun." >&2
  exit 127
fi
if [ ! -f "$manifest" ]; then
  echo "$me: no manifest at $manifest; pass a JSON manifest such as scripts/agent_clis.json." >&2
  exit 2
fi

# The manifest read once, with node: `prefix <dir>` first, then `npm <spec>` lines for the one
# npm run, `bundle <package> <version> <bin>` lines for bundles and `bin <name>` for the check.
# A bad manifest is a message naming the file and the entry, never a stack trace (exit 2).
plan_text="$(node -e '
  const [file, me] = process.argv.slice(1);
  const fail = (msg) => { console.error(`${me}: ${file}: ${msg}`); process.exit(2); };
  let m;
  try { m = JSON.parse(require("fs").readFileSync(file, "utf8")); } catch (e) { fail(`not valid JSON (${e.message})`); }
  const entries = m.agents ?? m.tools;
  if (!Array.isArray(entries)) fail("needs an `agents` or `tools` array of { package, version, bin }");
  if (m.prefix !== undefined && (typeof m.prefix !== "string" || m.prefix === "")) fail("`prefix` must be a non-empty path");
  console.log(`prefix ${m.prefix ?? ".tools/agents"}`);
  const word = /^[@A-Za-z0-9._\/=^~<>-]+$/;
  entries.forEach((a, i) => {
    const at = `entry ${i + 1} (${a?.package ?? "no package"})`;
    for (const k of ["package", "version", "bin"]) {
      if (typeof a?.[k] !== "string" || !word.test(a[k])) fail(`${at}: \`${k}\` must be a non-empty string without spaces, got ${JSON.stringify(a?.[k])}`);
    }
    if (a.install === undefined) console.log(`npm ${a.package}@${a.version}`);
    else if (a.install === "bundle") console.log(`bundle ${a.package} ${a.version} ${a.bin}`);
    else fail(`${at}: unknown install ${JSON.stringify(a.install)} (use "bundle" or leave it out)`);
    for (const d of a.runtimeDeps ?? []) {
      if (typeof d !== "string" || !word.test(d)) fail(`${at}: runtimeDeps entry ${JSON.stringify(d)} is not an npm spec`);
      console.log(`npm ${d}`);
    }
    console.log(`bin ${a.bin}`);
  });
' "$manifest" "$me")"
mapfile -t plan <<<"$plan_text"
prefix=""
specs=()
bundles=()
bins=()
for line in "${plan[@]}"; do
  case "$line" in
    prefix\ *) prefix="${line#prefix }" ;;
    npm\ *) specs+=("${line#npm }") ;;
    bundle\ *) bundles+=("${line#bundle }") ;;
    bin\ *) bins+=("${line#bin }") ;;
  esac
done
prefix="$(realpath -m "${TOOLS_PREFIX:-$prefix}")"
stamp="$prefix/.manifest.sha256"
want="$(sha256sum "$manifest" | cut -d' ' -f1)"

# Every pinned bin there, as an executable: a missing CLI is a failure, not something a test skips.
missing_bins() {
  local bin
  for bin in "${bins[@]}"; do
    [ -x "$prefix/node_modules/.bin/$bin" ] || echo "$bin"
  done
}

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -z "$(missing_bins)" ]; then
  exit 0
fi

echo "$me: installing ${#specs[@]} npm packages and ${#bundles[@]} bundle(s) of $manifest into $prefix ..." >&2
mkdir -p "$prefix"
[ -f "$prefix/package.json" ] || echo '{ "name": "sko-pinned-tools", "private": true }' >"$prefix/package.json"
rm -f "$stamp"
if [ "${#specs[@]}" -gt 0 ]; then
  npm install --prefix "$prefix" --no-audit --no-fund --no-save --loglevel=error "${specs[@]}" >&2
fi

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
    if (!b) { console.error(`${p.name}@${p.version} has no bin named ${process.argv[2]}`); process.exit(1); }
    console.log(b);
  ' "$dest/package.json" "$bin")"
  chmod +x "$dest/$target"
  mkdir -p "$prefix/node_modules/.bin"
  ln -sfn "../$pkg/${target#./}" "$prefix/node_modules/.bin/$bin"
  rm -rf "$tmp"
  trap - EXIT
done

missing="$(missing_bins)"
if [ -n "$missing" ]; then
  while read -r bin; do
    echo "$me: $prefix/node_modules/.bin/$bin is missing after the install of $manifest" >&2
  done <<<"$missing"
  exit 1
fi
echo "$want" >"$stamp"
