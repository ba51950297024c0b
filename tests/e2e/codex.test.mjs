// Issue 12: Codex CLI starts MCP servers with a minimal environment (no XDG_RUNTIME_DIR, no
// DISPLAY, its own TMPDIR, nothing of ours). The shims it starts must still find the one broker
// of the user, and Codex must see the same tools it sees without Manifold.
//
// The real Codex CLI (`codex app-server`, see lib/codex.mjs) runs with HOME and CODEX_HOME in the
// test's temp dir, no network and no login. Codex itself is started with XDG_RUNTIME_DIR, TMPDIR
// and DISPLAY pointing elsewhere and a MANIFOLD_SOCKET, none of which may matter.
//
// The default rendezvous is used, under a test-only root: MANIFOLD_RUNTIME_ROOT puts the rule's
// /run/user and /tmp into the test's dir, so the user's real broker is never met. Codex passes no
// variable of its own environment to servers beyond a short list, so the config gives the shim that one
// (`env = { MANIFOLD_RUNTIME_ROOT = ... }`); no socket path appears anywhere. The test checks
// in /proc that the shims Codex started had none of XDG_RUNTIME_DIR, DISPLAY, MANIFOLD_SOCKET and
// the other variables Codex was given, and that variable from the config.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  skipReason, BINS, NODE, EVERYTHING_JS, findProcesses, readStat, isAlive, killQuietly, descendants,
  describeProcesses, waitFor,
} from './lib/harness.mjs';
import { CodexAppServer, codexMissing, writeCodexConfig, MEMORY_JS } from './lib/codex.mjs';

function suiteSkip() {
  const base = skipReason();
  if (base) return base;
  const missing = codexMissing();
  if (missing && process.env.MANIFOLD_E2E_REQUIRED === '1') throw new Error(`codex e2e: ${missing}`);
  return missing ?? false;
}

