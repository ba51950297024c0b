// Remote MCP servers for the HTTP upstream tests (issue 15), as a CLI a C++ test can drive:
//
//   node remote-everything.mjs everything-http   server-everything `streamableHttp` (400 for an
//                                                unknown session) at http://127.0.0.1:PORT/mcp
//   node remote-everything.mjs everything-sse    server-everything `sse` (legacy HTTP+SSE) at
//                                                http://127.0.0.1:PORT/sse
//   (either everything mode with --proxy: behind the TCP proxy, which counts methods, see stats)
//   node remote-everything.mjs sdk [--proxy]     a spec-conformant SDK Streamable HTTP server (404
//                                                for an unknown session, resumable streams), with
//                                                --proxy behind a fault-injecting TCP proxy
//
// Prints one JSON line {"url": …} when ready, then reads commands from stdin, one a line, and
// answers each with one JSON line:
//   restart                      (everything-*) kill server-everything, start it on the same port
//   stop                         (everything-*) kill server-everything (connections are refused)
//   forget-sessions              (sdk) drop every session: later requests get 404
//   fail-next STATUS [RETRY]     (sdk) the next tools/call POST gets STATUS (and Retry-After: RETRY)
//   require-auth TOKEN           (sdk) answer 401 unless "Authorization: Bearer TOKEN"
//   scope-next                   (sdk) the next tools/call POST gets 403 insufficient_scope
//   cut-after-event MARKER       (proxy) the next connection whose request contains MARKER is cut
//                                right after its response's first SSE event
//   cut-after-bytes MARKER N     (proxy) the same, N bytes after the end of its response headers
//   require-header NAME VALUE    (sdk) answer 403 unless header NAME is VALUE
//   stats                        counters: posts, gets, resumeGets, initializes, toolCalls, unauthorized, cuts, deletes,
//                                forbidden; sessions (server-everything: sessions it logged as opened);
//                                methods {method: count} (sdk: POST bodies; proxy: requests it passed)
// It exits when stdin closes.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import process from 'node:process';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

import express from 'express';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, CreateMessageResultSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const everythingMain = path.join(here, '..', 'node_modules', '@modelcontextprotocol', 'server-everything', 'dist', 'index.js');

const stats = { posts: 0, gets: 0, resumeGets: 0, initializes: 0, toolCalls: 0, unauthorized: 0, forbidden: 0, deletes: 0, cuts: 0, sessions: 0, methods: {} };
const countMethod = (method) => { if (method) stats.methods[method] = (stats.methods[method] ?? 0) + 1; };
const reply = (object) => process.stdout.write(`${JSON.stringify(object)}\n`);

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

// --- server-everything as a child process ---------------------------------------------------

// Whether process pid holds the socket listening on TCP port (Linux: /proc/net/tcp{,6} name the
// listening sockets' inodes, /proc/<pid>/fd the process's own).
function childListensOn(pid, port) {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try { text = fs.readFileSync(table, 'utf8'); } catch { continue; }
    for (const row of text.split('\n').slice(1)) {
      const fields = row.trim().split(/\s+/);
      if (fields.length > 9 && fields[3] === '0A' && fields[1].endsWith(`:${hexPort}`)) inodes.add(fields[9]);
    }
  }
  try {
    return fs.readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try { return inodes.has(/^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1]); } catch { return false; }
    });
  } catch {
    return false;   // it is gone already
  }
}

