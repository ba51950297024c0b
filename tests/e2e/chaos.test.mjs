// Chaos: about a minute of many SDK clients (through real shims) on two servers at once —
// server-everything (maxInFlight 6, so calls also wait in the broker's queue) and
// lib/big-server.mjs (large answers) — with random calls, cancels, progress, abrupt client deaths
// (also while connecting), a SIGKILL of each server's child and clients that stop reading.
// Checked:
//   * every call that succeeded got its own reply and its own progress (each answer encodes what
//     its call asked for);
//   * every call that failed did so for a reason the run caused (its cancel, its client's death,
//     its server's child killed under it), never a wrong reply, never a timeout;
//   * a client that stops reading is cut off at the big server's maxQueuedBytes: its shim exits 1
//     and says why, while the server's other clients keep being served;
//   * the server sees only the cancels clients sent (or the broker sent for a client that left);
//   * the broker never dies, its resident memory stays under a stated bound, and at the end
//     nothing is in flight or queued, its open fds and session list are back to the baseline, and
//     no process of the test is left but the broker, the witnesses' shims and one child per server.
//
// Seeded: the seed is printed; MANIFOLD_CHAOS_SEED=N replays a run's choices (timing still
// varies). MANIFOLD_CHAOS_MS sets the length of the chaos phase (default 60 s); see CLIENTS for
// a harsher run.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { McpError, ErrorCode } from '@modelcontextprotocol/sdk/types.js';

import {
  withWorld, skipReason, everythingServer, echo, resultText, waitFor, withTimeout, findProcesses, descendants,
  describeProcesses, killQuietly, isAlive, openFdCount, procStatusBytes, BINS, E2E_DIR, NODE, EVERYTHING_JS,
} from './lib/harness.mjs';
import { blobText } from './lib/big-server.mjs';

const MiB = 1024 * 1024;
const BIG_SERVER_JS = path.join(E2E_DIR, 'lib', 'big-server.mjs');
const SEED = process.env.MANIFOLD_CHAOS_SEED ? Number(process.env.MANIFOLD_CHAOS_SEED) >>> 0
  : (Math.random() * 2 ** 32) >>> 0;
const CHAOS_MS = Number(process.env.MANIFOLD_CHAOS_MS || 60000);

// The big server's limits: answers up to MAX_BLOB; a client may leave CAP unread, then it is cut.
const MAX_BLOB = 3 * MiB;
const MAX_LINE = 4 * MiB;
const CAP = 8 * MiB;   // effective cap: max(CAP, MAX_LINE + 1 MiB) = 8 MiB
// Chaos clients alive at any time (replacements keep the number up), and the pause between two
// client deaths; MANIFOLD_CHAOS_CLIENTS and MANIFOLD_CHAOS_KILL_MS=LO-HI make a harsher run.
const CLIENTS = Number(process.env.MANIFOLD_CHAOS_CLIENTS || 14);
const [KILL_MIN_MS, KILL_MAX_MS] = (process.env.MANIFOLD_CHAOS_KILL_MS || '1000-3500').split('-').map(Number);
const CALL_TIMEOUT_MS = 45000;
const STALL_BLOBS = 12;  // 24 MiB asked for by a client that reads nothing: cut at 8

/** mulberry32: a small seeded PRNG. */
function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),   // inclusive
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
  };
}

/** The broker binary is instrumented by AddressSanitizer (its quarantine makes RSS meaningless). */
function sanitized(file) {
  return fs.readFileSync(file).includes('AddressSanitizer');
}

class ChaosCancel extends Error {}

