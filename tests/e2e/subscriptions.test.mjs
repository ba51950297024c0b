// Resource subscriptions through a shared server process. server-everything keeps ONE global
// subscriber set over stdio, so the broker has to count subscriptions per URI itself: every
// subscribed client gets notifications/resources/updated, a client that unsubscribed gets no
// more, and a client that never subscribed gets none, although the server (subscribed once, on
// behalf of all) keeps sending them.
//
// Updates on demand: toggle-subscriber-updates sends one update per subscribed URI at once when
// switched on (then every 5 s), so switching it off and on again is an immediate "fence" update.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { withWorld, skipReason, resultText, waitFor } from './lib/harness.mjs';

const TOGGLE = 'toggle-subscriber-updates';

function updatesFor(handle, uri) {
  return handle.wire.in.filter((m) => m.method === 'notifications/resources/updated' && m.params?.uri === uri);
}

function allUpdates(handle) {
  return handle.wire.in.filter((m) => m.method === 'notifications/resources/updated');
}

async function toggle(handle) {
  return resultText(await handle.client.callTool({ name: TOGGLE, arguments: {} }, undefined, { timeout: 20000 }));
}

/** Switches updates off and on again from `trigger`: the server sends an update right away. */
async function freshUpdate(trigger) {
  assert.match(await toggle(trigger), /Stopped/, 'toggle off');
  assert.match(await toggle(trigger), /Started/, 'toggle on');
}

describe('resource subscriptions are counted per client', { skip: skipReason() }, () => {
  test('two subscribers, one unsubscribes; a bystander never gets updates', { timeout: 60000 }, () => withWorld(async (world) => {
    await world.startBroker();
    const a = await world.connect({ clientName: 'sub-a' });
    const b = await world.connect({ clientName: 'sub-b' });
    const bystander = await world.connect({ clientName: 'sub-bystander' });

    const { resources } = await a.client.listResources();
    const uri = resources.map((r) => r.uri).find((u) => u.startsWith('demo://resource/static/document/'));
    assert.ok(uri, `premise: server-everything lists a static document resource: ${JSON.stringify(resources.map((r) => r.uri))}`);

    assert.deepEqual(await a.client.subscribeResource({ uri }), {});
    assert.deepEqual(await b.client.subscribeResource({ uri }), {});

    // The bystander switches updates on: both subscribers get one for the URI.
    assert.match(await toggle(bystander), /Started/, 'toggle on');
    await waitFor(() => updatesFor(a, uri).length >= 1 && updatesFor(b, uri).length >= 1,
      { timeoutMs: 8000, what: `an update for ${uri} at both subscribers` }).catch((error) => {
      throw new Error(`${error.message}: A has ${updatesFor(a, uri).length}, B has ${updatesFor(b, uri).length}`);
    });

    // A unsubscribes. B keeps getting updates. An update may already be on its way to A while
    // it unsubscribes, so A is only checked after a fence: B's next update, then a round trip on A.
    assert.deepEqual(await a.client.unsubscribeResource({ uri }), {});
    const unsubscribedAt = updatesFor(a, uri).length;
    let bBefore = updatesFor(b, uri).length;
    await freshUpdate(bystander);
    await waitFor(() => updatesFor(b, uri).length > bBefore, { timeoutMs: 8000, what: 'B to get an update after A unsubscribed' });
    await a.client.ping();
    const fenced = updatesFor(a, uri).length;
    // Two more updates that B gets and A must not.
    for (let round = 0; round < 2; ++round) {
      bBefore = updatesFor(b, uri).length;
      await freshUpdate(bystander);
      await waitFor(() => updatesFor(b, uri).length > bBefore,
        { timeoutMs: 8000, what: `B to get update round ${round + 1} after A unsubscribed` });
    }
    await a.client.ping();
    assert.equal(updatesFor(a, uri).length, fenced,
      `A unsubscribed from ${uri} but still got updates after the fence ` +
      `(${unsubscribedAt} before unsubscribe, ${fenced} at the fence, ${updatesFor(a, uri).length} now; B has ${updatesFor(b, uri).length})`);
    assert.ok(fenced - unsubscribedAt <= 1, `at most one update in flight at the unsubscribe reached A (got ${fenced - unsubscribedAt})`);

    // The bystander never subscribed to anything.
    await bystander.client.ping();
    assert.deepEqual(allUpdates(bystander).map((m) => m.params), [], 'a client that never subscribed gets no updates');

    // A subscribes again: it is back in.
    assert.deepEqual(await a.client.subscribeResource({ uri }), {});
    const aBefore = updatesFor(a, uri).length;
    await freshUpdate(bystander);
    await waitFor(() => updatesFor(a, uri).length > aBefore, { timeoutMs: 8000, what: 'A to get updates again after re-subscribing' });

    // B leaves without unsubscribing; A still gets updates (the server was not told to stop).
    await b.close();
    const aAfterB = updatesFor(a, uri).length;
    await freshUpdate(bystander);
    await waitFor(() => updatesFor(a, uri).length > aAfterB, { timeoutMs: 8000, what: 'A to get updates after B left' });
    await bystander.client.ping();
    assert.deepEqual(allUpdates(bystander).map((m) => m.params), [], 'still nothing for the bystander');
    for (const h of [a, bystander]) assert.deepEqual(h.errors.map(String), [], `client ${h.index} saw protocol errors`);
  }));
});
