// Shared plumbing for the Manifold end-to-end tests.
//
// Every test builds its own "world": a fresh temp dir holding the config dir (servers.json)
// and the broker socket, a unique tag that is put into the environment of everything the
// test starts (so /proc scans only ever count this test's processes), the broker, the SDK
// clients (each through a real manifold-shim), and a cleanup that tears all of it down.
//
// Binaries come from the environment (the CMake registration sets them):
//   MANIFOLD_BIN, MANIFOLD_SHIM_BIN, MANIFOLDCTL_BIN
import net from 'node:net';
import { spawn, execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

export const E2E_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const EVERYTHING_PKG_DIR = path.join(E2E_DIR, 'node_modules', '@modelcontextprotocol', 'server-everything');
/** Absolute path of server-everything's entry point: what /proc scans look for. */
export const EVERYTHING_JS = path.join(EVERYTHING_PKG_DIR, 'dist', 'index.js');
/** The bin link npx runs (`node .../.bin/mcp-server-everything stdio`): the npx variant's cmdline. */
export const EVERYTHING_BIN_LINK = path.join(E2E_DIR, 'node_modules', '.bin', 'mcp-server-everything');
export const NODE = process.execPath;

export const BINS = {
  manifold: process.env.MANIFOLD_BIN || '',
  shim: process.env.MANIFOLD_SHIM_BIN || '',
  ctl: process.env.MANIFOLDCTL_BIN || '',
};

/**
 * Reason to skip the suite, or false. Use as `describe(name, { skip: skipReason() }, ...)`.
 * With MANIFOLD_E2E_REQUIRED=1 (set by the ctest registration) a missing prerequisite throws
 * instead, so the suite fails rather than passing with everything skipped.
 */
export function skipReason() {
  if (process.platform !== 'linux') return 'the e2e tests scan /proc: Linux only';
  const missing = [];
  for (const [key, variable] of [['manifold', 'MANIFOLD_BIN'], ['shim', 'MANIFOLD_SHIM_BIN'], ['ctl', 'MANIFOLDCTL_BIN']]) {
    const file = BINS[key];
    if (!file) missing.push(`${variable} is not set`);
    else if (!isExecutable(file)) missing.push(`${variable}=${file} is not an executable file`);
  }
  if (!fs.existsSync(EVERYTHING_JS)) missing.push(`${EVERYTHING_JS} is missing (run npm ci in tests/e2e)`);
  if (missing.length && process.env.MANIFOLD_E2E_REQUIRED === '1') {
    // Registered by CMake: a skip there would hide a broken build or registration.
    throw new Error(`e2e prerequisites missing: ${missing.join('; ')}`);
  }
  return missing.length ? missing.join('; ') : false;
}

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Small utilities

/** Polls `fn` (sync or async) every `intervalMs` until it returns a truthy value; returns it. */
export async function waitFor(fn, { timeoutMs = 10000, intervalMs = 50, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const suffix = lastError ? ` (last error: ${lastError.message ?? lastError})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${suffix}`);
    }
    await delay(intervalMs);
  }
}

/** A TCP port on 127.0.0.1 that was free a moment ago (for the HTTP front door). */
/**
 * Wire tap: records every JSON-RPC message of an SDK transport in both directions ({in, out}),
 * as record(direction, message) allows, without changing the SDK's behaviour.
 */
export function tapWire(transport, record = () => true) {
  const wire = { in: [], out: [] };
  let onmessage;
  Object.defineProperty(transport, 'onmessage', {
    configurable: true,
    get: () => onmessage,
    set: (handler) => {
      onmessage = handler && ((message, extra) => {
        if (record('in', message)) wire.in.push(message);
        return handler(message, extra);
      });
    },
  });
  const send = transport.send.bind(transport);
  transport.send = (message, options) => {
    if (record('out', message)) wire.out.push(message);
    return send(message, options);
  };
  return wire;
}

/**
 * A payload unique per client and index: some non-ASCII, some JSON-escape heavy, a few > 64 KiB
 * (the fan-out tests).
 */
