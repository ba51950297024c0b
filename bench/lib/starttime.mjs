// Start to ready of a per-client process, timed by bench/floor/spawntime.c (posix_spawn + wait4)
// so node's own spawn cost is not in it: the process itself, `PROG --version` (loading it and
// nothing else) and /bin/true (the cost of any spawn on this machine) side by side.
import { execFile } from 'node:child_process';
import fs from 'node:fs';

import { floorTools } from './floor.mjs';

const WARMUP = 3;
const TRUE_BIN = fs.existsSync('/bin/true') ? '/bin/true' : '/usr/bin/true';

const median = (sorted) => (sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : null);
const quantile = (sorted, q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : null);

function spawnTimes(runs, argv, env) {
  const { spawntime } = floorTools();
  return new Promise((resolve, reject) => {
    execFile(spawntime, [String(runs), String(WARMUP), ...argv], { env, timeout: 120000 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`spawntime ${argv.join(' ')}: ${(stderr || error.message).trim()}`));
        return;
      }
      const raw = JSON.parse(stdout);
      const wall = raw.wallMs.sort((a, b) => a - b);
      const cpu = raw.cpuMs.sort((a, b) => a - b);
      resolve({
        median: median(wall), p10: quantile(wall, 0.1), p90: quantile(wall, 0.9), cpu: median(cpu),
        runs: raw.runs, failed: raw.failed, failedStatus: raw.failed ? raw.firstStatus : undefined,
      });
    });
  });
}

/**
 * `probe`: { command, args, env } — a process that starts, becomes ready and exits 0 on its own
 * (manifold-shim with stdin at EOF: connect, hello, welcome, exit). Returns, in ms of wall time
 * from spawn to exit (medians of `runs` after 3 warm-ups; cpu: its user + system):
 *   { ready, version, spawnFloor } each { median, p10, p90, cpu, runs, failed }
 */
export async function startTimes(probe, runs) {
  const env = { ...process.env, ...probe.env };
  return {
    spawnFloor: await spawnTimes(runs, [TRUE_BIN], env),
    version: await spawnTimes(runs, [probe.command, '--version'], env),
    ready: await spawnTimes(runs, [probe.command, ...probe.args], env),
  };
}