describe('chaos: many clients, cancels, deaths, child kills and stalled readers', { skip: skipReason() }, () => {
  test(`about a minute of chaos on two servers (seed ${SEED})`, { timeout: 170000 }, () => withWorld(async (world) => {
    process.stderr.write(`chaos seed ${SEED} (replay: MANIFOLD_CHAOS_SEED=${SEED}), chaos phase ${CHAOS_MS} ms\n`);
    const rng = prng(SEED);
    const broker = await world.startBroker();
    const t0 = Date.now();
    const now = () => Date.now() - t0;

    // ---- Baseline: one persistent witness client per server, each with a call behind it (so both
    // children exist), the allocator warmed on the path of a large answer.
    const witnessE = await world.connect({ name: 'everything', clientName: 'witness-everything' });
    const witnessB = await world.connect({ name: 'big', clientName: 'witness-big' });
    assert.equal(await echo(witnessE.client, 'baseline'), 'Echo: baseline');
    for (const bytes of [MAX_BLOB, MAX_BLOB]) {
      const text = resultText(await witnessB.client.callTool({ name: 'blob', arguments: { tag: 'warm', bytes } }));
      assert.ok(text === blobText('warm', bytes), 'the warm-up blob is right');
    }
    const witnessShims = new Set([witnessE.shimPid, witnessB.shimPid]);
    const baselineStatus = await world.status();
    const baselineSessions = (baselineStatus.sessions ?? []).map((s) => s.id).sort();
    assert.deepEqual((baselineStatus.sessions ?? []).map((s) => s.shimPid).sort(), [...witnessShims].sort(),
      'the baseline sessions are the two witnesses');
    // Taken once the count has held still for half a second: the control connection of the last
    // status call may not be closed in the broker yet.
    let lastCount = -1;
    let stableSince = 0;
    const baselineFds = await waitFor(() => {
      const count = openFdCount(broker.pid);
      if (count !== lastCount) [lastCount, stableSince] = [count, Date.now()];
      return Date.now() - stableSince >= 500 && count;
    }, { timeoutMs: 10000, intervalMs: 100, what: 'the broker\'s fd count to settle' });
    const baselineRss = procStatusBytes(broker.pid, 'VmRSS');
    const asan = sanitized(BINS.manifold);
    process.stderr.write(`baseline: broker pid ${broker.pid}, ${baselineFds} fds, VmRSS ${(baselineRss / MiB).toFixed(1)} MiB, ` +
      `sessions ${JSON.stringify(baselineSessions)}${asan ? ' (ASan build: RSS bound not checked)' : ''}\n`);

    // ---- Memory: sampled all along; the kernel's high-water mark (VmHWM) catches peaks in between.
    let rssPeak = baselineRss;
    let rssPeakAt = 0;
    const sampler = setInterval(() => {
      const rss = procStatusBytes(broker.pid, 'VmRSS');
      if (rss !== null && rss > rssPeak) {
        rssPeak = rss;
        rssPeakAt = now();
      }
    }, 100);
    let stopping = false;
    let killer;
    const timers = [];
    try {
      // ---- Bookkeeping
      const calls = [];          // every call: { client, server, op, tag, start, end, outcome, detail }
      const wrong = [];          // replies that were not the call's own
      const unexpected = [];     // failures the run did not cause
      const childKills = { everything: [], big: [] };   // times (ms since t0) of our SIGKILLs
      const clientKills = [];
      const live = new Set();
      let clientSeq = 0;
      const connectMs = [];
      let bigClientsMax = 0;   // big-server clients alive at once, at most (the memory bound counts them)
      let tagSeq = 0;

      const expectedProgress = (call, steps) => (progress) => {
        // Each call's own progress only: the total it asked for, counting up.
        if (progress.total !== steps || progress.progress <= (call.lastProgress ?? 0) || progress.progress > steps) {
          wrong.push({ ...call, detail: `progress ${JSON.stringify(progress)} for a call of ${steps} steps after ${call.lastProgress}` });
        }
        call.lastProgress = progress.progress;
      };

      /** Why a failed call failed, or null if the run did not cause it. */
      function classify(call, chaos, error) {
        const message = String(error?.message ?? error);
        if (call.cancelled && message.includes('chaos-cancel')) return 'cancelled';
        if (chaos.dead && (error instanceof McpError && error.code === ErrorCode.ConnectionClosed || /Not connected/.test(message))) {
          return 'client died';
        }
        const killed = message.match(/server '(everything|big)' was killed by signal 9/);
        if (error instanceof McpError && killed && killed[1] === call.server &&
            childKills[call.server].some((at) => call.start <= at + 3000 && call.end >= at)) {
          return 'child killed';
        }
        return null;
      }

      /** Runs one tools/call (or tools/list), checks the answer against what was asked. */
      async function run(chaos, op, name, args, check, { steps, cancelAfterMs } = {}) {
        const call = { client: chaos.id, server: chaos.server, op, tag: args?.tag ?? args?.message, start: now() };
        calls.push(call);
        const controller = new AbortController();
        let cancelTimer;
        if (cancelAfterMs !== undefined) {
          cancelTimer = setTimeout(() => {
            call.cancelled = true;
            controller.abort(new ChaosCancel(`chaos-cancel ${call.tag}`));
          }, cancelAfterMs);
        }
        const options = { timeout: CALL_TIMEOUT_MS, signal: controller.signal };
        if (steps) options.onprogress = expectedProgress(call, steps);
        try {
          const result = name === 'tools/list'
            ? await chaos.handle.client.listTools(undefined, options)
            : await chaos.handle.client.callTool({ name, arguments: args }, undefined, options);
          call.end = now();
          const problem = check(result);
          if (problem) wrong.push({ ...call, detail: problem });
          call.outcome = 'ok';
        } catch (error) {
          call.end = now();
          call.outcome = classify(call, chaos, error);
          if (!call.outcome) unexpected.push({ ...call, detail: String(error?.stack ?? error) });
        } finally {
          clearTimeout(cancelTimer);
        }
      }

      const textIs = (expected) => (result) => {
        const text = result?.content?.[0]?.text;
        if (text === expected) return null;
        return `expected ${JSON.stringify(expected.slice(0, 80))}… (${expected.length} chars), got ` +
          `${JSON.stringify(String(text).slice(0, 80))}… (${String(text).length} chars)`;
      };
      const listHas = (tool, foreign) => (result) => {
        const names = (result?.tools ?? []).map((t) => t.name);
        return names.includes(tool) && !names.includes(foreign) ? null : `tools/list of the wrong server: ${names.join(',')}`;
      };

      /** One random operation of a client of server-everything. */
      async function everythingOp(chaos) {
        const tag = `${SEED}:${chaos.id}:${++tagSeq}`;
        const roll = rng.next();
        if (roll < 0.35) {
          // Now and then a long line: a client killed while its shim relays it leaves half a line.
          const length = rng.chance(0.05) ? rng.int(64 * 1024, MiB) : rng.int(0, 3000);
          const message = `${tag} ü—✓ "q" \\ ${'x'.repeat(length)}`;
          return run(chaos, 'echo', 'echo', { message }, textIs(`Echo: ${message}`));
        }
        if (roll < 0.45) {   // a burst of concurrent echoes
          return Promise.all(Array.from({ length: rng.int(3, 8) }, (_, i) => {
            const message = `${tag}.${i}`;
            return run(chaos, 'echo', 'echo', { message }, textIs(`Echo: ${message}`));
          }));
        }
        if (roll < 0.6) {
          const a = rng.int(-1e6, 1e6);
          const b = rng.int(-1e6, 1e6);
          return run(chaos, 'get-sum', 'get-sum', { a, b, tag }, textIs(`The sum of ${a} and ${b} is ${a + b}.`));
        }
        if (roll < 0.9) {
          const steps = rng.int(2, 5);
          const duration = rng.int(200, 1500) / 1000;   // distinct durations: a swapped result shows
          const cancelAfterMs = rng.chance(0.4) ? rng.int(50, duration * 1000) : undefined;
          return run(chaos, cancelAfterMs === undefined ? 'long' : 'long+cancel', 'trigger-long-running-operation',
            { duration, steps, tag },
            textIs(`Long running operation completed. Duration: ${duration} seconds, Steps: ${steps}.`),
            { steps, cancelAfterMs });
        }
        return run(chaos, 'list', 'tools/list', { tag }, listHas('echo', 'blob'));
      }

      /** One random operation of a client of the big server. One blob at a time per client keeps
       * what may wait for it (at most MAX_BLOB plus small answers) well under the cap. */
      async function bigOp(chaos) {
        const tag = `${SEED}:${chaos.id}:${++tagSeq}`;
        const roll = rng.next();
        if (roll < 0.45 && !chaos.blobBusy) {
          const bytes = rng.chance(0.3) ? rng.int(MiB, MAX_BLOB) : rng.int(0, 256 * 1024);
          chaos.blobBusy = true;
          try {
            return await run(chaos, 'blob', 'blob', { tag, bytes }, (result) => {
              const text = result?.content?.[0]?.text;
              return text === blobText(tag, bytes) ? null
                : `blob ${bytes}: got ${String(text).length} chars starting ${JSON.stringify(String(text).slice(0, 60))}`;
            });
          } finally {
            chaos.blobBusy = false;
          }
        }
        if (roll < 0.9) {
          const steps = rng.int(1, 6);
          const ms = rng.int(50, 1500);
          const cancelAfterMs = rng.chance(0.4) ? rng.int(10, ms) : undefined;
          return run(chaos, cancelAfterMs === undefined ? 'slow' : 'slow+cancel', 'slow', { tag, ms, steps },
            textIs(`slow ${tag} done`), { steps, cancelAfterMs });
        }
        return run(chaos, 'list', 'tools/list', { tag }, listHas('blob', 'echo'));
      }

      /** A chaos client: 1–3 workers doing random operations until it dies or the run stops. */
      async function startClient(server) {
        const id = `c${++clientSeq}`;
        const chaos = { id, server, dead: false, blobBusy: false };
        live.add(chaos);
        bigClientsMax = Math.max(bigClientsMax, [...live].filter((c) => c.server === 'big' && !c.dead).length);
        let ready;
        chaos.ready = new Promise((resolve) => { ready = resolve; });
        const start = now();
        try {
          // The wire tap keeps only the client's cancels; answers are checked as they come.
          chaos.handle = await world.connect({ name: server, clientName: `chaos-${id}`,
            record: (direction, message) => direction === 'out' && message.method === 'notifications/cancelled' });
        } catch (error) {
          live.delete(chaos);
          unexpected.push({ client: id, server, op: 'connect', start, end: now(), detail: String(error?.stack ?? error) });
          return ready();
        }
        connectMs.push(now() - start);
        const workers = rng.int(1, 3);
        const op = server === 'big' ? bigOp : everythingOp;
        chaos.done = Promise.all(Array.from({ length: workers }, async () => {
          while (!stopping && !chaos.dead) await op(chaos);
        }));
        ready();
      }

      /**
       * A client whose shim is killed (or its transport closed) while it connects. Its connect() is
       * not awaited: the SDK (1.32.2) can wait for ever there, when the shim dies between the answer
       * to initialize and the write of notifications/initialized (that write fails with EPIPE and
       * StdioClientTransport.send then waits for a 'drain' that never comes). The shim's exit is
       * what counts; its session must go (checked with all the others at the end).
       */
      let doomed = 0;
      async function doomedClient() {
        ++doomed;
        const handle = await world.connect({ name: rng.pick(['everything', 'big']), clientName: 'chaos-doomed', connect: false, record: () => false });
        handle.client.connect(handle.transport).catch(() => {});
        await delay(rng.int(0, 60));   // a random moment of the handshake, not a synchronisation
        await waitFor(() => handle.shimPid, { timeoutMs: 10000, what: `doomed client ${handle.index}'s shim to start` });
        const how = rng.chance(0.7) ? 'SIGKILL' : 'close';
        if (how === 'SIGKILL') killQuietly(handle.shimPid, 'SIGKILL');
        else handle.transport.close().catch(() => {});
        await withTimeout(handle.shimExit, 10000, `doomed client ${handle.index}'s shim to exit (${how})`);
      }

      function killClient() {
        if (rng.chance(0.15)) {
          background.push(doomedClient());
          return;
        }
        const candidates = [...live].filter((c) => c.done && !c.dead);
        if (candidates.length === 0) return;
        const victim = rng.pick(candidates);
        victim.dead = true;
        const how = rng.chance(0.6) ? 'SIGKILL shim' : 'close transport';
        clientKills.push({ at: now(), client: victim.id, how });
        if (how === 'SIGKILL shim') killQuietly(victim.handle.shimPid, 'SIGKILL');
        else victim.handle.transport.close().catch(() => {});
        // Replaced by a new client of the same server.
        startClient(victim.server);
      }

      /** SIGKILL the child of `name`: its pid from status, checked to be this world's and the broker's. */
      async function killChild(name) {
        const server = await world.server(name);
        const pid = server.pid;
        const ours = findProcesses({ envTag: world.tag }).some((p) => p.pid === pid) && descendants(broker.pid).includes(pid);
        assert.ok(ours, `the child ${pid} of ${name} is this test's and the broker's`);
        childKills[name].push(now());
        killQuietly(pid, 'SIGKILL');
        process.stderr.write(`${now()} ms: SIGKILL ${name} child ${pid}\n`);
      }

      /**
       * A raw client of the big server that never reads its stdout and asks for STALL_BLOBS blobs of
       * 2 MiB at once (all in one write: a shim blocked writing to its client reads nothing more from
       * it). Once the broker has cut its session (it leaves status) and a little later, it reads
       * again: the shim must then tell why and exit 1, and the requests left must have got an error
       * saying so.
       */
      const stalls = [];
      async function startStalled(index) {
        const shim = world.spawnShim('big');
        shim.proc.stdout.pause();
        const lines = [
          { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: `stalled-${index}`, version: '0' } } },
          { jsonrpc: '2.0', method: 'notifications/initialized' },
          ...Array.from({ length: STALL_BLOBS }, (_, i) => ({ jsonrpc: '2.0', id: i + 1, method: 'tools/call', params: { name: 'blob', arguments: { tag: `stall-${index}-${i + 1}`, bytes: 2 * MiB } } })),
        ];
        shim.proc.stdin.write(lines.map((line) => JSON.stringify(line) + '\n').join(''));
        await waitFor(async () => (await world.status()).sessions?.some((s) => s.shimPid === shim.pid),
          { timeoutMs: 15000, intervalMs: 100, what: `the stalled client ${index}'s session` });
        return shim;
      }
      const sessionGone = (shim, what) => waitFor(async () => !(await world.status()).sessions?.some((s) => s.shimPid === shim.pid),
        { timeoutMs: 30000, intervalMs: 100, what });

      const cutsLogged = async () => (await world.ctlRaw('logs', 'big', '--lines', '2000')).stdout
        .split('\n').filter((line) => /the client stopped reading/.test(line)).length;
      async function stalledReader(index) {
        const stall = { index, start: now() };
        stalls.push(stall);
        const logged = await cutsLogged();
        const shim = await startStalled(index);
        await sessionGone(shim, `the stalled client ${index} to be cut off`);
        stall.cutSeenAt = now();
        stall.logged = (await cutsLogged()) - logged;   // the server's log says so (checked below)
        // It goes on not reading for a while (less than the 10 s the broker gives a cut client to
        // take the closing line): the others must be served meanwhile.
        await delay(rng.int(1500, 3000));
        stall.resumedAt = now();
        // Catch up: what was on its way, the error answers, and the shim's exit.
        const out = [];
        shim.proc.stdout.on('data', (chunk) => out.push(chunk));
        shim.proc.stdout.resume();   // paused explicitly: a 'data' listener alone does not resume it
        stall.exit = await withTimeout(shim.exited, 20000, `the stalled client ${index}'s shim to exit`)
          .catch((error) => { throw new Error(`${error.message}; its stderr: ${shim.stderr}`); });
        stall.stderr = String(shim.stderr);
        stall.output = Buffer.concat(out).toString('utf8');
        stall.served = calls.filter((c) => c.server === 'big' && c.outcome === 'ok' && c.end > stall.start && c.end < stall.resumedAt).length;
        process.stderr.write(`${now()} ms: stalled client ${index} cut off after ${stall.cutSeenAt - stall.start} ms, ` +
          `${stall.served} calls of other big clients answered before it read again, ` +
          `shim exit ${JSON.stringify(stall.exit)}\n`);
      }

      /** A stalled client SIGKILLed while the broker is filling its queue (or has just cut it). */
      let killedStall;
      async function killStalled() {
        const shim = await startStalled(3);
        await delay(rng.int(0, 400));   // a random moment of the fill, not a synchronisation
        killQuietly(shim.pid, 'SIGKILL');
        await sessionGone(shim, 'the killed stalled client\'s session to close');
        killedStall = { exit: await withTimeout(shim.exited, 10000, 'the killed stalled shim to exit') };
        process.stderr.write(`${now()} ms: stalled client 3 killed: ${JSON.stringify(killedStall.exit)}\n`);
      }

      // ---- The chaos phase. Times are drawn from the seed; the stalls and child kills are spaced
      // apart so each is seen on its own.
      const plan = {
        stall1: rng.int(0.08 * CHAOS_MS, 0.15 * CHAOS_MS),
        killFirst: rng.int(0.3 * CHAOS_MS, 0.38 * CHAOS_MS),
        stall2: rng.int(0.48 * CHAOS_MS, 0.55 * CHAOS_MS),
        killSecond: rng.int(0.68 * CHAOS_MS, 0.76 * CHAOS_MS),
        killStalled: rng.int(0.85 * CHAOS_MS, 0.9 * CHAOS_MS),
        order: rng.chance(0.5) ? ['everything', 'big'] : ['big', 'everything'],
      };
      process.stderr.write(`plan: ${JSON.stringify(plan)}\n`);
      const chaosStart = now();
      // Half on each server; a client that dies is replaced by one of the same server.
      const servers = Array.from({ length: CLIENTS }, (_, i) => (i % 2 ? 'big' : 'everything'));
      await Promise.all(servers.map((server) => startClient(server)));

      const background = [];
      const at = (ms, fn) => timers.push(setTimeout(() => background.push(fn()), Math.max(0, ms - (now() - chaosStart))));
      at(plan.stall1, () => stalledReader(1));
      at(plan.stall2, () => stalledReader(2));
      at(plan.killStalled, () => killStalled());
      at(plan.killFirst, () => killChild(plan.order[0]));
      at(plan.killSecond, () => killChild(plan.order[1]));
      const scheduleClientKill = () => {
        killer = setTimeout(() => {
          if (stopping) return;
          killClient();
          scheduleClientKill();
        }, rng.int(KILL_MIN_MS, KILL_MAX_MS));
      };
      scheduleClientKill();

      await waitFor(() => now() - chaosStart >= CHAOS_MS, { timeoutMs: CHAOS_MS + 5000, intervalMs: 200, what: 'the end of the chaos phase' });
      stopping = true;
      clearTimeout(killer);
      timers.forEach(clearTimeout);
      // Each worker finishes the call it is in (bounded by its timeout), then stops.
      await withTimeout((async () => {
        await Promise.all([...background, ...[...live].map((c) => c.ready)]);
        await Promise.all([...live].map((c) => c.done));
      })(), CALL_TIMEOUT_MS + 10000, 'the chaos clients to finish their last calls');
      const chaosEnd = now();
      await Promise.all([...live].map((c) => c.handle.close()));
      clearInterval(sampler);

      // ---- Report, then check.
      const outcomes = {};
      for (const call of calls) {
        const key = `${call.server}/${call.op}: ${call.outcome ?? 'unsettled'}`;
        outcomes[key] = (outcomes[key] ?? 0) + 1;
      }
      process.stderr.write(`chaos phase ${chaosEnd - chaosStart} ms: ${calls.length} calls, ${clientSeq} clients (${clientKills.length} killed, ${doomed} more killed while connecting; ` +
        `connect took ${Math.min(...connectMs)}–${Math.max(...connectMs)} ms), ` +
        `child kills ${JSON.stringify(childKills)}\n${Object.entries(outcomes).sort().map(([k, n]) => `  ${k}: ${n}`).join('\n')}\n`);

      assert.deepEqual(wrong, [], 'every successful call got its own reply');
      assert.deepEqual(unexpected, [], 'calls failed only for reasons the run caused');
      assert.ok(calls.every((c) => c.outcome), 'every call settled');
      const ok = (server, op) => calls.filter((c) => c.server === server && (!op || c.op === op) && c.outcome === 'ok').length;
      assert.ok(ok('everything') >= 100 && ok('big', 'blob') >= 20, `enough work was done: ${JSON.stringify(outcomes)}`);
      assert.ok(calls.some((c) => c.outcome === 'cancelled'), 'some calls were cancelled');
      assert.ok(clientKills.length >= 5, `clients were killed: ${clientKills.length}`);
      for (const name of ['everything', 'big']) assert.equal(childKills[name].length, 1, `${name}'s child was killed once`);

      // No answer arrived for a request the client no longer knew, except the late answer of a
      // call it had just cancelled; no other protocol error (a client we killed may also report
      // its broken pipe).
      for (const [handle, dead] of [...[...live].map((c) => [c.handle, c.dead]), [witnessE, false], [witnessB, false]]) {
        const cancelledIds = new Set(handle.wire.out.filter((m) => m.method === 'notifications/cancelled')
          .map((m) => JSON.stringify(m.params.requestId)));
        for (const error of handle.errors) {
          const text = String(error?.message ?? error);
          if (/unknown token/.test(text)) continue;   // the SDK's progress/result race (README)
          const late = text.match(/unknown message ID: (.*)$/s);
          if (late && cancelledIds.has(JSON.stringify(JSON.parse(late[1]).id))) continue;
          if (!late && dead) continue;
          assert.fail(`client ${handle.index}: ${text.slice(0, 500)}`);
        }
      }

      // The stalled readers were cut off at the cap, told why, and the others were served meanwhile.
      assert.equal(stalls.length, 2, 'two stalled readers ran');
      for (const stall of stalls) {
        assert.equal(stall.exit.signal, null, `stalled shim ${stall.index} exited by itself: ${JSON.stringify(stall.exit)}`);
        assert.equal(stall.exit.code, 1, `stalled shim ${stall.index} exits 1: ${stall.stderr}`);
        assert.match(stall.stderr, /Manifold closed the session: the client stopped reading: [\d.]+ MiB were waiting for it \(limit 8\.0 MiB\)/);
        assert.doesNotMatch(stall.stderr, /reconnecting/);
        assert.match(stall.output, /the client stopped reading/, 'its open requests were answered with the reason');
        assert.ok(stall.logged >= 1, `the big server's log records cut ${stall.index}`);
        assert.ok(stall.served > 0, `other clients of big were served while client ${stall.index} stalled ` +
          `(${stall.start}–${stall.resumedAt} ms): ${JSON.stringify(calls.filter((c) => c.server === 'big' && c.end > stall.start - 1000 && c.start < stall.resumedAt + 1000))}`);
      }
      assert.equal(killedStall?.exit.signal, 'SIGKILL', 'the third stalled client was killed');

      // ---- Back to the baseline: sessions, fds, processes.
      await waitFor(async () => {
        const ids = ((await world.status()).sessions ?? []).map((s) => s.id).sort();
        return JSON.stringify(ids) === JSON.stringify(baselineSessions);
      }, { timeoutMs: 20000, intervalMs: 200, what: `the session list to be back to the witnesses ${JSON.stringify(baselineSessions)}` })
        .catch(async (error) => { throw new Error(`${error.message}: ${JSON.stringify((await world.status()).sessions)}`); });
      // The witnesses still work, and both children run again (restarted after the kills).
      assert.equal(await echo(witnessE.client, 'after the chaos'), 'Echo: after the chaos');
      const last = resultText(await witnessB.client.callTool({ name: 'blob', arguments: { tag: 'after', bytes: MAX_BLOB } }));
      assert.ok(last === blobText('after', MAX_BLOB), 'the big witness gets its blob after the chaos');
      const children = {};
      for (const name of ['everything', 'big']) {
        const server = await world.server(name);
        assert.equal(server.state, 'running', `${name} runs: ${JSON.stringify(server)}`);
        assert.equal(server.restarts, 1, `${name} was restarted after its kill, and only then: ${JSON.stringify(server)}`);
        children[name] = server.pid;
      }
      // Nothing is left in flight or queued at either server: the router forgot every request of
      // the dead, cut and cancelling clients (server-everything answers cancelled calls anyway; the
      // broker drops those answers).
      await waitFor(async () => (await world.status()).servers.every((s) => s.inFlight === 0 && s.queued === 0),
        { timeoutMs: 20000, intervalMs: 200, what: 'no request in flight or queued at either server' })
        .catch(async (error) => {
          throw new Error(`${error.message}: ${JSON.stringify((await world.status()).servers.map((s) => [s.name, s.inFlight, s.queued, s.queue]))}`);
        });
      // Cancels reach the server under the right id: every slow call the (restarted) big child saw
      // cancelled is one this test cancelled, or one of a client that died (the broker cancels what
      // a leaving session had in flight).
      const seenCancelled = JSON.parse(resultText(await witnessB.client.callTool({ name: 'cancelled', arguments: {} })));
      const mayBeCancelled = new Set(calls.filter((c) => c.op.startsWith('slow') && (c.cancelled || c.outcome === 'client died')).map((c) => c.tag));
      process.stderr.write(`the restarted big child saw ${seenCancelled.length} slow calls cancelled\n`);
      assert.deepEqual(seenCancelled.filter((tag) => !mayBeCancelled.has(tag)), [], 'the server saw only cancels the clients sent');
      assert.ok(seenCancelled.length > 0 || !calls.some((c) => c.cancelled && c.start > childKills.big[0] + 2000),
        'the server saw the cancels');
      let fds;
      await waitFor(() => (fds = openFdCount(broker.pid)) === baselineFds,
        { timeoutMs: 20000, intervalMs: 200, what: `the broker's open fds to be back to ${baselineFds}` })
        .catch((error) => {
          throw new Error(`${error.message}: ${fds} now:\n${fs.readdirSync(`/proc/${broker.pid}/fd`)
            .map((fd) => { try { return `${fd} -> ${fs.readlinkSync(`/proc/${broker.pid}/fd/${fd}`)}`; } catch { return fd; } }).join('\n')}`);
        });

      // The broker never died: same process throughout, the only one.
      assert.ok(broker.alive && isAlive(broker.pid), 'the broker is alive');
      assert.deepEqual(world.brokerProcesses().map((p) => p.pid), [broker.pid], 'one broker, the one started');
      // Processes of this test: the broker (and its watchdog), the witnesses' shims, one child per server.
      const expected = new Set([broker.pid, ...witnessShims, children.everything, children.big]);
      const stray = findProcesses({ envTag: world.tag }).filter((p) => !expected.has(p.pid) &&
        !(p.argv[0] === BINS.manifold && descendants(broker.pid).includes(p.pid)));
      assert.deepEqual(stray, [], `no other process of the test is left:\n${describeProcesses(stray)}`);
      assert.deepEqual(findProcesses({ cmdlineIncludes: EVERYTHING_JS, envTag: world.tag }).map((p) => p.pid), [children.everything]);
      assert.deepEqual(findProcesses({ cmdlineIncludes: BIG_SERVER_JS, envTag: world.tag }).map((p) => p.pid), [children.big]);

      // Memory. What the broker may legitimately hold at once above its baseline: a stalled session
      // at the cap plus the line that took it past (CAP + MAX_LINE); for each big-server client one
      // blob on its way (each client has at most one in flight; echo-sized traffic is noise); the
      // big child's unfinished line and the copy the id splice makes of one line (2 × MAX_LINE);
      // 16 MiB for the allocator and everything small. The kernel's VmHWM catches peaks between
      // samples. (Measured: about 20 MiB above the baseline.)
      const hwm = procStatusBytes(broker.pid, 'VmHWM');
      const peak = Math.max(rssPeak, hwm ?? 0);
      const bound = baselineRss + CAP + MAX_LINE + bigClientsMax * MAX_BLOB + 2 * MAX_LINE + 16 * MiB;
      process.stderr.write(`broker VmRSS: baseline ${(baselineRss / MiB).toFixed(1)} MiB, sampled peak ${(rssPeak / MiB).toFixed(1)} MiB ` +
        `at ${rssPeakAt} ms, VmHWM ${((hwm ?? 0) / MiB).toFixed(1)} MiB, bound ${(bound / MiB).toFixed(1)} MiB (${bigClientsMax} big-server clients at most); fds ${baselineFds}\n`);
      if (!asan) assert.ok(peak < bound, `broker memory peaked at ${(peak / MiB).toFixed(1)} MiB, bound ${(bound / MiB).toFixed(1)} MiB`);
    } finally {
      stopping = true;
      clearInterval(sampler);
      clearTimeout(killer);
      timers.forEach(clearTimeout);
    }
  }, {
    servers: {
      // A limit on requests in flight, so calls also wait in the broker's queue (and are cancelled
      // or orphaned there).
      everything: everythingServer({ maxInFlight: 6 }),
      big: {
        command: NODE,
        args: [BIG_SERVER_JS],
        sharing: 'shared',
        lingerMs: 60000,
        maxLineBytes: MAX_LINE,
        maxQueuedBytes: CAP,
      },
    },
  }));
});
