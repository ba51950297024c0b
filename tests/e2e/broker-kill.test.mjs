// (d) Broker SIGKILL: the broker cannot clean up, yet no server process may outlive it, neither
// its direct child nor a grandchild (a server started through npx or a shell, which a plain
// PR_SET_PDEATHSIG on the direct child would not reach). server-everything exits by itself when
// its stdin closes, so each case also runs "stubborn" (lib/stay-alive.mjs preloaded through
// NODE_OPTIONS in the server's env): then only the broker's own safety net can remove it.
// The client's shim starts a new broker and reconnects (broker-restart.test.mjs): the server that
// new broker runs is a new process and does not count; every process of the killed one must go.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

import {
  withWorld, skipReason, echo, everythingServer, isAlive, descendants, describeProcesses,
  waitFor, withTimeout, which, E2E_DIR, EVERYTHING_JS, NODE,
} from './lib/harness.mjs';

const STAY_ALIVE = fileURLToPath(new URL('./lib/stay-alive.mjs', import.meta.url));

const GONE_WITHIN_MS = 5000;

/**
 * Starts the broker with `server` as "everything", makes a call, SIGKILLs the broker and checks
 * that every server-everything process of this test (and the child pid) is gone within 5 s.
 * `expectGrandchild`: the process running the server must not be the broker's direct child.
 */
async function killBrokerAndCheck(world, server, { expectGrandchild }) {
  world.writeServers({ everything: server });
  const broker = await world.startBroker();
  const handle = await world.connect({ clientName: 'broker-kill' });
  assert.equal(await echo(handle.client, 'hello'), 'Echo: hello');

  const status = await world.server('everything');
  assert.equal(status.state, 'running');
  const childPid = status.pid;
  assert.ok(isAlive(childPid), `child pid ${childPid} is alive`);

  const servers = world.everythingProcesses({ includeBinLink: true });
  const real = servers.filter((p) => p.argv[0] === NODE || /(^|\/)node$/.test(p.argv[0]))
    .filter((p) => p.argv.some((a) => a === EVERYTHING_JS || a.endsWith('/mcp-server-everything')));
  assert.equal(real.length, 1, `one node process runs server-everything:\n${describeProcesses(servers)}`);
  const family = descendants(broker.pid);
  assert.ok(family.includes(childPid), `status pid ${childPid} is the broker's descendant`);
  assert.ok(family.includes(real[0].pid), 'the server process descends from the broker');
  if (expectGrandchild) {
    assert.notEqual(real[0].ppid, broker.pid, `premise: the server is a grandchild:\n${describeProcesses(servers)}`);
  } else {
    assert.equal(real[0].pid, childPid, 'premise: the server is the broker\'s direct child');
  }
  const watched = [childPid, ...servers.map((p) => p.pid)];

  process.kill(broker.pid, 'SIGKILL');
  const exit = await withTimeout(broker.exited, 5000, 'broker exit after SIGKILL');
  assert.equal(exit.signal, 'SIGKILL');

  // Server processes that no live broker of this world (a new one started by the shim) runs.
  const orphans = () => {
    const live = world.brokerProcesses().flatMap((b) => descendants(b.pid));
    return world.everythingProcesses({ includeBinLink: true }).filter((p) => !live.includes(p.pid));
  };
  await waitFor(() => orphans().length === 0 && !watched.some(isAlive), {
    timeoutMs: GONE_WITHIN_MS,
    intervalMs: 50,
    what: 'every server-everything process to be gone after the broker was SIGKILLed',
  }).catch((error) => {
    const left = orphans();
    const stillAlive = watched.filter(isAlive);
    assert.fail(`${error.message}\nstill alive: pids ${JSON.stringify(stillAlive)}\n${describeProcesses(left)}`);
  });
}

/** NODE_OPTIONS that keep a node server alive after its stdin closes (see lib/stay-alive.mjs). */
const STUBBORN = { NODE_OPTIONS: `--import=${STAY_ALIVE}` };

describe('no server outlives a SIGKILLed broker', { skip: skipReason() }, () => {
  const npx = which('npx');
  const variants = [
    { name: 'direct child (node dist/index.js)', grandchild: false, server: () => everythingServer() },
    {
      name: 'grandchild through npx --no-install mcp-server-everything',
      grandchild: true,
      skip: npx ? false : 'npx not on PATH',
      server: () => everythingServer({
        command: npx,
        // --prefix finds the local bin even if the broker ignored cwd; both point at tests/e2e.
        args: ['--prefix', E2E_DIR, '--no-install', 'mcp-server-everything', 'stdio'],
        cwd: E2E_DIR,
      }),
    },
    {
      name: 'grandchild through sh -c "node ...; true"',
      grandchild: true,
      server: () => everythingServer({
        command: '/bin/sh',
        // The trailing `; true` stops sh from exec'ing node, so node is the broker's grandchild.
        args: ['-c', `'${NODE}' '${EVERYTHING_JS}' stdio; true`],
      }),
    },
  ];
  for (const variant of variants) {
    test(variant.name, { timeout: 60000, skip: variant.skip ?? false }, () => withWorld((world) =>
      killBrokerAndCheck(world, variant.server(), { expectGrandchild: variant.grandchild })));
    // The same, with servers (and npm) that would NOT exit by themselves on stdin EOF.
    test(`${variant.name}, ignoring stdin EOF`, { timeout: 60000, skip: variant.skip ?? false }, () => withWorld((world) => {
      const server = variant.server();
      return killBrokerAndCheck(world, { ...server, env: { ...server.env, ...STUBBORN } }, { expectGrandchild: variant.grandchild });
    }));
  }
});
