// Server->client requests through a shared server process. server-everything sends sampling,
// elicitation and roots requests over stdio with no hint of which client they are for; the
// broker must route sampling/elicitation to the client whose tools/call is in flight (not to
// whichever other capable client happens to be connected or was active last). roots/list is
// answered by the broker with the roots of the instance's own clients: clients with other roots
// get a child of their own (never a union), and one that changes its roots moves to a matching one.
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

  test('roots: each client\'s server sees only that client\'s roots, also after it changes them', { timeout: 90000 }, () => withWorld(async (world) => {
    await world.startBroker();
    const a = await rootsClient(world, 'roots-a', [{ uri: 'file:///tmp/a', name: 'root-a' }]);
    assert.ok((await toolNames(a)).includes('get-roots-list'),
      'premise: the server offers get-roots-list (the broker declared roots to it)');
    let last;
    const expectRoots = async (handle, expected, what) => {
      await waitFor(async () => {
        last = await rootsSeenByServer(handle);
        return JSON.stringify(last) === JSON.stringify(expected);
      }, { timeoutMs: 15000, intervalMs: 100, what }).catch((error) => {
        throw new Error(`${error.message}; get-roots-list last showed ${JSON.stringify(last)}, expected ` +
          `${JSON.stringify(expected)} (A asked ${a.rootsAsked}x)`);
      });
    };
    // The server asks for roots: from now on clients with other roots get a child of their own.
    await expectRoots(a, ['file:///tmp/a'], 'server to see root a');
    const b = await rootsClient(world, 'roots-b', [{ uri: 'file:///tmp/b', name: 'root-b' }]);
    await expectRoots(b, ['file:///tmp/b'], 'B\'s server to see root b only');
    assert.deepEqual(await rootsSeenByServer(a), ['file:///tmp/a'], 'A\'s server still sees a only: no union');
    const server = await world.server('everything');
    assert.equal(server.usesRoots, true, 'the broker learned that the server asks for roots');
    // B was first bound to a guess (its working directory as root); that child goes once B has moved.
    await waitFor(async () => JSON.stringify((await world.server('everything')).instances.map((i) => i.key).sort()) ===
      JSON.stringify(['roots:file:///tmp/a', 'roots:file:///tmp/b']), { timeoutMs: 10000, what: 'one child per set of roots' });

    // B changes its roots and says so: it moves to a child that sees its new roots.
    b.roots = [{ uri: 'file:///tmp/b2', name: 'root-b2' }, { uri: 'file:///tmp/b3', name: 'root-b3' }];
    const askedBefore = b.rootsAsked;
    await b.client.sendRootsListChanged();
    await expectRoots(b, ['file:///tmp/b2', 'file:///tmp/b3'], 'B\'s server to see its changed roots');
    assert.ok(b.rootsAsked > askedBefore, 'the broker asked B for its new roots');
    assert.deepEqual(await rootsSeenByServer(a), ['file:///tmp/a'], 'A unaffected');
    assert.deepEqual(b.errors.map(String), [], 'B saw no protocol errors');
  }));
});