// It says it is ready on stderr: "MCP Streamable HTTP Server listening on port N" (streamableHttp)
// or "Server is running on port N" (sse). Its log lines count its sessions: "Session initialized
// with ID" (stdout, streamableHttp) or "Client Connected:" (stderr, sse).
function startEverything(mode, port) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [everythingMain, mode], {
      env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let seen = '';
    let settled = false;
    let listening = false;
    const settle = (how, value) => { if (!settled) { settled = true; how(value); } };
    const onLine = (line) => {
      if (/^Session initialized with ID|^Client Connected:/.test(line)) stats.sessions++;
      if (/^Client reconnecting with Last-Event-ID/.test(line)) stats.resumeGets++;
      if (settled) return;
      seen += `${line}\n`;
      if (/already in use/.test(line)) settle(reject, new Error(`EADDRINUSE: ${seen}`));
      if (listening || !/listening on port|running on port/.test(line)) return;
      // Express calls its listen callback for a failed listen too (and server-everything's sse
      // mode then lives on without a port): ready only if the port's listening socket is its.
      listening = true;
      if (childListensOn(child.pid, port)) settle(resolve, child);
      else {
        child.kill('SIGKILL');   // ours, and of no use without its port
        settle(reject, new Error(`EADDRINUSE: port ${port} is not server-everything's: ${seen}`));
      }
    };
    readline.createInterface({ input: child.stdout }).on('line', onLine);
    readline.createInterface({ input: child.stderr }).on('line', onLine);
    // 'close', not 'exit': by then every line it wrote has been read (the reason it failed).
    child.once('close', (code) => settle(reject, new Error(`server-everything exited (${code}): ${seen}`)));
  });
}

function stopChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

// A free port is free only until someone takes it: a test running beside this one may bind it
// before server-everything has started. Then it starts again on another.
async function startEverythingOnFreePort(mode) {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return { port, child: await startEverything(mode, port) };
    } catch (error) {
      if (attempt >= 5 || !/EADDRINUSE/.test(error.message)) throw error;
    }
  }
}

async function runEverything(mode, withProxy) {
  const started = await startEverythingOnFreePort(mode);
  const { port } = started;
  let { child } = started;
  const urlPath = mode === 'sse' ? '/sse' : '/mcp';
  const proxy = withProxy ? await runProxy(port) : null;
  reply({ url: `http://127.0.0.1:${proxy ? proxy.port : port}${urlPath}`, pid: child.pid, serverPort: port });
  return {
    commands: proxy ? proxy.commands : {},
    closers: proxy ? [() => proxy.close()] : [],
    async restart() {
      await stopChild(child);
      child = await startEverything(mode, port);
      return { restarted: true, pid: child.pid };
    },
    async stop() {
      await stopChild(child);
      return { stopped: true };
    },
    async close() { await stopChild(child); },
  };
}

// --- a spec-conformant SDK server -------------------------------------------------------------

class MemoryEventStore {
  events = new Map();   // eventId -> { streamId, message }, in insertion order
  async storeEvent(streamId, message) {
    const eventId = `${streamId}_${randomUUID()}`;
    this.events.set(eventId, { streamId, message });
    return eventId;
  }
  async getStreamIdForEventId(eventId) {
    return this.events.get(eventId)?.streamId;
  }
  async replayEventsAfter(lastEventId, { send }) {
    const from = this.events.get(lastEventId);
    if (!from) return '';
    let after = false;
    for (const [eventId, { streamId, message }] of this.events) {
      if (eventId === lastEventId) { after = true; continue; }
      if (after && streamId === from.streamId && Object.keys(message).length) await send(eventId, message);
    }
    return from.streamId;
  }
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const text = (value) => ({ type: 'text', text: value });

function makeSdkServer() {
  const server = new Server({ name: 'remote-fixture', version: '1.0.0' }, { capabilities: { tools: {} } });
  const tools = [
    { name: 'echo', description: 'Echoes message', inputSchema: { type: 'object', properties: { message: { type: 'string' } } } },
    { name: 'sleep', description: 'Answers after ms milliseconds', inputSchema: { type: 'object', properties: { ms: { type: 'number' } } } },
    { name: 'progress', description: 'Reports progress three times', inputSchema: { type: 'object', properties: {} } },
    { name: 'sample', description: 'Asks the client to sample', inputSchema: { type: 'object', properties: { prompt: { type: 'string' } } } },
  ];
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const args = request.params.arguments ?? {};
    switch (request.params.name) {
    case 'echo':
      return { content: [text(`Echo: ${args.message}`)] };
    case 'sleep':
      await pause(Number(args.ms ?? 1000));
      return { content: [text(`slept ${args.ms}`)] };
    case 'progress': {
      const token = request.params._meta?.progressToken;
      for (const step of [1, 2, 3]) {
        if (token !== undefined) await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: step, total: 3 } });
        await pause(20);
      }
      return { content: [text('progress done')] };
    }
    case 'sample': {
      const answer = await extra.sendRequest({ method: 'sampling/createMessage', params: {
        messages: [{ role: 'user', content: text(String(args.prompt)) }], maxTokens: 10 } }, CreateMessageResultSchema);
      return { content: [text(`sampled: ${answer.content?.text}`)] };
    }
    default:
      return { isError: true, content: [text(`unknown tool ${request.params.name}`)] };
    }
  });
  return server;
}

