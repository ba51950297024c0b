#!/usr/bin/env bash
# The test command: installs what is missing, builds with warnings as errors, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --with-tests

export LANG=C.UTF-8 LC_ALL=C.UTF-8
preset="${MANIFOLD_PRESET:-dev}"
echo "==> configure ($preset)"
cmake --preset "$preset" -DMANIFOLD_REQUIRE_E2E=ON >/dev/null
echo "==> build"
cmake --build --preset "$preset" -j "$(nproc)"
echo "==> test"
# On a private D-Bus session bus beside a throw-away gnome-keyring, so the keychain tests use a
# real Secret Service and never the user's own keyrings.
dbus-run-session -- scripts/with-keyring.sh ctest --preset "$preset" -j "$(nproc)" --timeout 300 </dev/null
