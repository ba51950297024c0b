// Server->client requests through a shared server process. server-everything sends sampling,
// elicitation and roots requests over stdio with no hint of which client they are for; the
// broker must route sampling/elicitation to the client whose tools/call is in flight (not to
// whichever other capable client happens to be connected or was active last), and must answer
// roots/list itself with the union of every client's roots, re-asking when one changes them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';

import { withWorld, skipReason, resultText, echo, waitFor } from './lib/harness.mjs';

const CALL_TIMEOUT = { timeout: 20000 };

/** All text content items of a tool result, joined. */
function allText(result) {
  return (result?.content ?? []).filter((c) => c.type === 'text').map((c) => c.text).join('\n');
}

/** Connects a client that declares sampling and answers every request with `answer`. */
async function samplingClient(world, clientName, answer) {
  const seen = [];
  const handle = await world.connect({
    clientName,
    capabilities: { sampling: {} },
    setup: (client) => client.setRequestHandler(CreateMessageRequestSchema, (request) => {
      seen.push(request.params);
      return { model: `model-of-${clientName}`, role: 'assistant', content: { type: 'text', text: answer }, stopReason: 'endTurn' };
    }),
  });
  handle.sampling = seen;
  return handle;
}

/** Connects a client that declares (form) elicitation and accepts with `name`. */
async function elicitationClient(world, clientName, name) {
  const seen = [];
  const handle = await world.connect({
    clientName,
    capabilities: { elicitation: { form: {} } },
    setup: (client) => client.setRequestHandler(ElicitRequestSchema, (request) => {
      seen.push(request.params);
      return { action: 'accept', content: { name, check: true, integer: 7 } };
    }),
  });
  handle.elicitation = seen;
  return handle;
}

/** Connects a client that declares roots (listChanged) and reports `handle.roots` when asked. */
async function rootsClient(world, clientName, roots) {
  const handle = await world.connect({
    clientName,
    capabilities: { roots: { listChanged: true } },
    setup: (client, h) => {
      h.roots = roots;
      h.rootsAsked = 0;
      client.setRequestHandler(ListRootsRequestSchema, () => {
        ++h.rootsAsked;
        return { roots: h.roots };
      });
    },
  });
  return handle;
}

async function toolNames(handle) {
  return (await handle.client.listTools()).tools.map((t) => t.name);
}

/** The root URIs in get-roots-list's text ("   URI: file:///…" lines), sorted. */
async function rootsSeenByServer(handle) {
  const text = resultText(await handle.client.callTool({ name: 'get-roots-list', arguments: {} }, undefined, CALL_TIMEOUT));
  return [...text.matchAll(/URI: (\S+)/g)].map((m) => m[1]).sort();
}

