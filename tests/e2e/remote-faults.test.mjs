// (issue 15) Remote servers through Manifold when things go wrong: the server killed mid-call and
// back on the same port, a POST stream cut after its priming event (resumed with Last-Event-ID),
// sessions the server forgot (server-everything's 400, the SDK's 404), a slow server, URLs that
// cannot be reached, and a header secret on `manifoldctl add`. Every wait is bounded; afterwards
// the broker is alive, `status` is sane and no process is left over.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { withWorld, skipReason, echo, resultText, waitFor, withTimeout, freePort, descendants, describeProcesses, findProcesses } from './lib/harness.mjs';
import { startFixture, writeRemoteServers, waitForServer, errorText } from './lib/remote-world.mjs';

const NAME = 'remote';
const LONG = 'trigger-long-running-operation';
const MODES = [
  { label: 'Streamable HTTP', kind: 'everything-http', transport: 'http' },
  { label: 'legacy HTTP+SSE', kind: 'everything-sse', transport: 'sse' },
];
const progressOf = (handle, from = 0) => handle.wire.in.slice(from).filter((m) => m.method === 'notifications/progress');

/** A world with one fixture behind the remote entry NAME, a running broker, and `clients` clients. */
async function remoteWorld(world, kind, transport, { options = [], clients = 2 } = {}) {
  const fixture = await startFixture(world, kind, options);
  writeRemoteServers(world, { [NAME]: { url: fixture.url, transport } });
  await world.startBroker();
  const handles = [];
  for (let c = 0; c < clients; ++c) handles.push(await world.connect({ name: NAME, clientName: `${kind}-${c}` }));
  return { fixture, handles };
}

/** Broker alive and answering, nothing in flight, no server process left once the fixture is gone. */
async function assertCleanEnd(world, fixture, handles) {
  assert.ok(world.broker.alive, 'the broker is alive');
  for (const handle of handles) assert.equal(handle.exitInfo, null, `client ${handle.index}'s shim still runs (never reconnected)`);
  await waitForServer(world, NAME, (s) => s.inFlight === 0 && s.queued === 0, 'nothing in flight or queued');
  await fixture.close();
  const servers = world.everythingProcesses();
  assert.deepEqual(servers, [], `server-everything processes left:\n${describeProcesses(servers)}`);
  const brokerChildren = descendants(world.broker.pid).filter((pid) =>
    findProcesses({ envTag: world.tag }).some((p) => p.pid === pid && /node/.test(p.cmdline)));
  assert.deepEqual(brokerChildren, [], 'the broker runs no node process for a remote server');
  const status = await world.status();
  assert.ok(Array.isArray(status.servers), 'status --json answers');
}