export function uniquePayload(client, index) {
  let message = `client ${client} message ${index}`;
  if (index % 3 === 0) message += ' ü—✓';
  if (index % 5 === 0) message += ' 🚀 日本語 ﷽';
  if (index % 7 === 0) message += ' "quoted" back\\slash \n newline\ttab \u0001 </script>';
  if (index % 100 === 42) message += ` ${'x'.repeat(100 * 1024)} end-of-${client}-${index}`;
  return message;
}

/**
 * Fan-out: every handle makes `calls` concurrent echo calls with uniquePayload(its index, i) and
 * each answer is checked against its own call. Returns {ok, failures, elapsed}; nameOf(handle, c)
 * names a client in the failures.
 */
export async function echoFanOut(handles, calls, nameOf = (_, c) => `client ${c}`) {
  const started = Date.now();
  const outcomes = await Promise.all(handles.map((handle, c) => Promise.allSettled(
    Array.from({ length: calls }, (_, i) => echo(handle.client, uniquePayload(c, i), { timeout: 90000 })))));
  const elapsed = Date.now() - started;
  const failures = [];
  let ok = 0;
  outcomes.forEach((results, c) => results.forEach((outcome, i) => {
    const expected = `Echo: ${uniquePayload(c, i)}`;
    if (outcome.status === 'rejected') {
      const cause = outcome.reason?.cause ? ` (${outcome.reason.cause})` : '';   // fetch failed: why
      failures.push(`${nameOf(handles[c], c)} call ${i}: rejected: ${outcome.reason?.message ?? outcome.reason}${cause}`);
    } else if (outcome.value !== expected) {
      failures.push(`${nameOf(handles[c], c)} call ${i}: got ${JSON.stringify(outcome.value.slice(0, 120))}, ` +
        `expected ${JSON.stringify(expected.slice(0, 120))}`);
    } else {
      ++ok;
    }
  }));
  return { ok, failures, elapsed };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Rejects with a descriptive error if `promise` does not settle within `ms`. */
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Keeps the last `max` characters of a growing text (process output for diagnostics). */
class TextTail {
  constructor(max = 64 * 1024) {
    this.max = max;
    this.text = '';
  }
  push(chunk) {
    this.text += chunk.toString();
    if (this.text.length > this.max) this.text = this.text.slice(-this.max);
  }
  toString() {
    return this.text;
  }
}

// ---------------------------------------------------------------------------------------------
// /proc scanning

/**
 * Every live (non-zombie) process, optionally filtered.
 *   cmdlineIncludes: string or array of strings that must ALL occur in the cmdline (args joined by ' ')
 *   envTag:          string that must occur in /proc/PID/environ (MANIFOLD_E2E_TAG=... of a world)
 * Returns [{ pid, ppid, state, cmdline, argv }].
 */
export function findProcesses({ cmdlineIncludes = [], envTag } = {}) {
  const needles = Array.isArray(cmdlineIncludes) ? cmdlineIncludes : [cmdlineIncludes];
  const found = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    let argv;
    try {
      const raw = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!raw) continue; // kernel thread or zombie
      argv = raw.replace(/\0$/, '').split('\0');
    } catch {
      continue; // gone meanwhile
    }
    const cmdline = argv.join(' ');
    if (!needles.every((needle) => cmdline.includes(needle))) continue;
    const stat = readStat(pid);
    if (!stat || stat.state === 'Z' || stat.state === 'X') continue;
    if (envTag !== undefined) {
      try {
        const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
        if (!environ.split('\0').some((kv) => kv.includes(envTag))) continue;
      } catch {
        continue;
      }
    }
    found.push({ pid, ppid: stat.ppid, state: stat.state, cmdline, argv });
  }
  return found;
}

/** { state, ppid, pgid } from /proc/PID/stat, or null if the process does not exist. */
export function readStat(pid) {
  let text;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // comm may contain spaces and parentheses: the fields after it start past the LAST ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: rest[0], ppid: Number(rest[1]), pgid: Number(rest[2]) };
}

/** Number of open file descriptors of `pid` (entries of /proc/PID/fd). */
export function openFdCount(pid) {
  return fs.readdirSync(`/proc/${pid}/fd`).length;
}

