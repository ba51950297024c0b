// (issue 15) Remote servers through Manifold: real SDK clients → manifold-shim → broker → HTTP →
// a real server-everything in its own `streamableHttp` and legacy `sse` modes. One world per
// transport (one broker, one remote entry, one anchor client that stays connected), and the
// behaviours of the stdio tests, checked at the server too: the fixture sits behind a TCP proxy
// that counts the JSON-RPC methods the broker sends, and server-everything's own log counts the
// sessions it opened. Exactly ONE upstream session for everything the world does is the point.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { CreateMessageRequestSchema, ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';

import { World, skipReason, echo, echoFanOut, resultText, waitFor, withTimeout } from './lib/harness.mjs';
import { startFixture, writeRemoteServers, directClient, waitForServer } from './lib/remote-world.mjs';

const MODES = [
  { label: 'Streamable HTTP', kind: 'everything-http', transport: 'http', remoteTransport: 'streamable-http' },
  { label: 'legacy HTTP+SSE', kind: 'everything-sse', transport: 'sse', remoteTransport: 'sse' },
];
const NAME = 'remote';
const LONG = 'trigger-long-running-operation';
const CALL = { timeout: 20000 };
// What the broker declares upstream (server-everything registers tools by client capabilities).
const BROKER_LIKE_CAPABILITIES = { roots: { listChanged: true }, sampling: {}, elicitation: { form: {} } };

const progressOf = (handle, from = 0) => handle.wire.in.slice(from).filter((m) => m.method === 'notifications/progress');
const updatesOf = (handle, uri) => handle.wire.in.filter((m) => m.method === 'notifications/resources/updated' && m.params?.uri === uri);
// The SDK reports a progress notification that arrives in the same read as its result as an
// "unknown token" error, talking to server-everything directly too (see progress.test.mjs).
const protocolErrors = (handle) => handle.errors.map(String).filter((e) => !/progress notification for an unknown token/.test(e));
const allText = (result) => (result?.content ?? []).filter((c) => c.type === 'text').map((c) => c.text).join('\n');

