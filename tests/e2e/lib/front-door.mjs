// SDK clients over Manifold's HTTP front door, in the shape of the harness's shim clients.
//
//   const door = await enableFrontDoor(world);               // http enable on a free port + a token
//   const a = await connectHttp(world, door, { kind: 'streamable', clientName: 'a' });
//   const b = await connectHttp(world, door, { kind: 'sse', clientName: 'b' });
//
// A handle has what world.connect() gives a shim client ({ client, transport, wire, errors,
// close() }), so the same assertions work for every transport; it is added to world.clients, so
// the world's cleanup closes it (shimPid stays null: there is no process to kill).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';

import { freePort, tapWire, withTimeout } from './harness.mjs';

/**
 * `manifoldctl http enable --port P` on a free port and, unless noToken, one token.
 * Returns { port, origin ('http://127.0.0.1:P'), secret (null with noToken), url(kind, server) }.
 */
export async function enableFrontDoor(world, { noToken = false, tokenName = 'e2e' } = {}) {
  const port = await freePort();
  await world.ctl('http', 'enable', '--port', String(port), ...(noToken ? ['--no-token'] : []));
  let secret = null;
  if (!noToken) {
    const added = String(await world.ctl('http', 'token', 'add', tokenName));
    secret = /mfd_[A-Za-z0-9_-]+/.exec(added)?.[0];
    if (!secret) throw new Error(`no mfd_ secret in the output of http token add: ${added}`);
  }
  const origin = `http://127.0.0.1:${port}`;
  return {
    port,
    origin,
    secret,
    url: (kind, server = 'everything') => `${origin}/${kind === 'sse' ? 'sse' : 'mcp'}/${encodeURIComponent(server)}`,
  };
}

/**
 * Connects an SDK Client over the front door: kind 'streamable' (StreamableHTTPClientTransport at
 * /mcp/NAME) or 'sse' (SSEClientTransport at /sse/NAME, HTTP+SSE 2024-11-05). Options as
 * world.connect(): name (server), clientName, capabilities, setup(client, handle), record.
 */
export async function connectHttp(world, door, { kind = 'streamable', name = 'everything', clientName, capabilities = {},
  setup, record = () => true, connectTimeoutMs = 30000 } = {}) {
  const index = world.clients.length;
  const url = new URL(door.url(kind, name));
  const requestInit = door.secret ? { headers: { Authorization: `Bearer ${door.secret}` } } : {};
  const transport = kind === 'sse'
    ? new SSEClientTransport(url, { requestInit })
    : new StreamableHTTPClientTransport(url, { requestInit });

  const wire = tapWire(transport, record);   // as in world.connect()

  const client = new Client({ name: clientName ?? `e2e-${kind}-${index}`, version: '1.0.0' }, { capabilities });
  const handle = { index, kind, transport, wire, client, errors: [], stderr: '', shimPid: null, closed: false };
  client.onerror = (error) => handle.errors.push(error);
  if (setup) await setup(client, handle);
  handle.close = async () => {
    if (handle.closed) return;
    handle.closed = true;
    await withTimeout(client.close(), 8000, `${kind} client ${index} close`).catch(() => {});
  };
  world.clients.push(handle);
  await withTimeout(client.connect(transport), connectTimeoutMs, `${kind} client ${index} connect`);
  return handle;
}
