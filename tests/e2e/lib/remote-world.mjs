// Plumbing for the remote-server e2e tests (issue 15): a remote-everything.mjs fixture run as a
// child of the test (tagged with the world's tag, so the world's cleanup finds what it leaves),
// a servers.json entry pointing the broker at it, and direct SDK clients over HTTP for comparison.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';

import { E2E_DIR, NODE, withTimeout, waitFor } from './harness.mjs';

const FIXTURE = path.join(E2E_DIR, 'lib', 'remote-everything.mjs');

/**
 * Starts `node remote-everything.mjs KIND [OPTIONS]` in the world's environment. Resolves to
 * { url, pid, proc, command(line) → reply object, stats(), close() } once it printed its URL.
 */
export async function startFixture(world, kind, options = []) {
  const proc = spawn(NODE, [FIXTURE, kind, ...options], { env: world.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (chunk) => { stderr = (stderr + chunk).slice(-8000); });
  const lines = readline.createInterface({ input: proc.stdout });
  const waiting = [];   // resolvers of replies, in command order (the fixture answers in order)
  let first;
  const ready = new Promise((resolve) => { first = resolve; });
  lines.on('line', (line) => {
    const reply = JSON.parse(line);
    if (first) { const resolve = first; first = null; resolve(reply); return; }
    waiting.shift()?.(reply);
  });
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  const hello = await withTimeout(Promise.race([ready, exited.then(() => { throw new Error(`fixture ${kind} exited: ${stderr}`); })]),
    15000, `fixture ${kind} to start`);
  const fixture = {
    kind, url: hello.url, pid: proc.pid, proc, hello,
    command(line) {
      const reply = new Promise((resolve) => waiting.push(resolve));
      proc.stdin.write(`${line}\n`);
      return withTimeout(reply, 20000, `fixture command ${line}`).then((answer) => {
        if (answer.error) throw new Error(`fixture ${line}: ${answer.error}`);
        return answer;
      });
    },
    stats() { return fixture.command('stats'); },
    async close() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.stdin.end();
      await withTimeout(exited, 8000, `fixture ${kind} to exit`).catch(() => proc.kill('SIGKILL'));
    },
  };
  return fixture;
}

/** Writes servers.json with remote entries: { NAME: { url, transport, … } }. */
export function writeRemoteServers(world, servers) {
  const file = path.join(world.configDir, 'servers.json');
  fs.writeFileSync(file, `${JSON.stringify({ version: 1, servers }, null, 2)}\n`);
  return file;
}

/** An SDK client straight to the server over the SDK's own transport ('http' or 'sse'). */
export async function directClient(url, transport, { name = 'direct', capabilities = {} } = {}) {
  const client = new Client({ name, version: '1.0.0' }, { capabilities });
  const clientTransport = transport === 'sse' ? new SSEClientTransport(new URL(url)) : new StreamableHTTPClientTransport(new URL(url));
  await withTimeout(client.connect(clientTransport), 15000, `direct ${transport} client connect`);
  return { client, close: () => withTimeout(client.close(), 5000, 'direct client close').catch(() => {}) };
}

/** The status of remote server NAME once `predicate(server)` holds (bounded). */
export function waitForServer(world, name, predicate, what, timeoutMs = 15000) {
  let last;
  return waitFor(async () => {
    last = await world.server(name);
    return predicate(last) ? last : null;
  }, { timeoutMs, what: `${name}: ${what}` }).catch((error) => {
    throw new Error(`${error.message}; last status: ${JSON.stringify(last)}`);
  });
}

/** Every remote instance block (`remote: {...}`) in a server's status, wherever it is nested. */
export function remoteBlocks(server) {
  const found = [];
  const visit = (value) => {
    if (!value || typeof value !== 'object') return;
    if (value.remote && typeof value.remote === 'object' && 'sessionId' in value.remote) found.push(value.remote);
    for (const child of Object.values(value)) visit(child);
  };
  visit(server);
  return found;
}

/** A JSON-RPC error or thrown error as one string, for regex assertions. */
export function errorText(error) {
  return `${error?.message ?? error} ${JSON.stringify(error?.data ?? '')}`;
}
