#!/bin/sh
# Installs the spec-kitty-orchestrator binary for this machine from a GitHub release.
#
#   curl -fsSL https://github.com/<owner>/spec-kitty-orchestrator/releases/latest/download/install.sh | sh
#   sh install.sh --version 0.2.0 --prefix /usr/local
#
# It detects the OS and CPU, downloads `spec-kitty-orchestrator-<target>` and `SHA256SUMS`,
# refuses to install when the checksum does not match, installs atomically (so a running cron job
# is never left with a half-written binary) and prints `<binary> version`.
#
# Options / environment:
#   --version V, SKO_VERSION=V        install release vV (default: the latest release)
#   --prefix DIR                      install into DIR/bin (default: ~/.local, i.e. ~/.local/bin)
#   --bin-dir DIR, SKO_INSTALL_DIR    install into exactly DIR
#   SKO_INSTALL_BASE_URL=URL          download from URL/<asset> instead of GitHub (mirrors; file:// works with curl)
#   SKO_REPO=owner/name               GitHub repository of the releases
#   --dry-run                         print what would be downloaded and where it would go, then stop
#
# POSIX sh only: it runs under dash, busybox ash, bash and zsh's sh mode.
set -eu

PRODUCT="spec-kitty-orchestrator"
SKO_REPO="${SKO_REPO:-spec-kitty/spec-kitty-orchestrator}"
version="${SKO_VERSION:-}"
bin_dir="${SKO_INSTALL_DIR:-}"
prefix=""
dry_run=0

say() { printf '%s\n' "install.sh: $*" >&2; }
die() { say "$*"; exit 1; }
usage() {
  cat <<'USAGE'
Usage: install.sh [--version V] [--prefix DIR | --bin-dir DIR] [--dry-run]

Installs spec-kitty-orchestrator (default: latest release into ~/.local/bin), verifying SHA256SUMS.
  --version V     release vV (or SKO_VERSION=V)
  --prefix DIR    install into DIR/bin
  --bin-dir DIR   install into exactly DIR (or SKO_INSTALL_DIR=DIR)
  --dry-run       print the URLs and the destination, change nothing
Environment: SKO_INSTALL_BASE_URL (download directory URL; file:// works with curl), SKO_REPO (owner/name).
USAGE
}

while [ $# -gt 0 ]; do
  case "$1" in
    --version) [ $# -ge 2 ] || die "Cannot use '--version' as it needs a value: current value is missing"; version="$2"; shift 2 ;;
    --version=*) version="${1#*=}"; shift ;;
    --prefix) [ $# -ge 2 ] || die "Cannot use '--prefix' as it needs a value: current value is missing"; prefix="$2"; shift 2 ;;
    --prefix=*) prefix="${1#*=}"; shift ;;
    --bin-dir) [ $# -ge 2 ] || die "Cannot use '--bin-dir' as it needs a value: current value is missing"; bin_dir="$2"; shift 2 ;;
    --bin-dir=*) bin_dir="${1#*=}"; shift ;;
    --dry-run) dry_run=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "Cannot use '$1' as it is not an option (--version, --prefix, --bin-dir, --dry-run, --help)" ;;
  esac
done

# --- Which binary: OS and CPU -------------------------------------------------------------
os="$(uname -s 2>/dev/null || echo unknown)"
arch="$(uname -m 2>/dev/null || echo unknown)"
ext=""
case "$os" in
  Linux)
    if ls /lib/ld-musl-* >/dev/null 2>&1; then
      die "Cannot install on this Linux as the release binaries need glibc: current C library is musl (Alpine?). Use a glibc distribution or run from source with Deno."
    fi
    os_part="unknown-linux-gnu" ;;
  Darwin) os_part="apple-darwin" ;;
  MINGW*|MSYS*|CYGWIN*|Windows_NT) os_part="pc-windows-msvc"; ext=".exe" ;;
  *) die "Cannot install as the operating system must be Linux, macOS or Windows (Git Bash): current value is '$os'. Build from source with 'deno task compile'." ;;
esac
case "$arch" in
  x86_64|amd64|AMD64) cpu="x86_64" ;;
  arm64|aarch64|ARM64) cpu="aarch64" ;;
  *) die "Cannot install as the CPU architecture must be x86_64/amd64 or arm64/aarch64: current value is '$arch'." ;;
