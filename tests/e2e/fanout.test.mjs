// (a) Fan-out: 8 real MCP clients, each through its own manifold-shim, each with 300 echo calls
// in flight at once, all multiplexed onto ONE server-everything process. Every reply must reach
// the client that asked (the broker rewrites JSON-RPC ids: all 8 clients use the same ids).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { withWorld, skipReason, descendants, describeProcesses, echoFanOut } from './lib/harness.mjs';

const CLIENTS = 8;
const CALLS_PER_CLIENT = 300;


describe('fan-out through one shared server process', { skip: skipReason() }, () => {
  test(`${CLIENTS} clients x ${CALLS_PER_CLIENT} concurrent echo calls`, { timeout: 150000 }, () => withWorld(async (world) => {
    const broker = await world.startBroker();
    const handles = await Promise.all(
      Array.from({ length: CLIENTS }, (_, c) => world.connect({ clientName: `fanout-${c}` })));

    const { ok, failures, elapsed } = await echoFanOut(handles, CALLS_PER_CLIENT);
    assert.deepEqual(failures.slice(0, 20), [], `${failures.length} of ${CLIENTS * CALLS_PER_CLIENT} calls failed`);
    assert.equal(ok, CLIENTS * CALLS_PER_CLIENT);
    for (const handle of handles) {
      assert.deepEqual(handle.errors.map(String), [], `client ${handle.index} saw protocol errors`);
    }
    process.stderr.write(`# fanout: ${ok} echo calls in ${elapsed} ms\n`);

    // One server, one pid, and every client is a session of it.
    const status = await world.status();
    const servers = status.servers.filter((s) => s.name === 'everything');
    assert.equal(servers.length, 1, `status: ${JSON.stringify(status.servers)}`);
    const [server] = servers;
    assert.equal(server.state, 'running');
    assert.ok(Number.isInteger(server.pid) && server.pid > 0, `server pid: ${server.pid}`);
    const sessions = (status.sessions ?? []).filter((s) => s.server === 'everything');
    assert.equal(sessions.length, CLIENTS, `sessions: ${JSON.stringify(status.sessions)}`);
    const shimPids = new Set(handles.map((h) => h.shimPid));
    for (const session of sessions) {
      assert.ok(shimPids.has(session.shimPid), `session ${JSON.stringify(session)} is not one of our shims`);
      assert.ok(session.requestsServed >= CALLS_PER_CLIENT,
        `session ${session.id} served ${session.requestsServed} requests, expected >= ${CALLS_PER_CLIENT}`);
    }

    // /proc agrees: exactly ONE process runs server-everything's dist/index.js, the broker's child.
    const processes = world.everythingProcesses();
    assert.equal(processes.length, 1, `server-everything processes:\n${describeProcesses(processes)}`);
    assert.equal(processes[0].pid, server.pid, 'status pid is the process that runs dist/index.js');
    assert.ok(descendants(broker.pid).includes(server.pid), 'the server is a descendant of the broker');
  }));
});
