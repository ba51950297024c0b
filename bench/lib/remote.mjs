// The remote scenario: one remote MCP server reached by N SDK clients, each either
//   mcp-remote: spawning its own `node mcp-remote URL --transport http-only` bridge (stdio), the
//               way a client config runs it; or
//   manifold:   spawning manifold-shim, all shims on one broker holding one upstream connection.
// Both in the same run, against a fresh start of the same server for every measurement. For the
// OAuth server the browser is the scripted one of tests/e2e (BROWSER for mcp-remote, which opens
// it through xdg-open; MANIFOLD_URL_OPENER in the broker's environment), and every bridge keeps
// its tokens in a fresh MCP_REMOTE_CONFIG_DIR, so each measurement starts signed out.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { startBroker } from './broker.mjs';
import { latency, throughput } from './measure.mjs';
import { BENCH_DIR, NODE, packageVersion } from './paths.mjs';
import { descendants, memory } from './procfs.mjs';
import { REMOTE_SERVERS, writeOpener } from './remote-servers.mjs';
import { mergeValues } from './rounds.mjs';
import { openSession } from './session.mjs';

const MCP_REMOTE_JS = path.join(BENCH_DIR, 'node_modules', 'mcp-remote', 'dist', 'proxy.js');
const IN_FLIGHT_PER_CLIENT = 8;

const now = () => process.hrtime.bigint();
const msSince = (start) => Number(now() - start) / 1e6;
const median = (values) => mergeValues(values);

/** RSS and private memory (Private_Clean + Private_Dirty) in KiB of `pids` and their descendants. */
function treeMemory(pids) {
  const all = pids.flatMap((pid) => [pid, ...descendants(pid)]).map(memory).filter(Boolean);
  return { rssKiB: all.reduce((sum, m) => sum + m.rss, 0), privKiB: all.reduce((sum, m) => sum + (m.priv ?? 0), 0) };
}

/**
 * The reference: each client straight to the server over Streamable HTTP (the SDK's transport in
 * this process; no process of its own). Only for the server without OAuth.
 */
async function startDirect(server) {
  return {
    connect: () => openSession(new StreamableHTTPClientTransport(new URL(server.url))),
    memory: () => ({ rssKiB: null, privKiB: null }),
    processes: () => 0,
    async stop() {},
  };
}

/** Each client its own mcp-remote bridge: { connect(), memory(sessions), processes(sessions), stop() }. */
async function startMcpRemote(server, dir, opener) {
  if (!fs.existsSync(MCP_REMOTE_JS)) throw new Error(`${MCP_REMOTE_JS} not found: npm ci in bench/`);
  const env = {
    ...process.env,
    MCP_REMOTE_CONFIG_DIR: path.join(dir, 'mcp-auth'),   // its token cache and lock files
    ...(opener ? { BROWSER: opener } : {}),
  };
  return {
    connect: () => openSession(new StdioClientTransport({
      command: NODE, args: [MCP_REMOTE_JS, server.url, '--transport', 'http-only'], env, stderr: 'pipe',
    })),
    memory: (sessions) => treeMemory(sessions.map((s) => s.pid)),
    processes: (sessions) => sessions.reduce((n, s) => n + 1 + descendants(s.pid).length, 0),
    async stop() {},
  };
}

/** Each client a manifold-shim; one broker (already running, as it would be) holds the upstream. */
async function startManifold(server, dir, opener, bins) {
  const broker = await startBroker({ ...bins, env: { ...bins.env, ...(opener ? { MANIFOLD_URL_OPENER: opener } : {}) } }, {
    remote: { url: server.url, transport: 'http', sharing: 'shared' },
  });
  return {
    connect: () => openSession(new StdioClientTransport({
      command: bins.shim, args: broker.shimArgs('remote'), env: broker.shimEnv, stderr: 'pipe',
    })),
    memory: (sessions) => treeMemory([broker.pid, ...sessions.map((s) => s.pid)]),
    processes: (sessions) => 1 + descendants(broker.pid).length + sessions.length,
    stop: broker.stop,
  };
}

export const REMOTE_WAYS = {
  direct: { label: 'direct (SDK Streamable HTTP)', start: startDirect, noOAuth: true },
  'mcp-remote': { label: `mcp-remote ${packageVersion('mcp-remote')}`, start: startMcpRemote },
  manifold: { label: 'manifold (shim + broker)', start: startManifold },
};

/**
 * One measurement: `clients` SDK clients reach a fresh `serverKind` server through `wayKey`.
 * Returns { server, way, clients, startMs, cold: { first, median, all }, latency, inFlight, rssKiB, privKiB,
 * processes, initializes, signIns } or { ..., error }.
 */
