// The physical floor: bench/floor/*.c compiled on first use (`cc -O2`, $CC to override) into a
// temp dir removed at exit, and the target that puts two bare relays between the SDK client and
// server-everything (what Manifold's shim + broker would cost if they did nothing but move bytes).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

import { Owned } from './owned.mjs';
import { BENCH_DIR, EVERYTHING_JS, NODE } from './paths.mjs';
import { openSession } from './session.mjs';

const SOURCES = { relay: 'relay.c', spawntime: 'spawntime.c' };
let tools = null;

/** { relay, spawntime }: paths of the compiled floor programs (compiled once per run). */
export function floorTools() {
  if (tools) return tools;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfb-floor-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const cc = process.env.CC || 'cc';
  const built = {};
  for (const [name, source] of Object.entries(SOURCES)) {
    built[name] = path.join(dir, name);
    try {
      execFileSync(cc, ['-O2', '-std=c11', '-o', built[name], path.join(BENCH_DIR, 'floor', source)], { stdio: 'pipe' });
    } catch (error) {
      throw new Error(`${cc} could not build bench/floor/${source}: ${error.stderr?.toString().trim() || error.message}`);
    }
  }
  tools = built;
  return tools;
}

/**
 * `handoff`: the hop hands the client's stdin and stdout to the serving relay (SCM_RIGHTS) and
 * only waits, so the serving relay pumps the client <-> the server directly: one hop, the best a
 * broker reading and writing the client itself could do (issue 17, part 3).
 *
 * Two bare relays: the client spawns `relay hop SOCK` (its stdio <-> a unix socket), and
 * `relay serve SOCK node server-everything stdio` starts a server for each connection (the socket
 * <-> the server's stdio). Like direct stdio, every session has a server of its own.
 */
export function floor({ splice = false, handoff = false } = {}) {
  const mode = [...(splice ? ['--splice'] : []), ...(handoff ? ['--handoff'] : [])];
  let label = splice ? 'bare relays+splice (floor)' : 'two bare relays (floor)';
  if (handoff) label = 'one relay, fds handed over';
  return {
    key: handoff ? 'floor-handoff' : 'floor',
    label,
    async start() {
      const { relay } = floorTools();
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfb-'));   // short: sun_path is 108 bytes
      const socket = path.join(dir, 'floor.sock');
      const serve = new Owned('floor relay', relay, [...mode, 'serve', socket, NODE, EVERYTHING_JS, 'stdio']);
      const stop = async () => {
        await serve.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      };
      try {
        await serve.waitForLine(/^listening on /, { stream: 1 });
      } catch (error) {
        await stop();
        throw error;
      }
      return {
        proxyPid: serve.pid,
        serverRoot: serve.pid,
        clientSide: 'hop',
        connect: () => openSession(new StdioClientTransport({
          command: relay, args: [...mode, 'hop', socket], stderr: 'pipe',
        })),
        stop,
      };
    },
  };
}
