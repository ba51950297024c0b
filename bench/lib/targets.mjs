// The ways a client can reach server-everything, each started the way its users run it.
// A target's start() returns an instance:
//   { proxyPid, serverRoot, clientSide, connect(), stop() }
//   proxyPid:   the process relaying for everyone (null for direct stdio)
//   serverRoot: the pid under which the server processes run (counted by walking /proc)
//   clientSide: what runs per client: 'shim' (manifold-shim), 'hop' (the floor's bare relay),
//               'server' (direct: the server itself) or null (HTTP: Manifold's front door and the
//               peers; no per-client process)
//   readyProbe: (optional) { command, args, env } of the per-client process started so that it
//               gets ready and exits on its own, for start-to-ready timing (starttime.mjs)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { startBroker } from './broker.mjs';
import { floor } from './floor.mjs';
import { Owned } from './owned.mjs';
import {
  EVERYTHING_JS, LISTEN_PROBE_URL, MCP_HUB_JS, MCP_PROXY_JS, NODE, SUPERGATEWAY_JS, packageVersion,
} from './paths.mjs';
import { freePort } from './ports.mjs';
import { openSession } from './session.mjs';

const EVERYTHING_ARGS = [EVERYTHING_JS, 'stdio'];

function withCleanup(instance, dir, owned) {
  return {
    ...instance,
    async stop() {
      await owned?.stop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts a node proxy with the listen probe preloaded; resolves once it listens. */
async function startProbedProxy(name, script, args, options = {}) {
  const owned = new Owned(name, NODE, ['--import', LISTEN_PROBE_URL, script, ...args], { ...options, extraFds: 1 });
  try {
    await owned.waitForLine(/^listening \d+/, { stream: 3 });
  } catch (error) {
    await owned.stop();
    throw error;
  }
  return owned;
}

export const direct = {
  key: 'direct',
  label: 'direct stdio',
  async start() {
    return {
      proxyPid: null,
      serverRoot: process.pid,
      clientSide: 'server',
      connect: () => openSession(new StdioClientTransport({ command: NODE, args: EVERYTHING_ARGS, stderr: 'pipe' })),
      async stop() {},
    };
  },
};

export function manifold(bins) {
  return {
    key: 'manifold',
    label: 'manifold shim (stdio)',
    async start() {
      const broker = await startBroker(bins, {
        everything: { command: NODE, args: EVERYTHING_ARGS, env: {}, sharing: 'shared' },
      });
      return {
        proxyPid: broker.pid,
        serverRoot: broker.pid,
        clientSide: 'shim',
        connect: () => openSession(new StdioClientTransport({
          command: bins.shim, args: broker.shimArgs('everything'), env: broker.shimEnv, stderr: 'pipe',
        })),
        // stdin at EOF: the shim connects, gets its welcome and exits 0.
        readyProbe: { command: bins.shim, args: broker.shimArgs('everything'), env: broker.shimEnv },
        stop: broker.stop,
      };
    },
  };
}

/**
 * The broker's HTTP front door: every client a session of its own on the one shared child, with
 * the bearer token a user would give it. `legacy`: the older HTTP+SSE endpoint (/sse/NAME).
 */
function manifoldOverHttp(bins, { key, label, legacy }) {
  return {
    key,
    label,
    async start() {
      const broker = await startBroker(bins, {
        everything: { command: NODE, args: EVERYTHING_ARGS, env: {}, sharing: 'shared' },
      }, { http: true });
      const door = broker.frontDoor;
      const requestInit = { headers: door.headers };
      return {
        proxyPid: broker.pid,
        serverRoot: broker.pid,
        clientSide: null,
        connect: () => openSession(legacy
          ? new SSEClientTransport(door.legacyUrl('everything'), { requestInit })
          : new StreamableHTTPClientTransport(door.url('everything'), { requestInit })),
        stop: broker.stop,
      };
    },
  };
}

export const manifoldHttp = (bins) => manifoldOverHttp(bins, { key: 'manifold-http', label: 'manifold (HTTP)', legacy: false });
export const manifoldSse = (bins) => manifoldOverHttp(bins, { key: 'manifold-sse', label: 'manifold (SSE)', legacy: true });

export const mcpHub = {
  key: 'mcp-hub',
  label: `mcp-hub ${packageVersion('mcp-hub')} (SSE)`,
  async start() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfb-hub-'));   // its home, config and cache
    const home = path.join(dir, 'home');
    const data = path.join(home, '.local', 'share');
    // A fresh catalog cache: mcp-hub would otherwise download its marketplace registry at start.
    fs.mkdirSync(path.join(data, 'mcp-hub', 'cache'), { recursive: true });
    fs.writeFileSync(path.join(data, 'mcp-hub', 'cache', 'registry.json'), JSON.stringify({
      registry: { servers: [{ id: 'placeholder' }] }, lastFetchedAt: Date.now(), serverDocumentation: {},
    }));
    const config = path.join(dir, 'mcp-hub.json');
    fs.writeFileSync(config, JSON.stringify({ mcpServers: { everything: { command: NODE, args: EVERYTHING_ARGS } } }));
    const port = await freePort();
    const env = {
      ...process.env, HOME: home, XDG_DATA_HOME: data,
      XDG_STATE_HOME: path.join(home, '.local', 'state'), XDG_CONFIG_HOME: path.join(home, '.config'),
    };
    const hub = new Owned('mcp-hub', NODE, [MCP_HUB_JS, '--port', String(port), '--config', config], { env, cwd: dir });
    try {
      const line = await hub.waitForLine(/servers started successfully/);
      if (!/"successful":1\b/.test(line)) throw new Error(`mcp-hub could not start server-everything: ${line}`);
    } catch (error) {
      await hub.stop();
      fs.rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    const url = new URL(`http://127.0.0.1:${port}/mcp`);   // an SSE endpoint in this version
    return withCleanup({
      proxyPid: hub.pid,
      serverRoot: hub.pid,
      clientSide: null,
      connect: () => openSession(new SSEClientTransport(url)),
    }, dir, hub);
  },
};

export const mcpProxy = {
  key: 'mcp-proxy',
  label: `mcp-proxy ${packageVersion('mcp-proxy')} (HTTP)`,
  async start() {
    const port = await freePort();
    const proxy = await startProbedProxy('mcp-proxy', MCP_PROXY_JS,
      ['--port', String(port), '--host', '127.0.0.1', '--', NODE, ...EVERYTHING_ARGS]);
    const url = new URL(`http://127.0.0.1:${port}/mcp`);
    return withCleanup({
      proxyPid: proxy.pid,
      serverRoot: proxy.pid,
      clientSide: null,
      connect: () => openSession(new StreamableHTTPClientTransport(url)),
    }, null, proxy);
  },
};

export const supergateway = {
  key: 'supergateway',
  label: `supergateway ${packageVersion('supergateway')} (SSE)`,
  async start() {
    const port = await freePort();
    // --logLevel none: its default (info) prints every message, which would only slow it down.
    const gateway = await startProbedProxy('supergateway', SUPERGATEWAY_JS,
      ['--stdio', [NODE, ...EVERYTHING_ARGS].join(' '), '--port', String(port), '--logLevel', 'none']);
    const url = new URL(`http://127.0.0.1:${port}/sse`);
    return withCleanup({
      proxyPid: gateway.pid,
      serverRoot: gateway.pid,
      clientSide: null,
      connect: () => openSession(new SSEClientTransport(url)),
    }, null, gateway);
  },
};

/** `floorSplice`: the floor's relays move bytes with splice(2) instead of read/write. */
export function allTargets(bins, { floorSplice = false } = {}) {
  return [direct, floor({ splice: floorSplice }), floor({ splice: floorSplice, handoff: true }), manifold(bins), manifoldHttp(bins), manifoldSse(bins), mcpHub, mcpProxy, supergateway];
}