for (const mode of MODES) {
  describe(`remote server-everything over ${mode.label}`, { skip: skipReason() }, () => {
    let world;
    let fixture;
    let anchor;
    let directSessions = 0;   // sessions the comparison's direct client opened at server-everything

    // Every step dumps the world's diagnostics when it fails (the world outlives the step).
    const step = (fn) => async () => {
      try {
        await fn();
      } catch (error) {
        await world?.dumpDiagnostics(error).catch(() => {});
        throw error;
      }
    };
    const methodCount = async (method) => (await fixture.stats()).methods[method] ?? 0;

    before(async () => {
      world = await World.create({ servers: null });
      fixture = await startFixture(world, mode.kind, ['--proxy']);
      writeRemoteServers(world, { [NAME]: { url: fixture.url, transport: mode.transport } });
      await world.startBroker();
      anchor = await world.connect({ name: NAME, clientName: 'anchor' });
    });

    after(async () => {
      await fixture?.close();
      await world?.cleanup();
    });

    test('the same tools, resources, prompts and echo as the SDK\'s own transport', { timeout: 30000 }, step(async () => {
      // Straight to server-everything (not through the counting proxy): one session of its own.
      const directUrl = new URL(fixture.url);
      directUrl.port = String(fixture.hello.serverPort);
      const direct = await directClient(directUrl.href, mode.transport, { capabilities: BROKER_LIKE_CAPABILITIES });
      ++directSessions;
      try {
        const viaManifold = anchor.client;
        const names = async (client) => (await client.listTools()).tools.map((t) => t.name).sort();
        const directTools = await names(direct.client);
        assert.ok(directTools.includes('echo') && directTools.length >= 10, `premise: direct tools ${directTools}`);
        assert.deepEqual(await names(viaManifold), directTools, 'tool names');
        const uris = async (client) => (await client.listResources()).resources.map((r) => r.uri).sort();
        assert.deepEqual(await uris(viaManifold), await uris(direct.client), 'resource URIs');
        const prompts = async (client) => (await client.listPrompts()).prompts.map((p) => p.name).sort();
        assert.deepEqual(await prompts(viaManifold), await prompts(direct.client), 'prompt names');
        const message = `compare ${mode.transport} ü 🚀 "q"`;
        const args = { name: 'echo', arguments: { message } };
        assert.deepEqual(await viaManifold.callTool(args, undefined, CALL), await direct.client.callTool(args, undefined, CALL),
          'the same echo result');
        assert.equal(await echo(viaManifold, message), `Echo: ${message}`);
      } finally {
        await direct.close();
      }
    }));

    test('8 clients with colliding ids share ONE upstream session, 0 mixed replies', { timeout: 60000 }, step(async () => {
      const sessionsBefore = (await fixture.stats()).sessions;
      const handles = await Promise.all(Array.from({ length: 8 }, (_, c) =>
        world.connect({ name: NAME, clientName: `fan-${c}`, record: (direction, m) => !(m.result || m.params?.arguments) })));
      // 50 calls in flight per client (ids 1..50 in every client), some payloads > 64 KiB.
      const { ok, failures, elapsed } = await echoFanOut(handles, 50);
      assert.deepEqual(failures.slice(0, 10), [], `${failures.length} of 400 calls failed or were mixed up`);
      assert.equal(ok, 400);
      process.stderr.write(`# ${mode.transport}: 400 echo calls through one upstream in ${elapsed} ms\n`);
      for (const handle of handles) assert.deepEqual(protocolErrors(handle), [], `client ${handle.index}: protocol errors`);

      const stats = await fixture.stats();
      assert.equal(stats.sessions, sessionsBefore, 'no new upstream session at server-everything for 8 more clients');
      assert.equal(stats.sessions, 1 + directSessions, 'one broker session at server-everything since the world began');
      assert.equal(stats.methods.initialize, 1, 'the broker sent initialize once');
      const server = await world.server(NAME);
      assert.equal(server.instances.length, 1, 'one instance for every client');
      assert.equal(server.sessions, 9, 'the anchor and the 8 fan-out clients');
      assert.equal(server.instances[0].remote.transport, mode.remoteTransport);
      await Promise.all(handles.map((h) => h.close()));
    }));

    test('progress reaches only the caller; a cancel reaches upstream and spares the others', { timeout: 40000 }, step(async () => {
      const a = await world.connect({ name: NAME, clientName: 'progress-a' });
      const b = await world.connect({ name: NAME, clientName: 'progress-b' });
      const idle = await world.connect({ name: NAME, clientName: 'progress-idle' });
      // Both SDK clients number from the same id and use progressToken = id: tokens collide upstream.
      const call = (handle, steps) => handle.client.callTool({ name: LONG, arguments: { duration: 1, steps } }, undefined,
        { ...CALL, onprogress: () => {} });
      const [ra, rb] = await Promise.all([call(a, 3), call(b, 5)]);
      assert.match(resultText(ra), /Steps: 3/);
      assert.match(resultText(rb), /Steps: 5/);
      const tokenOf = (handle) => handle.wire.out.filter((m) => m.method === 'tools/call').at(-1).params._meta.progressToken;
      assert.equal(tokenOf(a), tokenOf(b), 'premise: both clients used the same progress token');
      assert.deepEqual(progressOf(a).map((m) => m.params.progress), [1, 2, 3], 'A: its own three steps');
      assert.deepEqual(progressOf(b).map((m) => m.params.progress), [1, 2, 3, 4, 5], 'B: its own five steps');
      for (const m of [...progressOf(a), ...progressOf(b)]) assert.equal(m.params.progressToken, tokenOf(a), 'the client\'s own token');

      // A cancels mid-call while B has a call running: notifications/cancelled reaches the server.
      const cancelsBefore = await methodCount('notifications/cancelled');
      const aFrom = a.wire.in.length;
      const bFrom = b.wire.in.length;
      const abort = new AbortController();
      const doomed = a.client.callTool({ name: LONG, arguments: { duration: 4, steps: 40 } }, undefined,
        { ...CALL, signal: abort.signal, onprogress: () => {} });
      const bCall = call(b, 4);
      await waitFor(() => progressOf(a, aFrom).length >= 1, { timeoutMs: 10000, what: 'A\'s long call to make progress' });
      abort.abort('changed my mind');
      await assert.rejects(withTimeout(doomed, 5000, 'the aborted call'), /changed my mind|abort/i);
      await waitFor(async () => await methodCount('notifications/cancelled') > cancelsBefore,
        { timeoutMs: 10000, what: 'notifications/cancelled to reach server-everything' });
      assert.match(resultText(await bCall), /Steps: 4/, 'B\'s call completes');
      assert.deepEqual(progressOf(b, bFrom).map((m) => m.params.progress), [1, 2, 3, 4], 'B got all of its progress');
      assert.equal(await echo(a.client, 'after cancel'), 'Echo: after cancel', 'A keeps working');
      assert.equal(await echo(b.client, 'b after cancel'), 'Echo: b after cancel');
      await idle.client.ping();
      assert.deepEqual(progressOf(idle), [], 'the idle client got no progress');
      const server = await world.server(NAME);
      assert.equal(server.state, 'running');
      await waitFor(async () => (await world.server(NAME)).inFlight === 0, { timeoutMs: 10000, what: 'nothing in flight' });
      await Promise.all([a, b, idle].map((h) => h.close()));
    }));

    test('subscriptions from two clients are refcounted into one upstream subscription', { timeout: 40000 }, step(async () => {
      const a = await world.connect({ name: NAME, clientName: 'sub-a' });
      const b = await world.connect({ name: NAME, clientName: 'sub-b' });
      const bystander = await world.connect({ name: NAME, clientName: 'sub-bystander' });
      const { resources } = await a.client.listResources();
      const uri = resources.map((r) => r.uri).find((u) => u.startsWith('demo://resource/static/document/'));
      assert.ok(uri, 'premise: a static document resource');
      const subscribesBefore = await methodCount('resources/subscribe');
      const unsubscribesBefore = await methodCount('resources/unsubscribe');
      assert.deepEqual(await a.client.subscribeResource({ uri }), {});
      assert.deepEqual(await b.client.subscribeResource({ uri }), {});
      assert.equal(await methodCount('resources/subscribe'), subscribesBefore + 1, 'one upstream subscribe for two clients');

      // server-everything sends one update per subscribed URI when updates are switched on.
      const toggle = async (expected) => assert.match(resultText(await bystander.client.callTool(
        { name: 'toggle-subscriber-updates', arguments: {} }, undefined, CALL)), expected);
      const fresh = async () => { await toggle(/Stopped/); await toggle(/Started/); };
      await toggle(/Started/);
      await waitFor(() => updatesOf(a, uri).length >= 1 && updatesOf(b, uri).length >= 1,
        { timeoutMs: 8000, what: 'an update at both subscribers' });

      assert.deepEqual(await a.client.unsubscribeResource({ uri }), {});
      assert.equal(await methodCount('resources/unsubscribe'), unsubscribesBefore, 'B still subscribed: nothing upstream');
      const aAt = updatesOf(a, uri).length;
      const bAt = updatesOf(b, uri).length;
      await fresh();
      await waitFor(() => updatesOf(b, uri).length > bAt, { timeoutMs: 8000, what: 'B to get the next update' });
      await a.client.ping();
      assert.ok(updatesOf(a, uri).length - aAt <= 1, 'A gets at most an update that was in flight at its unsubscribe');
      const aFenced = updatesOf(a, uri).length;
      const bAgain = updatesOf(b, uri).length;
      await fresh();
      await waitFor(() => updatesOf(b, uri).length > bAgain, { timeoutMs: 8000, what: 'B to get one more update' });
      await a.client.ping();
      assert.equal(updatesOf(a, uri).length, aFenced, 'no updates for A after it unsubscribed');

      assert.deepEqual(await b.client.unsubscribeResource({ uri }), {});
      await waitFor(async () => await methodCount('resources/unsubscribe') === unsubscribesBefore + 1,
        { timeoutMs: 5000, what: 'the last unsubscribe to go upstream' });
      await toggle(/Stopped/);
      await bystander.client.ping();
      assert.equal(bystander.wire.in.filter((m) => m.method === 'notifications/resources/updated').length, 0, 'bystander: none');
      await Promise.all([a, b, bystander].map((h) => h.close()));
    }));

    // Streamable HTTP tags each server request with the POST stream it came on: exact. Legacy SSE
    // has one stream for everything, so with calls of two capable clients in flight the broker
    // cannot know (the stdio case): it answers the asker with a clear error after a grace period,
    // stops overlapping such calls, and the retry is exact. It must never ask the wrong client.
    test('sampling and elicitation reach exactly the asking client while another has calls in flight', { timeout: 60000 }, step(async () => {
      const asked = { busy: [], asker: [] };
      const connectAsker = (clientName, who, answer) => world.connect({
        name: NAME, clientName, capabilities: { sampling: {}, elicitation: { form: {} } },
        setup: (client) => {
          client.setRequestHandler(CreateMessageRequestSchema, () => {
            asked[who].push('sampling');
            return { model: `model-${who}`, role: 'assistant', content: { type: 'text', text: answer }, stopReason: 'endTurn' };
          });
          client.setRequestHandler(ElicitRequestSchema, () => {
            asked[who].push('elicitation');
            return { action: 'accept', content: { name: answer, check: true, integer: 7 } };
          });
        },
      });
      const busy = await connectAsker('busy', 'busy', 'BUSY-ANSWER');
      const asker = await connectAsker('asker', 'asker', 'ASKER-ANSWER');
      const ambiguous = [];
      // On legacy SSE a first overlapping attempt may be refused (never misrouted); the retry is exact.
      const ask = async (handle, name, args) => {
        const call = () => handle.client.callTool({ name, arguments: args }, undefined, CALL);
        let result = await call();
        if (mode.transport === 'sse' && result.isError && /cannot tell which client/.test(allText(result))) {
          ambiguous.push(allText(result));
          result = await call();
        }
        return allText(result);
      };
      try {
        // The busy client keeps a long call and echoes in flight the whole time (and was active last).
        const busyCalls = [
          busy.client.callTool({ name: LONG, arguments: { duration: 2, steps: 4 } }, undefined, { ...CALL, onprogress: () => {} }),
          ...Array.from({ length: 5 }, (_, i) => echo(busy.client, `busy ${i}`)),
        ];
        await waitFor(() => progressOf(busy).length >= 1, { timeoutMs: 10000, what: 'the busy client\'s call to be running' });
        const sampled = await ask(asker, 'trigger-sampling-request', { prompt: 'who am I', maxTokens: 5 });
        assert.match(sampled, /ASKER-ANSWER/, `the sampling answer came from the asker: ${sampled}`);
        const elicited = await ask(asker, 'trigger-elicitation-request', {});
        assert.match(elicited, /- Name: ASKER-ANSWER/, `the elicitation answer came from the asker: ${elicited}`);
        assert.deepEqual(asked.busy, [], 'the busy client was never asked');
        assert.deepEqual(asked.asker, ['sampling', 'elicitation'], 'the asker was asked once for each');
        const busyResults = await Promise.all(busyCalls);
        assert.match(resultText(busyResults[0]), /Steps: 4/);
        busyResults.slice(1).forEach((text, i) => assert.equal(text, `Echo: busy ${i}`));
        // The other way round: the busy client asks while the asker has a call in flight.
        const askerLong = asker.client.callTool({ name: LONG, arguments: { duration: 1, steps: 2 } }, undefined,
          { ...CALL, onprogress: () => {} });
        await waitFor(() => progressOf(asker).length >= 1, { timeoutMs: 10000, what: 'the asker\'s call to be running' });
        assert.match(await ask(busy, 'trigger-sampling-request', { prompt: 'me', maxTokens: 5 }), /BUSY-ANSWER/);
        await askerLong;
        assert.deepEqual(asked.busy, ['sampling'], 'the busy client answered its own request once');
        assert.deepEqual(asked.asker, ['sampling', 'elicitation'], 'the asker was not asked for the busy client\'s request');
        if (mode.transport === 'http') assert.deepEqual(ambiguous, [], 'Streamable HTTP is exact: never ambiguous');
        else process.stderr.write(`# sse: ${ambiguous.length} ambiguous first attempt(s), refused, then exact\n`);
        for (const h of [busy, asker]) assert.deepEqual(protocolErrors(h), [], `client ${h.index}: protocol errors`);
      } finally {
        await Promise.all([busy, asker].map((h) => h.close()));
      }
    }));

    test('afterwards: still one upstream session, nothing in flight, status sane', { timeout: 20000 }, step(async () => {
      assert.equal(await echo(anchor.client, 'still here'), 'Echo: still here');
      const stats = await fixture.stats();
      assert.equal(stats.sessions, 1 + directSessions, 'one broker session at server-everything for the whole world');
      assert.equal(stats.methods.initialize, 1, 'one initialize');
      const server = await waitForServer(world, NAME, (s) => s.sessions === 1 && s.inFlight === 0, 'only the anchor left');
      assert.equal(server.state, 'running');
      assert.equal(server.url, fixture.url);
      assert.equal(server.instances[0].remote.reinitializations, 0);
      assert.ok(world.broker.alive, 'the broker is alive');
    }));
  });
}
