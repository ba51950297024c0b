// A flood at a set rate: R echo calls per second for D seconds, spread over several clients, each
// a real manifold-shim (or any stdio command) spoken to line by line from this process. The pace
// is kept against the clock (every few ms the calls due by then are written, one write per
// client); a cap on calls in flight (one second's worth) keeps a broker that falls behind from
// queueing without bound, so it shows as a lower achieved rate instead.
import { spawn } from 'node:child_process';
import readline from 'node:readline';

import { withTimeout } from './owned.mjs';

const TICK_MS = 5;
const now = () => Number(process.hrtime.bigint()) / 1e6;   // ms

function quantiles(times) {
  if (!times.length) return { p50: undefined, p99: undefined, max: undefined };
  const sorted = Float64Array.from(times).sort();
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] };
}

/** A stdio client: spawned, initialized, and told which reply answers which call. */
async function openClient(command, args, env, index, onReply) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'ignore'] });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const waiting = new Map();   // string ids of the setup calls
  readline.createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => {
    const reply = JSON.parse(line);
    if (reply.id === undefined) return;   // a notification
    if (typeof reply.id === 'string') waiting.get(reply.id)?.(reply);
    else onReply(reply);
  });
  const call = (id, method, params) => {
    const replied = new Promise((resolve) => waiting.set(id, resolve));
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    const ended = exited.then((info) => {
      throw new Error(`${command} exited (${JSON.stringify(info)}) during ${method}`);
    });
    return withTimeout(Promise.race([replied, ended]), 60000, `client ${index} ${method}`);
  };
  await call('init', 'initialize', {
    protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: `rateflood-${index}`, version: '1' },
  });
  child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
  await call('list', 'tools/list', {});
  return {
    write: (text) => child.stdin.write(text),
    async close() {
      child.stdin.end();
      await withTimeout(exited, 5000, 'client exit').catch(() => child.kill('SIGKILL'));
    },
  };
}

/**
 * Runs the flood; resolves with { rate, durationMs, clients, sent, replies, wrong, lost,
 * achievedPerSecond, sendLagCalls, latency: { p50, p99, max } (ms, request to reply) }.
 * achievedPerSecond = replies / time from the first call to the last reply: at most `rate` when
 * everything keeps up, less when the calls queue.
 */
export async function rateFlood({ command, args, env = {}, clients = 4, rate = 5000, durationMs = 10000, drainMs = 30000 }) {
  const sentAt = new Map();   // id -> ms
  const latencies = [];
  let replies = 0;
  let wrong = 0;
  let lastReply = 0;
  let onDrained = () => {};
  const onReply = (reply) => {
    const at = sentAt.get(reply.id);
    if (at === undefined || reply.result?.content?.[0]?.text !== `Echo: r${reply.id}`) {
      ++wrong;
    } else {
      sentAt.delete(reply.id);
      ++replies;
      lastReply = now();
      latencies.push(lastReply - at);
    }
    if (sentAt.size === 0) onDrained();
  };
  const opened = [];
  try {
    for (let i = 0; i < clients; ++i) opened.push(await openClient(command, args, env, i, onReply));
    const maxInFlight = Math.max(clients, rate);   // one second's worth
    let nextId = 1;
    let sent = 0;
    let sendLagCalls = 0;   // calls not written on time because too many were in flight
    const start = now();
    await new Promise((resolve) => {
      const tick = () => {
        const elapsed = now() - start;
        const due = Math.floor((Math.min(elapsed, durationMs) * rate) / 1000);
        const room = maxInFlight - sentAt.size;
        const count = Math.max(0, Math.min(due - sent, room));
        if (due - sent > room) sendLagCalls = Math.max(sendLagCalls, due - sent - room);
        const batches = opened.map(() => []);
        const t = now();
        for (let k = 0; k < count; ++k) {
          const id = nextId++;
          sentAt.set(id, t);
          batches[id % opened.length].push(
            `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"echo","arguments":{"message":"r${id}"}}}`);
        }
        sent += count;
        batches.forEach((lines, i) => lines.length && opened[i].write(`${lines.join('\n')}\n`));
        if (elapsed >= durationMs) resolve();
        else setTimeout(tick, TICK_MS);
      };
      tick();
    });
    if (sentAt.size) {
      await withTimeout(new Promise((resolve) => {
        onDrained = resolve;
      }), drainMs, 'the flood\'s last replies').catch(() => {});
    }
    const span = Math.max(durationMs, (lastReply || now()) - start);
    return {
      rate, durationMs, clients, sent, replies, wrong, lost: sentAt.size, sendLagCalls,
      achievedPerSecond: (replies * 1000) / span,
      latency: quantiles(latencies),
    };
  } finally {
    await Promise.all(opened.map((c) => c.close()));
  }
}
