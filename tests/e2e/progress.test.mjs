// (b) Progress routing: two clients run trigger-long-running-operation at the same time. Both SDK
// clients use progressToken == their request id, and both are at the same id, so the tokens that
// reach the shared server collide unless the broker rewrites them. Each client must get exactly
// its own progress notifications, and a third, idle client none.
//
// Why progress is checked on the wire and not only through `onprogress`: the SDK dispatches
// notifications a microtask late but responses at once, so when the last progress notification
// and the result arrive in the same read chunk, the result removes the progress handler first
// and the SDK reports that notification to client.onerror ("unknown token"). That happens even
// talking to server-everything directly. The harness taps every message the client transport
// receives, which is what these assertions use; the `onprogress` callbacks are checked to get a
// prefix of the same sequence, and the rest must show up as those late "unknown token" errors.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { withWorld, skipReason, resultText } from './lib/harness.mjs';

const LONG = 'trigger-long-running-operation';

/** Starts a long-running call and records everything needed to check its progress afterwards. */
function startLongCall(handle, args) {
  const call = { handle, args, onprogress: [], wireStart: handle.wire.in.length, outStart: handle.wire.out.length };
  call.promise = handle.client.callTool({ name: LONG, arguments: args }, undefined, {
    timeout: 30000,
    onprogress: (progress) => call.onprogress.push(progress),
  });
  return call;
}

/** The tools/call request this call put on the wire (to learn its id and progressToken). */
function sentRequest(call) {
  const requests = call.handle.wire.out.slice(call.outStart).filter((m) => m.method === 'tools/call');
  assert.equal(requests.length, 1, 'exactly one tools/call sent');
  return requests[0];
}

function progressOnWire(handle, from = 0) {
  return handle.wire.in.slice(from).filter((m) => m.method === 'notifications/progress');
}

/** Asserts that `call` received exactly progress 1..steps (total steps) with its own token, before its result. */
function assertOwnProgress(call, label) {
  const { steps } = call.args;
  const request = sentRequest(call);
  const token = request.params?._meta?.progressToken;
  assert.notEqual(token, undefined, `${label}: the SDK sent a progressToken`);

  const received = call.handle.wire.in.slice(call.wireStart);
  const progress = received.filter((m) => m.method === 'notifications/progress');
  assert.deepEqual(
    progress.map((m) => m.params),
    Array.from({ length: steps }, (_, i) => ({ progress: i + 1, total: steps, progressToken: token })),
    `${label}: progress notifications on the wire`);

  const responseIndex = received.findIndex((m) => m.id === request.id && ('result' in m || 'error' in m));
  assert.ok(responseIndex >= 0, `${label}: response on the wire`);
  const lastProgressIndex = received.findLastIndex((m) => m.method === 'notifications/progress');
  assert.ok(lastProgressIndex < responseIndex, `${label}: all progress arrives before the result`);

  // The SDK's view: a strictly increasing prefix through onprogress, the rest as late errors.
  const viaCallback = call.onprogress.map((p) => p.progress);
  assert.deepEqual(viaCallback, Array.from({ length: viaCallback.length }, (_, i) => i + 1),
    `${label}: onprogress order (${JSON.stringify(call.onprogress)})`);
  for (const p of call.onprogress) assert.equal(p.total, steps, `${label}: onprogress total`);
  const late = call.handle.errors
    .map((e) => /unknown token: (.*)$/s.exec(String(e?.message ?? e))?.[1])
    .filter(Boolean)
    .map((json) => JSON.parse(json).params)
    .filter((p) => p.total === steps);
  assert.deepEqual([...viaCallback, ...late.map((p) => p.progress)], Array.from({ length: steps }, (_, i) => i + 1),
    `${label}: every progress notification reached the SDK exactly once`);
  return token;
}

describe('progress notifications reach only the client that asked', { skip: skipReason() }, () => {
  test('colliding progress tokens from two clients, plus an idle third client', { timeout: 60000 }, () => withWorld(async (world) => {
    await world.startBroker();
    // Connected one after the other, but each SDK client numbers its own requests from 0.
    const a = await world.connect({ clientName: 'progress-a' });
    const b = await world.connect({ clientName: 'progress-b' });
    const idle = await world.connect({ clientName: 'progress-idle' });

    // Round 1: identical calls, identical tokens.
    const a1 = startLongCall(a, { duration: 1, steps: 4 });
    const b1 = startLongCall(b, { duration: 1, steps: 4 });
    const [ra1, rb1] = await Promise.all([a1.promise, b1.promise]);
    assert.match(resultText(ra1), /completed/);
    assert.match(resultText(rb1), /completed/);
    const tokenA1 = assertOwnProgress(a1, 'client A, round 1');
    const tokenB1 = assertOwnProgress(b1, 'client B, round 1');
    assert.equal(tokenA1, tokenB1, 'premise: both clients used the same progressToken');

    // Round 2: tokens collide again, but the step counts differ, so a swap would show.
    a.errors.length = 0;
    b.errors.length = 0;
    const a2 = startLongCall(a, { duration: 1, steps: 3 });
    const b2 = startLongCall(b, { duration: 1, steps: 5 });
    await Promise.all([a2.promise, b2.promise]);
    const tokenA2 = assertOwnProgress(a2, 'client A, round 2');
    const tokenB2 = assertOwnProgress(b2, 'client B, round 2');
    assert.equal(tokenA2, tokenB2, 'premise: both clients used the same progressToken');

    // Nothing else in either client's stream: 4 + 3 for A, 4 + 5 for B, all counted above.
    assert.equal(progressOnWire(a).length, 7, 'client A: no other progress notifications');
    assert.equal(progressOnWire(b).length, 9, 'client B: no other progress notifications');

    // The idle client: a round trip on its own connection first, so anything the broker might
    // have misrouted to it before now has certainly arrived.
    const pong = await idle.client.ping();
    assert.deepEqual(pong, {});
    assert.deepEqual(progressOnWire(idle).map((m) => m.params), [], 'idle client got no progress');
    assert.deepEqual(idle.errors.map(String), [], 'idle client saw no errors');
  }));
});