/** A size field of /proc/PID/status (`VmRSS`, `VmHWM`, …) in bytes, or null if unknown. */
export function procStatusBytes(pid, field) {
  let text;
  try {
    text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const match = text.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
  return match ? Number(match[1]) * 1024 : null;
}

/** True if `pid` exists and is not a zombie (an orphan zombie whose reaper is slow is dead). */
export function isAlive(pid) {
  if (!pid || pid <= 0) return false;
  const stat = readStat(pid);
  return stat !== null && stat.state !== 'Z' && stat.state !== 'X';
}

/** Pids of all live descendants of `pid` (children, grandchildren, ...). */
export function descendants(pid) {
  const children = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat || stat.state === 'Z') continue;
    if (!children.has(stat.ppid)) children.set(stat.ppid, []);
    children.get(stat.ppid).push(Number(entry));
  }
  const out = [];
  const queue = [pid];
  while (queue.length) {
    for (const child of children.get(queue.shift()) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

/** Best-effort kill; never throws. */
export function killQuietly(pid, signal = 'SIGKILL') {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Pretty list of processes for assertion messages. */
export function describeProcesses(list) {
  return list.length ? list.map((p) => `  pid ${p.pid} (ppid ${p.ppid}, ${p.state}): ${p.cmdline}`).join('\n') : '  (none)';
}

// ---------------------------------------------------------------------------------------------
// Config helpers

/** servers.json entry running server-everything directly under node. */
export function everythingServer(extra = {}) {
  return {
    command: NODE,
    args: [EVERYTHING_JS, 'stdio'],
    env: {},
    sharing: 'shared',
    lingerMs: 60000,
    ...extra,
  };
}

/** Absolute path of an executable found on PATH, or null. */
export function which(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, name);
    if (isExecutable(file)) return file;
  }
  return null;
}

/** Runs manifoldctl --socket SOCKET ARGS...; resolves { code, signal, stdout, stderr }. */
export function runCtl(socket, args, { timeoutMs = 10000, env = process.env } = {}) {
  return new Promise((resolve) => {
    execFile(BINS.ctl, ['--socket', socket, ...args], { timeout: timeoutMs, env, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : null) : 0,
          signal: error?.signal ?? null,
          stdout: String(stdout),
          stderr: String(stderr),
          error,
        });
      });
  });
}

// ---------------------------------------------------------------------------------------------
// The world

/**
 * Creates a world, runs `fn(world)`, prints diagnostics if it throws, and always cleans up.
 *   await withWorld(async (w) => { ... });
 */
export async function withWorld(fn, options = {}) {
  const world = await World.create(options);
  try {
    return await fn(world);
  } catch (error) {
    await world.dumpDiagnostics(error).catch(() => {});
    throw error;
  } finally {
    await world.cleanup();
  }
}

/** HOME and the XDG directories a program derives from it, all under `home`. */
export function homeEnvironment(home) {
  return {
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_STATE_HOME: path.join(home, '.local', 'state'),
  };
}

export class World {
  static async create({ servers = { everything: everythingServer() } } = {}) {
    const world = new World();
    // Short prefix: AF_UNIX paths are limited to 107 bytes.
    world.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfe2e-'));
    world.configDir = path.join(world.dir, 'config');
    world.socket = path.join(world.dir, 'broker.sock');
    fs.mkdirSync(world.configDir, { recursive: true, mode: 0o700 });
    world.tag = `mfe2e-${randomUUID()}`;
    // A home of the world's own: a broker or tray it starts points the shim launcher and the
    // autostart entry under $HOME at this build, which must never be the developer's.
    const home = path.join(world.dir, 'home');
    fs.mkdirSync(home, { mode: 0o700 });
    world.env = {
      ...process.env,
      ...homeEnvironment(home),
      MANIFOLD_E2E_TAG: world.tag,
      MANIFOLD_CONFIG_DIR: world.configDir,
      MANIFOLD_SOCKET: world.socket,
    };
    if (servers) world.writeServers(servers);
    return world;
  }

  constructor() {
    this.broker = null; // { proc, pid, exited: Promise<{code, signal}>, output: TextTail }
    this.clients = [];  // handles from connect()
    this.extraPids = new Set();
    this.cleanedUp = false;
  }

