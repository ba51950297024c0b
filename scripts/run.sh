#!/usr/bin/env bash
# The run command: installs what is missing, builds a release, and starts Manifold.
# Extra arguments go to `manifold` (e.g. --headless or --minimized).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
echo "==> configure + build (release)"
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)"
echo "==> binaries in build/release/app: manifold, manifold-shim, manifoldctl"
# With a display `manifold` is the tray app; without one it runs the broker headless by itself.
exec build/release/app/manifold "$@"
