// Printing: the machine line, the results table and the verdict on Manifold's targets.
import fs from 'node:fs';
import os from 'node:os';

export function machineLine() {
  let cpu = 'unknown CPU';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu;
  } catch {
    // not Linux
  }
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  return `machine: ${cpu.replace(/\s+/g, ' ')}, ${cores} cores, Linux ${os.release()}, node ${process.version}, ` +
    `${new Date().toISOString().slice(0, 10)}, load ${load}`;
}

const mib = (kib) => (kib === null || kib === undefined ? '-' : (kib / 1024).toFixed(1));
const fixed = (value, digits) => (value === null || value === undefined ? '-' : value.toFixed(digits));
const int = (value) => (value === null || value === undefined ? '-' : String(Math.round(value)));

const COLUMNS = [
  ['target', 26, (r) => r.label],
  ['p50 ms', 7, (r) => fixed(r.latency?.p50, 3)],
  ['p99 ms', 7, (r) => fixed(r.latency?.p99, 3)],
  ['xdirect', 7, (r, d) => (r.latency && d?.latency ? fixed(r.latency.p50 / d.latency.p50, 2) : '-')],
  ['1s x8 c/s', 9, (r) => int(r.oneSession?.perSecond)],
  ['8s agg c/s', 10, (r) => int(r.sessions?.perSecond)],
  ['mismatch', 9, (r) => (r.mismatch ? `${int(r.mismatch.mismatched)}${r.mismatch.failed ? `+${int(r.mismatch.failed)}lost` : ''}` : '-')],
  ['servers', 7, (r) => int(r.footprint?.servers)],
  ['proxy MiB', 9, (r) => mib(r.footprint?.proxyRssKiB)],
  ['client MiB', 10, (r) => mib(r.footprint?.clientRssKiB)],
  ['priv MiB', 8, (r) => mib(r.footprint?.clientPrivKiB)],
  ['2nd ms', 7, (r) => fixed(r.secondClient?.total, 1)],
];

export function table(rows, options) {
  const direct = rows.find((r) => r.key === 'direct' && !r.error);
  const line = (cells) => cells.map((cell, i) => (i === 0 ? cell.padEnd(COLUMNS[i][1]) : cell.padStart(COLUMNS[i][1]))).join(' ');
  const out = [line(COLUMNS.map(([title]) => title))];
  for (const row of rows) {
    if (row.error) out.push(`${row.label.padEnd(COLUMNS[0][1])} FAILED at ${row.error}`);
    else out.push(line(COLUMNS.map(([, , cell]) => cell(row, direct))));
  }
  for (const row of rows.filter((r) => r.failedRounds)) {
    out.push(`${row.label}: ${row.failedRounds.length} round(s) failed: ${row.failedRounds.join('; ')}`);
  }
  out.push('', ...legend(options));
  return out.join('\n');
}

function legend(o) {
  return [
    `Each number is the median of ${o.rounds} round(s); the targets take turns within each round.`,
    `p50/p99: ${o.calls} sequential echo calls on one session after ${o.warmup} warm-up calls; xdirect: p50 / direct p50.`,
    `1s x8: one session, ${o.sessions} calls in flight; 8s agg: ${o.sessions} sessions, 1 call in flight each (${o.durationMs} ms each).`,
    `mismatch: replies that were not the caller's own echo, ${o.sessions} sessions x ${o.mismatchCalls} calls all in flight (+N lost: no reply).`,
    `servers: server-everything processes with ${o.sessions} sessions. proxy: RSS of the proxy's process tree without the servers.`,
    'client/priv: RSS and private memory (Private_Clean+Private_Dirty) of one client\'s own process (mean over the',
    `${o.sessions} live sessions): manifold-shim, the floor's hop, or for direct stdio the server itself; peers have none.`,
    `2nd ms: a new client's spawn/connect + initialize + tools/list with the server up and one client connected (median of ${o.secondClients}).`,
    'two bare relays (floor): the same client and server through bench/floor/relay.c: hop (stdio <-> unix socket) and',
    'serve (socket <-> a server per connection), byte pumps that parse nothing: the cost of the two hops alone.',
    '(HTTP): MCP Streamable HTTP; (SSE): the older HTTP+SSE transport; both with the SDK\'s own client transports.',
  ];
}

/**
 * Manifold against its standing targets: lines of "met"/"MISSED" with the numbers behind them.
 * Latency, start, memory and throughput against direct stdio: issue17Verdict (verdict17.mjs).
 */
