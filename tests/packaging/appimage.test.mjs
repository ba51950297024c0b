// The AppImage end to end (run by scripts/check-appimage.sh, which builds the image with a stand-in
// runtime and sets the variables below): the bundled manifold --headless, manifold-shim and
// manifoldctl with the official SDK client; a shim that starts the tray app from the image under
// X; and the stable shim launcher following the image when it is moved.
//
//   MANIFOLD_APPIMAGE       the image file (its runtime: tests/packaging/appimage-testruntime.sh)
//   MANIFOLD_BIN            the same file; MANIFOLD_SHIM_BIN and MANIFOLDCTL_BIN: symlinks to it
//                           named manifold-shim and manifoldctl (AppRun dispatches on the name)
//   MANIFOLD_TESTRT_DIR     where the stand-in runtime unpacks images
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';

import {
  withWorld, skipReason, echo, resultText, findProcesses, waitFor, isAlive, killQuietly, NODE, EVERYTHING_JS,
} from '../e2e/lib/harness.mjs';

const IMAGE = process.env.MANIFOLD_APPIMAGE ?? '';
const BASE_LIBRARIES = path.resolve(path.dirname(fileURLToPath(import.meta.url)),
  '../../packaging/appimage/base-libraries.txt');

function appImageSkipReason() {
  const reason = skipReason();
  if (reason) return reason;
  if (!IMAGE || !fs.existsSync(IMAGE)) return 'MANIFOLD_APPIMAGE is not set (run scripts/check-appimage.sh)';
  if (!process.env.MANIFOLD_TESTRT_DIR) return 'MANIFOLD_TESTRT_DIR is not set (run scripts/check-appimage.sh)';
  return false;
}

function keyringSkipReason() {
  if (process.env.DBUS_SESSION_BUS_ADDRESS) return false;
  if (process.env.MANIFOLD_REQUIRE_KEYRING === '1') throw new Error('MANIFOLD_REQUIRE_KEYRING=1 but there is no session bus');
  return 'no D-Bus session bus (run under scripts/with-keyring.sh)';
}

