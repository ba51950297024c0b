// maxInFlight: with a limit of 1 the broker hands the child one request at a time and serves
// its queue round-robin across sessions. 4 clients each fire 3 long calls at once: the calls
// must complete one at a time, in rounds that contain every client once, and `status --json`
// must show the queue meanwhile.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { withWorld, skipReason, everythingServer, resultText } from './lib/harness.mjs';

const CLIENTS = 4;
const CALLS_PER_CLIENT = 3;
const DURATION_S = 0.3;

describe('request queue with maxInFlight 1', { skip: skipReason() }, () => {
  test(`${CLIENTS} clients x ${CALLS_PER_CLIENT} long calls complete round-robin`, { timeout: 60000 }, () => withWorld(async (world) => {
    await world.startBroker();
    const handles = [];
    for (let c = 0; c < CLIENTS; ++c) handles.push(await world.connect({ clientName: `queue-${c}` }));

    // One round trip per session first, so every session is fully set up before the timed part.
    for (const h of handles) {
      const r = await h.client.callTool({ name: 'echo', arguments: { message: `warm ${h.index}` } });
      assert.equal(resultText(r), `Echo: warm ${h.index}`);
    }

    const completions = [];
    const calls = [];
    const started = Date.now();
    for (let c = 0; c < CLIENTS; ++c) {
      for (let k = 0; k < CALLS_PER_CLIENT; ++k) {
        calls.push(handles[c].client.callTool(
          { name: 'trigger-long-running-operation', arguments: { duration: DURATION_S, steps: 1 } }, undefined, { timeout: 30000 })
          .then((result) => {
            completions.push({ client: c, call: k, at: Date.now() - started });
            return result;
          }));
      }
    }

    // While they run: status shows one in flight and the rest queued.
    const snapshots = [];
    let done = false;
    const all = Promise.all(calls).finally(() => { done = true; });
    while (!done && Date.now() - started < 20000) {
      const status = await world.status();
      const server = status.servers.find((s) => s.name === 'everything');
      snapshots.push({ at: Date.now() - started, completed: completions.length, inFlight: server.inFlight, queued: server.queued, queue: server.queue });
      if (snapshots.some((s) => s.inFlight === 1 && s.queue?.some((q) => q.state === 'queued'))) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const results = await all;
    const elapsed = Date.now() - started;
    for (const r of results) assert.match(resultText(r), /completed/);

    // Status while queued.
    const busy = snapshots.find((s) => s.inFlight === 1 && Array.isArray(s.queue) && s.queue.some((q) => q.state === 'queued'));
    assert.ok(busy, `status --json never showed inFlight 1 with queued entries while calls were queued: ${JSON.stringify(snapshots)}`);
    const sessionIds = new Set((await world.status()).sessions.filter((s) => s.server === 'everything').map((s) => s.id));
    for (const entry of busy.queue) {
      assert.equal(entry.method, 'tools/call', `queue entry ${JSON.stringify(entry)}`);
      assert.ok(sessionIds.has(entry.session), `queue entry names one of our sessions ${[...sessionIds]}: ${JSON.stringify(entry)}`);
      assert.ok(typeof entry.ageMs === 'number' && entry.ageMs >= 0, `queue entry has ageMs: ${JSON.stringify(entry)}`);
      assert.ok(['queued', 'in-flight'].includes(entry.state), `queue entry state: ${JSON.stringify(entry)}`);
    }
    assert.equal(busy.queue.filter((q) => q.state === 'in-flight').length, 1, `one in flight: ${JSON.stringify(busy.queue)}`);
    assert.equal(busy.queue.filter((q) => q.state === 'queued').length, busy.queued,
      `"queued" count matches the queue list: ${JSON.stringify(busy)}`);

    // One at a time: 12 calls of 0.3 s take at least ~3.6 s in total.
    const total = CLIENTS * CALLS_PER_CLIENT;
    assert.ok(elapsed >= total * DURATION_S * 1000 * 0.9,
      `with maxInFlight 1 the ${total} calls of ${DURATION_S} s took only ${elapsed} ms: they ran concurrently`);

    // Round-robin: each consecutive group of CLIENTS completions has every client once.
    const order = completions.map((x) => x.client);
    process.stderr.write(`# queue: completion order ${JSON.stringify(order)} in ${elapsed} ms\n`);
    for (let g = 0; g < CALLS_PER_CLIENT; ++g) {
      const group = order.slice(g * CLIENTS, (g + 1) * CLIENTS);
      const twice = group.find((c, i) => group.indexOf(c) !== i);
      const skipped = Array.from({ length: CLIENTS }, (_, c) => c).filter((c) => !group.includes(c));
      assert.deepEqual([...group].sort(), Array.from({ length: CLIENTS }, (_, c) => c),
        `not round-robin: completion round ${g + 1} (calls ${g * CLIENTS + 1}..${(g + 1) * CLIENTS}) served client ` +
        `${twice} twice while client(s) ${skipped} waited; full completion order ${JSON.stringify(order)} ` +
        `(ms since start ${JSON.stringify(completions.map((x) => x.at))})`);
    }

    const after = (await world.status()).servers.find((s) => s.name === 'everything');
    assert.equal(after.inFlight, 0, 'nothing in flight afterwards');
    assert.equal(after.queued, 0, 'nothing queued afterwards');
    for (const h of handles) assert.deepEqual(h.errors.map(String), [], `client ${h.index} saw protocol errors`);
  }, { servers: { everything: everythingServer({ maxInFlight: 1 }) } }));
});
