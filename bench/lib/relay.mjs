// A 10 MB tool result end to end: client -> (manifold-shim -> broker ->) server and back.
// The client here is a plain line-based JSON-RPC client, not the SDK: the SDK's stdio reader
// re-concatenates its buffer on every chunk, which would time the client instead of the relay.
import { spawn } from 'node:child_process';

import { startBroker } from './broker.mjs';
import { withTimeout } from './owned.mjs';
import { BIG_RESULT_SERVER_JS, NODE } from './paths.mjs';
import { memory, readStat } from './procfs.mjs';

const now = () => process.hrtime.bigint();

/** A spawned stdio peer we talk newline-delimited JSON-RPC to. */
class LineClient {
  constructor(command, args, env) {
    this.proc = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'ignore'] });
    this.pid = this.proc.pid;
    this.startTime = readStat(this.pid)?.startTime;
    this.chunks = [];
    this.waiters = [];
    this.exited = new Promise((resolve) => this.proc.once('exit', resolve));
    this.proc.stdout.on('data', (chunk) => this.onData(chunk));
  }

  onData(chunk) {
    let start = 0;
    for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, start)) {
      this.chunks.push(chunk.subarray(start, nl));
      const line = Buffer.concat(this.chunks);
      this.chunks = [];
      start = nl + 1;
      this.waiters.shift()?.(line);
    }
    if (start < chunk.length) this.chunks.push(chunk.subarray(start));
  }

  /** Sends one message; resolves with the next line received (raw Buffer). */
  request(message) {
    const line = new Promise((resolve) => this.waiters.push(resolve));
    this.proc.stdin.write(`${JSON.stringify(message)}\n`);
    return withTimeout(line, 120000, `reply to ${message.method}`);
  }

  async initialize() {
    await this.request({
      jsonrpc: '2.0', id: 0, method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'relay-bench', version: '1' } },
    });
    this.proc.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
  }

  async close() {
    this.proc.stdin.end();
    await withTimeout(this.exited, 5000, 'exit').catch(() => {});
    if (readStat(this.pid)?.startTime === this.startTime) this.proc.kill('SIGKILL');
  }
}

/** `repeats` calls of blob(bytes): median ms, checking each reply's size. */
async function timeCalls(client, bytes, repeats) {
  const times = [];
  for (let i = 1; i <= repeats; ++i) {
    const start = now();
    const line = await client.request({
      jsonrpc: '2.0', id: i, method: 'tools/call', params: { name: 'blob', arguments: { bytes } },
    });
    times.push(Number(now() - start) / 1e6);
    const reply = JSON.parse(line.toString('utf8'));
    const got = reply.result?.content?.[0]?.text?.length;
    if (reply.id !== i || got !== bytes) throw new Error(`reply ${i}: id ${reply.id}, ${got} bytes instead of ${bytes}`);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** { directMs, manifoldMs, brokerHwmBeforeKiB, brokerHwmKiB, shimHwmBeforeKiB, shimHwmKiB } or { error }. */
export async function relayBenchmark(bins, { bytes, repeats }) {
  const result = { bytes, repeats };
  const direct = new LineClient(NODE, [BIG_RESULT_SERVER_JS], {});
  try {
    await direct.initialize();
    result.directMs = await timeCalls(direct, bytes, repeats);
  } catch (error) {
    result.error = `direct: ${error.message}`;
  } finally {
    await direct.close();
  }

  let broker;
  let shim;
  try {
    broker = await startBroker(bins, { big: { command: NODE, args: [BIG_RESULT_SERVER_JS], env: {} } });
    shim = new LineClient(bins.shim, broker.shimArgs('big'), broker.shimEnv);
    await shim.initialize();
    await timeCalls(shim, 1024, 1);   // server up, broker and shim warm
    result.brokerHwmBeforeKiB = memory(broker.pid)?.hwm;
    result.shimHwmBeforeKiB = memory(shim.pid)?.hwm;
    result.manifoldMs = await timeCalls(shim, bytes, repeats);
    result.brokerHwmKiB = memory(broker.pid)?.hwm;
    result.brokerRssAfterKiB = memory(broker.pid)?.rss;
    result.shimHwmKiB = memory(shim.pid)?.hwm;
  } catch (error) {
    result.error = `${result.error ? `${result.error}; ` : ''}manifold: ${error.message}`;
  } finally {
    await shim?.close();
    await broker?.stop();
  }
  return result;
}

export function relayReport(r) {
  const mb = (r.bytes / 1e6).toFixed(0);
  const mib = (kib) => (kib ? `${(kib / 1024).toFixed(1)} MiB` : '-');
  const ms = (v) => (v === undefined ? '-' : `${v.toFixed(1)} ms`);
  const lines = [`${mb} MB tool result, end to end (median of ${r.repeats}):`,
    `  direct stdio ${ms(r.directMs)}; manifold (shim -> broker -> server) ${ms(r.manifoldMs)}` +
      (r.directMs && r.manifoldMs ? ` = ${(r.manifoldMs / r.directMs).toFixed(2)}x direct` : ''),
    `  broker peak RSS (VmHWM) ${mib(r.brokerHwmKiB)} (before: ${mib(r.brokerHwmBeforeKiB)}; RSS after ` +
      `${mib(r.brokerRssAfterKiB)}); shim peak ${mib(r.shimHwmKiB)} (before: ${mib(r.shimHwmBeforeKiB)})`];
  if (r.error) lines.push(`  FAILED: ${r.error}`);
  return lines.join('\n');
}
