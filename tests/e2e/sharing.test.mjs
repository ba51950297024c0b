// Sharing modes: "per-client" runs one child per client application (keyed by the clientInfo
// name from initialize), "isolated" one child per session, stopped when the session ends.
// Checked through `status --json` (instances, sessions) and, independently, a /proc scan.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { withWorld, skipReason, everythingServer, echo, waitFor, isAlive, descendants, describeProcesses } from './lib/harness.mjs';

const sortedPids = (list) => list.map((x) => x.pid).sort((x, y) => x - y);

/** A server's status entry, its instances, and the sessions attached to it. */
async function serverView(world, name) {
  const status = await world.status();
  const server = (status.servers ?? []).find((s) => s.name === name);
  if (!server) throw new Error(`server '${name}' not in status: ${JSON.stringify(status.servers)}`);
  const sessions = (status.sessions ?? []).filter((s) => s.server === name);
  return { server, instances: server.instances ?? [], sessions, status };
}

/** The instance (child) serving the session of `handle`. */
function instanceOf(view, handle) {
  const session = view.sessions.find((s) => s.shimPid === handle.shimPid);
  assert.ok(session, `no session for shim ${handle.shimPid}: ${JSON.stringify(view.sessions)}`);
  const instance = view.instances.find((i) => i.key === session.instance);
  assert.ok(instance, `session ${JSON.stringify(session)} names instance ${session.instance}, not in ${JSON.stringify(view.instances)}`);
  return instance;
}

describe('sharing modes', { skip: skipReason() }, () => {
  test('per-client: one child per client name; isolated: one per session, gone when it ends', { timeout: 90000 }, () => withWorld(async (world) => {
    const broker = await world.startBroker();

    // --- per-client
    const alpha = await world.connect({ clientName: 'alpha' });
    const beta = await world.connect({ clientName: 'beta' });
    assert.equal(await echo(alpha.client, 'from alpha'), 'Echo: from alpha');
    assert.equal(await echo(beta.client, 'from beta'), 'Echo: from beta');
    let view = await serverView(world, 'everything');
    assert.equal(view.server.sharing, 'per-client');
    assert.equal(view.instances.length, 2, `two instances for alpha and beta: ${JSON.stringify(view.instances)}`);
    const alphaChild = instanceOf(view, alpha);
    const betaChild = instanceOf(view, beta);
    assert.notEqual(alphaChild.key, betaChild.key, 'alpha and beta have different children');
    assert.notEqual(alphaChild.pid, betaChild.pid);
    let processes = world.everythingProcesses();
    assert.deepEqual(sortedPids(processes), [alphaChild.pid, betaChild.pid].sort((x, y) => x - y),
      `/proc agrees with status:\n${describeProcesses(processes)}`);
    for (const p of processes) assert.ok(descendants(broker.pid).includes(p.pid), `pid ${p.pid} is the broker's`);

    // A second "alpha" (another window of the same app) shares alpha's child.
    const alpha2 = await world.connect({ clientName: 'alpha' });
    assert.equal(await echo(alpha2.client, 'from alpha 2'), 'Echo: from alpha 2');
    view = await serverView(world, 'everything');
    assert.equal(view.instances.length, 2, `still two instances: ${JSON.stringify(view.instances)}`);
    assert.equal(instanceOf(view, alpha2).pid, alphaChild.pid, 'the second alpha uses alpha\'s child');
    assert.equal(instanceOf(view, alpha).pid, alphaChild.pid);
    processes = world.everythingProcesses();
    assert.equal(processes.length, 2, `still two server processes:\n${describeProcesses(processes)}`);

    // --- isolated, a second server in the same broker
    world.writeServers({
      everything: everythingServer({ sharing: 'per-client' }),
      solo: everythingServer({ sharing: 'isolated' }),
    });
    await world.ctl('reload');
    await waitFor(async () => (await world.status()).servers?.some((s) => s.name === 'solo'),
      { timeoutMs: 10000, what: 'server solo after reload' });
    const solos = [];
    for (let i = 0; i < 3; ++i) solos.push(await world.connect({ name: 'solo', clientName: 'solo-client' }));
    const replies = await Promise.all(solos.map((h, i) => echo(h.client, `solo ${i}`)));
    assert.deepEqual(replies, ['Echo: solo 0', 'Echo: solo 1', 'Echo: solo 2']);
    view = await serverView(world, 'solo');
    assert.equal(view.server.sharing, 'isolated');
    assert.equal(view.instances.length, 3, `isolated: three clients, three instances (same client name): ${JSON.stringify(view.instances)}`);
    const soloPids = solos.map((h) => instanceOf(view, h).pid);
    assert.equal(new Set(soloPids).size, 3, `three distinct children: ${soloPids}`);
    processes = world.everythingProcesses();
    assert.deepEqual(sortedPids(processes), [alphaChild.pid, betaChild.pid, ...soloPids].sort((x, y) => x - y),
      `/proc: 2 per-client + 3 isolated children:\n${describeProcesses(processes)}`);

    // Closing one isolated session stops its child; the others keep working.
    const [gone, ...kept] = solos;
    const gonePid = soloPids[0];
    await gone.close();
    await waitFor(() => !isAlive(gonePid), { timeoutMs: 10000, what: `the child ${gonePid} of the closed isolated session to exit` });
    await waitFor(async () => {
      const v = await serverView(world, 'solo');
      return v.instances.length === 2 && !v.instances.some((i) => i.pid === gonePid);
    }, { timeoutMs: 10000, what: 'status to drop the closed session\'s instance' }).catch(async (error) => {
      throw new Error(`${error.message}: ${JSON.stringify((await serverView(world, 'solo')).instances)}`);
    });
    assert.deepEqual(await Promise.all(kept.map((h, i) => echo(h.client, `still here ${i}`))), ['Echo: still here 0', 'Echo: still here 1']);
    view = await serverView(world, 'solo');
    assert.deepEqual(kept.map((h) => instanceOf(view, h).pid), soloPids.slice(1), 'the remaining sessions keep their children');
    for (const h of [alpha, beta, alpha2]) assert.match(await echo(h.client, 'ok'), /^Echo: ok$/);
    processes = world.everythingProcesses();
    assert.deepEqual(sortedPids(processes), [alphaChild.pid, betaChild.pid, ...soloPids.slice(1)].sort((x, y) => x - y),
      `/proc after closing one isolated session:\n${describeProcesses(processes)}`);
    for (const h of [alpha, beta, alpha2, ...kept]) assert.deepEqual(h.errors.map(String), [], `client ${h.index} saw protocol errors`);
  }, { servers: { everything: everythingServer({ sharing: 'per-client' }) } }));
});
