// (f) Unknown server: a client pointed at `manifold-shim nope` must get a clear error from
// connect() (naming "nope" and the servers that do exist), and the shim must exit non-zero.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import readline from 'node:readline';

import { withWorld, skipReason, withTimeout } from './lib/harness.mjs';

describe('a server name the broker does not know', { skip: skipReason() }, () => {
  test('SDK connect() rejects naming the unknown and the known server; the shim exits non-zero', { timeout: 60000 }, () => withWorld(async (world) => {
    await world.startBroker();
    const handle = await world.connect({ name: 'nope', clientName: 'unknown-server', connect: false });

    await assert.rejects(handle.connect(), (error) => {
      const message = String(error?.message ?? error);
      assert.match(message, /nope/, `error names the unknown server: ${message}`);
      assert.match(message, /everything/, `error names the known server: ${message}`);
      return true;
    });
    const exit = await withTimeout(handle.shimExit, 10000, 'shim exit');
    assert.equal(exit.signal, null, `the shim exits by itself, not by a signal: ${JSON.stringify(exit)}`);
    assert.ok(Number.isInteger(exit.code) && exit.code !== 0, `shim exit code non-zero: ${JSON.stringify(exit)}`);

    const status = await world.status();
    assert.deepEqual((status.sessions ?? []).filter((s) => s.server === 'nope'), [], 'no session for "nope"');
    assert.ok(!(status.servers ?? []).some((s) => s.name === 'nope'), 'no server "nope" appeared');
  }));

  test('raw stdio: the initialize request gets a JSON-RPC error with its own id, then the shim exits', { timeout: 60000 }, () => withWorld(async (world) => {
    await world.startBroker();
    const { proc: shim, exited } = world.spawnShim('nope');
    try {
      const lines = readline.createInterface({ input: shim.stdout });
      const firstLine = new Promise((resolve) => lines.once('line', resolve));
      const initialize = {
        jsonrpc: '2.0',
        id: 'init-ü-1',
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
      };
      shim.stdin.write(JSON.stringify(initialize) + '\n'); // stdin stays open: the shim must exit on its own
      const reply = JSON.parse(await withTimeout(firstLine, 10000, 'reply to initialize'));
      assert.equal(reply.jsonrpc, '2.0');
      assert.equal(reply.id, initialize.id, 'the error answers our request id');
      assert.ok(reply.error && Number.isInteger(reply.error.code), `a JSON-RPC error: ${JSON.stringify(reply)}`);
      assert.match(reply.error.message, /nope/);
      assert.match(reply.error.message, /everything/);
      const exit = await withTimeout(exited, 10000, 'shim exit with stdin still open');
      assert.ok(exit.code !== null && exit.code !== 0, `non-zero exit: ${JSON.stringify(exit)}`);
    } finally {
      shim.kill('SIGKILL');
    }
  }));
});