function environOf(pid) {
  const env = {};
  for (const entry of fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

/** Every shared object file mapped into `pid`, by path. */
function mappedObjects(pid) {
  const files = new Set();
  for (const line of fs.readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n')) {
    const file = line.split(/\s+/).slice(5).join(' ');
    if (/\.so(\.\d+)*$/.test(file)) files.add(file);
  }
  return [...files];
}

/**
 * The process runs the image's programs against the image's libraries: its executable and Qt are
 * from APPDIR, no library the image bundles comes from anywhere else, and every other one is on
 * the base-system list (or something only those need). Returns the host libraries it mapped.
 * withQt false: a program that links no Qt (manifold-shim) must map none.
 */
function assertRunsFromImage(pid, what, image = IMAGE, withQt = true) {
  const env = environOf(pid);
  assert.equal(env.APPIMAGE, image, `${what}: APPIMAGE`);
  const appDir = env.APPDIR;
  assert.ok(appDir && fs.existsSync(path.join(appDir, 'AppRun')), `${what}: APPDIR ${appDir}`);
  assert.ok(fs.readlinkSync(`/proc/${pid}/exe`).startsWith(`${appDir}/usr/bin/`), `${what}: executable`);
  const mapped = mappedObjects(pid);
  if (withQt)
    assert.ok(mapped.includes(`${appDir}/usr/lib/libQt6Core.so.6`), `${what} maps the bundled QtCore:\n${mapped.join('\n')}`);
  else
    assert.deepEqual(mapped.filter((file) => /libQt6/.test(file)), [], `${what} maps no Qt`);
  const bundled = fs.readdirSync(path.join(appDir, 'usr', 'lib'));
  const fromHost = mapped.filter((file) => !file.startsWith(`${appDir}/`));
  const strays = fromHost.filter((file) => sonameIn(file, bundled) || /libQt6|\/qt6\//.test(file));
  assert.deepEqual(strays, [], `${what} took bundled libraries from the host`);
  return fromHost;
}

/** The soname among `sonames` that the mapped `file` (libz.so.1.2.13 for libz.so.1) is, or undefined. */
function sonameIn(file, sonames) {
  const name = path.basename(file);
  return sonames.find((soname) => name === soname || name.startsWith(`${soname}.`));
}

function baseLibraries() {
  return fs.readFileSync(BASE_LIBRARIES, 'utf8').split('\n')
    .map((line) => line.replace(/#.*/, '').trim()).filter(Boolean);
}

function run(file, args, env) {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: 30000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

async function stopProcess(pid) {
  killQuietly(pid, 'SIGTERM');
  await waitFor(() => !isAlive(pid), { timeoutMs: 10000, what: `pid ${pid} to exit` });
}

describe('the AppImage', { skip: appImageSkipReason() }, () => {
  test('bundled broker, shim and manifoldctl through the image', { timeout: 120000 }, () => withWorld(async (world) => {
    const broker = await world.startBroker(); // MANIFOLD_BIN: the image, default dispatch
    const handle = await world.connect();      // the manifold-shim symlink: dispatch by name
    const tools = await handle.client.listTools();
    assert.ok(tools.tools.some((tool) => tool.name === 'echo'), JSON.stringify(tools));
    assert.equal(await echo(handle.client, 'from the AppImage ✓'), 'Echo: from the AppImage ✓');

    const host = assertRunsFromImage(broker.pid, 'the broker');
    assertRunsFromImage(handle.shimPid, 'the shim', IMAGE, false);
    const base = baseLibraries();
    const unlisted = host.filter((file) => !sonameIn(file, base)).map((file) => path.basename(file));
    // Libraries only base libraries need (libXau for libxcb, say) are the host's business.
    console.log(`broker: ${host.length} host libraries (${unlisted.length} pulled in by base ones: ${unlisted.join(' ')})`);
  }));

  test('a shim with no broker starts the tray app from the image', { timeout: 120000, skip: !process.env.DISPLAY && 'no DISPLAY (run under xvfb-run)' }, () => withWorld(async (world) => {
    delete world.env.MANIFOLD_BIN; // AppRun names the image itself
    const handle = await world.connect({ env: { MANIFOLD_LAUNCH: 'tray' } });
    assert.equal(await echo(handle.client, 'tray'), 'Echo: tray');
    const tray = await waitFor(() => findProcesses({ cmdlineIncludes: ['--minimized', world.socket] })
      .find((p) => p.argv[0].endsWith('/usr/bin/manifold')), { what: 'the tray app' });
    world.extraPids.add(tray.pid);
    assertRunsFromImage(tray.pid, 'the tray app');
    const appDir = environOf(tray.pid).APPDIR;
    const mapped = await waitFor(() => {
      const files = mappedObjects(tray.pid);
      return files.includes(`${appDir}/usr/plugins/platforms/libqxcb.so`) && files;
    }, { what: 'the bundled xcb platform plugin' });
    assert.ok(mapped.includes(`${appDir}/usr/lib/libQt6XcbQpa.so.6`), mapped.join('\n'));
  }));

  test('secrets through the bundled QtKeychain and libsecret', { timeout: 120000, skip: keyringSkipReason() }, () => withWorld(async (world) => {
    world.env.MANIFOLD_KEYCHAIN_SERVICE = `manifold-appimage-${world.tag}`;
    const broker = await world.startBroker();
    const secret = `sk-appimage-${randomUUID()}`;
    await world.ctl('add', 'keyed', '--env', `EVERYTHING_API_KEY=${secret}`, '--env', `MANIFOLD_E2E_TAG=${world.tag}`,
      '--', NODE, EVERYTHING_JS, 'stdio');
    const servers = fs.readFileSync(path.join(world.configDir, 'servers.json'), 'utf8');
    assert.ok(!servers.includes(secret), 'the secret went to the keychain');
    const handle = await world.connect({ name: 'keyed' });
    const childEnv = JSON.parse(resultText(await handle.client.callTool({ name: 'get-env', arguments: {} })));
    assert.equal(childEnv.EVERYTHING_API_KEY, secret, 'the broker read it back for the server');
    const appDir = environOf(broker.pid).APPDIR;
    assert.ok(mappedObjects(broker.pid).includes(`${appDir}/usr/lib/libsecret-1.so.0`), 'the bundled libsecret');
    assertRunsFromImage(broker.pid, 'the broker using the keychain');
  }));

  test('the shim launcher follows the image when it moves', { timeout: 180000 }, () => withWorld(async (world) => {
    const home = path.join(world.dir, 'home');
    const configPath = path.join(home, '.config', 'Claude', 'claude_desktop_config.json');
    fs.mkdirSync(path.dirname(configPath), { recursive: true });
    fs.writeFileSync(configPath, JSON.stringify({ mcpServers: { everything: {
      command: NODE, args: [EVERYTHING_JS, 'stdio'], env: { MANIFOLD_E2E_TAG: world.tag } } } }, null, 2));
    // Paths with spaces and a quote, as a user's may have. The copy keeps the mtime, so the
    // stand-in runtime reuses its unpacked image.
    const placeA = path.join(world.dir, "apps 'A'", 'Manifold.AppImage');
    const placeB = path.join(world.dir, 'moved B', 'Manifold.AppImage');
    fs.mkdirSync(path.dirname(placeA));
    fs.mkdirSync(path.dirname(placeB));
    fs.copyFileSync(IMAGE, placeA);
    const { atime, mtime } = fs.statSync(IMAGE);
    fs.utimesSync(placeA, atime, mtime);
    fs.chmodSync(placeA, 0o755);

    // Nothing names the programs but the launcher: AppRun and Manifold must find the image.
    delete world.env.MANIFOLD_BIN;
    delete world.env.MANIFOLD_SHIM_BIN;
    const env = {
      ...world.env,
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_DATA_HOME: path.join(home, '.local', 'share'),
      MANIFOLD_LAUNCH: 'headless',
      MANIFOLD_SECRET_STORE: 'memory',
    };
    const launcher = path.join(home, '.local', 'share', 'manifold', 'bin', 'manifold-shim');
    const quoted = (file) => `'${file.replaceAll("'", "'\\''")}'`;

    const setup = await run(placeA, ['ctl', '--socket', world.socket, 'setup', 'claude-desktop'], env);
    assert.equal(setup.code, 0, `${setup.stdout}\n${setup.stderr}`);
    const entry = JSON.parse(fs.readFileSync(configPath, 'utf8')).mcpServers.everything;
    assert.deepEqual(entry, { command: launcher, args: ['everything'] });
    const atA = fs.readFileSync(launcher, 'utf8');
    assert.ok(atA.includes(`\nexec ${quoted(placeA)} 'shim' "$@"\n`), atA);
    assert.ok(!atA.includes('/usr/bin/'), 'the launcher names the image, never the place it is unpacked or mounted');

    // A client started as the config says: the shim starts the broker from the image.
    const first = await world.connect({ command: entry.command, args: entry.args, env });
    assert.equal(await echo(first.client, 'at A'), 'Echo: at A');
    const brokerAtA = findProcesses({ cmdlineIncludes: ['--headless', world.socket] })
      .find((p) => p.argv[0].endsWith('/usr/bin/manifold'));
    assert.ok(brokerAtA, 'the broker the shim started');
    world.extraPids.add(brokerAtA.pid);
    assert.equal(environOf(brokerAtA.pid).APPIMAGE, placeA);
    await first.close();
    await stopProcess(brokerAtA.pid);

    fs.renameSync(placeA, placeB);
    const stale = await run(launcher, ['everything'], env);
    assert.equal(stale.code, 127);
    assert.match(stale.stderr, /is gone; start Manifold once/);

    // Started again from its new place, Manifold points the launcher there.
    const atB = spawn(placeB, ['--headless', '--socket', world.socket], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    world.extraPids.add(atB.pid);
    let output = '';
    atB.stdout.on('data', (chunk) => { output += chunk; });
    atB.stderr.on('data', (chunk) => { output += chunk; });
    await world.waitReady({ broker: null }).catch((error) => {
      throw new Error(`${error.message}\nmanifold at B:\n${output}`);
    });
    const moved = fs.readFileSync(launcher, 'utf8');
    assert.ok(moved.includes(`\nexec ${quoted(placeB)} 'shim' "$@"\n`), moved);
    assert.equal(environOf(atB.pid).APPIMAGE, placeB);

    const second = await world.connect({ command: entry.command, args: entry.args, env });
    assert.equal(await echo(second.client, 'at B'), 'Echo: at B');
    assertRunsFromImage(second.shimPid, 'the shim after the move', placeB, false);
  }, { servers: {} }));
});
