// Per-client logging levels through a shared server process. server-everything has ONE global
// level over stdio; the broker must run it at the most verbose level any client asked for and
// filter notifications/message per client.
//
// Messages on demand: toggle-simulated-logging sends one message of a random level at once when
// switched on (then every 5 s), so switching it off and on again yields a fresh random message.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { withWorld, skipReason, resultText } from './lib/harness.mjs';

const TOGGLE = 'toggle-simulated-logging';
const LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];
const rank = (level) => {
  const index = LEVELS.indexOf(level);
  if (index < 0) throw new Error(`unknown logging level ${JSON.stringify(level)}`);
  return index;
};

function messages(handle) {
  return handle.wire.in.filter((m) => m.method === 'notifications/message').map((m) => m.params);
}

async function toggle(handle) {
  return resultText(await handle.client.callTool({ name: TOGGLE, arguments: {} }, undefined, { timeout: 20000 }));
}

describe('logging levels are per client', { skip: skipReason() }, () => {
  test('client A at "error", client B at "debug"', { timeout: 60000 }, () => withWorld(async (world) => {
    await world.startBroker();
    const a = await world.connect({ clientName: 'log-a' });
    const b = await world.connect({ clientName: 'log-b' });
    assert.deepEqual(await a.client.setLoggingLevel('error'), {});
    assert.deepEqual(await b.client.setLoggingLevel('debug'), {});

    // B drives the simulated logging until it has seen a debug message and one at error or
    // above (random levels: typically a handful of rounds; bounded by count and time).
    const deadline = Date.now() + 20000;
    let rounds = 0;
    const satisfied = () => messages(b).some((m) => m.level === 'debug') && messages(b).some((m) => rank(m.level) >= rank('error'));
    assert.match(await toggle(b), /Started/, 'toggle on');
    while (!satisfied() && rounds < 300 && Date.now() < deadline) {
      ++rounds;
      assert.match(await toggle(b), /Stopped/, 'toggle off');
      assert.match(await toggle(b), /Started/, 'toggle on');
    }
    assert.match(await toggle(b), /Stopped/, 'toggle off at the end');
    // Fence: the server's messages all preceded B's last tool result; a round trip on A flushes A's side.
    await a.client.ping();
    await b.client.ping();

    const gotA = messages(a);
    const gotB = messages(b);
    const levelsB = gotB.map((m) => m.level);
    assert.ok(satisfied(), `B (level debug) should get debug and error-or-higher messages within ${rounds} rounds; got levels ${JSON.stringify(levelsB)}`);
    const belowError = gotA.filter((m) => rank(m.level) < rank('error'));
    assert.deepEqual(belowError, [], `A set level "error" but got messages below it (A got ${JSON.stringify(gotA.map((m) => m.level))})`);
    // Exactly the severe ones B saw, in the same order: nothing dropped, nothing duplicated.
    const severeB = gotB.filter((m) => rank(m.level) >= rank('error'));
    assert.deepEqual(gotA, severeB, 'A gets exactly the error-and-above messages (same as B\'s, in order)');
    process.stderr.write(`# logging: ${rounds} rounds, B got ${JSON.stringify(levelsB)}, A got ${JSON.stringify(gotA.map((m) => m.level))}\n`);

    // A lowers its level to "warning": it now also gets warnings (and still not debug).
    assert.deepEqual(await a.client.setLoggingLevel('warning'), {});
    const aFrom = messages(a).length;
    const bFrom = messages(b).length;
    const sawWarning = () => messages(b).slice(bFrom).some((m) => m.level === 'warning');
    assert.match(await toggle(b), /Started/, 'toggle on');
    for (let i = 0; !sawWarning() && i < 300 && Date.now() < deadline + 15000; ++i) {
      assert.match(await toggle(b), /Stopped/, 'toggle off');
      assert.match(await toggle(b), /Started/, 'toggle on');
    }
    assert.match(await toggle(b), /Stopped/, 'toggle off at the end');
    await a.client.ping();
    const laterA = messages(a).slice(aFrom);
    const laterB = messages(b).slice(bFrom);
    assert.ok(sawWarning(), `B saw a warning: ${JSON.stringify(laterB.map((m) => m.level))}`);
    assert.deepEqual(laterA, laterB.filter((m) => rank(m.level) >= rank('warning')),
      'after setLevel("warning") A gets exactly the warning-and-above messages');
    for (const h of [a, b]) assert.deepEqual(h.errors.map(String), [], `client ${h.index} saw protocol errors`);
  }));
});
