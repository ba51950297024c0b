// The broker with its window open: `manifold` (the tray app, not --headless) under Xvfb, showing
// the page MANIFOLD_OPEN names (traffic by default), with the event-loop probe on
// (MANIFOLD_LOOP_PROBE=1). Isolated like startBroker: its own temp dir, servers.json, socket and
// HOME (so the window's remembered layout and any desktop files land there, not in the user's).
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { Owned } from './owned.mjs';
import { descendants, exeName } from './procfs.mjs';

const CTL_TIMEOUT_MS = 15000;

export function hasXvfb() {
  try {
    execFileSync('sh', ['-c', 'command -v xvfb-run'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** `manifoldctl --socket SOCKET status --json`, parsed. */
export function brokerStatus(bins, socket) {
  return new Promise((resolve, reject) => {
    execFile(bins.ctl, ['--socket', socket, 'status', '--json'], { timeout: CTL_TIMEOUT_MS }, (error, stdout, stderr) => {
      if (error) reject(new Error(`manifoldctl status --json failed: ${(stderr || error.message).trim()}`));
      else resolve(JSON.parse(stdout));
    });
  });
}

/**
 * Starts the window broker with `servers` (the servers.json "servers" object); resolves once it
 * listens. Returns { pid, socket, shimEnv, shimArgs(name), stop() } like startBroker. Without
 * xvfb-run it falls back to QT_QPA_PLATFORM=offscreen (said on stderr: that renders nothing).
 */
export async function startWindowBroker(bins, servers, { open = 'traffic' } = {}) {
  for (const file of [bins.broker, bins.shim, bins.ctl]) {
    if (!fs.existsSync(file)) throw new Error(`${file} not found: build first (scripts/bench.sh)`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfw-'));
  const configDir = path.join(dir, 'config');
  const home = path.join(dir, 'home');
  const socket = path.join(dir, 'broker.sock');
  fs.mkdirSync(configDir, { mode: 0o700 });
  fs.mkdirSync(home, { mode: 0o700 });
  fs.writeFileSync(path.join(configDir, 'servers.json'), JSON.stringify({ version: 1, servers }, null, 2));
  const env = {
    ...process.env, ...bins.env,
    HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'), XDG_RUNTIME_DIR: dir,
    MANIFOLD_SECRET_STORE: 'memory', MANIFOLD_CONFIG_DIR: configDir, MANIFOLD_SOCKET: socket,
    MANIFOLD_OPEN: open, MANIFOLD_LOOP_PROBE: '1',
  };
  delete env.DBUS_SESSION_BUS_ADDRESS;   // no tray, no portal: the window is all there is
  const managerArgs = ['--config-dir', configDir, '--socket', socket];
  let app;
  if (hasXvfb()) {
    delete env.QT_QPA_PLATFORM;
    delete env.WAYLAND_DISPLAY;
    app = new Owned('manifold (window, Xvfb)', 'xvfb-run',
      ['-a', '-s', '-screen 0 1366x768x24', bins.broker, ...managerArgs], { env });
  } else {
    process.stderr.write('window benchmark: no xvfb-run; using QT_QPA_PLATFORM=offscreen\n');
    env.QT_QPA_PLATFORM = 'offscreen';
    app = new Owned('manifold (window, offscreen)', bins.broker, managerArgs, { env });
  }
  const stop = async () => {
    await app.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await app.waitForLine(/listening on/, { timeoutMs: 60000 });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    pid: app.pid,
    socket,
    output: () => app.output,
    // The X server's pid (its CPU is the window's too: painting happens there), or null.
    xServerPid: () => descendants(app.pid).find((pid) => exeName(pid) === 'Xvfb') ?? null,
    shimEnv: { ...bins.env, MANIFOLD_SOCKET: socket, MANIFOLD_BIN: '/bin/false', MANIFOLD_LAUNCH: 'headless' },
    shimArgs: (name) => ['--socket', socket, name],
    stop,
  };
}
