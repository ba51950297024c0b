// Fair service under a flood: one session writes 10,000 echo calls at once while a quiet session
// makes one call at a time; the quiet session's latency is measured idle (the flooding session
// connected but silent) and during the flood. Direct stdio (every client its own server: only
// the CPU is shared) is the baseline; Manifold runs with maxInFlight 0 (no limit) and with limits.
import path from 'node:path';

import { startBroker } from './broker.mjs';
import { echo } from './measure.mjs';
import { mergeValues } from './rounds.mjs';
import { Owned } from './owned.mjs';
import { BENCH_DIR, EVERYTHING_JS, NODE } from './paths.mjs';
import { openSession } from './session.mjs';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const FLOODER_JS = path.join(BENCH_DIR, 'lib', 'flooder.mjs');
const EVERYTHING_ARGS = [EVERYTHING_JS, 'stdio'];
const now = () => process.hrtime.bigint();

function stats(times) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  return { calls: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] };
}

/** Sequential echo calls until `calls` are done or `until()` is true: their times in ms. */
async function quietCalls(session, { calls = Infinity, until = () => false }) {
  const times = [];
  let wrong = 0;
  let firstWrong;
  while (times.length < calls && !until()) {
    const start = now();
    const { ok, error } = await echo(session, 'echo', 'quiet');
    times.push(Number(now() - start) / 1e6);
    if (!ok && !wrong++) firstWrong = `${error?.message ?? 'not its own echo'}`;
  }
  return { times, wrong, firstWrong };
}

/** The flooding client: a process of its own driving `command args` (see flooder.mjs). */
async function startFlooder(requests, command, args, env) {
  const proc = new Owned('flooder', NODE, [FLOODER_JS, String(requests), command, ...args],
    { env: { ...process.env, ...env }, extraFds: 1 });
  await proc.waitForLine(/^ready$/, { stream: 1, timeoutMs: 60000 });
  // Owned gives it no stdin: it is told to go on fd 3.
  proc.go = () => proc.proc.stdio[3].write('go\n');
  return proc;
}

async function runOne(label, connectQuiet, flooderCommand, options) {
  const row = { label };
  let quiet;
  let flooder;
  try {
    quiet = await connectQuiet();
    flooder = await startFlooder(options.floodRequests, ...flooderCommand);
    await quietCalls(quiet, { calls: options.warmup });
    const idle = await quietCalls(quiet, { calls: options.floodQuietCalls });
    row.idle = stats(idle.times);
    let finished = false;
    const result = flooder.waitForLine(/^\{/, { stream: 1, timeoutMs: 600000 }).then((line) => {
      finished = true;
      return JSON.parse(line);
    });
    flooder.go();
    const during = await quietCalls(quiet, { until: () => finished });
    const flood = await result;
    row.flood = stats(during.times);
    row.floodMs = flood.ms;
    row.floodWrong = flood.wrong + Math.max(0, options.floodRequests - flood.replies);   // wrong, or lost
    row.quietWrong = idle.wrong + during.wrong;
    const firstWrong = flood.firstWrong ?? idle.firstWrong ?? during.firstWrong;
    if (firstWrong) process.stderr.write(`  ${label}: wrong reply: ${firstWrong}\n`);
  } catch (error) {
    row.error = `${error?.message ?? error}`.split('\n')[0];
  } finally {
    await flooder?.stop(2000);
    await quiet?.close();
  }
  return row;
}

/** The Manifold configurations flooded, then direct stdio: [{ label, run() }]. */
function floodTargets(bins, options) {
  const targets = [{
    label: 'direct stdio (own servers)',
    run: () => runOne('direct stdio (own servers)',
      () => openSession(new StdioClientTransport({ command: NODE, args: EVERYTHING_ARGS, stderr: 'pipe' })),
      [NODE, EVERYTHING_ARGS, {}], options),
  }];
  for (const limit of options.floodLimits) {
    const label = `manifold maxInFlight ${limit}`;
    targets.push({
      label,
      async run() {
        let broker;
        try {
          broker = await startBroker(bins, {
            everything: { command: NODE, args: EVERYTHING_ARGS, env: {}, sharing: 'shared', maxInFlight: limit },
          });
          const shim = [bins.shim, broker.shimArgs('everything'), broker.shimEnv];
          return await runOne(label,
            () => openSession(new StdioClientTransport({ command: shim[0], args: shim[1], env: shim[2], stderr: 'pipe' })),
            shim, options);
        } catch (error) {
          return { label, error: `${error?.message ?? error}`.split('\n')[0] };
        } finally {
          await broker?.stop();
        }
      },
    });
  }
  return targets;
}

/**
 * Rows { label, idle, flood: { calls, p50, p99, max }, floodMs, floodWrong, quietWrong } or
 * { label, error }: the median of each number over the rounds (the targets take turns in each);
 * wrong replies are summed.
 */
export async function floodBenchmark(bins, options) {
  const targets = floodTargets(bins, options);
  const results = targets.map(() => []);
  for (let round = 1; round <= options.rounds; ++round) {
    for (const [i, target] of targets.entries()) {
      process.stderr.write(`flood round ${round}/${options.rounds}: ${target.label} ...\n`);
      results[i].push(await target.run());
    }
  }
  return results.map((rounds, i) => {
    const ok = rounds.filter((r) => !r.error);
    if (!ok.length) return rounds[0];
    const row = mergeValues(ok);
    row.label = targets[i].label;
    row.floodWrong = ok.reduce((n, r) => n + r.floodWrong, 0);
    row.quietWrong = ok.reduce((n, r) => n + r.quietWrong, 0);
    row.rounds = ok.length;
    return row;
  });
}

export function floodReport(rows, options) {
  const ms = (v) => (v === undefined ? '-' : v.toFixed(v < 10 ? 2 : 1)).padStart(8);
  const lines = [
    `Flood: one session writes ${options.floodRequests} echo calls at once; a quiet session makes one call at a time.`,
    `${'quiet session (ms)'.padEnd(28)}${'idle p50'.padStart(8)}${'p99'.padStart(8)}${'max'.padStart(8)}` +
      `${'flood p50'.padStart(10)}${'p99'.padStart(8)}${'max'.padStart(8)}${'calls'.padStart(7)}   flood done   wrong`,
  ];
  for (const r of rows) {
    if (r.error) {
      lines.push(`${r.label.padEnd(28)}FAILED: ${r.error}`);
      continue;
    }
    lines.push(`${r.label.padEnd(28)}${ms(r.idle.p50)}${ms(r.idle.p99)}${ms(r.idle.max)}  ${ms(r.flood.p50)}` +
      `${ms(r.flood.p99)}${ms(r.flood.max)}${String(r.flood.calls).padStart(7)}  ${ms(r.floodMs)} ms` +
      `${String(r.floodWrong + r.quietWrong).padStart(7)}`);
  }
  lines.push(`Each number is the median of ${options.rounds} round(s); the targets take turns within each round.`);
  lines.push(`idle: ${options.floodQuietCalls} calls with the flooding session connected and silent; flood: the quiet ` +
    'calls made until the flood\'s last reply; flood done: time to all of its replies; wrong: replies that were not ' +
    'the caller\'s own (or lost).');
  return lines.join('\n');
}