describe('remote servers: faults', { skip: skipReason() }, () => {
  for (const mode of MODES) {
    test(`${mode.label}: server killed mid-call → quick clear error, restarting, then back without reconnecting`, { timeout: 40000 }, () => withWorld(async (world) => {
      const { fixture, handles: [a, b] } = await remoteWorld(world, mode.kind, mode.transport);
      assert.equal(await echo(a.client, 'before'), 'Echo: before');
      const from = a.wire.in.length;
      const doomed = a.client.callTool({ name: LONG, arguments: { duration: 30, steps: 300 } }, undefined,
        { timeout: 30000, onprogress: () => {} }).then(() => null, (error) => error);
      await waitFor(() => progressOf(a, from).length >= 1, { timeoutMs: 10000, what: 'the long call to be running' });
      const killedAt = Date.now();
      await fixture.command('stop');
      const error = await withTimeout(doomed, 8000, 'the call in flight when the server died');
      const waited = Date.now() - killedAt;
      assert.ok(error, 'the call failed');
      assert.match(errorText(error), /remote server 'remote'/, `the error names the server: ${errorText(error)}`);
      assert.ok(waited < 8000, `answered in ${waited} ms`);
      const down = await waitForServer(world, NAME, (s) => s.state === 'restarting', 'backoff while the server is away');
      assert.match(down.lastExit ?? '', /remote server 'remote'.*(connection refused|closed)/, `lastExit: ${down.lastExit}`);

      await fixture.command('restart');
      // No reconnect: the same clients, the same shims; their next calls wait for the new session.
      assert.equal(await echo(a.client, 'after', { timeout: 20000 }), 'Echo: after');
      assert.equal(await echo(b.client, 'b after', { timeout: 20000 }), 'Echo: b after');
      const up = await waitForServer(world, NAME, (s) => s.state === 'running', 'running again');
      assert.ok(up.restarts >= 1, `restarts counted: ${up.restarts}`);
      await assertCleanEnd(world, fixture, [a, b]);
    }));
  }

  test('a POST stream cut after its priming event completes through a Last-Event-ID resume', { timeout: 30000 }, () => withWorld(async (world) => {
    const { fixture, handles: [a, b] } = await remoteWorld(world, 'sdk', 'http', { options: ['--proxy'] });
    await fixture.command('cut-after-event CUT-MARK-7e1');
    const [slow, fast] = await Promise.all([
      a.client.callTool({ name: 'sleep', arguments: { ms: 400, tag: 'CUT-MARK-7e1' } }, undefined, { timeout: 15000 }),
      echo(b.client, 'meanwhile'),
    ]);
    assert.equal(resultText(slow), 'slept 400', 'the cut call completed');
    assert.equal(fast, 'Echo: meanwhile');
    const stats = await fixture.stats();
    assert.equal(stats.cuts, 1, 'the proxy cut one stream');
    assert.ok(stats.resumeGets >= 1, `a GET with Last-Event-ID reached the server: ${JSON.stringify(stats)}`);
    assert.equal(stats.initializes, 1, 'no new session for a resume');
    const server = await world.server(NAME);
    assert.ok(server.instances[0].remote.resumes >= 1, `status counts the resume: ${JSON.stringify(server.instances[0].remote)}`);
    await assertCleanEnd(world, fixture, [a, b]);
  }));

  test('session expiry: server-everything restarted (400) → next call and subscriptions carry on', { timeout: 40000 }, () => withWorld(async (world) => {
    const { fixture, handles: [a, b] } = await remoteWorld(world, 'everything-http', 'http');
    const { resources } = await a.client.listResources();
    const uri = resources.map((r) => r.uri).find((u) => u.startsWith('demo://resource/static/document/'));
    assert.deepEqual(await a.client.subscribeResource({ uri }), {});
    const sessionBefore = (await world.server(NAME)).instances[0].remote.sessionId;

    await fixture.command('restart');
    assert.equal(await echo(b.client, 'after restart', { timeout: 20000 }), 'Echo: after restart', 'transparent for the caller');
    const server = await waitForServer(world, NAME, (s) => s.state === 'running' && s.instances[0].remote?.sessionId, 'a new session');
    assert.notEqual(server.instances[0].remote.sessionId, sessionBefore, 'a new upstream session');
    assert.equal((await fixture.stats()).sessions, 2, 'exactly one new session at the restarted server');
    // The new server process knows nothing of A's subscription unless the broker replayed it.
    const toggled = resultText(await b.client.callTool({ name: 'toggle-subscriber-updates', arguments: {} }, undefined, { timeout: 10000 }));
    assert.match(toggled, /Started/);
    await waitFor(() => a.wire.in.some((m) => m.method === 'notifications/resources/updated' && m.params?.uri === uri),
      { timeoutMs: 8000, what: 'an update for A\'s subscription, replayed to the new session' });
    assert.match(resultText(await b.client.callTool({ name: 'toggle-subscriber-updates', arguments: {} }, undefined, { timeout: 10000 })), /Stopped/);
    await assertCleanEnd(world, fixture, [a, b]);
  }));

  test('session expiry: the SDK server forgets the session (404) → one re-initialize, the call succeeds', { timeout: 30000 }, () => withWorld(async (world) => {
    const { fixture, handles: [a, b] } = await remoteWorld(world, 'sdk', 'http');
    assert.equal(await echo(a.client, 'first'), 'Echo: first');
    const before = (await world.server(NAME)).instances[0].remote;
    assert.deepEqual(await fixture.command('forget-sessions'), { command: 'forget-sessions', forgotten: 1 });
    const [ra, rb] = await Promise.all([echo(a.client, 'after 404'), echo(b.client, 'b after 404')]);
    assert.deepEqual([ra, rb], ['Echo: after 404', 'Echo: b after 404']);
    const after = (await world.server(NAME)).instances[0].remote;
    assert.notEqual(after.sessionId, before.sessionId);
    assert.equal(after.reinitializations, before.reinitializations + 1, 'one re-initialize');
    assert.equal((await fixture.stats()).initializes, 2, 'the server saw two initializes in all');
    await assertCleanEnd(world, fixture, [a, b]);
  }));

  for (const mode of MODES) {
    test(`${mode.label}: 8 slow calls of one client do not hold up other clients' fast calls`, { timeout: 30000 }, () => withWorld(async (world) => {
      const { fixture, handles: [slowClient, ...fastClients] } = await remoteWorld(world, mode.kind, mode.transport, { clients: 4 });
      // Each fast client has seen echo complete without asking anything: the broker then knows it
      // never asks, so its calls need not stay apart from the slow calls (which might ask for
      // sampling). A never-seen call waits behind them for up to 5 s (the stdio attribution gate,
      // applied to Streamable HTTP too although its streams tag server requests exactly).
      for (const handle of fastClients) assert.equal(await echo(handle.client, 'warm'), 'Echo: warm');
      let slowDone = 0;
      // More slow calls than Qt's 6 connections per host: each holds a POST stream over Streamable HTTP.
      const slow = Array.from({ length: 8 }, () => slowClient.client.callTool(
        { name: LONG, arguments: { duration: 3, steps: 1 } }, undefined, { timeout: 20000 }).then((r) => { ++slowDone; return r; }));
      await waitForServer(world, NAME, (s) => s.inFlight >= 8, 'the slow calls in flight');
      const started = Date.now();
      const fast = await Promise.all(fastClients.flatMap((h, c) => Array.from({ length: 10 }, (_, i) => echo(h.client, `fast ${c}.${i}`, { timeout: 10000 }))));
      const elapsed = Date.now() - started;
      fast.forEach((text, k) => assert.equal(text, `Echo: fast ${Math.floor(k / 10)}.${k % 10}`));
      assert.equal(slowDone, 0, 'the fast calls finished while the slow ones still ran');
      assert.ok(elapsed < 2500, `30 fast calls took ${elapsed} ms beside 8 slow ones`);
      for (const result of await Promise.all(slow)) assert.match(resultText(result), /completed/);
      await assertCleanEnd(world, fixture, [slowClient, ...fastClients]);
    }));
  }

  test('unreachable URLs (connection refused, DNS failure) → a clear error naming the server; the broker stays up', { timeout: 40000 }, () => withWorld(async (world) => {
    const port = await freePort();
    const fixture = await startFixture(world, 'everything-http');
    const unreachable = {
      'refused-http': { url: `http://127.0.0.1:${port}/mcp`, transport: 'http', why: /connection refused/ },
      'refused-sse': { url: `http://127.0.0.1:${port}/sse`, transport: 'sse', why: /connection refused/ },
      'dns-auto': { url: 'http://nonexistent.invalid/mcp', transport: 'auto', why: /DNS lookup failed/ },
      'dns-sse': { url: 'http://nonexistent.invalid/sse', transport: 'sse', why: /DNS lookup failed/ },
    };
    writeRemoteServers(world, {
      [NAME]: { url: fixture.url, transport: 'http' },
      ...Object.fromEntries(Object.entries(unreachable).map(([name, { url, transport }]) => [name, { url, transport }])),
    });
    await world.startBroker();
    const ok = await world.connect({ name: NAME });
    await Promise.all(Object.entries(unreachable).map(async ([name, { why }]) => {
      const started = Date.now();
      const handle = await world.connect({ name, connect: false });
      const error = await handle.connect().then(() => null, (e) => e);
      assert.ok(error, `${name}: connecting failed`);
      assert.match(errorText(error), new RegExp(`remote server '${name}'`), `${name}: the error names the server`);
      assert.match(errorText(error), why, `${name}: says why: ${errorText(error)}`);
      assert.ok(Date.now() - started < 10000, `${name}: answered in ${Date.now() - started} ms`);
      const server = await world.server(name);
      assert.match(server.lastExit, why, `${name}: status says why`);
      assert.notEqual(server.state, 'running');
    }));
    assert.equal(await echo(ok.client, 'still fine'), 'Echo: still fine', 'the reachable server is unaffected');
    assert.ok(world.broker.alive, 'the broker is alive');
    await fixture.close();
  }));

  test('manifoldctl add --header X-Api-Key=…: the name in status, the value in the keychain only', { timeout: 30000 }, () => withWorld(async (world) => {
    const fixture = await startFixture(world, 'sdk');
    writeRemoteServers(world, {});
    await world.startBroker();
    const secret = 'secret123';
    const added = await world.ctlRaw('add', 'keyed', '--url', fixture.url, '--transport', 'http', '--header', `X-Api-Key=${secret}`);
    const serversJson = fs.readFileSync(path.join(world.configDir, 'servers.json'), 'utf8');
    assert.ok(!serversJson.includes(secret), 'servers.json never holds the value');
    if (!process.env.DBUS_SESSION_BUS_ADDRESS) {
      // No Secret Service (ctest without scripts/with-keyring.sh): a clear refusal, nothing saved.
      assert.notEqual(added.code, 0, 'add fails without a keychain');
      assert.match(added.stderr, /cannot store the secrets of server 'keyed' in the keychain: X-Api-Key/, added.stderr);
      assert.ok(!JSON.parse(serversJson).servers.keyed, 'nothing half-added');
    } else {
      assert.equal(added.code, 0, `add: ${added.stderr}`);
      await fixture.command('require-header X-Api-Key secret123');
      const server = await world.server('keyed');
      assert.deepEqual(server.secretHeaders, ['X-Api-Key'], 'status names the header, as a secret one');
      assert.ok(!('X-Api-Key' in server.headers), `no plain header of that name: ${JSON.stringify(server.headers)}`);
      assert.ok(!JSON.stringify(await world.status()).includes(secret), 'status never shows the value');
      assert.deepEqual(JSON.parse(serversJson).servers.keyed.secretHeaders, ['X-Api-Key']);
      const client = await world.connect({ name: 'keyed' });
      assert.equal(await echo(client.client, 'with key'), 'Echo: with key', 'the header reached the server from the keychain');
      assert.equal((await fixture.stats()).forbidden, 0, 'the server never saw a request without the key');
    }
    assert.ok(world.broker.alive);
    await fixture.close();
  }));
});