async function measureOnce(bins, serverKind, wayKey, clients, options) {
  const row = { server: serverKind, way: wayKey, clients };
  const kind = REMOTE_SERVERS[serverKind];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfb-remote-'));
  const opener = kind.oauth ? writeOpener(dir) : null;
  let server;
  let way;
  const sessions = [];
  let step = 'start server';
  try {
    server = await kind.start();
    step = 'start';
    const started = now();
    way = await REMOTE_WAYS[wayKey].start(server, dir, opener, bins);
    row.startMs = msSince(started);   // Manifold: the broker's start, before the clients' clocks

    // Cold start: all clients spawned at once, each timed to its first tools/list answer.
    step = 'cold start';
    const coldTimes = await Promise.all(Array.from({ length: clients }, async () => {
      const start = now();
      const session = await way.connect();
      sessions.push(session);
      const { tools } = await session.client.listTools();
      if (!tools.some((t) => t.name === 'echo')) throw new Error(`no echo tool among ${tools.map((t) => t.name)}`);
      return msSince(start);
    }));
    row.cold = { first: Math.min(...coldTimes), median: median(coldTimes), all: Math.max(...coldTimes) };

    step = 'latency';
    row.latency = await latency(sessions[0], 'echo', options);
    step = 'in flight';
    const workers = sessions.flatMap((s) => Array(IN_FLIGHT_PER_CLIENT).fill(s));
    row.inFlight = await throughput(workers, 'echo', options.durationMs);
    Object.assign(row, way.memory(sessions));
    row.processes = way.processes(sessions);
    row.initializes = server.initializes();
    row.signIns = await server.signIns();
    row.wrong = row.latency.wrong + row.inFlight.wrong;
  } catch (error) {
    row.error = `${step}: ${error?.message ?? error}`.split('\n')[0];
  } finally {
    await Promise.all(sessions.map((s) => s.close()));
    await way?.stop();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return row;
}

/**
 * Every server kind x client count x way, `options.rounds` times (the ways take turns within a
 * round); each number the median over the rounds, wrong replies summed. Returns rows.
 */
export async function remoteBenchmark(bins, options) {
  const plan = [];
  for (const serverKind of options.remoteServers) {
    for (const clients of options.remoteClients) {
      for (const [wayKey, way] of Object.entries(REMOTE_WAYS)) {
        if (!(way.noOAuth && REMOTE_SERVERS[serverKind].oauth)) plan.push({ serverKind, wayKey, clients });
      }
    }
  }
  const results = plan.map(() => []);
  for (let round = 1; round <= options.rounds; ++round) {
    for (const [i, { serverKind, wayKey, clients }] of plan.entries()) {
      process.stderr.write(`remote round ${round}/${options.rounds}: ${serverKind}, ${clients} client(s), ${wayKey} ...\n`);
      const row = await measureOnce(bins, serverKind, wayKey, clients, options);
      if (row.error) process.stderr.write(`  failed: ${row.error}\n`);
      results[i].push(row);
    }
  }
  return plan.map((p, i) => {
    const ok = results[i].filter((r) => !r.error);
    const failed = results[i].filter((r) => r.error).map((r) => r.error);
    if (!ok.length) return { ...p, server: p.serverKind, way: p.wayKey, error: failed[0], rounds: 0 };
    const row = mergeValues(ok);
    row.wrong = ok.reduce((n, r) => n + r.wrong, 0);
    row.rounds = ok.length;
    row.perRound = results[i];
    if (failed.length) row.failedRounds = failed;
    return row;
  });
}

export function remoteReport(rows, options) {
  const ms = (v, digits = 2) => (v === undefined || v === null ? '-' : v.toFixed(digits));
  const int = (v) => (v === undefined || v === null ? '-' : String(Math.round(v)));
  const cols = [
    ['server / way', 41], ['N', 2], ['p50 ms', 7], ['p99 ms', 7], ['c/s x8', 7], ['cold ms', 8], ['all ms', 8],
    ['RSS MiB', 8], ['priv MiB', 8], ['procs', 5], ['sessions', 8], ['sign-ins', 8], ['wrong', 5],
  ];
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(cols[i][1]) : c.padStart(cols[i][1]))).join(' ');
  const out = [line(cols.map(([title]) => title))];
  for (const r of rows) {
    const label = `${r.server} / ${REMOTE_WAYS[r.way]?.label ?? r.way}`;
    if (r.error) {
      out.push(`${label.padEnd(cols[0][1])} ${String(r.clients).padStart(2)} FAILED: ${r.error}`);
      continue;
    }
    out.push(line([label, String(r.clients), ms(r.latency.p50, 3), ms(r.latency.p99, 3), int(r.inFlight.perSecond),
      ms(r.cold.median, 1), ms(r.cold.all, 1), r.rssKiB == null ? '-' : ms(r.rssKiB / 1024, 1),
      r.privKiB == null ? '-' : ms(r.privKiB / 1024, 1), int(r.processes), int(r.initializes),
      int(r.signIns), int(r.wrong)]));
    if (r.failedRounds) out.push(`  ${r.failedRounds.length} round(s) failed: ${r.failedRounds.join('; ')}`);
  }
  const brokerStarts = rows.filter((r) => r.way === 'manifold' && !r.error).map((r) => r.startMs);
  if (brokerStarts.length) out.push(`manifold broker start (before the clients' clocks): median ${ms(median(brokerStarts), 0)} ms`);
  out.push('',
    `Each number is the median of ${options.rounds} round(s); within a round every server is started afresh for each row.`,
    `p50/p99: ${options.calls} sequential echo calls on the first client after ${options.warmup} warm-up calls, the others connected.`,
    `c/s x8: every client keeps ${IN_FLIGHT_PER_CLIENT} echo calls in flight for ${options.durationMs} ms; calls/s summed over the clients.`,
    'cold ms: the N clients spawned at once, each from spawn to its first tools/list answer (median; all: the last);',
    '  Manifold\'s broker is already running, its upstream not yet connected; OAuth: the one sign-in included.',
    'RSS MiB: mcp-remote: the N bridges\' process trees; manifold: the broker\'s tree + the N shims; priv: their',
    '  private memory (Private_Clean + Private_Dirty: what RSS counts without pages shared with other processes). procs: how many.',
    'direct: the SDK client in this process straight to the server (no process of its own), the reference.',
    'sessions: upstream MCP sessions the server saw (initialize); the OAuth server is stateless (-).',
    'sign-ins: authorization requests at the OAuth server (interactive sign-ins); wrong: replies not the caller\'s own echo.');
  return out.join('\n');
}
