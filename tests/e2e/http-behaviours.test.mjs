// Issue 2/3's behaviours with HTTP clients: SDK clients over Streamable HTTP (/mcp/NAME) and
// HTTP+SSE (/sse/NAME) share ONE child with shim clients, all at the same time, and each gets
// only what is its own: fan-out replies, progress, cancels, resource updates, log levels, and
// the sampling and elicitation requests its own calls caused.
//
// Fences. A shim or SSE client gets everything on one ordered stream, so a round trip (ping)
// proves that whatever was sent to it before has arrived. A Streamable HTTP client gets what
// belongs to no request (resource updates, log messages, misrouted progress) on its GET stream,
// which a round trip on another connection does not order. So "nothing arrived" is checked after
// a fence on that stream: every client here listens at log level debug, and switching
// toggle-simulated-logging on makes the server send one log message at once, which each client
// must get after anything the broker sent it earlier.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';

import { CreateMessageRequestSchema, ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';

import {
  withWorld, skipReason, resultText, waitFor, descendants, describeProcesses, findProcesses,
  E2E_DIR, NODE, echoFanOut,
} from './lib/harness.mjs';
import { enableFrontDoor, connectHttp } from './lib/front-door.mjs';

const BIG_SERVER_JS = path.join(E2E_DIR, 'lib', 'big-server.mjs');
const LOG_TOGGLE = 'toggle-simulated-logging';
const SUB_TOGGLE = 'toggle-subscriber-updates';
const LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];
const rank = (level) => {
  const index = LEVELS.indexOf(level);
  if (index < 0) throw new Error(`unknown logging level ${JSON.stringify(level)}`);
  return index;
};

/** Connects one client per kind ('shim', 'streamable' or 'sse'), in order; options as connectHttp(). */
async function connectAll(world, door, specs) {
  const handles = [];
  for (const { kind, ...options } of specs) {
    handles.push(kind === 'shim' ? await world.connect(options) : await connectHttp(world, door, { kind, ...options }));
    handles.at(-1).kind = kind;
  }
  return handles;
}

const label = (handle) => `${handle.kind} client ${handle.index}`;
const transportOf = { shim: 'shim', streamable: 'http', sse: 'sse' };

/**
 * Status and /proc agree: `server` runs as ONE process, a descendant of the broker, and its
 * sessions are exactly `handles` (by transport). Returns the server's status entry.
 */
async function assertOneChild(world, handles, { server = 'everything', script } = {}) {
  const status = await world.status();
  const entries = status.servers.filter((s) => s.name === server);
  assert.equal(entries.length, 1, `status: ${JSON.stringify(status.servers)}`);
  const [entry] = entries;
  assert.equal(entry.state, 'running');
  assert.ok(Number.isInteger(entry.pid) && entry.pid > 0, `server pid: ${entry.pid}`);
  const sessions = (status.sessions ?? []).filter((s) => s.server === server);
  assert.deepEqual(sessions.map((s) => s.transport).sort(), handles.map((h) => transportOf[h.kind]).sort(),
    `one session per client, by transport: ${JSON.stringify(sessions)}`);
  const processes = script
    ? findProcesses({ cmdlineIncludes: script, envTag: world.tag })
    : world.everythingProcesses();
  assert.equal(processes.length, 1, `${server} processes:\n${describeProcesses(processes)}`);
  assert.equal(processes[0].pid, entry.pid, 'the status pid is the process that runs the server');
  assert.ok(descendants(world.broker.pid).includes(entry.pid), 'the server is a descendant of the broker');
  return entry;
}

async function toggle(handle, tool) {
  return resultText(await handle.client.callTool({ name: tool, arguments: {} }, undefined, { timeout: 20000 }));
}

function logMessages(handle) {
  return handle.wire.in.filter((m) => m.method === 'notifications/message').map((m) => m.params);
}

/**
 * The fence of the file comment: `driver` switches the simulated logging on (one message at
 * once) and off; every handle (all at level debug) must get that message. Afterwards anything
 * the broker sent them before has arrived.
 */
async function fence(driver, handles) {
  const before = handles.map((h) => logMessages(h).length);
  assert.match(await toggle(driver, LOG_TOGGLE), /Started/, 'simulated logging on (fence)');
  await waitFor(() => handles.every((h, i) => logMessages(h).length > before[i]),
    { timeoutMs: 10000, what: `the fence's log message at ${handles.map(label).join(', ')}` });
  assert.match(await toggle(driver, LOG_TOGGLE), /Stopped/, 'simulated logging off (fence)');
}

