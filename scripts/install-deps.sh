#!/usr/bin/env bash
# Installs what building and testing Manifold needs on Debian 12 / Ubuntu, skipping what is there.
# Usage: scripts/install-deps.sh [--with-tests] [--with-bench]
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=0
want_bench=0
for arg in "$@"; do
    case "$arg" in
        --with-tests) want_tests=1 ;;
        --with-bench) want_bench=1 ;;
        *) echo "usage: scripts/install-deps.sh [--with-tests] [--with-bench]" >&2; exit 2 ;;
    esac
done

# qtkeychain-qt6-dev: secrets in the OS keychain; QtKeychain reaches the Secret Service through
# libsecret, which it loads at run time (libsecret-1-0).
packages=(build-essential cmake ninja-build pkg-config qt6-base-dev qt6-base-dev-tools
          qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qtkeychain-qt6-dev libsecret-1-0)
# rsvg-convert renders the PNG sizes of the hicolor icon.
packages+=(librsvg2-bin)
# libboost-dev: Boost.Beast's HTTP/1.1 parser for the HTTP front door (header-only).
packages+=(libboost-dev)
if (( want_tests )); then
    # xvfb + xauth + a font: the screenshot test renders real windows.
    packages+=(libgtest-dev libgmock-dev procps xvfb xauth fonts-dejavu-core)
    # The keychain tests: a private session bus (dbus-run-session is in dbus-daemon, dbus-send in
    # dbus-bin) with a throw-away gnome-keyring; secret-tool checks what landed in it.
    packages+=(dbus-daemon dbus-bin gnome-keyring libsecret-tools)
    # The asan preset: clang, its sanitizer and libFuzzer runtimes, and llvm-symbolizer (in
    # llvm) so that sanitizer reports name functions and lines.
    packages+=(clang libclang-rt-14-dev llvm)
fi
# --- benchmarks (scripts/bench.sh) ---------------------------------------------------------------
if (( want_bench )); then
    # Google Benchmark for bench/router_bench (node and npm: below, as for everything else).
    packages+=(libbenchmark-dev)
fi
# --------------------------------------------------------------------------------------------------
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for pkg in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# nodejs/npm may come from outside Debian (e.g. NodeSource): trust the commands, not dpkg.
if command -v node >/dev/null 2>&1; then missing=("${missing[@]/nodejs}"); fi
if command -v npm >/dev/null 2>&1; then missing=("${missing[@]/npm}"); fi
read -r -a missing <<< "${missing[*]:-}"

if (( ${#missing[@]} )); then
    echo "==> installing: ${missing[*]}"
    SUDO=""
    if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
    echo "==> system packages already installed"
fi

if (( want_tests )); then
    echo "==> npm test dependencies (tests/e2e, pinned by package-lock.json)"
    # Install scripts stay off (two of the CLIs' dependencies would build native add-ons with
    # node-gyp, which downloads headers); Claude Code's own postinstall only copies its native
    # binary out of the pinned platform package, so it is run by hand.
    (cd tests/e2e && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error &&
        node node_modules/@anthropic-ai/claude-code/install.cjs)
fi

# --- benchmarks: the pinned npm packages (bench/package-lock.json) ----------------------------------
if (( want_bench )); then
    echo "==> npm benchmark dependencies (bench, pinned by package-lock.json)"
    (cd bench && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