async function runSdk() {
  const sessions = new Map();
  const faults = { failNext: null, token: null, scopeNext: false, header: null };
  const app = express();
  app.use(express.json({ limit: '64mb' }));
  app.use((req, res, next) => {
    if (faults.token && req.headers.authorization !== `Bearer ${faults.token}`) {
      stats.unauthorized++;
      res.status(401).set('WWW-Authenticate', 'Bearer error="invalid_token", resource_metadata="http://127.0.0.1/.well-known/oauth-protected-resource/mcp"')
        .json({ error: 'invalid_token' });
      return;
    }
    if (faults.header && req.headers[faults.header.name] !== faults.header.value) {
      stats.forbidden++;
      res.status(403).json({ error: `${faults.header.name} missing or wrong` });
      return;
    }
    next();
  });
  app.post('/mcp', async (req, res) => {
    stats.posts++;
    if (req.body?.method === 'tools/call') stats.toolCalls++;
    if (process.env.REMOTE_FIXTURE_DEBUG) process.stderr.write(`POST ${JSON.stringify(req.body).slice(0, 100)}\n`);
    const body = req.body;
    for (const message of Array.isArray(body) ? body : [body]) countMethod(message?.method);
    if (faults.scopeNext && body?.method === 'tools/call') {
      faults.scopeNext = false;
      stats.forbidden++;
      res.status(403).set('WWW-Authenticate', 'Bearer error="insufficient_scope", scope="mcp:tools mcp:admin"')
        .json({ error: 'insufficient_scope' });
      return;
    }
    if (faults.failNext && body?.method === 'tools/call') {
      const { status, retryAfter } = faults.failNext;
      faults.failNext = null;
      if (retryAfter !== undefined) res.set('Retry-After', String(retryAfter));
      res.status(status).json({ jsonrpc: '2.0', id: null, error: { code: -32603, message: `injected ${status}` } });
      return;
    }
    const sessionId = req.headers['mcp-session-id'];
    let transport = sessionId ? sessions.get(sessionId) : undefined;
    if (!transport && !sessionId && body?.method === 'initialize') {
      stats.initializes++;
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        eventStore: new MemoryEventStore(),
        onsessioninitialized: (id) => sessions.set(id, transport),
      });
      await makeSdkServer().connect(transport);
    }
    if (!transport) {
      res.status(sessionId ? 404 : 400).json({ jsonrpc: '2.0', id: null, error: { code: -32001, message: 'Session not found' } });
      return;
    }
    await transport.handleRequest(req, res, body);
  });
  const streamRequest = async (req, res) => {
    const transport = sessions.get(req.headers['mcp-session-id']);
    if (req.method === 'DELETE') stats.deletes++;
    if (req.method === 'GET') {
      stats.gets++;
      if (req.headers['last-event-id']) stats.resumeGets++;
    }
    if (!transport) {
      res.status(req.headers['mcp-session-id'] ? 404 : 400).json({ jsonrpc: '2.0', id: null, error: { code: -32001, message: 'Session not found' } });
      return;
    }
    await transport.handleRequest(req, res);
  };
  app.get('/mcp', streamRequest);
  app.delete('/mcp', streamRequest);
  const httpServer = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    port: httpServer.address().port,
    commands: {
      'forget-sessions': () => { const forgotten = sessions.size; sessions.clear(); return { forgotten }; },
      'fail-next': (status, retryAfter) => {
        faults.failNext = { status: Number(status), retryAfter: retryAfter === undefined ? undefined : Number(retryAfter) };
        return { armed: true };
      },
      'require-auth': (token) => { faults.token = token; return { token }; },
      'scope-next': () => { faults.scopeNext = true; return { armed: true }; },
      'require-header': (name, value) => { faults.header = { name: name.toLowerCase(), value }; return { header: name }; },
    },
    close: () => new Promise((resolve) => { httpServer.closeAllConnections(); httpServer.close(() => resolve()); }),
  };
}

