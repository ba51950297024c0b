// (e) Auto-start: no broker is running and 10 clients start at once. Each shim finds no broker;
// exactly one of them may launch it (MANIFOLD_BIN), the others must wait for it and connect.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { withWorld, skipReason, echo, BINS, describeProcesses } from './lib/harness.mjs';

const CLIENTS = 10;

describe('the first shims start exactly one broker', { skip: skipReason() }, () => {
  test(`${CLIENTS} clients started at once with no broker running`, { timeout: 90000 }, () => withWorld(async (world) => {
    assert.deepEqual(world.brokerProcesses(), [], 'premise: no broker for this socket yet');

    const handles = [];
    for (let i = 0; i < CLIENTS; ++i) {
      handles.push(await world.connect({
        clientName: `autostart-${i}`,
        connect: false,
        env: { MANIFOLD_BIN: BINS.manifold, MANIFOLD_CONFIG_DIR: world.configDir, MANIFOLD_LAUNCH: 'headless' },
      }));
    }
    // All shims are spawned synchronously, back to back, well within 100 ms.
    const spawnStart = Date.now();
    const connecting = handles.map((h) => h.connect());
    const spawnSpread = Date.now() - spawnStart;
    assert.ok(spawnSpread < 1000, `shims spawned within ${spawnSpread} ms`);
    const connected = await Promise.allSettled(connecting);
    const connectFailures = connected
      .map((o, i) => (o.status === 'rejected' ? `client ${i}: ${o.reason?.message ?? o.reason}\n${handles[i].stderr}` : null))
      .filter(Boolean);
    assert.deepEqual(connectFailures, [], 'every client connects');

    const replies = await Promise.allSettled(handles.map((h, i) => echo(h.client, `autostart ${i} ü—✓`)));
    replies.forEach((outcome, i) => {
      assert.equal(outcome.status, 'fulfilled', `client ${i}: ${outcome.reason?.message}`);
      assert.equal(outcome.value, `Echo: autostart ${i} ü—✓`);
    });

    const brokers = world.brokerProcesses();
    for (const p of brokers) world.extraPids.add(p.pid); // teardown kills it (detached from us)
    assert.equal(brokers.length, 1, `broker processes for ${world.socket}:\n${describeProcesses(brokers)}`);

    const status = await world.status();
    if (status.broker?.pid !== undefined) {
      world.extraPids.add(status.broker.pid);
      assert.equal(status.broker.pid, brokers[0].pid, 'status broker.pid is the one broker process');
    }
    const sessions = (status.sessions ?? []).filter((s) => s.server === 'everything');
    assert.equal(sessions.length, CLIENTS, `sessions: ${JSON.stringify(status.sessions)}`);
    const servers = world.everythingProcesses();
    assert.equal(servers.length, 1, `server-everything processes:\n${describeProcesses(servers)}`);

    await Promise.all(handles.map((h) => h.close()));
  }));
});
