// The measurements: echo latency, throughput, reply mix-ups, second-client start.
// Every echo call carries a message unique to its session and call, and every reply is checked,
// so a proxy that hands one client another client's answer is counted, never silently timed.

const CALL_TIMEOUT_MS = 30000;
let serial = 0;

const now = () => process.hrtime.bigint();
const msSince = (start) => Number(now() - start) / 1e6;

/** One echo call: resolves { ok: reply matches, error? }. Never rejects. */
export async function echo(session, tool, tag) {
  const message = `${tag}:${++serial}`;
  try {
    const result = await session.client.callTool({ name: tool, arguments: { message } }, undefined,
      { timeout: CALL_TIMEOUT_MS });
    return { ok: result?.content?.[0]?.text === `Echo: ${message}` };
  } catch (error) {
    return { ok: false, error };
  }
}

function percentile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Sequential calls on one session: { p50, p99, mean } in ms, wrong: bad or failed replies. */
export async function latency(session, tool, { warmup, calls }) {
  for (let i = 0; i < warmup; ++i) await echo(session, tool, 'warm');
  const times = [];
  let wrong = 0;
  for (let i = 0; i < calls; ++i) {
    const start = now();
    const { ok } = await echo(session, tool, 'lat');
    times.push(msSince(start));
    if (!ok) ++wrong;
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99), mean, wrong };
}

/**
 * Closed-loop load for `durationMs`: `workers` is a list of sessions, one caller each, every
 * caller keeping one call in flight. Returns { perSecond, calls, wrong }.
 */
export async function throughput(workers, tool, durationMs) {
  const start = now();
  const deadline = start + BigInt(Math.round(durationMs * 1e6));
  let calls = 0;
  let wrong = 0;
  await Promise.all(workers.map(async (session, index) => {
    while (now() < deadline) {
      const { ok } = await echo(session, tool, `tp${index}`);
      ++calls;
      if (!ok) ++wrong;
    }
  }));
  return { perSecond: calls / (msSince(start) / 1000), calls, wrong };
}

/**
 * Every session sends `perSession` calls at once, all in flight together. Returns
 * { mismatched: replies that were not this call's echo, failed: calls with no reply (error,
 * timeout), total }.
 */
export async function mismatches(sessions, tool, perSession) {
  const results = await Promise.all(sessions.flatMap((session, index) =>
    Array.from({ length: perSession }, () => echo(session, tool, `mm${index}`))));
  let mismatched = 0;
  let failed = 0;
  for (const { ok, error } of results) {
    if (error) ++failed;
    else if (!ok) ++mismatched;
  }
  return { mismatched, failed, total: results.length };
}

/**
 * Time for one more client, the server being up and another client connected: from creating
 * its transport (spawning its process, if any) to initialize and tools/list both answered.
 * Medians over `repeats` clients, each closed before the next, in ms: { total, start,
 * initialize, toolsList } (start: until the process is spawned or the stream is open).
 */
export async function secondClient(instance, repeats) {
  const parts = { total: [], start: [], initialize: [], toolsList: [] };
  for (let i = 0; i < repeats; ++i) {
    const start = now();
    const session = await instance.connect();
    const initialized = now();
    await session.client.listTools();
    parts.total.push(msSince(start));
    parts.start.push(Number(session.startedAt - start) / 1e6);
    parts.initialize.push(Number(initialized - session.startedAt) / 1e6);
    parts.toolsList.push(msSince(initialized));
    await session.close();
  }
  return Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, percentile(v.sort((a, b) => a - b), 0.5)]));
}
