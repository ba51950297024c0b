// Smoke test of an INSTALLED Manifold package (scripts/check-deb.sh runs it after `apt-get
// install ./manifold_*.deb`): the broker, the shim and manifoldctl from /usr/bin, two official
// MCP SDK clients sharing one server-everything process, the version the package says, and the
// man pages where man(1) finds them.
//
// Environment (set by scripts/check-deb.sh):
//   MANIFOLD_BIN, MANIFOLD_SHIM_BIN, MANIFOLDCTL_BIN  the installed binaries (/usr/bin/...)
//   MANIFOLD_EXPECTED_VERSION                          the package's upstream version
// Run: node --test tests/packaging/installed-smoke.test.mjs (tests/e2e needs `npm ci` first).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { BINS, withWorld, skipReason, echo, describeProcesses, descendants } from '../e2e/lib/harness.mjs';

const run = promisify(execFile);
const expectedVersion = process.env.MANIFOLD_EXPECTED_VERSION ?? '';

// A throw-away home for everything started here: a starting broker refreshes the shim launcher
// in $XDG_DATA_HOME/manifold/bin, and the user's own must keep pointing at their own shim.
// (Worlds copy process.env when they are created, so this reaches the broker and the shims.)
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mfdeb-home-'));
Object.assign(process.env, {
  HOME: home,
  XDG_CONFIG_HOME: path.join(home, '.config'),
  XDG_DATA_HOME: path.join(home, '.local', 'share'),
  XDG_CACHE_HOME: path.join(home, '.cache'),
});
after(() => fs.rmSync(home, { recursive: true, force: true }));

describe('installed package', { skip: skipReason() }, () => {
  test('the environment names the expected version', () => {
    assert.match(expectedVersion, /^\d+\.\d+\.\d+/, 'MANIFOLD_EXPECTED_VERSION must be set to the package version');
  });

  test('each binary prints the package version', async () => {
    for (const [bin, name] of [[BINS.manifold, 'manifold'], [BINS.shim, 'manifold-shim'], [BINS.ctl, 'manifoldctl']]) {
      const { stdout } = await run(bin, ['--version']);
      assert.equal(stdout.trim(), `${name} ${expectedVersion}`, `${bin} --version`);
    }
  });

  test('man finds the three installed manual pages', async () => {
    for (const page of ['manifold', 'manifold-shim', 'manifoldctl']) {
      const { stdout } = await run('man', ['-w', page]);
      assert.equal(stdout.trim(), `/usr/share/man/man1/${page}.1.gz`, `man -w ${page}`);
    }
  });

  test('two SDK clients through the installed shim share one server-everything', { timeout: 120000 }, () =>
    withWorld(async (world) => {
      const broker = await world.startBroker();
      const clients = [];
      for (const clientName of ['smoke-a', 'smoke-b']) {
        const handle = await world.connect({ clientName });
        clients.push(handle);
        // connect() ran initialize; the broker answered it from the shared server's result.
        assert.equal(handle.client.getServerVersion()?.name, 'mcp-servers/everything',
          `${clientName}: serverInfo ${JSON.stringify(handle.client.getServerVersion())}`);
        const { tools } = await handle.client.listTools();
        assert.ok(tools.some((tool) => tool.name === 'echo'), `${clientName}: tools/list has echo`);
        assert.equal(await echo(handle.client, `hello from ${clientName} ✓`), `Echo: hello from ${clientName} ✓`);
      }
      for (const handle of clients) {
        assert.deepEqual(handle.errors.map(String), [], `client ${handle.index} saw protocol errors`);
      }

      const status = await world.status();
      assert.equal(status.broker.version, expectedVersion, 'status --json broker.version');
      assert.equal(status.broker.pid, broker.pid, 'status comes from the broker this test started');
      const sessions = status.sessions.filter((session) => session.server === 'everything');
      assert.equal(sessions.length, 2, `sessions: ${JSON.stringify(status.sessions)}`);
      for (const session of sessions) {
        assert.equal(session.shimVersion, expectedVersion, `session ${session.id}: shimVersion`);
        assert.equal(session.versionMismatch, false, `session ${session.id}: versionMismatch`);
      }
      const [server] = status.servers.filter((s) => s.name === 'everything');
      assert.equal(server?.state, 'running', `server: ${JSON.stringify(server)}`);

      const processes = world.everythingProcesses();
      assert.equal(processes.length, 1, `server-everything processes:\n${describeProcesses(processes)}`);
      assert.equal(processes[0].pid, server.pid, 'the one server-everything is the server status reports');
      assert.ok(descendants(broker.pid).includes(server.pid), 'and it is a child of the installed broker');
    }));

  test('with no broker running, the installed shim starts the manifold installed next to it', { timeout: 60000 }, () =>
    withWorld(async (world) => {
      // MANIFOLD_BIN empty: the shim must find /usr/bin/manifold itself, as in a client's config.
      const handle = await world.connect({ clientName: 'smoke-autostart', env: { MANIFOLD_BIN: '', MANIFOLD_LAUNCH: 'headless' } });
      assert.equal(await echo(handle.client, 'started by the shim'), 'Echo: started by the shim');
      const status = await world.status();
      world.extraPids.add(status.broker.pid);
      assert.equal(status.broker.version, expectedVersion, 'status --json broker.version');
      assert.equal(fs.readlinkSync(`/proc/${status.broker.pid}/exe`), BINS.manifold, 'the broker the shim started');
    }));
});
