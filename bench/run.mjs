#!/usr/bin/env node
// Manifold benchmark: the same server-everything reached directly over stdio, through Manifold
// (its shim, and its HTTP front door) and through the proxies users pick instead (over HTTP),
// measured side by side in one run, with the physical floor (two bare relays of bench/floor/)
// beside them; then a 10 MB tool result relayed end to end. Prints a table and the verdicts;
// `--json FILE` also saves the raw numbers.
import fs from 'node:fs';

// The SDK's HTTP transports hang one abort listener per request on a shared signal, and a
// finished request's listener goes only when it is garbage-collected: with 2,400 calls in flight,
// or thousands in a row, node warns once per call. Expected here; every other warning shows.
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.name !== 'MaxListenersExceededWarning') process.stderr.write(`${warning.stack ?? warning}\n`);
});
import { parseArgs } from 'node:util';

import { floodBenchmark, floodReport } from './lib/flood.mjs';
import { manifoldBinaries } from './lib/paths.mjs';
import { relayBenchmark, relayReport } from './lib/relay.mjs';
import { remoteBenchmark, remoteReport } from './lib/remote.mjs';
import { cpuLines, httpVerdict, machineLine, table, verdict } from './lib/report.mjs';
import { mergeRounds } from './lib/rounds.mjs';
import { runTarget } from './lib/suite.mjs';
import { allTargets } from './lib/targets.mjs';
import { issue17Verdict } from './lib/verdict17.mjs';
import { windowBenchmark, windowReport, windowVerdict } from './lib/windowbench.mjs';

const USAGE = `usage: node bench/run.mjs [options]
  --only KEYS          comma-separated targets: direct,floor,manifold,manifold-http,manifold-sse,
                       mcp-hub,mcp-proxy,supergateway (manifold: the shim; -http: the broker's
                       front door over Streamable HTTP; -sse: its older HTTP+SSE endpoint; floor:
                       two bare relays of bench/floor/relay.c, compiled with cc -O2 or $CC;
                       floor-handoff: one relay that the hop hands the client's fds to)
  --floor-splice       the floor's relays move bytes with splice(2) instead of read/write
  --start-spawns N     shim start to ready: spawns timed by bench/floor/spawntime.c, each of the
                       shim with stdin at EOF, its --version and /bin/true (60; 0 skips it)
  --rounds N           rounds; the targets take turns in each, numbers are medians (3)
  --calls N            sequential calls for p50/p99 (2000), after --warmup N (200)
  --duration MS        length of each throughput run (3000)
  --sessions N         sessions for the multi-session runs and in-flight calls per session (8)
  --mismatch-calls N   calls per session all in flight at once (300)
  --second-clients N   clients timed one after another for the second-client time (7)
  --relay-bytes N      size of the relayed tool result (10000000); --relay-repeats N (5)
  --no-relay           skip the relay benchmark
  --relay-only         run only the relay benchmark (no targets, no table)
  --flood-requests N   calls the flooding session writes at once (10000); --no-flood skips it
  --flood-limits LIST  maxInFlight values Manifold is flooded with (0,8)
  --flood-quiet-calls N  quiet calls timed idle before the flood (500)
  --flood-only         run only the flood benchmark
  --scenario shim      run only what issue 17 judges: direct, floor and manifold (or --only), no
                       relay or flood benchmark; the table, CPU lines and the issue 17 block
  --scenario remote    run only the remote-server benchmark: one remote server (server-everything
                       over Streamable HTTP, and an OAuth-protected one) reached by N clients, each
                       through its own mcp-remote bridge vs manifold-shim + one broker (not part of
                       the default run; the OAuth server needs npm ci in tests/e2e)
  --scenario window    run only the window benchmark: a headless broker vs the tray app with its
                       window open (Xvfb, MANIFOLD_OPEN=traffic, MANIFOLD_LOOP_PROBE=1), interleaved
                       --rounds; a rate flood through real shims; throughput ratio and the event
                       loop's lateness (status.broker.loopLatency) against stated bounds
  --window-rate N      calls/s of the window flood (5000 = 10,000 messages/s)
  --window-seconds N   length of each window flood (10)
  --window-clients N   shims the window flood is spread over (4)
  --window-open PAGE   the page the window shows: traffic, dashboard, map (traffic)
  --window-server S    echo (a minimal stdio server, so the broker is what is loaded) or everything
  --remote-servers L   servers of the remote scenario (everything,oauth)
  --remote-clients L   client counts of the remote scenario (1,4)
  --build-dir DIR      where manifold and manifold-shim were built (build/bench)
  --manifold-env K=V   add a variable to the broker's and shims' environment (repeatable), to
                       try a runtime setting such as QT_NO_GLIB=1 against the same build
  --json FILE          also write every number, per round, to FILE
  --verbose            say which step each target is at`;

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    calls: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '200' },
    duration: { type: 'string', default: '3000' },
    sessions: { type: 'string', default: '8' },
    'mismatch-calls': { type: 'string', default: '300' },
    'second-clients': { type: 'string', default: '7' },
    'relay-bytes': { type: 'string', default: String(10 * 1000 * 1000) },
    'relay-repeats': { type: 'string', default: '5' },
    'no-relay': { type: 'boolean', default: false },
    'relay-only': { type: 'boolean', default: false },
    'flood-requests': { type: 'string', default: '10000' },
    'flood-limits': { type: 'string', default: '0,8' },
    'flood-quiet-calls': { type: 'string', default: '500' },
    'no-flood': { type: 'boolean', default: false },
    'flood-only': { type: 'boolean', default: false },
    scenario: { type: 'string' },
    'floor-splice': { type: 'boolean', default: false },
    'start-spawns': { type: 'string', default: '60' },
    'window-rate': { type: 'string', default: '5000' },
    'window-seconds': { type: 'string', default: '10' },
    'window-clients': { type: 'string', default: '4' },
    'window-open': { type: 'string', default: 'traffic' },
    'window-server': { type: 'string', default: 'echo' },
    'remote-servers': { type: 'string', default: 'everything,oauth' },
    'remote-clients': { type: 'string', default: '1,4' },
    'build-dir': { type: 'string' },
    'manifold-env': { type: 'string', multiple: true, default: [] },
    json: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}

