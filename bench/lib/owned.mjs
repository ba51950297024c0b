// Long-running processes the benchmark starts (brokers, proxies): each in a process group of its
// own, waited on through what it prints, and torn down by the pids and groups we created, never
// by name. Everything still running is killed when the benchmark exits, however it exits.
import { spawn } from 'node:child_process';

import { descendants, isAlive, readStat } from './procfs.mjs';

const live = new Set();

function killGroupAndTree(owned, signal) {
  // The group id is the leader's pid: once the leader is gone and reaped that number could come
  // back, so the group is signalled only while its leader lives; the rest go one by one.
  if (owned.alive) {
    try {
      process.kill(-owned.pid, signal);
    } catch {
      // the group is gone
    }
  }
  for (const { pid, startTime } of owned.tree) {
    // Only the very process we saw (a pid can be reused by an unrelated process).
    if (readStat(pid)?.startTime === startTime) {
      try {
        process.kill(pid, signal);
      } catch {
        // gone meanwhile
      }
    }
  }
}

process.on('exit', () => {
  for (const owned of live) {
    owned.remember();
    killGroupAndTree(owned, 'SIGKILL');
  }
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => process.exit(130));
}

/** Rejects after `ms` unless `promise` settles first. */
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class Owned {
  /**
   * Starts `command args` in a new process group. Options: env, cwd, extraFds (how many extra
   * pipes after stdio: fd 3, 4, ...).
   */
  constructor(name, command, args, { env = process.env, cwd, extraFds = 0 } = {}) {
    this.name = name;
    this.output = '';
    this.tree = [];   // [{ pid, startTime }] of every descendant seen: killed with the group
    const stdio = ['ignore', 'pipe', 'pipe', ...Array(extraFds).fill('pipe')];
    this.proc = spawn(command, args, { env, cwd, stdio, detached: true });
    this.pid = this.proc.pid;
    live.add(this);
    this.exited = new Promise((resolve) => {
      this.proc.once('exit', (code, signal) => resolve({ code, signal }));
      this.proc.once('error', (error) => resolve({ code: null, signal: null, error }));
    });
    this.exited.then(() => {
      this.alive = false;
    });
    this.alive = this.pid !== undefined;
    for (const stream of [this.proc.stdout, this.proc.stderr]) {
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        this.output = (this.output + chunk).slice(-64 * 1024);
      });
    }
  }

  /** Resolves with the first line on `stream` matching `pattern`; rejects if the process ends first. */
  waitForLine(pattern, { stream = 'both', timeoutMs = 30000 } = {}) {
    const streams = stream === 'both' ? [this.proc.stdout, this.proc.stderr] : [this.proc.stdio[stream]];
    const found = new Promise((resolve, reject) => {
      const pending = new Map();
      const onData = (source) => (chunk) => {
        const text = (pending.get(source) ?? '') + chunk.toString();
        const lines = text.split('\n');
        pending.set(source, lines.pop());
        const line = lines.find((l) => pattern.test(l));
        if (line !== undefined) {
          for (const [s, listener] of listeners) s.off('data', listener);
          resolve(line);
        }
      };
      const listeners = streams.map((s) => [s, onData(s)]);
      for (const [s, listener] of listeners) s.on('data', listener);
      this.exited.then((info) => reject(new Error(
        `${this.name} exited (${JSON.stringify(info)}) before printing ${pattern}:\n${this.output.slice(-4000)}`)));
    });
    return withTimeout(found, timeoutMs, `${this.name} waiting for ${pattern}`);
  }

  /** Notes every current descendant (with its start time) so stop() can reach it. */
  remember() {
    const known = new Set(this.tree.map((p) => p.pid));
    for (const pid of descendants(this.pid)) {
      const startTime = readStat(pid)?.startTime;
      if (!known.has(pid) && startTime) this.tree.push({ pid, startTime });
    }
  }

  /** SIGTERM to the group (and recorded descendants), then SIGKILL after `graceMs`. */
  async stop(graceMs = 8000) {
    if (!live.has(this)) return;
    if (this.alive) this.remember();
    killGroupAndTree(this, 'SIGTERM');
    await withTimeout(this.exited, graceMs, `${this.name} exit`).catch(() => {});
    killGroupAndTree(this, 'SIGKILL');
    await withTimeout(this.exited, 5000, `${this.name} exit after SIGKILL`).catch(() => {});
    live.delete(this);
    this.tree = this.tree.filter((p) => isAlive(p.pid));
  }
}
