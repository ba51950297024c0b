#!/bin/sh
# Regenerates docs/screenshots/*.png: the Traffic, Dashboard and Who Uses What views with real
# traffic (server-everything and SDK clients through manifold-shim), light, dark and at scale 2.
# Builds test_screenshot if needed, runs it under Xvfb, then shrinks the PNGs with optipng if
# it is installed. Usage: scripts/screenshots.sh [build dir, default build/dev]
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-"$root/build/dev"}
out="$root/docs/screenshots"

if [ ! -d "$build" ]; then
    (cd "$root" && cmake --preset dev)
fi
cmake --build "$build" -j2 --target test_screenshot manifold-shim fake_mcp_server

if [ ! -d "$root/tests/e2e/node_modules/@modelcontextprotocol/server-everything" ]; then
    echo "tests/e2e/node_modules is missing: run npm ci in tests/e2e first" >&2
    exit 1
fi

mkdir -p "$out"
for scale in 1 2; do
    QT_QPA_PLATFORM=xcb QT_SCALE_FACTOR=$scale MANIFOLD_SCREENSHOT_DIR="$out" \
        xvfb-run -a -s "-screen 0 1366x768x24" \
        "$build/tests/gui/test_screenshot" --gtest_filter='TrafficScreenshots.*'
done

if command -v optipng >/dev/null 2>&1; then
    optipng -quiet -o2 "$out"/*.png
fi
ls -l "$out"
