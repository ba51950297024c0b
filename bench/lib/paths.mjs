// Where things are: the bench directory, its pinned npm packages, the Manifold binaries.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_DIR = path.resolve(BENCH_DIR, '..');
export const NODE = process.execPath;

const modules = path.join(BENCH_DIR, 'node_modules');
export const EVERYTHING_JS = path.join(modules, '@modelcontextprotocol', 'server-everything', 'dist', 'index.js');
export const SUPERGATEWAY_JS = path.join(modules, 'supergateway', 'dist', 'index.js');
export const MCP_PROXY_JS = path.join(modules, 'mcp-proxy', 'dist', 'bin', 'mcp-proxy.mjs');
export const MCP_HUB_JS = path.join(modules, 'mcp-hub', 'dist', 'cli.js');
export const LISTEN_PROBE_URL = pathToFileURL(path.join(BENCH_DIR, 'lib', 'listen-probe.mjs')).href;
export const BIG_RESULT_SERVER_JS = path.join(BENCH_DIR, 'servers', 'big-result-server.mjs');

/** Version of an installed npm package (from its package.json), or '?'. */
export function packageVersion(name) {
  try {
    return JSON.parse(fs.readFileSync(path.join(modules, name, 'package.json'), 'utf8')).version;
  } catch {
    return '?';
  }
}

/** The Manifold binaries in `buildDir` (default: build/bench, what scripts/bench.sh builds). */
export function manifoldBinaries(buildDir = path.join(REPO_DIR, 'build', 'bench'), env = {}) {
  const app = path.join(path.resolve(buildDir), 'app');
  return {
    env,
    broker: process.env.MANIFOLD_BIN || path.join(app, 'manifold'),
    shim: process.env.MANIFOLD_SHIM_BIN || path.join(app, 'manifold-shim'),
    ctl: process.env.MANIFOLDCTL_BIN || path.join(app, 'manifoldctl'),
  };
}
