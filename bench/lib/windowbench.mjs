// The window scenario: does an open window slow the broker down, and does its event loop stay
// responsive, under a flood? The tray app hosts the broker on the window's thread, so every
// millisecond the traffic page spends is one the broker does not relay. Headless and
// window-open brokers take turns (interleaved rounds); each gets the same rate flood (rateflood.mjs)
// through real shims, and its event-loop lateness is read from `manifoldctl status --json`
// (broker.loopLatency, MANIFOLD_LOOP_PROBE=1) before and after the flood: the difference of the
// two histograms is the flood's own.
import path from 'node:path';

import { startBroker } from './broker.mjs';
import { BENCH_DIR, EVERYTHING_JS, NODE } from './paths.mjs';
import { cpuTicks } from './procfs.mjs';
import { rateFlood } from './rateflood.mjs';
import { mergeValues } from './rounds.mjs';
import { brokerStatus, hasXvfb, startWindowBroker } from './window.mjs';

export const WINDOW_BOUNDS = { throughputRatio: 0.9, loopP99Ms: 25, loopMaxMs: 100 };
const ECHO_SERVER_JS = path.join(BENCH_DIR, 'servers', 'echo-server.mjs');
const CLOCK_TICKS_PER_SECOND = 100;

/** Percentiles of the ticks between two loopLatency snapshots (their histograms subtracted). */
export function loopBetween(before, after) {
  const counts = new Map();
  for (const [upperNs, count] of after?.histogram ?? []) counts.set(upperNs, count);
  for (const [upperNs, count] of before?.histogram ?? []) counts.set(upperNs, (counts.get(upperNs) ?? 0) - count);
  const buckets = [...counts].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const samples = buckets.reduce((n, [, c]) => n + c, 0);
  if (!samples) return { samples: 0 };
  const at = (q) => {
    const rank = Math.max(1, Math.ceil(q * samples));
    let seen = 0;
    for (const [upperNs, n] of buckets) {
      seen += n;
      if (seen >= rank) return upperNs / 1e6;
    }
    return buckets[buckets.length - 1][0] / 1e6;
  };
  // A new maximum is exact; otherwise the highest bucket's bound (within about 6%).
  const maxMs = (after.maxMs ?? 0) > (before?.maxMs ?? 0) ? after.maxMs : Math.min(at(1), after.maxMs ?? Infinity);
  return {
    samples,
    p50Ms: Math.min(at(0.5), maxMs),
    p99Ms: Math.min(at(0.99), maxMs),
    maxMs,
    over50ms: (after.over50ms ?? 0) - (before?.over50ms ?? 0),
  };
}

function serverConfig(options) {
  const args = options.windowServer === 'everything' ? [EVERYTHING_JS, 'stdio'] : [ECHO_SERVER_JS];
  return { flood: { command: NODE, args, env: {}, sharing: 'shared', maxInFlight: 0 } };
}

async function runMode(mode, bins, options) {
  const row = { mode };
  let broker;
  try {
    broker = mode === 'window'
      ? await startWindowBroker(bins, serverConfig(options), { open: options.windowOpen })
      : await startBroker({ ...bins, env: { ...bins.env, MANIFOLD_LOOP_PROBE: '1' } }, serverConfig(options));
    const flood = (durationMs) => rateFlood({
      command: bins.shim, args: broker.shimArgs('flood'), env: broker.shimEnv,
      clients: options.windowClients, rate: options.windowRate, durationMs,
    });
    await flood(1000);   // warm-up: the server started, the page filled, the JIT warm
    const before = await brokerStatus(bins, broker.socket);
    const pid = before.broker.pid;
    const xPid = broker.xServerPid?.() ?? null;
    const cpuBefore = cpuTicks(pid);
    const xCpuBefore = xPid ? cpuTicks(xPid) : null;
    const started = Date.now();
    const result = await flood(options.windowSeconds * 1000);
    const wallMs = Date.now() - started;
    const cpuAfter = cpuTicks(pid);
    const xCpuAfter = xPid ? cpuTicks(xPid) : null;
    const after = await brokerStatus(bins, broker.socket);
    if (!after.broker.loopLatency) throw new Error('status.broker.loopLatency missing: a broker without the loop probe');
    Object.assign(row, result);
    row.loop = loopBetween(before.broker.loopLatency, after.broker.loopLatency);
    row.brokerCpuPercent = cpuBefore !== null && cpuAfter !== null
      ? ((cpuAfter - cpuBefore) * 100 * 1000) / (CLOCK_TICKS_PER_SECOND * wallMs) : undefined;
    if (xCpuBefore !== null && xCpuAfter !== null)
      row.xServerCpuPercent = ((xCpuAfter - xCpuBefore) * 100 * 1000) / (CLOCK_TICKS_PER_SECOND * wallMs);
    if (mode === 'window' && broker.output().includes('no such page'))
      row.note = `no ${options.windowOpen} page in this build: the window showed its first page`;
  } catch (error) {
    row.error = `${error?.message ?? error}`.split('\n')[0];
  } finally {
    await broker?.stop();
  }
  return row;
}