esac
# An x86_64 shell under Rosetta on Apple silicon: the native arm64 binary is the right one.
if [ "$os_part" = "apple-darwin" ] && [ "$cpu" = "x86_64" ] && [ "$(sysctl -n sysctl.proc_translated 2>/dev/null || echo 0)" = "1" ]; then
  cpu="aarch64"
fi
if [ "$os_part" = "pc-windows-msvc" ] && [ "$cpu" != "x86_64" ]; then
  die "Cannot install on Windows as the CPU architecture must be x86_64: current value is '$arch'."
fi
target="$cpu-$os_part"
asset="$PRODUCT-$target$ext"

# --- Where from, where to -----------------------------------------------------------------
if [ -n "${SKO_INSTALL_BASE_URL:-}" ]; then
  base_url="${SKO_INSTALL_BASE_URL%/}"
elif [ -n "$version" ]; then
  base_url="https://github.com/$SKO_REPO/releases/download/v${version#v}"
else
  base_url="https://github.com/$SKO_REPO/releases/latest/download"
fi
if [ -z "$bin_dir" ]; then
  if [ -n "$prefix" ]; then
    bin_dir="${prefix%/}/bin"
  else
    [ -n "${HOME:-}" ] || die "Cannot choose the install directory as HOME must be set: current value is empty. Pass --bin-dir DIR."
    bin_dir="$HOME/.local/bin"
  fi
fi
dest="$bin_dir/$PRODUCT$ext"

if [ "$dry_run" = 1 ]; then
  printf 'target %s\nbinary %s/%s\nsums %s/SHA256SUMS\ninstall %s\n' "$target" "$base_url" "$asset" "$base_url" "$dest"
  exit 0
fi

# --- Download -----------------------------------------------------------------------------
download() { # url file
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL --retry 3 --connect-timeout 20 -o "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then
    case "$1" in file://*) die "Cannot download '$1' as file:// URLs need curl: current downloader is wget." ;; esac
    wget -q -T 60 -O "$2" "$1"
  else
    die "Cannot download as curl or wget must be installed: current PATH has neither."
  fi
}

tmp="$(mktemp -d 2>/dev/null || mktemp -d -t sko-install)"
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

say "downloading $asset for $target"
download "$base_url/$asset" "$tmp/$asset" || die "Cannot download $base_url/$asset: is there a release with a $target binary?"
download "$base_url/SHA256SUMS" "$tmp/SHA256SUMS" || die "Cannot download $base_url/SHA256SUMS: refusing to install an unverified binary."

# --- Verify -------------------------------------------------------------------------------
if command -v sha256sum >/dev/null 2>&1; then
  actual="$(sha256sum "$tmp/$asset" | awk '{print $1}')"
elif command -v shasum >/dev/null 2>&1; then
  actual="$(shasum -a 256 "$tmp/$asset" | awk '{print $1}')"
else
  die "Cannot verify the download as sha256sum or shasum must be installed: current PATH has neither."
fi
expected="$(awk -v f="$asset" '$2 == f || $2 == ("*" f) { print $1; exit }' "$tmp/SHA256SUMS")"
[ -n "$expected" ] || die "Cannot verify $asset as SHA256SUMS must list it: current SHA256SUMS has no such entry. Refusing to install."
if [ "$(printf '%s' "$expected" | tr 'A-F' 'a-f')" != "$actual" ]; then
  die "Checksum mismatch for $asset: expected $expected, got $actual. Refusing to install (the download is corrupt or was tampered with)."
fi
say "checksum verified ($actual)"

# --- Install (atomic rename in the target directory) -----------------------------------------
mkdir -p "$bin_dir" || die "Cannot create the install directory '$bin_dir'. Pass --bin-dir DIR with a writable directory."
staged="$bin_dir/.$PRODUCT.install.$$"
cp "$tmp/$asset" "$staged" || die "Cannot write to '$bin_dir'. Pass --bin-dir DIR with a writable directory."
chmod 755 "$staged"
mv -f "$staged" "$dest" || { rm -f "$staged"; die "Cannot replace '$dest'."; }
say "installed $dest"

if ! "$dest" version; then
  die "Installed $dest but it does not run on this machine ('$dest version' failed)."
fi
case ":${PATH:-}:" in
  *":$bin_dir:"*) ;;
  *) say "note: $bin_dir is not on PATH; add it, e.g. export PATH=\"$bin_dir:\$PATH\" (cron: use the full path)." ;;
esac