function environOf(pid) {
  try {
    return Object.fromEntries(fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  } catch {
    return null;
  }
}

/** Brokers of this test: argv[0] is the manifold binary and the environment has our root. */
function brokersUnder(root) {
  const all = findProcesses({ cmdlineIncludes: BINS.manifold })
    .filter((p) => p.argv[0] === BINS.manifold && environOf(p.pid)?.MANIFOLD_RUNTIME_ROOT === root);
  const pids = new Set(all.map((p) => p.pid));
  return all.filter((p) => !pids.has(p.ppid)); // the broker's forked watchdog is not a broker
}

class CodexWorld {
  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfcx-'));
    this.tag = `mfcx-${randomUUID()}`;
    this.root = path.join(this.dir, 'rt');
    this.home = path.join(this.dir, 'home');
    this.otherTmp = path.join(this.dir, 'codex-tmp');
    this.otherRuntime = path.join(this.dir, 'session-runtime');
    for (const dir of [this.home, this.otherTmp, this.otherRuntime]) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    // A desktop login: /run/user/UID exists, private. The rule uses it; XDG_RUNTIME_DIR is elsewhere.
    this.runUser = path.join(this.root, 'run', 'user', String(process.getuid()));
    fs.mkdirSync(this.runUser, { recursive: true });
    fs.chmodSync(this.runUser, 0o700);
    this.expectedSocket = path.join(this.runUser, 'manifold', 'broker.sock');
    this.codexApps = [];

    // What the broker a shim starts reads: the default config dir under Codex's HOME.
    const memoryFile = path.join(this.dir, 'memory.jsonl');
    this.servers = {
      everything: { command: NODE, args: [EVERYTHING_JS, 'stdio'], env: { MANIFOLD_E2E_TAG: this.tag } },
      memory: { command: NODE, args: [MEMORY_JS], env: { MANIFOLD_E2E_TAG: this.tag, MEMORY_FILE_PATH: memoryFile } },
    };
    const configDir = path.join(this.home, '.config', 'manifold');
    fs.mkdirSync(configDir, { recursive: true, mode: 0o700 });
    const registry = {};
    for (const [name, server] of Object.entries(this.servers)) registry[name] = { ...server, sharing: 'shared', lingerMs: 60000 };
    fs.writeFileSync(path.join(configDir, 'servers.json'), JSON.stringify({ version: 1, servers: registry }, null, 2));
  }

  /** Codex's own environment: a desktop terminal's, with variables that must not matter. */
  codexEnv(codexHome) {
    return {
      HOME: this.home,
      CODEX_HOME: codexHome,
      PATH: process.env.PATH,
      LANG: 'C.UTF-8',
      TERM: 'xterm-256color',
      SHELL: '/bin/sh',
      TMPDIR: this.otherTmp,
      XDG_RUNTIME_DIR: this.otherRuntime,
      DISPLAY: ':99',
      MANIFOLD_SOCKET: path.join(this.dir, 'must-not-be-used.sock'),
      MANIFOLD_E2E_TAG: this.tag,
    };
  }

  startCodex(name, servers) {
    const codexHome = path.join(this.dir, name);
    writeCodexConfig(codexHome, servers);
    const codex = new CodexAppServer({ env: this.codexEnv(codexHome), cwd: this.dir });
    this.codexApps.push(codex);
    return codex;
  }

  viaManifold() {
    const viaShim = (name) => ({ command: BINS.shim, args: [name], env: { MANIFOLD_RUNTIME_ROOT: this.root } });
    return { everything: viaShim('everything'), memory: viaShim('memory') };
  }

  /** `manifoldctl status --json` with a bare environment and no --socket: the rule alone finds the broker. */
  async status() {
    const env = { HOME: this.home, PATH: process.env.PATH, MANIFOLD_RUNTIME_ROOT: this.root };
    const result = await new Promise((resolve) => {
      execFile(BINS.ctl, ['status', '--json'], { env, timeout: 10000 }, (error, stdout, stderr) =>
        resolve({ code: error ? error.code ?? 1 : 0, stdout: String(stdout), stderr: String(stderr) }));
    });
    assert.equal(result.code, 0, `manifoldctl status --json: ${result.stderr}`);
    return JSON.parse(result.stdout);
  }

  children(server) {
    const entry = server === 'everything' ? EVERYTHING_JS : MEMORY_JS;
    return findProcesses({ cmdlineIncludes: entry, envTag: this.tag });
  }

  async cleanup() {
    await Promise.all(this.codexApps.map((codex) => codex.stop().catch(() => {})));
    const brokers = brokersUnder(this.root).map((p) => p.pid);
    for (const pid of brokers) killQuietly(pid, 'SIGTERM');
    await waitFor(() => !brokers.some(isAlive), { timeoutMs: 10000, what: 'brokers to stop' })
      .catch(() => brokers.forEach((pid) => killQuietly(pid, 'SIGKILL')));
    // Servers Codex started directly (the comparison run) and anything else carrying our tag.
    for (const p of findProcesses({ envTag: this.tag })) killQuietly(p.pid);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

// What Codex 0.171 hands an MCP server from its own environment (plus certificate variables),
// and the one variable this test's config adds.
const CODEX_SERVER_ENV = new Set(['HOME', 'LOGNAME', 'PATH', 'SHELL', 'USER', 'LANG', 'LC_ALL', 'TERM', 'TMPDIR', 'TZ',
  'MANIFOLD_RUNTIME_ROOT']);

// server-everything registers these only for clients declaring roots, sampling or elicitation
// (url mode for trigger-url-elicitation). The broker initializes the shared child with its own
// capabilities (roots, sampling, form elicitation), Codex declares others: these may differ.
const CAPABILITY_GATED = new Set(['get-roots-list', 'trigger-url-elicitation', 'trigger-sampling-request',
  'trigger-sampling-request-async', 'trigger-elicitation-request']);

/** Tools on both sides must be identical (name, schema, annotations); returns the differences. */
function compareTools(viaManifold, direct) {
  const common = Object.keys(direct).filter((name) => name in viaManifold).sort();
  for (const name of common) assert.deepEqual(viaManifold[name], direct[name], `tool ${name} as without Manifold`);
  return {
    common,
    onlyManifold: Object.keys(viaManifold).filter((name) => !(name in direct)).sort(),
    onlyDirect: Object.keys(direct).filter((name) => !(name in viaManifold)).sort(),
  };
}

function toolsOf(server) {
  assert.ok(server, 'server listed');
  assert.equal(server.toolsError ?? null, null, `tools error: ${server.toolsError}`);
  return server.tools;
}

describe('Codex CLI through Manifold', { skip: suiteSkip() }, () => {
  test('two Codex app-servers share one broker and one child per server, and see the direct tools', { timeout: 150000 }, async (t) => {
    const world = new CodexWorld();
    try {
      // Without Manifold: Codex runs the servers itself.
      const direct = world.startCodex('codex-direct', world.servers);
      await direct.start(world.dir);
      const directEcho = await direct.callTool('everything', 'echo', { message: 'direct ü' });
      const directServers = await direct.servers();
      await direct.stop();
      for (const p of [...world.children('everything'), ...world.children('memory')]) killQuietly(p.pid);
      await waitFor(() => world.children('everything').length + world.children('memory').length === 0,
        { what: 'the directly started servers to go' });
      assert.deepEqual(brokersUnder(world.root), [], 'premise: no broker yet');

      // Through Manifold: two Codex instances at once, each starting both shims.
      const a = world.startCodex('codex-a', world.viaManifold());
      const b = world.startCodex('codex-b', world.viaManifold());
      await Promise.all([a.start(world.dir), b.start(world.dir)]);
      for (const [codex, label] of [[a, 'A'], [b, 'B']]) {
        const servers = await codex.servers();
        for (const name of ['everything', 'memory']) {
          const { common, onlyManifold, onlyDirect } = compareTools(toolsOf(servers[name]), toolsOf(directServers[name]));
          assert.ok(common.length > 0, `${label}: ${name} has tools`);
          for (const tool of [...onlyManifold, ...onlyDirect]) {
            assert.ok(name === 'everything' && CAPABILITY_GATED.has(tool), `${label}: ${name} tool ${tool} only on one side`);
          }
          if (onlyManifold.length + onlyDirect.length) {
            t.diagnostic(`${label}: ${name}: capability-gated tools differ: only through Manifold [${onlyManifold}], ` +
              `only direct [${onlyDirect}] (the broker initializes the child with its own capabilities)`);
          }
          assert.deepEqual(servers[name].serverInfo, directServers[name].serverInfo, `${label}: ${name} serverInfo`);
        }
        const echo = await codex.callTool('everything', 'echo', { message: `codex ${label} ü` });
        assert.deepEqual(echo.content, [{ type: 'text', text: `Echo: codex ${label} ü` }]);
        assert.deepEqual(directEcho.content, [{ type: 'text', text: 'Echo: direct ü' }]);
        const graph = await codex.callTool('memory', 'read_graph', {});
        assert.ok(Array.isArray(graph.content), `memory read_graph: ${JSON.stringify(graph)}`);
      }

      const brokers = brokersUnder(world.root);
      assert.equal(brokers.length, 1, `brokers:\n${describeProcesses(brokers)}`);
      const status = await world.status();
      assert.equal(status.broker.pid, brokers[0].pid);
      assert.equal(status.broker.socket, world.expectedSocket);
      assert.equal(status.broker.socketSource, 'default');
      assert.ok(!fs.existsSync(path.join(world.dir, 'must-not-be-used.sock')), "Codex's MANIFOLD_SOCKET did not reach the shims");
      assert.deepEqual(fs.readdirSync(world.otherTmp).filter((f) => f.startsWith('manifold')), [], 'nothing under TMPDIR');
      assert.deepEqual(fs.readdirSync(world.otherRuntime), [], 'nothing under XDG_RUNTIME_DIR');

      // Every session is a shim one of the two Codex processes started, with Codex's environment.
      const codexTree = new Set([...descendants(a.pid), ...descendants(b.pid)]);
      const sessions = status.sessions;
      assert.ok(sessions.length >= 4, `sessions: ${JSON.stringify(sessions)}`);
      const perServer = { everything: 0, memory: 0 };
      const shimEnvKeys = new Set();
      for (const session of sessions) {
        perServer[session.server] += 1;
        assert.ok(codexTree.has(session.shimPid), `session ${session.id} shim ${session.shimPid} was started by Codex`);
        const env = environOf(session.shimPid);
        assert.ok(env, `environment of shim ${session.shimPid}`);
        for (const name of ['XDG_RUNTIME_DIR', 'DISPLAY', 'MANIFOLD_SOCKET', 'MANIFOLD_E2E_TAG', 'MANIFOLD_BIN', 'MANIFOLD_CONFIG_DIR']) {
          assert.equal(env[name], undefined, `Codex passed ${name} to the shim (it had: ${Object.keys(env).sort().join(' ')})`);
        }
        assert.equal(env.MANIFOLD_RUNTIME_ROOT, world.root, 'the one variable the config adds');
        if (env.TMPDIR !== undefined) assert.equal(env.TMPDIR, world.otherTmp);
        const extra = Object.keys(env).filter((key) => !CODEX_SERVER_ENV.has(key) && !/CERT|_CA_|CAINFO|CA_BUNDLE/.test(key));
        assert.deepEqual(extra, [], 'the shim had only what Codex gives every server, and the config env');
        shimEnvKeys.add(Object.keys(env).sort().join(' '));
      }
      t.diagnostic(`environment of the shims Codex started: ${[...shimEnvKeys].join(' | ')}`);
      assert.ok(perServer.everything >= 2 && perServer.memory >= 2, JSON.stringify(perServer));

      for (const name of ['everything', 'memory']) {
        const children = world.children(name);
        assert.equal(children.length, 1, `${name} processes:\n${describeProcesses(children)}`);
        assert.ok(descendants(brokers[0].pid).includes(children[0].pid), `${name} runs under the broker`);
        const server = status.servers.find((s) => s.name === name);
        assert.equal(server.pid, children[0].pid, `${name}: status pid`);
      }

      // Codex gone: its shims leave, the broker and its children stay (linger), still one each.
      await Promise.all([a.stop(), b.stop()]);
      await waitFor(async () => (await world.status()).sessions.length === 0, { timeoutMs: 15000, what: 'sessions to end' });
      assert.equal(brokersUnder(world.root).length, 1);
      assert.equal(world.children('everything').length, 1);
      assert.equal(world.children('memory').length, 1);
      assert.ok(readStat(brokers[0].pid), 'the same broker');
    } catch (error) {
      for (const codex of world.codexApps) console.error(`codex ${codex.pid} stderr (tail):\n${codex.stderr.slice(-3000)}`);
      const log = `${world.expectedSocket}.log`;
      if (fs.existsSync(log)) console.error(`${log}:\n${fs.readFileSync(log, 'utf8').slice(-6000)}`);
      throw error;
    } finally {
      await world.cleanup();
    }
  });
});