describe('server->client requests reach the right client', { skip: skipReason() }, () => {
  test('sampling goes to the caller, not to another sampling-capable client', { timeout: 60000 }, () => withWorld(async (world) => {
    await world.startBroker();
    const a = await samplingClient(world, 'sampling-a', 'ANSWER-FROM-A-7f3e');
    const b = await samplingClient(world, 'sampling-b', 'ANSWER-FROM-B-91cd');
    assert.ok((await toolNames(a)).includes('trigger-sampling-request'),
      'premise: the server offers trigger-sampling-request (the broker declared sampling to it)');

    // B is the most recently active client, yet A's call must be served by A.
    assert.equal(await echo(b.client, 'b was here'), 'Echo: b was here');
    const ra = await a.client.callTool({ name: 'trigger-sampling-request', arguments: { prompt: 'prompt-of-A', maxTokens: 10 } },
      undefined, CALL_TIMEOUT);
    assert.equal(a.sampling.length, 1, `A's handler ran once (B's ran ${b.sampling.length} times)`);
    assert.equal(b.sampling.length, 0, `B's handler must not be asked for A's call: ${JSON.stringify(b.sampling)}`);
    assert.match(a.sampling[0].messages[0].content.text, /prompt-of-A/, 'A got the request carrying its prompt');
    assert.match(allText(ra), /ANSWER-FROM-A-7f3e/, `A's tool result carries A's answer: ${allText(ra)}`);
    assert.doesNotMatch(allText(ra), /ANSWER-FROM-B/);

    // The other way round, after A was the most recently active client.
    const rb = await b.client.callTool({ name: 'trigger-sampling-request', arguments: { prompt: 'prompt-of-B', maxTokens: 10 } },
      undefined, CALL_TIMEOUT);
    assert.equal(b.sampling.length, 1, 'B\'s handler ran once for B\'s call');
    assert.equal(a.sampling.length, 1, 'A\'s handler was not asked again');
    assert.match(b.sampling[0].messages[0].content.text, /prompt-of-B/);
    assert.match(allText(rb), /ANSWER-FROM-B-91cd/, `B's tool result carries B's answer: ${allText(rb)}`);

    // And A again, right after B made another request of its own.
    assert.equal(await echo(b.client, 'b is busy'), 'Echo: b is busy');
    const ra2 = await a.client.callTool({ name: 'trigger-sampling-request', arguments: { prompt: 'again-A', maxTokens: 10 } },
      undefined, CALL_TIMEOUT);
    assert.match(allText(ra2), /ANSWER-FROM-A-7f3e/);
    assert.deepEqual([a.sampling.length, b.sampling.length], [2, 1], 'handler call counts (A, B)');
    for (const h of [a, b]) assert.deepEqual(h.errors.map(String), [], `client ${h.index} saw protocol errors`);
  }));

  test('elicitation goes to the caller and its answer reaches the server', { timeout: 60000 }, () => withWorld(async (world) => {
    await world.startBroker();
    const a = await elicitationClient(world, 'elicit-a', 'Alice-from-A');
    const b = await elicitationClient(world, 'elicit-b', 'Bob-from-B');
    assert.ok((await toolNames(a)).includes('trigger-elicitation-request'),
      'premise: the server offers trigger-elicitation-request (the broker declared elicitation to it)');

    // B is the most recently active client, yet A's call must be served by A.
    assert.equal(await echo(b.client, 'b was here'), 'Echo: b was here');
    const ra = await a.client.callTool({ name: 'trigger-elicitation-request', arguments: {} }, undefined, CALL_TIMEOUT);
    assert.equal(b.elicitation.length, 0, `B's handler must not be asked for A's call: ${JSON.stringify(b.elicitation)}`);
    assert.equal(a.elicitation.length, 1, 'A\'s handler ran once');
    assert.ok(a.elicitation[0].requestedSchema?.properties?.name, 'A got the form-mode request with its schema');
    const textA = allText(ra);
    assert.match(textA, /User provided the requested information/, `accepted: ${textA}`);
    assert.match(textA, /- Name: Alice-from-A/, `A's content reached the server: ${textA}`);
    assert.match(textA, /- Favorite Integer: 7/);
    assert.doesNotMatch(textA, /Bob-from-B/);

    const rb = await b.client.callTool({ name: 'trigger-elicitation-request', arguments: {} }, undefined, CALL_TIMEOUT);
    assert.deepEqual([a.elicitation.length, b.elicitation.length], [1, 1], 'handler call counts (A, B)');
    assert.match(allText(rb), /- Name: Bob-from-B/, `B's content reached the server: ${allText(rb)}`);
    for (const h of [a, b]) assert.deepEqual(h.errors.map(String), [], `client ${h.index} saw protocol errors`);
  }));

  test('roots: the server sees the union of all clients\' roots, and changes to it', { timeout: 60000 }, () => withWorld(async (world) => {
    await world.startBroker();
    const a = await rootsClient(world, 'roots-a', [{ uri: 'file:///tmp/a', name: 'root-a' }]);
    const b = await rootsClient(world, 'roots-b', [{ uri: 'file:///tmp/b', name: 'root-b' }]);
    assert.ok((await toolNames(a)).includes('get-roots-list'),
      'premise: the server offers get-roots-list (the broker declared roots to it)');

    // The server caches what it got; B joined after A, so it may take a re-fetch to see both.
    let last;
    await waitFor(async () => {
      last = await rootsSeenByServer(a);
      return JSON.stringify(last) === JSON.stringify(['file:///tmp/a', 'file:///tmp/b']);
    }, { timeoutMs: 10000, intervalMs: 100, what: 'server to see roots a and b' }).catch((error) => {
      throw new Error(`${error.message}; get-roots-list last showed ${JSON.stringify(last)}, expected the union ` +
        `["file:///tmp/a","file:///tmp/b"] (A asked ${a.rootsAsked}x, B asked ${b.rootsAsked}x)`);
    });
    assert.deepEqual(await rootsSeenByServer(b), ['file:///tmp/a', 'file:///tmp/b'], 'same union whoever asks');

    // B changes its roots and says so.
    b.roots = [{ uri: 'file:///tmp/b2', name: 'root-b2' }, { uri: 'file:///tmp/b3', name: 'root-b3' }];
    const askedBefore = b.rootsAsked;
    await b.client.sendRootsListChanged();
    const expected = ['file:///tmp/a', 'file:///tmp/b2', 'file:///tmp/b3'];
    await waitFor(async () => {
      last = await rootsSeenByServer(a);
      return JSON.stringify(last) === JSON.stringify(expected);
    }, { timeoutMs: 10000, intervalMs: 100, what: 'server to see the changed union' }).catch((error) => {
      throw new Error(`${error.message}; after B sent notifications/roots/list_changed, get-roots-list still shows ` +
        `${JSON.stringify(last)}, expected ${JSON.stringify(expected)} (B was asked ${b.rootsAsked - askedBefore}x since)`);
    });
    assert.ok(b.rootsAsked > askedBefore, 'the broker asked B for its new roots');

    // A leaves: its root drops out of the union.
    await a.close();
    await waitFor(async () => {
      last = await rootsSeenByServer(b);
      return JSON.stringify(last) === JSON.stringify(['file:///tmp/b2', 'file:///tmp/b3']);
    }, { timeoutMs: 10000, intervalMs: 100, what: 'server to forget the roots of a client that left' }).catch((error) => {
      throw new Error(`${error.message}; get-roots-list still shows ${JSON.stringify(last)} after A disconnected`);
    });
    assert.deepEqual(b.errors.map(String), [], 'B saw no protocol errors');
  }));
});
