#!/usr/bin/env bash
# Makes sure headless Chromium is available for the report rendering test
# (test/report/html_render_test.ts), which proves the HTML run report really draws its timeline.
#
# Chromium comes from Debian's `chromium` package: it is installed with apt-get when it is missing
# and we run as root (CI machines and developer containers); otherwise we explain what to do and
# exit 0, because the test then skips itself with a message naming this script.
set -uo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "scripts/ensure_chromium.sh: /usr/bin/chromium is missing and we are not root; the HTML render test will be skipped." >&2
  echo "  fix: sudo apt-get install chromium   (Debian/Ubuntu), then rerun the tests." >&2
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "scripts/ensure_chromium.sh: /usr/bin/chromium is missing and apt-get is not available; the HTML render test will be skipped." >&2
  exit 0
fi
echo "scripts/ensure_chromium.sh: installing Debian's chromium package for the HTML render test ..." >&2
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }; then
  echo "scripts/ensure_chromium.sh: apt-get could not install chromium; the HTML render test will be skipped." >&2
  exit 0
fi
[ -x /usr/bin/chromium ] || echo "scripts/ensure_chromium.sh: chromium installed but /usr/bin/chromium is missing." >&2
exit 0