function assertNoProtocolErrors(handles) {
  for (const h of handles) assert.deepEqual(h.errors.map(String), [], `${label(h)} saw protocol errors`);
}

describe('HTTP and shim clients on one shared child', { skip: skipReason() }, () => {
  test('fan-out: 8 clients (3 Streamable HTTP, 2 HTTP+SSE, 3 shim) x 300 concurrent echo calls', { timeout: 150000 }, () => withWorld(async (world) => {
    const CALLS = 300;
    await world.startBroker();
    const door = await enableFrontDoor(world);
    const kinds = ['streamable', 'sse', 'shim', 'streamable', 'sse', 'shim', 'streamable', 'shim'];
    const handles = await connectAll(world, door, kinds.map((kind, c) => ({ kind, clientName: `fanout-${kind}-${c}` })));

    const { ok, failures, elapsed } = await echoFanOut(handles, CALLS, (handle) => label(handle));
    assert.deepEqual(failures.slice(0, 20), [], `${failures.length} of ${kinds.length * CALLS} calls failed`);
    assert.equal(ok, kinds.length * CALLS);
    assertNoProtocolErrors(handles);
    process.stderr.write(`# http fan-out: ${ok} echo calls (${kinds.join(', ')}) in ${elapsed} ms\n`);

    await assertOneChild(world, handles);
    for (const session of (await world.status()).sessions) {
      assert.ok(session.requestsServed >= CALLS, `session ${JSON.stringify(session)} served fewer than ${CALLS} requests`);
    }
  }));

  test('progress: colliding tokens over three transports at once; idle clients get none', { timeout: 60000 }, () => withWorld(async (world) => {
    await world.startBroker();
    const door = await enableFrontDoor(world);
    const [a, b, c, idleHttp, idleSse, driver] = await connectAll(world, door, [
      { kind: 'streamable', clientName: 'progress-http' },
      { kind: 'sse', clientName: 'progress-sse' },
      { kind: 'shim', clientName: 'progress-shim' },
      { kind: 'streamable', clientName: 'idle-http' },
      { kind: 'sse', clientName: 'idle-sse' },
      { kind: 'shim', clientName: 'driver' },
    ]);
    const all = [a, b, c, idleHttp, idleSse, driver];
    for (const h of all) assert.deepEqual(await h.client.setLoggingLevel('debug'), {});

    // Different step counts, so a swap would show; the SDK's progressToken is the request id,
    // the same number in each client.
    const calls = [[a, 3], [b, 4], [c, 5]].map(([handle, steps]) => {
      const call = { handle, steps, onprogress: [], from: handle.wire.in.length, outFrom: handle.wire.out.length };
      call.promise = handle.client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 1, steps } },
        undefined, { timeout: 30000, onprogress: (p) => call.onprogress.push(p.progress) });
      return call;
    });
    const results = await Promise.all(calls.map((call) => call.promise));
    const tokens = [];
    for (const [i, call] of calls.entries()) {
      assert.match(resultText(results[i]), /completed/);
      const request = call.handle.wire.out.slice(call.outFrom).find((m) => m.method === 'tools/call');
      const token = request.params._meta.progressToken;
      tokens.push(token);
      const received = call.handle.wire.in.slice(call.from);
      assert.deepEqual(received.filter((m) => m.method === 'notifications/progress').map((m) => m.params),
        Array.from({ length: call.steps }, (_, k) => ({ progress: k + 1, total: call.steps, progressToken: token })),
        `${label(call.handle)}: exactly its own progress 1..${call.steps} on the wire`);
      const response = received.findIndex((m) => m.id === request.id && 'result' in m);
      assert.ok(received.findLastIndex((m) => m.method === 'notifications/progress') < response,
        `${label(call.handle)}: all progress before the result`);
      // The SDK hands progress to onprogress, but may report the last one, when it comes in the
      // same read as the result, as "unknown token" instead (see progress.test): a prefix, in order.
      assert.deepEqual(call.onprogress, Array.from({ length: call.onprogress.length }, (_, k) => k + 1),
        `${label(call.handle)}: onprogress`);
      assert.ok(call.onprogress.length >= call.steps - 1, `${label(call.handle)}: onprogress got ${call.onprogress}`);
    }
    assert.equal(new Set(tokens).size, 1, `premise: the three clients used the same progressToken: ${tokens}`);

    await fence(driver, [idleHttp, idleSse, a, b]);
    for (const h of [idleHttp, idleSse, driver]) {
      assert.deepEqual(h.wire.in.filter((m) => m.method === 'notifications/progress'), [], `${label(h)} got no progress`);
      assert.deepEqual(h.errors.map(String), [], `${label(h)} saw no errors`);
    }
    for (const call of calls) {
      assert.equal(call.handle.wire.in.filter((m) => m.method === 'notifications/progress').length, call.steps,
        `${label(call.handle)}: no other progress after the fence`);
    }
    await assertOneChild(world, all);
  }));

  test('cancel: notifications/cancelled from each transport reaches the server and ends only that call', { timeout: 60000 }, () => withWorld(async (world) => {
    await world.startBroker();
    const door = await enableFrontDoor(world);
    const clients = await connectAll(world, door, [
      { kind: 'streamable', name: 'big', clientName: 'cancel-http' },
      { kind: 'sse', name: 'big', clientName: 'cancel-sse' },
      { kind: 'shim', name: 'big', clientName: 'cancel-shim' },
    ]);
    // Each client: one slow call it cancels after its first progress, one it lets finish.
    const runs = clients.map((handle) => {
      const run = { handle, controller: new AbortController(), progressed: [], keptProgress: [] };
      const tag = (what) => `${handle.kind}-${what}`;
      run.cancelled = handle.client.callTool({ name: 'slow', arguments: { tag: tag('cancel'), ms: 60000, steps: 60 } }, undefined,
        { timeout: 90000, signal: run.controller.signal, onprogress: (p) => run.progressed.push(p.progress) })
        .then((result) => ({ result }), (error) => ({ error, at: Date.now() }));
      run.kept = handle.client.callTool({ name: 'slow', arguments: { tag: tag('keep'), ms: 2000, steps: 4 } }, undefined,
        { timeout: 30000, onprogress: (p) => run.keptProgress.push(p.progress) });
      return run;
    });
    await waitFor(() => runs.every((run) => run.progressed.length > 0), { timeoutMs: 10000, what: 'the first progress of each call to cancel' });
    const abortedAt = Date.now();
    for (const run of runs) run.controller.abort('the e2e test cancels it');

    for (const run of runs) {
      const outcome = await run.cancelled;
      assert.ok(outcome.error, `${label(run.handle)}: the cancelled call ended with an error, not ${JSON.stringify(outcome.result)}`);
      assert.ok(outcome.at - abortedAt < 2000, `${label(run.handle)}: it ended at once`);
      const cancel = run.handle.wire.out.filter((m) => m.method === 'notifications/cancelled');
      assert.equal(cancel.length, 1, `${label(run.handle)}: the SDK sent one notifications/cancelled`);
    }
    // The calls not cancelled finish with their own answer and their own progress.
    for (const run of runs) {
      assert.equal(resultText(await run.kept), `slow ${run.handle.kind}-keep done`);
      assert.deepEqual(run.keptProgress.slice(0, 3), [1, 2, 3], `${label(run.handle)}: progress of the kept call`);
    }
    // The server saw exactly those three cancels, and the broker holds nothing for them any more.
    const seen = JSON.parse(resultText(await clients[2].client.callTool({ name: 'cancelled', arguments: {} })));
    assert.deepEqual([...seen].sort(), ['shim-cancel', 'sse-cancel', 'streamable-cancel'], 'the server saw each cancel once');
    await waitFor(async () => (await world.server('big')).inFlight === 0, { timeoutMs: 5000, what: 'nothing in flight at big' });
    assert.equal(await echoAfterCancel(clients), 3);
    await assertOneChild(world, clients, { server: 'big', script: BIG_SERVER_JS });
  }, {
    servers: {
      big: { command: NODE, args: [BIG_SERVER_JS], env: {}, sharing: 'shared', lingerMs: 60000 },
    },
  }));

  test('subscriptions: updates only to subscribers, over every transport', { timeout: 90000 }, () => withWorld(async (world) => {
    await world.startBroker();
    const door = await enableFrontDoor(world);
    const [a, b, c, bystanderHttp, bystanderSse, driver] = await connectAll(world, door, [
      { kind: 'streamable', clientName: 'sub-http' },
      { kind: 'sse', clientName: 'sub-sse' },
      { kind: 'shim', clientName: 'sub-shim' },
      { kind: 'streamable', clientName: 'bystander-http' },
      { kind: 'sse', clientName: 'bystander-sse' },
      { kind: 'shim', clientName: 'driver' },
    ]);
    const all = [a, b, c, bystanderHttp, bystanderSse, driver];
    for (const h of all) assert.deepEqual(await h.client.setLoggingLevel('debug'), {});
    const { resources } = await a.client.listResources();
    const uri = resources.map((r) => r.uri).find((u) => u.startsWith('demo://resource/static/document/'));
    assert.ok(uri, `premise: a static document resource: ${JSON.stringify(resources.map((r) => r.uri))}`);
    const updates = (h) => h.wire.in.filter((m) => m.method === 'notifications/resources/updated');
    const count = (h) => updates(h).filter((m) => m.params?.uri === uri).length;
    const freshUpdate = async (expectAt) => {
      const before = expectAt.map(count);
      assert.match(await toggle(driver, SUB_TOGGLE), /Stopped/, 'updates off');
      assert.match(await toggle(driver, SUB_TOGGLE), /Started/, 'updates on: one at once');
      await waitFor(() => expectAt.every((h, i) => count(h) > before[i]),
        { timeoutMs: 8000, what: `an update at ${expectAt.map(label).join(', ')}` });
    };

    for (const h of [a, b, c]) assert.deepEqual(await h.client.subscribeResource({ uri }), {});
    assert.match(await toggle(driver, SUB_TOGGLE), /Started/, 'updates on');
    await waitFor(() => [a, b, c].every((h) => count(h) >= 1), { timeoutMs: 8000, what: 'an update at each subscriber' });

    // The HTTP client unsubscribes, then the SSE client: each gets nothing more past its fence
    // (one update may have been on its way when it unsubscribed), the others keep getting them.
    for (const [leaving, staying] of [[a, [b, c]], [b, [c]]]) {
      assert.deepEqual(await leaving.client.unsubscribeResource({ uri }), {});
      const unsubscribedAt = count(leaving);
      await freshUpdate(staying);
      await fence(driver, [leaving]);
      const fenced = count(leaving);
      assert.ok(fenced - unsubscribedAt <= 1, `${label(leaving)}: at most one update in flight at its unsubscribe reached it`);
      await freshUpdate(staying);
      await freshUpdate(staying);
      await fence(driver, [leaving]);
      assert.equal(count(leaving), fenced, `${label(leaving)} unsubscribed but still got updates`);
    }
    await fence(driver, [bystanderHttp, bystanderSse]);
    for (const h of [bystanderHttp, bystanderSse, driver]) {
      assert.deepEqual(updates(h).map((m) => m.params), [], `${label(h)} never subscribed and got no updates`);
    }
    // The HTTP client subscribes again: it is back in.
    assert.deepEqual(await a.client.subscribeResource({ uri }), {});
    await freshUpdate([a, c]);
    assertNoProtocolErrors(all);
    await assertOneChild(world, all);
  }));

  test('logging: per-client levels over Streamable HTTP, HTTP+SSE and the shim', { timeout: 90000 }, () => withWorld(async (world) => {
    await world.startBroker();
    const door = await enableFrontDoor(world);
    // The shim client drives and hears everything; its wire order is the server's.
    const [a, b, driver] = await connectAll(world, door, [
      { kind: 'streamable', clientName: 'log-http' },
      { kind: 'sse', clientName: 'log-sse' },
      { kind: 'shim', clientName: 'log-driver' },
    ]);
    assert.deepEqual(await a.client.setLoggingLevel('error'), {});
    assert.deepEqual(await b.client.setLoggingLevel('warning'), {});
    assert.deepEqual(await driver.client.setLoggingLevel('debug'), {});

    // Random levels: rounds until the driver heard a debug message, an error-or-above one, and its
    // latest message is error or above (so A and B must get it, and it fences what came before).
    const deadline = Date.now() + 30000;
    const rounds = async (from, done) => {
      let n = 0;
      while (!done(logMessages(driver).slice(from))) {
        assert.ok(Date.now() < deadline && n < 300, `${n} rounds; driver heard ${JSON.stringify(logMessages(driver).map((m) => m.level))}`);
        ++n;
        assert.match(await toggle(driver, LOG_TOGGLE), /Started/);
        assert.match(await toggle(driver, LOG_TOGGLE), /Stopped/);
      }
      return n;
    };
    const severe = (min) => (m) => rank(m.level) >= rank(min);
    const n1 = await rounds(0, (heard) => heard.some((m) => m.level === 'debug') && heard.length && severe('error')(heard.at(-1)));
    const heard = logMessages(driver);
    await waitFor(() => logMessages(a).length >= heard.filter(severe('error')).length &&
      logMessages(b).length >= heard.filter(severe('warning')).length, { timeoutMs: 8000, what: 'A and B to hear the last message' });
    assert.deepEqual(logMessages(a), heard.filter(severe('error')), 'A (error) hears exactly the error-and-above messages, in order');
    assert.deepEqual(logMessages(b), heard.filter(severe('warning')), 'B (warning) hears exactly the warning-and-above messages, in order');
    process.stderr.write(`# http logging: ${n1} rounds, driver ${JSON.stringify(heard.map((m) => m.level))}\n`);

    // A lowers its level to warning: from now on it hears what B hears.
    assert.deepEqual(await a.client.setLoggingLevel('warning'), {});
    const [fromA, fromB, from] = [logMessages(a).length, logMessages(b).length, heard.length];
    await rounds(from, (later) => later.some((m) => m.level === 'warning') && later.length && severe('warning')(later.at(-1)));
    const later = logMessages(driver).slice(from);
    await waitFor(() => logMessages(a).length - fromA >= later.filter(severe('warning')).length, { timeoutMs: 8000, what: 'A to hear the warnings' });
    assert.deepEqual(logMessages(a).slice(fromA), later.filter(severe('warning')), 'A at warning');
    assert.deepEqual(logMessages(b).slice(fromB), later.filter(severe('warning')), 'B still at warning');
    assertNoProtocolErrors([a, b, driver]);
    await assertOneChild(world, [a, b, driver]);
  }));

  test('sampling and elicitation go to the client whose call caused them, calls from three transports at once', { timeout: 90000 }, () => withWorld(async (world) => {
    await world.startBroker();
    const door = await enableFrontDoor(world);
    const specs = ['streamable', 'sse', 'shim'].map((kind) => ({
      kind,
      clientName: `asked-${kind}`,
      capabilities: { sampling: {}, elicitation: { form: {} } },
      setup: (client, handle) => {
        handle.sampling = [];
        handle.elicitation = [];
        client.setRequestHandler(CreateMessageRequestSchema, (request) => {
          handle.sampling.push(request.params);
          return { model: `model-of-${kind}`, role: 'assistant', content: { type: 'text', text: `ANSWER-FROM-${kind}` }, stopReason: 'endTurn' };
        });
        client.setRequestHandler(ElicitRequestSchema, (request) => {
          handle.elicitation.push(request.params);
          return { action: 'accept', content: { name: `name-of-${kind}`, check: true, integer: 7 } };
        });
      },
    }));
    const handles = await connectAll(world, door, specs);
    const allText = (result) => (result?.content ?? []).filter((c) => c.type === 'text').map((c) => c.text).join('\n');
    const tools = (await handles[0].client.listTools()).tools.map((t) => t.name);
    assert.ok(tools.includes('trigger-sampling-request') && tools.includes('trigger-elicitation-request'),
      `premise: the server offers the sampling and elicitation triggers: ${tools}`);

    const sampled = await Promise.all(handles.map((h) => h.client.callTool(
      { name: 'trigger-sampling-request', arguments: { prompt: `prompt-of-${h.kind}`, maxTokens: 10 } }, undefined, { timeout: 30000 })));
    for (const [i, h] of handles.entries()) {
      assert.equal(h.sampling.length, 1, `${label(h)}: its sampling handler ran once: ${JSON.stringify(h.sampling)}`);
      assert.match(h.sampling[0].messages[0].content.text, new RegExp(`prompt-of-${h.kind}\\b`), `${label(h)} was asked for its own call`);
      assert.match(allText(sampled[i]), new RegExp(`ANSWER-FROM-${h.kind}\\b`), `${label(h)}'s result carries its answer: ${allText(sampled[i])}`);
      for (const other of handles.filter((o) => o !== h)) assert.doesNotMatch(allText(sampled[i]), new RegExp(`ANSWER-FROM-${other.kind}\\b`));
    }

    const elicited = await Promise.all(handles.map((h) => h.client.callTool(
      { name: 'trigger-elicitation-request', arguments: {} }, undefined, { timeout: 30000 })));
    for (const [i, h] of handles.entries()) {
      assert.equal(h.elicitation.length, 1, `${label(h)}: its elicitation handler ran once: ${JSON.stringify(h.elicitation)}`);
      assert.ok(h.elicitation[0].requestedSchema?.properties?.name, `${label(h)} got the form-mode request`);
      assert.match(allText(elicited[i]), new RegExp(`- Name: name-of-${h.kind}\\b`), `${label(h)}'s answer reached the server: ${allText(elicited[i])}`);
    }
    assertNoProtocolErrors(handles);
    await assertOneChild(world, handles);
  }));
});

/** After the cancels, every client's next call is answered: the sessions are fine. Returns how many. */
async function echoAfterCancel(clients) {
  let answered = 0;
  for (const handle of clients) {
    const result = await handle.client.callTool({ name: 'blob', arguments: { tag: `after-${handle.kind}`, bytes: 32 } });
    if (resultText(result).startsWith(`[after-${handle.kind}]`)) ++answered;
  }
  return answered;
}
