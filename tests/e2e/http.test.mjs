// The HTTP front door with the official SDK's StreamableHTTPClientTransport: the same
// server-everything answers the same way through http://127.0.0.1:PORT/mcp/everything as over
// stdio directly, while it is the one child a shim's client shares; without the token, with
// another Host, or with another token's session id, nothing gets through.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';

import { withWorld, skipReason, echo, waitFor, freePort, EVERYTHING_JS, NODE } from './lib/harness.mjs';

async function httpClient(url, secret, name) {
  const client = new Client({ name, version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { Authorization: `Bearer ${secret}` } },
  });
  await client.connect(transport);
  return { client, transport };
}

async function progressOf(client) {
  const steps = [];
  const result = await client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 0.3, steps: 3 } },
    undefined, { onprogress: (p) => steps.push(p.progress), timeout: 20000 });
  return { steps, text: result.content.map((c) => c.text).join('') };
}

describe('HTTP front door', { skip: skipReason() }, () => {
  test('an SDK client over Streamable HTTP sees what it sees over stdio, on the shared child', { timeout: 120000 }, () => withWorld(async (world) => {
    await world.startBroker();
    const port = await freePort();
    await world.ctl('http', 'enable', '--port', String(port));
    const added = await world.ctl('http', 'token', 'add', 'sdk');
    const secret = /mfd_[A-Za-z0-9_-]+/.exec(String(added))?.[0];
    assert.ok(secret, `no secret in: ${added}`);
    const url = `http://127.0.0.1:${port}/mcp/everything`;

    // The same server, spawned directly.
    const direct = new Client({ name: 'direct', version: '1.0.0' });
    await direct.connect(new StdioClientTransport({ command: NODE, args: [EVERYTHING_JS, 'stdio'], stderr: 'ignore' }));
    const shim = await world.connect({ clientName: 'shim-client' });
    const { client, transport } = await httpClient(url, secret, 'http-client');
    try {
      assert.ok(transport.sessionId, 'the front door gave a session id');
      // server-everything lists a few tools only to a client that can answer sampling, elicitation
      // or roots; the broker declares those to the shared child (any of its clients may), so they
      // are left out of the comparison, as in the Codex test.
      const gated = new Set(['get-roots-list', 'trigger-elicitation-request', 'trigger-sampling-request']);
      const names = (list) => list.tools.map((t) => t.name).filter((n) => !gated.has(n)).sort();
      const [directTools, httpTools] = await Promise.all([direct.listTools(), client.listTools()]);
      assert.deepEqual(names(httpTools), names(directTools));
      const byName = (list, name) => list.tools.find((t) => t.name === name);
      assert.deepEqual(byName(httpTools, 'echo'), byName(directTools, 'echo'));
      assert.equal(await echo(client, 'over http ü🚀'), await echo(direct, 'over http ü🚀'));
      assert.equal(await echo(shim.client, 'over the shim'), 'Echo: over the shim');
      const [viaHttp, viaStdio] = await Promise.all([progressOf(client), progressOf(direct)]);
      assert.equal(viaHttp.text, viaStdio.text);
      // Every progress notification on the request's own stream, before its result. (Over
      // stdio the SDK may hand the last one to the caller after the result; see progress.test.)
      assert.deepEqual(viaHttp.steps, [1, 2, 3]);

      const status = await world.status();
      const everything = status.servers.find((s) => s.name === 'everything');
      assert.equal(everything.sessions, 2, JSON.stringify(status.sessions));
      assert.deepEqual(status.sessions.map((s) => s.transport).sort(), ['http', 'shim']);
      const http = await world.ctl('http', 'status', '--json');
      assert.equal(http.listening, true);
      assert.equal(http.tokens[0].name, 'sdk');
      assert.ok(http.tokens[0].lastUsed, 'the token was used');

      // Refused before anything reaches the server: no token, a wrong one, another Host.
      const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
      const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
      assert.equal((await fetch(url, { method: 'POST', headers, body })).status, 401);
      assert.equal((await fetch(url, { method: 'POST', headers: { ...headers, authorization: 'Bearer mfd_wrong' }, body })).status, 401);
      const other = /mfd_[A-Za-z0-9_-]+/.exec(String(await world.ctl('http', 'token', 'add', 'other')))[0];
      const stolen = await fetch(url, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
        headers: { ...headers, authorization: `Bearer ${other}`, 'mcp-session-id': transport.sessionId } });
      assert.equal(stolen.status, 404, 'a session is reachable only with its own token');
      assert.equal((await world.status()).sessions.length, 2);

      await transport.terminateSession();
      await world.ctl('http', 'token', 'revoke', 'sdk');
      assert.equal((await fetch(url, { method: 'POST', headers: { ...headers, authorization: `Bearer ${secret}` }, body })).status, 401);
    } finally {
      await client.close().catch(() => {});
      await direct.close().catch(() => {});
    }
  }));

  test('an older client over HTTP+SSE (2024-11-05) is served by the same child', { timeout: 60000 }, () => withWorld(async (world) => {
    await world.startBroker();
    const port = await freePort();
    await world.ctl('http', 'enable', '--port', String(port));
    const secret = /mfd_[A-Za-z0-9_-]+/.exec(String(await world.ctl('http', 'token', 'add', 'old-client')))[0];
    const shim = await world.connect({ clientName: 'shim-client' });
    const client = new Client({ name: 'sse-client', version: '1.0.0' });
    const transport = new SSEClientTransport(new URL(`http://127.0.0.1:${port}/sse/everything`), {
      requestInit: { headers: { Authorization: `Bearer ${secret}` } },
      eventSourceInit: { fetch: (url, init) => fetch(url, { ...init, headers: { ...init?.headers, Authorization: `Bearer ${secret}` } }) },
    });
    try {
      await client.connect(transport);
      assert.equal(await echo(client, 'over http+sse'), 'Echo: over http+sse');
      assert.equal(await echo(shim.client, 'over the shim'), 'Echo: over the shim');
      const status = await world.status();
      assert.equal(status.servers.find((s) => s.name === 'everything').sessions, 2);
      assert.deepEqual(status.sessions.map((s) => s.transport).sort(), ['shim', 'sse']);
      await client.close();
      await waitFor(async () => (await world.status()).sessions.length === 1, { what: 'the SSE session to end with its stream' });
    } finally {
      await client.close().catch(() => {});
    }
    // Without the token the stream is refused.
    const refused = await fetch(`http://127.0.0.1:${port}/sse/everything`, { headers: { accept: 'text/event-stream' } });
    assert.equal(refused.status, 401);
  }));
});

