// One MCP client session (the official SDK's Client) over any transport, as the benchmark uses it.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

import { withTimeout } from './owned.mjs';
import { readStat } from './procfs.mjs';

const CONNECT_TIMEOUT_MS = 60000;
let counter = 0;

/**
 * Connects a Client over `transport` (initialize + notifications/initialized).
 * Returns { client, pid, errors, startedAt, close() }; pid is the process the transport spawned,
 * if any; startedAt (hrtime, ns) when the transport was up, before initialize was sent.
 */
export async function openSession(transport) {
  // When the transport is up (process spawned, or HTTP stream open): splits connect time.
  const start = transport.start.bind(transport);
  let startedAt = null;
  transport.start = async () => {
    await start();
    startedAt = process.hrtime.bigint();
  };
  const client = new Client({ name: `manifold-bench-${++counter}`, version: '1.0.0' }, { capabilities: {} });
  const errors = [];
  // Another session's reply arriving here (a proxy that broadcasts) is reported through onerror.
  client.onerror = (error) => errors.push(error);
  if (transport instanceof StdioClientTransport) {
    // Drain the spawned process's stderr so it can never block on a full pipe.
    transport.stderr?.on('data', () => {});
  }
  await withTimeout(client.connect(transport), CONNECT_TIMEOUT_MS, 'initialize');
  const pid = transport.pid ?? null;
  const startTime = pid ? readStat(pid)?.startTime : undefined;
  return {
    client,
    pid,
    errors,
    startedAt,
    async close() {
      // Streamable HTTP: end the session on the proxy too, as a well-behaved client would.
      if (typeof transport.terminateSession === 'function') {
        await withTimeout(transport.terminateSession(), 5000, 'terminate session').catch(() => {});
      }
      await withTimeout(client.close(), 8000, 'close').catch(() => {});
      // The process this transport spawned, if it lingers (and is still that very process).
      if (pid && readStat(pid)?.startTime === startTime) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    },
  };
}

/** The echo tool's name as the target lists it (a hub prefixes it with the server's name). */
export async function findEchoTool(client) {
  const { tools } = await client.listTools();
  const tool = tools.find((t) => t.name === 'echo') ?? tools.find((t) => /(^|[^a-z])echo$/.test(t.name));
  if (!tool) throw new Error(`no echo tool among ${tools.map((t) => t.name).join(', ')}`);
  return tool.name;
}
