// A private Manifold broker for one measurement: its own temp dir, servers.json and socket, and
// if asked its HTTP front door on a free loopback port with a token of its own.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { Owned } from './owned.mjs';
import { freePort } from './ports.mjs';

const CTL_TIMEOUT_MS = 15000;

/** Runs `manifoldctl --socket SOCKET args...` and resolves with its stdout. */
function ctl(bins, socket, env, args) {
  return new Promise((resolve, reject) => {
    execFile(bins.ctl, ['--socket', socket, ...args], { env, timeout: CTL_TIMEOUT_MS }, (error, stdout, stderr) => {
      if (error) reject(new Error(`manifoldctl ${args.join(' ')} failed: ${(stderr || error.message).trim()}`));
      else resolve(stdout);
    });
  });
}

/**
 * The front door of a started broker, the way a user sets one up: a token made with
 * `manifoldctl http token add`, checked to be listening with `manifoldctl http status --json`.
 * Returns { url(name), legacyUrl(name), headers }.
 */
async function openFrontDoor(bins, socket, env, port) {
  const status = JSON.parse(await ctl(bins, socket, env, ['http', 'status', '--json']));
  if (!status.listening) throw new Error(`the HTTP front door is not listening on ${port}: ${status.error ?? JSON.stringify(status)}`);
  const added = await ctl(bins, socket, env, ['http', 'token', 'add', 'bench']);
  const secret = /mfd_[A-Za-z0-9_-]+/.exec(added)?.[0];
  if (!secret) throw new Error(`manifoldctl http token add printed no secret: ${added}`);
  return {
    url: (name) => new URL(`http://127.0.0.1:${port}/mcp/${name}`),
    legacyUrl: (name) => new URL(`http://127.0.0.1:${port}/sse/${name}`),
    headers: { Authorization: `Bearer ${secret}` },
  };
}

/**
 * Starts `manifold --headless` with `servers` (the servers.json "servers" object) and resolves
 * once it listens. Returns { pid, socket, shimEnv, shimArgs(name), frontDoor, stop() };
 * frontDoor (see openFrontDoor) only with `{ http: true }`. bins.env (optional) is added to the
 * environment of the broker and of the shims.
 */
export async function startBroker(bins, servers, { http = false } = {}) {
  for (const file of [bins.broker, bins.shim, ...(http ? [bins.ctl] : [])]) {
    if (!fs.existsSync(file)) throw new Error(`${file} not found: build first (scripts/bench.sh)`);
  }
  // Short: AF_UNIX socket paths are limited to 107 bytes.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfb-'));
  const configDir = path.join(dir, 'config');
  const socket = path.join(dir, 'broker.sock');
  fs.mkdirSync(configDir, { mode: 0o700 });
  const port = http ? await freePort() : null;
  const config = { version: 1, servers };
  if (http) config.http = { enabled: true, address: '127.0.0.1', port, allowNoToken: false };
  fs.writeFileSync(path.join(configDir, 'servers.json'), JSON.stringify(config, null, 2));
  const env = { ...process.env, ...bins.env, MANIFOLD_SECRET_STORE: 'memory', MANIFOLD_CONFIG_DIR: configDir, MANIFOLD_SOCKET: socket };
  const broker = new Owned('manifold --headless', bins.broker,
    ['--headless', '--config-dir', configDir, '--socket', socket], { env });
  const stop = async () => {
    await broker.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  let frontDoor = null;
  try {
    await broker.waitForLine(/listening on/);
    if (http) frontDoor = await openFrontDoor(bins, socket, env, port);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    pid: broker.pid,
    socket,
    // MANIFOLD_BIN=/bin/false: should the broker be gone, a shim must not start a stray one.
    shimEnv: { ...bins.env, MANIFOLD_SOCKET: socket, MANIFOLD_BIN: '/bin/false', MANIFOLD_LAUNCH: 'headless' },
    shimArgs: (name) => ['--socket', socket, name],
    frontDoor,
    stop,
  };
}