/** { headless: {merged row, rounds: [...]}, window: {...} }: medians over the rounds, worst max. */
export async function windowBenchmark(bins, options) {
  if (!hasXvfb()) process.stderr.write('window benchmark: xvfb-run not found; the window runs offscreen\n');
  const rounds = { headless: [], window: [] };
  for (let round = 1; round <= options.rounds; ++round) {
    for (const mode of ['headless', 'window']) {
      process.stderr.write(`window round ${round}/${options.rounds}: ${mode} ...\n`);
      const row = await runMode(mode, bins, options);
      if (row.error) process.stderr.write(`  failed: ${row.error}\n`);
      rounds[mode].push(row);
    }
  }
  const merge = (rows) => {
    const ok = rows.filter((r) => !r.error);
    if (!ok.length) return { error: rows[0]?.error ?? 'no rounds' };
    const merged = mergeValues(ok);
    merged.loop.maxMs = Math.max(...ok.map((r) => r.loop.maxMs ?? 0));   // the worst round, not the median
    merged.wrong = ok.reduce((n, r) => n + r.wrong, 0);
    merged.lost = ok.reduce((n, r) => n + r.lost, 0);
    merged.rounds = ok.length;
    merged.note = ok.find((r) => r.note)?.note;
    return merged;
  };
  return { headless: { ...merge(rounds.headless), perRound: rounds.headless }, window: { ...merge(rounds.window), perRound: rounds.window } };
}

/** The verdict: [{ what, value, bound, pass }]. */
export function windowVerdict(result) {
  const { headless, window } = result;
  if (headless.error || window.error) return [{ what: 'run', value: headless.error ?? window.error, bound: 'no error', pass: false }];
  const ratio = window.achievedPerSecond / headless.achievedPerSecond;
  return [
    { what: 'throughput window/headless', value: ratio, bound: `>= ${WINDOW_BOUNDS.throughputRatio}`, pass: ratio >= WINDOW_BOUNDS.throughputRatio },
    { what: 'window loop p99 ms', value: window.loop.p99Ms, bound: `<= ${WINDOW_BOUNDS.loopP99Ms}`, pass: window.loop.p99Ms <= WINDOW_BOUNDS.loopP99Ms },
    { what: 'window loop max ms', value: window.loop.maxMs, bound: `<= ${WINDOW_BOUNDS.loopMaxMs}`, pass: window.loop.maxMs <= WINDOW_BOUNDS.loopMaxMs },
    { what: 'wrong or lost replies', value: window.wrong + window.lost + headless.wrong + headless.lost, bound: '= 0',
      pass: window.wrong + window.lost + headless.wrong + headless.lost === 0 },
  ];
}

export function windowReport(result, options) {
  const f = (v, d = 1) => (v === undefined || v === null ? '-' : Number(v).toFixed(d));
  const lines = [
    `Window: ${options.windowRate} calls/s (${options.windowRate * 2} messages/s) for ${options.windowSeconds} s through ` +
      `${options.windowClients} shims to one ${options.windowServer} server; manifold with MANIFOLD_OPEN=${options.windowOpen} ` +
      `under ${hasXvfb() ? 'Xvfb 1366x768x24' : 'QT_QPA_PLATFORM=offscreen'} vs --headless, ${options.rounds} interleaved round(s).`,
    `${'broker'.padEnd(10)}${'calls/s'.padStart(9)}${'call p50'.padStart(10)}${'p99 ms'.padStart(8)}` +
      `${'loop p50'.padStart(10)}${'p99'.padStart(7)}${'max ms'.padStart(8)}${'>50ms'.padStart(7)}${'cpu %'.padStart(7)}` +
      `${'X cpu%'.padStart(7)}${'wrong'.padStart(7)}`,
  ];
  for (const mode of ['headless', 'window']) {
    const r = result[mode];
    if (r.error) {
      lines.push(`${mode.padEnd(10)}FAILED: ${r.error}`);
      continue;
    }
    lines.push(`${mode.padEnd(10)}${f(r.achievedPerSecond, 0).padStart(9)}${f(r.latency.p50, 2).padStart(10)}` +
      `${f(r.latency.p99, 1).padStart(8)}${f(r.loop.p50Ms, 2).padStart(10)}${f(r.loop.p99Ms, 1).padStart(7)}` +
      `${f(r.loop.maxMs, 1).padStart(8)}${String(r.loop.over50ms ?? '-').padStart(7)}${f(r.brokerCpuPercent, 0).padStart(7)}` +
      `${f(r.xServerCpuPercent, 0).padStart(7)}${String(r.wrong + r.lost).padStart(7)}`);
  }
  for (const mode of ['headless', 'window']) {
    const per = result[mode].perRound.map((r) => (r.error ? `FAILED (${r.error})` : `${f(r.achievedPerSecond, 0)} c/s, loop p99 ${f(r.loop.p99Ms)} max ${f(r.loop.maxMs)}`));
    lines.push(`  ${mode} per round: ${per.join('; ')}`);
  }
  if (result.window.note) lines.push(`  note: ${result.window.note}`);
  lines.push('Medians over the rounds (loop max: the worst round). loop: lateness of a 10 ms timer on the broker\'s thread ' +
    'during the flood only; cpu: the broker process (with the window: the whole app); X cpu: the Xvfb server ' +
    'the window paints through.');
  for (const v of windowVerdict(result)) {
    lines.push(`${v.pass ? 'PASS' : 'FAIL'}  ${v.what}: ${typeof v.value === 'number' ? f(v.value, v.what.startsWith('throughput') ? 3 : 1) : v.value} (${v.bound})`);
  }
  return lines.join('\n');
}