const options = {
  calls: Number(args.calls),
  warmup: Number(args.warmup),
  durationMs: Number(args.duration),
  sessions: Number(args.sessions),
  mismatchCalls: Number(args['mismatch-calls']),
  secondClients: Number(args['second-clients']),
  startSpawns: Number(args['start-spawns']),
  rounds: Number(args.rounds),
  verbose: args.verbose,
  floodRequests: Number(args['flood-requests']),
  floodLimits: args['flood-limits'].split(',').map(Number),
  floodQuietCalls: Number(args['flood-quiet-calls']),
  remoteServers: args['remote-servers'].split(','),
  remoteClients: args['remote-clients'].split(',').map(Number),
  windowRate: Number(args['window-rate']),
  windowSeconds: Number(args['window-seconds']),
  windowClients: Number(args['window-clients']),
  windowOpen: args['window-open'],
  windowServer: args['window-server'],
};

const manifoldEnv = Object.fromEntries(args['manifold-env'].map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
const bins = manifoldBinaries(args['build-dir'], manifoldEnv);
let targets = allTargets(bins, { floorSplice: args['floor-splice'] });
const shimScenario = args.scenario === 'shim';
const floodOnly = args['flood-only'];
const relayOnly = args['relay-only'];
if (floodOnly || relayOnly) targets = [];
else if (args.only || shimScenario) {
  const wanted = new Set((args.only ?? 'direct,floor,manifold').split(','));
  targets = targets.filter((t) => wanted.has(t.key));
}

if (args.scenario !== undefined && !['remote', 'window', 'shim'].includes(args.scenario)) {
  console.error(`unknown scenario ${args.scenario} (known: shim, remote, window)\n${USAGE}`);
  process.exit(2);
}
console.log(machineLine());
if (args.scenario === 'remote') {
  const remote = await remoteBenchmark(bins, options);
  console.log('');
  console.log(remoteReport(remote, options));
  if (args.json) fs.writeFileSync(args.json, JSON.stringify({ machine: machineLine(), options, remote }, null, 2));
  process.exit(remote.some((r) => r.error || r.wrong) ? 1 : 0);
}
if (args.scenario === 'window') {
  const window = await windowBenchmark(bins, options);
  console.log('');
  console.log(windowReport(window, options));
  if (args.json) fs.writeFileSync(args.json, JSON.stringify({ machine: machineLine(), options, window }, null, 2));
  process.exit(windowVerdict(window).every((v) => v.pass) ? 0 : 1);
}
if (args['manifold-env'].length) console.log(`manifold environment: ${args['manifold-env'].join(' ')}`);
// Rounds interleave the targets, so a burst of load from elsewhere on the machine hits them alike.
const results = new Map(targets.map((t) => [t.key, []]));
for (let round = 1; round <= options.rounds; ++round) {
  for (const target of targets) {
    process.stderr.write(`round ${round}/${options.rounds}: ${target.label} ...\n`);
    const row = await runTarget(target, options);
    if (row.error) process.stderr.write(`  failed: ${row.error}\n`);
    results.get(target.key).push(row);
  }
}
const rows = targets.map((t) => mergeRounds(results.get(t.key)));
if (rows.length) {
  console.log('');
  console.log(table(rows, options));
  console.log('');
  console.log(cpuLines(rows).join('\n'));
  console.log('');
  console.log('Manifold targets:');
  console.log(verdict(rows).join('\n'));
  const overHttp = httpVerdict(rows);
  if (overHttp.length) {
    console.log('');
    console.log('Manifold over HTTP (the front door, one broker session per HTTP session):');
    console.log(overHttp.join('\n'));
  }
  if (rows.some((r) => r.key === 'manifold')) {
    console.log('');
    console.log('Issue 17 (a shim that costs nothing), manifold shim against direct stdio and the floor:');
    console.log(issue17Verdict(rows).join('\n'));
  }
}

let relay = null;
if ((!args['no-relay'] || relayOnly) && !floodOnly && !shimScenario) {
  process.stderr.write('running the relay benchmark ...\n');
  relay = await relayBenchmark(bins, { bytes: Number(args['relay-bytes']), repeats: Number(args['relay-repeats']) });
  console.log('');
  console.log(relayReport(relay));
}

let flood = null;
if ((!args['no-flood'] || floodOnly) && !relayOnly && !shimScenario) {
  flood = await floodBenchmark(bins, options);
  console.log('');
  console.log(floodReport(flood, options));
}

if (args.json) fs.writeFileSync(args.json, JSON.stringify({ machine: machineLine(), options, rows, rounds: Object.fromEntries(results), relay, flood }, null, 2));
// Peers are optional (their failure is in the table); Manifold and the baseline are not.
const ownFailed = rows.some((r) => r.error && (r.key === 'direct' || r.key === 'floor' || r.key.startsWith('manifold')));
// Every process we started has been stopped; anything a proxy left is killed on exit.
const floodFailed = flood?.some((r) => r.error || r.floodWrong || r.quietWrong);
process.exit(ownFailed || relay?.error || floodFailed ? 1 : 0);