  /** Writes config/servers.json. `servers` is the `servers` object; the tag is added to each env. */
  writeServers(servers) {
    const withTag = {};
    for (const [name, config] of Object.entries(servers)) {
      withTag[name] = { ...config, env: { ...(config.env ?? {}), MANIFOLD_E2E_TAG: this.tag } };
    }
    const file = path.join(this.configDir, 'servers.json');
    fs.writeFileSync(file, JSON.stringify({ version: 1, servers: withTag }, null, 2) + '\n');
    return file;
  }

  /** Starts `manifold --headless` in the foreground and waits until `status --json` answers. */
  async startBroker({ extraArgs = [] } = {}) {
    if (this.broker && this.broker.alive) throw new Error('broker already running in this world');
    const args = ['--headless', '--config-dir', this.configDir, '--socket', this.socket, ...extraArgs];
    const proc = spawn(BINS.manifold, args, { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = new TextTail();
    proc.stdout.on('data', (chunk) => output.push(chunk));
    proc.stderr.on('data', (chunk) => output.push(chunk));
    const broker = { proc, pid: proc.pid, output, alive: true, exitInfo: null };
    broker.exited = new Promise((resolve) => {
      proc.on('exit', (code, signal) => {
        broker.alive = false;
        broker.exitInfo = { code, signal };
        resolve(broker.exitInfo);
      });
      proc.on('error', (error) => {
        broker.alive = false;
        broker.exitInfo = { code: null, signal: null, error };
        resolve(broker.exitInfo);
      });
    });
    this.broker = broker;
    await this.waitReady({ broker });
    return broker;
  }

  /**
   * Bounded readiness loop: runs `manifoldctl status --json` until it exits 0 (15 s at most).
   * If `broker` is given and it dies meanwhile, fails at once with its output.
   */
  async waitReady({ broker = this.broker, timeoutMs = 15000 } = {}) {
    const deadline = Date.now() + timeoutMs;
    let last;
    while (Date.now() < deadline) {
      if (broker && !broker.alive) {
        throw new Error(`broker exited before it was ready (${JSON.stringify(broker.exitInfo)}):\n${broker.output}`);
      }
      last = await runCtl(this.socket, ['status', '--json'], { timeoutMs: 5000, env: this.env });
      if (last.code === 0) {
        try {
          return JSON.parse(last.stdout);
        } catch {
          // not JSON yet?! keep trying, reported below if it persists
        }
      }
      await delay(50);
    }
    throw new Error(`broker at ${this.socket} not ready after ${timeoutMs} ms; last manifoldctl: ` +
      `code ${last?.code} stdout ${JSON.stringify(last?.stdout)} stderr ${JSON.stringify(last?.stderr)}` +
      (broker ? `\nbroker output:\n${broker.output}` : ''));
  }

  /** Runs manifoldctl against this world's socket: { code, stdout, stderr }. */
  ctlRaw(...args) {
    return runCtl(this.socket, args, { env: this.env });
  }

  /** Runs manifoldctl and returns its parsed JSON stdout; throws on a non-zero exit. */
  async ctl(...args) {
    const result = await this.ctlRaw(...args);
    if (result.code !== 0) {
      throw new Error(`manifoldctl ${args.join(' ')} exited ${result.code ?? result.signal}: ${result.stderr}${result.stdout}`);
    }
    const text = result.stdout.trim();
    if (!text) return null;
    try {
      return JSON.parse(text);
    } catch {
      return text; // commands other than status may print plain text
    }
  }

  /** `manifoldctl status --json`, parsed. */
  async status() {
    const result = await this.ctlRaw('status', '--json');
    if (result.code !== 0) throw new Error(`manifoldctl status --json exited ${result.code}: ${result.stderr}`);
    return JSON.parse(result.stdout);
  }

  /** The status object of one server, or throws if it is not listed. */
  async server(name = 'everything') {
    const status = await this.status();
    const server = (status.servers ?? []).find((s) => s.name === name);
    if (!server) throw new Error(`server '${name}' not in status: ${JSON.stringify(status)}`);
    return server;
  }

  /**
   * Connects an SDK Client through a real manifold-shim (`shim --socket SOCKET NAME`).
   * Options: name (server), clientName, env (extra env for the shim), connect (false to only
   * build the handle; call handle.connect() yourself), command/args (override: e.g. run a server
   * directly, used only to validate the harness without the C++ binaries), capabilities (the
   * client's capabilities, default {}), setup (async (client, handle) => …, run before connecting:
   * the place to set request handlers for sampling, elicitation or roots), cwd (the working
   * directory of the shim, or of the overriding command), record ((direction, message) => bool:
   * which messages the wire tap keeps, default all; long runs with large answers keep fewer).
   * Returns a handle { client, transport, wire, stderr, shimPid, shimExit, connect(), close() }:
   *   wire.in / wire.out: every JSON-RPC message received / sent, in order (a wire tap).
   *   shimExit: Promise<{code, signal}> of the shim process.
   */
  async connect({ name = 'everything', clientName, env = {}, connect = true, command, args, connectTimeoutMs = 30000,
    capabilities = {}, setup, cwd, record = () => true } = {}) {
    const index = this.clients.length;
    const transport = new StdioClientTransport({
      command: command ?? BINS.shim,
      args: args ?? ['--socket', this.socket, name],
      env: { ...this.env, ...env },
      stderr: 'pipe',
      ...(cwd ? { cwd } : {}),
    });
    const stderr = new TextTail();
    transport.stderr?.on('data', (chunk) => stderr.push(chunk));

    const wire = tapWire(transport, record);

    // Learn the shim's pid and exit status (the SDK only exposes the pid).
    let resolveExit;
    const shimExit = new Promise((resolve) => { resolveExit = resolve; });
    const handle = { index, transport, wire, stderr, shimPid: null, shimExit, exitInfo: null, closed: false };
    const start = transport.start.bind(transport);
    transport.start = async () => {
      await start();
      handle.shimPid = transport.pid;
      const proc = transport._process; // private, but the only way to see the exit code
      if (proc) {
        // The SDK waits for 'drain' once per message written while the pipe is full: with
        // hundreds of calls in flight that is many listeners, and that is fine.
        proc.stdin?.setMaxListeners(0);
        proc.once('exit', (code, signal) => {
          handle.exitInfo = { code, signal };
          resolveExit(handle.exitInfo);
        });
      } else {
        resolveExit({ code: null, signal: null });
      }
    };

    const client = new Client({ name: clientName ?? `e2e-client-${index}`, version: '1.0.0' }, { capabilities });
    handle.errors = [];
    client.onerror = (error) => handle.errors.push(error);
    handle.client = client;
    // Request handlers (sampling, elicitation, roots) must exist before the server can ask.
    if (setup) await setup(client, handle);
    handle.connect = () => withTimeout(client.connect(transport), connectTimeoutMs, `client ${index} connect`);
    handle.close = async () => {
      if (handle.closed) return;
      handle.closed = true;
      await withTimeout(client.close(), 8000, `client ${index} close`).catch(() => {});
      if (handle.shimPid) killQuietly(handle.shimPid);
    };
    this.clients.push(handle);
    if (connect) await handle.connect();
    return handle;
  }

  /**
   * Starts a bare `manifold-shim --socket SOCKET NAME` with pipes on stdin, stdout and stderr, for
   * tests that write JSON-RPC themselves (or never read). Killed at cleanup with the world's other
   * tagged processes. Returns { proc, pid, stderr (TextTail), exited: Promise<{code, signal}>,
   * exitInfo, send(message) (one JSON line to its stdin) }.
   */
  spawnShim(name, { env = {} } = {}) {
    const proc = spawn(BINS.shim, ['--socket', this.socket, name], { env: { ...this.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const shim = { proc, pid: proc.pid, stderr: new TextTail(), exitInfo: null };
    proc.stderr.on('data', (chunk) => shim.stderr.push(chunk));
    proc.stdin.on('error', () => {}); // EPIPE once it has exited: the exit status tells
    shim.exited = new Promise((resolve) => {
      proc.on('exit', (code, signal) => resolve(shim.exitInfo = { code, signal }));
      proc.on('error', (error) => resolve(shim.exitInfo = { code: null, signal: null, error }));
    });
    shim.send = (message) => proc.stdin.write(JSON.stringify(message) + '\n');
    return shim;
  }

  /** Live processes of this world running server-everything (by entry point path, or bin link). */
  everythingProcesses({ includeBinLink = false } = {}) {
    const byPath = findProcesses({ cmdlineIncludes: EVERYTHING_JS, envTag: this.tag });
    if (!includeBinLink) return byPath;
    const byLink = findProcesses({ cmdlineIncludes: 'mcp-server-everything', envTag: this.tag });
    const seen = new Set(byPath.map((p) => p.pid));
    return [...byPath, ...byLink.filter((p) => !seen.has(p.pid))];
  }

  /**
   * Live processes of this world's broker: cmdline has the manifold binary, --headless and this
   * world's socket path. Only "roots" are returned: a forked helper of the broker (same cmdline,
   * e.g. a watchdog) whose parent also matches is not a second broker.
   */
  brokerProcesses() {
    const all = findProcesses({ cmdlineIncludes: [BINS.manifold, '--headless', this.socket] });
    const pids = new Set(all.map((p) => p.pid));
    return all.filter((p) => !pids.has(p.ppid));
  }

  async dumpDiagnostics(error) {
    const lines = [`--- diagnostics for failed e2e test (${error?.message ?? error}) ---`, `world: ${this.dir}`];
    if (this.broker) lines.push(`broker pid ${this.broker.pid} alive=${this.broker.alive} exit=${JSON.stringify(this.broker.exitInfo)}`, `broker output (tail):\n${String(this.broker.output).slice(-8000)}`);
    const log = `${this.socket}.log`;
    if (fs.existsSync(log)) lines.push(`${log} (tail):\n${fs.readFileSync(log, 'utf8').slice(-8000)}`);
    for (const handle of this.clients) {
      const text = String(handle.stderr);
      if (text) lines.push(`shim ${handle.index} (pid ${handle.shimPid}) stderr (tail):\n${text.slice(-2000)}`);
    }
    try {
      const status = await withTimeout(this.ctlRaw('status', '--json'), 6000, 'status');
      lines.push(`status: code ${status.code} ${status.stdout}${status.stderr}`);
    } catch {
      // broker gone
    }
    lines.push(`server-everything processes:\n${describeProcesses(this.everythingProcesses({ includeBinLink: true }))}`);
    process.stderr.write(lines.join('\n') + '\n');
  }

  /**
   * Tears everything down: clients (and their shims), the broker (SIGTERM, then SIGKILL), any
   * broker a shim started, and every process still carrying this world's tag; removes the dir.
   */
  async cleanup() {
    if (this.cleanedUp) return;
    this.cleanedUp = true;
    await Promise.all(this.clients.map((handle) => handle.close()));

    const brokers = new Set(this.brokerProcesses().map((p) => p.pid));
    if (this.broker?.alive) brokers.add(this.broker.pid);
    for (const pid of this.extraPids) brokers.add(pid);
    for (const pid of brokers) killQuietly(pid, 'SIGTERM');
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && [...brokers].some(isAlive)) await delay(50);
    for (const pid of brokers) if (isAlive(pid)) killQuietly(pid, 'SIGKILL');
    if (this.broker?.alive) await withTimeout(this.broker.exited, 5000, 'broker exit').catch(() => {});

    // Stragglers: anything tagged by this world (servers, npm, shells) or naming its socket.
    for (let round = 0; round < 3; ++round) {
      const left = [
        ...findProcesses({ envTag: this.tag }),
        ...findProcesses({ cmdlineIncludes: this.socket }),
      ];
      if (!left.length) break;
      for (const p of left) killQuietly(p.pid, 'SIGKILL');
      await delay(100);
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// MCP helpers

/** The text of the first content item of a tools/call result. */
export function resultText(result) {
  const item = result?.content?.[0];
  if (!item || item.type !== 'text') throw new Error(`unexpected tool result: ${JSON.stringify(result)}`);
  return item.text;
}

/** Calls `echo` and returns the reply text. */
export async function echo(client, message, options = {}) {
  const result = await client.callTool({ name: 'echo', arguments: { message } }, undefined, { timeout: 60000, ...options });
  if (result.isError) throw new Error(`echo returned isError: ${JSON.stringify(result)}`);
  return resultText(result);
}