// --- a TCP proxy that can cut a response stream --------------------------------------------

async function runProxy(targetPort) {
  let armed = null;
  let armedBytes = null;   // null: cut after the first SSE event
  const sockets = new Set();
  const proxy = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client); sockets.add(upstream);
    let cutting = false;
    let cutAfter = null;
    let seen = '';
    let carry = '';   // the tail of the request bytes: a method name split across two chunks
    client.on('data', (chunk) => {
      const text = carry + chunk.toString('latin1');
      for (const match of text.matchAll(/"method"\s*:\s*"([^"]+)"/g)) {
        if (match.index + match[0].length > carry.length) countMethod(match[1]);
      }
      carry = text.slice(-128);
      if (armed && chunk.toString('latin1').includes(armed)) {
        armed = null; cutting = true; cutAfter = armedBytes; seen = '';
      }
      upstream.write(chunk);
    });
    const cut = (last) => {
      cutting = false;
      stats.cuts++;
      client.write(last, () => { client.destroy(); upstream.destroy(); });
    };
    upstream.on('data', (chunk) => {
      if (!cutting) { client.write(chunk); return; }
      if (cutAfter !== null) {
        const before = seen.length;
        seen += chunk.toString('latin1');
        const headersEnd = seen.indexOf('\r\n\r\n');
        if (headersEnd >= 0 && seen.length >= headersEnd + 4 + cutAfter) {
          cut(chunk.subarray(0, headersEnd + 4 + cutAfter - before));
          return;
        }
        client.write(chunk);
        return;
      }
      seen += chunk.toString('latin1');
      const headersEnd = seen.indexOf('\r\n\r\n');
      if (headersEnd >= 0 && seen.indexOf('\n\n', headersEnd + 4) >= 0) { cut(chunk); return; }
      client.write(chunk);
    });
    const closeBoth = () => { client.destroy(); upstream.destroy(); sockets.delete(client); sockets.delete(upstream); };
    client.on('error', closeBoth); upstream.on('error', closeBoth);
    client.on('close', closeBoth); upstream.on('close', closeBoth);
  });
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    port: proxy.address().port,
    commands: {
      'cut-after-event': (marker) => { armed = marker; armedBytes = null; return { armed: marker }; },
      'cut-after-bytes': (marker, bytes) => { armed = marker; armedBytes = Number(bytes); return { armed: marker, bytes: armedBytes }; },
    },
    close: () => new Promise((resolve) => { for (const socket of sockets) socket.destroy(); proxy.close(() => resolve()); }),
  };
}

// --- the CLI ------------------------------------------------------------------------------

const [kind, ...options] = process.argv.slice(2);
let commands = {};
let closers = [];
if (kind === 'everything-http' || kind === 'everything-sse') {
  const everything = await runEverything(kind === 'everything-sse' ? 'sse' : 'streamableHttp', options.includes('--proxy'));
  commands = { restart: () => everything.restart(), stop: () => everything.stop(), ...everything.commands };
  closers = [...everything.closers, () => everything.close()];
} else if (kind === 'sdk') {
  const sdk = await runSdk();
  commands = { ...sdk.commands };
  closers = [() => sdk.close()];
  let port = sdk.port;
  if (options.includes('--proxy')) {
    const proxy = await runProxy(sdk.port);
    Object.assign(commands, proxy.commands);
    closers.unshift(() => proxy.close());
    port = proxy.port;
  }
  reply({ url: `http://127.0.0.1:${port}/mcp`, serverPort: sdk.port });
} else {
  process.stderr.write('usage: remote-everything.mjs everything-http | everything-sse | sdk [--proxy]\n');
  process.exit(2);
}
commands.stats = () => ({ ...stats, methods: { ...stats.methods } });

const input = readline.createInterface({ input: process.stdin });
input.on('line', async (line) => {
  const [name, ...args] = line.trim().split(/\s+/);
  if (!name) return;
  const command = commands[name];
  if (!command) { reply({ error: `unknown command ${name}` }); return; }
  try {
    reply({ command: name, ...(await command(...args)) });
  } catch (error) {
    reply({ command: name, error: String(error) });
  }
});
input.on('close', async () => {
  for (const close of closers) await close();
  process.exit(0);
});
