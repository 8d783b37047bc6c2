#!/usr/bin/env bash
# Screenshot a page in headless Chromium: scripts/screenshot.sh URL OUT.png [WIDTHxHEIGHT]
set -euo pipefail
size=${3:-1280,1800}
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$profile" \
  --window-size="${size/x/,}" --screenshot="$2" "$1" >/dev/null 2>&1
echo "$2"
