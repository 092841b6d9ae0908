#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Renders a page with headless Chromium and writes a PNG: the one way this project takes screenshots of its
# pictures (the HTML report, the DL4J UI page) for tests and READMEs.
#
#   tools/screenshot.sh PAGE OUT.png [WIDTHxHEIGHT]
#
# PAGE is a file path or an http(s)://127.0.0.1 URL. Installs Debian's chromium when it is missing and we are root.
# Exits non-zero when no PNG was written.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 PAGE OUT.png [WIDTHxHEIGHT]" >&2
  exit 2
fi
page="$1"; out="$2"; size="${3:-1280x1600}"
browser="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$browser" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
    apt-get update -qq > /dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null
    browser="$(command -v chromium)"
  else
    echo "chromium not found; install it (Debian: apt-get install chromium)" >&2
    exit 3
  fi
fi
case "$page" in
  http://*|https://*|file://*) url="$page" ;;
  *) url="file://$(cd "$(dirname "$page")" && pwd)/$(basename "$page")" ;;
esac
mkdir -p "$(dirname "$out")"
rm -f "$out"
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
  --virtual-time-budget=5000 --window-size="${size/x/,}" --screenshot="$out" "$url" > /dev/null 2>&1 || true
if [ ! -s "$out" ]; then
  echo "no screenshot written for $url" >&2
  exit 1
fi
echo "$out"
