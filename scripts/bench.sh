#!/usr/bin/env bash
# The benchmark command: installs what is missing, builds a release with the micro benchmarks
# (build/bench), runs the router micro benchmark, then the side-by-side MCP benchmark
# (bench/run.mjs: direct stdio, Manifold's shim and its HTTP front door, mcp-hub, mcp-proxy,
# supergateway) and the 10 MB relay.
# Extra arguments go to bench/run.mjs (e.g. --rounds 1, --only direct,manifold, --json out.json).
# Nothing here is a pass/fail test: it prints numbers.
set -euo pipefail
cd "$(dirname "$0")/.."

jobs="${MANIFOLD_BENCH_JOBS:-2}"

scripts/install-deps.sh --with-bench
echo "==> configure + build (release with benchmarks, build/bench)"
# The release preset's settings with the benchmarks on, in a build dir of its own.
cmake --preset release -B build/bench -DMANIFOLD_BUILD_TESTS=OFF -DMANIFOLD_BUILD_BENCHMARKS=ON >/dev/null
cmake --build build/bench -j "$jobs" --target manifold manifold-shim router_bench

echo "==> router micro benchmark (no sockets, no processes; per_msg = time per message)"
build/bench/bench/router_bench --benchmark_min_time=0.5

echo "==> MCP benchmark (bench/run.mjs)"
exec node bench/run.mjs --build-dir build/bench "$@"
