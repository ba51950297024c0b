// A private Manifold broker for one measurement: its own temp dir, servers.json and socket.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { Owned } from './owned.mjs';

/**
 * Starts `manifold --headless` with `servers` (the servers.json "servers" object) and resolves
 * once it listens. Returns { pid, socket, shimEnv, stop() }. bins.env (optional) is added to the
 * environment of the broker and of the shims.
 */
export async function startBroker(bins, servers) {
  for (const file of [bins.broker, bins.shim]) {
    if (!fs.existsSync(file)) throw new Error(`${file} not found: build first (scripts/bench.sh)`);
  }
  // Short: AF_UNIX socket paths are limited to 107 bytes.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfb-'));
  const configDir = path.join(dir, 'config');
  const socket = path.join(dir, 'broker.sock');
  fs.mkdirSync(configDir, { mode: 0o700 });
  fs.writeFileSync(path.join(configDir, 'servers.json'), JSON.stringify({ version: 1, servers }, null, 2));
  const env = { ...process.env, ...bins.env, MANIFOLD_SECRET_STORE: 'memory', MANIFOLD_CONFIG_DIR: configDir, MANIFOLD_SOCKET: socket };
  const broker = new Owned('manifold --headless', bins.broker,
    ['--headless', '--config-dir', configDir, '--socket', socket], { env });
  const stop = async () => {
    await broker.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await broker.waitForLine(/listening on/);
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
    stop,
  };
}