export function verdict(rows) {
  const m = rows.find((r) => r.key === 'manifold');
  const d = rows.find((r) => r.key === 'direct');
  if (!m || m.error || !d || d.error) return ['targets: not judged (manifold or direct stdio did not complete)'];
  const fp = m.footprint;
  const checks = [
    ['8-session aggregate >= 80% of direct on one session', m.sessions.perSecond >= 0.8 * d.oneSession.perSecond,
      `${Math.round(m.sessions.perSecond)} c/s vs direct ${Math.round(d.oneSession.perSecond)} c/s (1 session, 8 in flight) = ` +
      `${Math.round((100 * m.sessions.perSecond) / d.oneSession.perSecond)}%; vs direct sequential ` +
      `${Math.round(1000 / d.latency.mean)} c/s = ${Math.round((100 * m.sessions.perSecond * d.latency.mean) / 1000)}%`],
    ['zero mismatches', m.mismatchAll.mismatched === 0 && m.mismatchAll.failed === 0,
      `${m.mismatchAll.mismatched} mismatched, ${m.mismatchAll.failed} lost of ${m.mismatchAll.total} (all rounds)`],
    ['broker RSS < 25 MiB with 8 sessions', fp.proxyMainRssKiB < 25 * 1024,
      `broker ${mib(fp.proxyMainRssKiB)} MiB (peak ${mib(fp.proxyHwmKiB)} MiB; its tree of ${fp.proxyProcesses} ` +
      `processes, watchdog included: ${mib(fp.proxyRssKiB)} MiB RSS, ${mib(fp.proxyPrivKiB)} MiB private)`],
  ];
  return checks.map(([name, ok, detail]) => `  ${ok ? 'met   ' : 'MISSED'} ${name}: ${detail}`);
}

const ratio = (a, b) => `${(a / b).toFixed(2)}x`;
const transportOf = (row) => /\((HTTP|SSE)\)$/.exec(row.label)?.[1];

/**
 * Manifold's front door beside its shim and the peers reached over the same transport: lines
 * with the numbers, and "met"/"MISSED" where there is a bar to clear (no mix-ups; the broker's
 * memory).
 */
export function httpVerdict(rows) {
  const shim = rows.find((r) => r.key === 'manifold' && !r.error);
  const out = [];
  for (const row of rows.filter((r) => r.key.startsWith('manifold-'))) {
    if (row.error) {
      out.push(`  ${row.label}: not judged (${row.error})`);
      continue;
    }
    const fp = row.footprint;
    const mm = row.mismatchAll;
    out.push(`  ${row.label}: p50 ${row.latency.p50.toFixed(3)} ms, ${Math.round(row.sessions.perSecond)} c/s with 8 sessions` +
      (shim ? ` (vs the shim: ${ratio(row.latency.p50, shim.latency.p50)} its p50, ${ratio(row.sessions.perSecond, shim.sessions.perSecond)} its c/s)` : ''));
    const peers = rows.filter((r) => !r.error && r.latency && !r.key.startsWith('manifold') && transportOf(r) === transportOf(row));
    for (const peer of peers) {
      out.push(`    vs ${peer.label}: ${ratio(row.latency.p50, peer.latency.p50)} its p50, ` +
        `${ratio(row.sessions.perSecond, peer.sessions.perSecond)} its c/s, ${ratio(fp.proxyRssKiB, peer.footprint.proxyRssKiB)} its proxy memory, ` +
        `mismatched replies (all rounds) ${mm.mismatched} vs ${peer.mismatchAll.mismatched}`);
    }
    out.push(`    ${mm.mismatched === 0 && mm.failed === 0 ? 'met   ' : 'MISSED'} zero mismatches: ` +
      `${mm.mismatched} mismatched, ${mm.failed} lost of ${mm.total} (all rounds)`);
    out.push(`    ${fp.proxyMainRssKiB < 25 * 1024 ? 'met   ' : 'MISSED'} broker RSS < 25 MiB with 8 sessions: ` +
      `${mib(fp.proxyMainRssKiB)} MiB (peak ${mib(fp.proxyHwmKiB)} MiB; tree ${mib(fp.proxyRssKiB)} MiB)`);
  }
  return out;
}

/** Where the CPU goes: microseconds of CPU per call by process role, in both throughput runs. */
export function cpuLines(rows) {
  const perClient = { shim: 'shims', hop: 'hops' };
  const out = ['CPU per call in microseconds (user+system; client = this benchmark\'s SDK clients):'];
  for (const row of rows.filter((r) => !r.error)) {
    const names = { client: 'client', perClient: perClient[row.clientSide] ?? 'per-client', proxy: 'proxy', servers: 'server' };
    const describe = (cpu) => Object.entries(cpu ?? {})
      .map(([role, us]) => `${names[role] ?? role} ${Math.round(us)}`).join(', ');
    out.push(`  ${row.label.padEnd(26)} 1 session x8: ${describe(row.oneSession?.cpuUs)}; ` +
      `8 sessions: ${describe(row.sessions?.cpuUs)}`);
  }
  return out;
}
