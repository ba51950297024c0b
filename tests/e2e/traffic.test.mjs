// (issue 16) The traffic the broker records is what the clients really said and heard.
//
// 1. One SDK client script runs the same calls directly against server-everything and through
//    Manifold, tapping its transport; the answers must match, and `manifoldctl traffic --json
//    --bodies` must hold exactly that client's messages for the Manifold run: same methods, ids
//    and bodies (as JSON), answers paired with their requests, progress attributed to the client.
// 2. Two clients using the same ids are told apart; --errors shows only the failing call;
//    --follow prints a call made after it started and ends cleanly on SIGINT.
// 3. Claude Code's `claude mcp list` shows up under its own client name.
// 4. A secret from the keychain is masked in recorded bodies while the client gets it unmasked.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { withWorld, skipReason, waitFor, withTimeout, echo, resultText, BINS, NODE, EVERYTHING_JS } from './lib/harness.mjs';
import {
  readTraffic, parseJsonLines, runSequence, assertRecordsAreTheWire, sessionOf, LONG_RUNNING, PROGRESS_STEPS,
} from './lib/traffic-check.mjs';
import { CLAUDE_BIN, sealedHome, approveClaudeProject, claudeMcpList, parseMcpList } from './lib/realclients.mjs';

const skip = skipReason();

describe('traffic records match what real clients sent and received', { skip }, () => {
  test('same calls direct and through Manifold: the records are exactly the client\'s wire', { timeout: 60000 }, () =>
    withWorld(async (world) => {
      await world.startBroker();
      await world.ctl('set', 'everything', 'capture-bodies', 'true');
      const clientName = 'traffic-compare';
      const echoText = 'compare ü "quoted" \\ paths';

      const direct = await world.connect({ clientName, command: NODE, args: [EVERYTHING_JS, 'stdio'] });
      const directResults = await runSequence(direct.client, echoText);
      await direct.close();
      const viaManifold = await world.connect({ clientName });
      const manifoldResults = await runSequence(viaManifold.client, echoText);
      // The broker initializes the shared server once, offering roots, sampling and elicitation
      // for whichever client has them, and server-everything registers three more tools for a
      // client that offers them; all else must be equal.
      const gated = ['get-roots-list', 'trigger-elicitation-request', 'trigger-sampling-request'];
      const manifoldTools = manifoldResults.tools.tools;
      assert.deepEqual(manifoldTools.map((t) => t.name).filter((name) => gated.includes(name)).sort(), gated);
      assert.deepEqual({ ...manifoldResults, tools: { tools: manifoldTools.filter((t) => !gated.includes(t.name)) } },
        directResults, 'the client got the same answers both ways');
      // The same script sent the same messages both ways (same ids, same progress token).
      assert.deepEqual(viaManifold.wire.out, direct.wire.out, 'the client sent the same messages both ways');

      // Premise: initialize + 7 calls (8 requests), notifications/initialized; 8 answers.
      assert.equal(viaManifold.wire.out.length, 9, 'the client sent 8 requests and 1 notification');
      assert.equal(viaManifold.wire.in.filter((m) => m.id !== undefined).length, 8, 'and got 8 answers');
      const records = await readTraffic(world, 'everything', '--bodies');
      const session = sessionOf(records, clientName);
      // The answer to initialize is Manifold's own (the shared server was initialized by the
      // broker once); it is still recorded with the body the client got, so the check holds.
      assertRecordsAreTheWire(records, session, clientName, viaManifold.wire);
      const initAnswer = records.find((r) => r.session === session && r.method === 'initialize' && r.kind === 'result');
      assert.equal(initAnswer.byBroker, true, 'Manifold answered initialize itself');

      // Progress: every notification the client received is a from-server record of its session,
      // between its long call's request and result, in order.
      const longRequest = records.find((r) => r.session === session && r.kind === 'request'
        && JSON.parse(r.body).params?.name === LONG_RUNNING);
      const longAnswer = records.find((r) => r.requestSeq === longRequest.seq);
      const progress = records.filter((r) => r.method === 'notifications/progress');
      const onWire = viaManifold.wire.in.filter((m) => m.method === 'notifications/progress');
      assert.equal(onWire.length, PROGRESS_STEPS, 'premise: the client got every progress notification');
      assert.deepEqual(progress.map((r) => [r.direction, r.kind, r.session, r.client]),
        onWire.map(() => ['from-server', 'notification', session, clientName]), 'progress is the client\'s');
      assert.deepEqual(progress.map((r) => JSON.parse(r.body).params.progress), onWire.map((m) => m.params.progress));
      for (const record of progress) {
        assert.ok(record.seq > longRequest.seq && record.seq < longAnswer.seq, `progress ${record.seq} inside its call`);
      }
      assert.ok(longAnswer.durationMs >= 900, `the 1 s operation took ${longAnswer.durationMs} ms`);
    }));

  test('two clients with the same ids, --errors, --follow and SIGINT', { timeout: 60000 }, () => withWorld(async (world) => {
    await world.startBroker();
    await world.ctl('set', 'everything', 'capture-bodies', 'true');
    const alpha = await world.connect({ clientName: 'alpha-client' });
    const beta = await world.connect({ clientName: 'beta-client' });
    // Interleaved: each round both clients call at once, with the same ids (each SDK client
    // numbers from 0); beta's messages are longer, so sizes tell the two apart too.
    for (let i = 0; i < 3; ++i) {
      const [a, b] = await Promise.all([echo(alpha.client, `a${i}`), echo(beta.client, `beta says ${'b'.repeat(40 + i)}`)]);
      assert.equal(a, `Echo: a${i}`);
      assert.match(b, /^Echo: beta says b+$/);
    }
    await assert.rejects(beta.client.readResource({ uri: 'demo://no-such-resource' }), /not found/);

    const records = await readTraffic(world, 'everything');
    assert.ok(records.every((r) => r.body === undefined), 'no bodies without --bodies');
    const sessions = { alpha: sessionOf(records, 'alpha-client'), beta: sessionOf(records, 'beta-client') };
    assert.notEqual(sessions.alpha, sessions.beta);
    for (const [name, handle] of [['alpha', alpha], ['beta', beta]]) {
      const mine = records.filter((r) => r.session === sessions[name]);
      assert.ok(mine.every((r) => r.client === `${name}-client`), `${name}'s records name ${name}`);
      const requests = handle.wire.out.filter((m) => m.id !== undefined);
      const recorded = mine.filter((r) => r.kind === 'request' && r.direction === 'to-server');
      assert.deepEqual(recorded.map((r) => [r.method, r.id, r.size]),
        requests.map((m) => [m.method, m.id, Buffer.byteLength(JSON.stringify(m))]), `${name}'s requests, as sent`);
      const answers = handle.wire.in.filter((m) => m.id !== undefined && m.method === undefined);
      const answered = mine.filter((r) => r.kind === 'result' || r.kind === 'error');
      assert.deepEqual(answered.map((r) => [r.id, r.kind, records.find((q) => q.seq === r.requestSeq)?.session]),
        answers.map((m) => [m.id, m.error ? 'error' : 'result', sessions[name]]), `${name}'s answers, paired in its session`);
    }
    const alphaIds = records.filter((r) => r.session === sessions.alpha && r.kind === 'request').map((r) => r.id);
    const betaIds = records.filter((r) => r.session === sessions.beta && r.kind === 'request').map((r) => r.id);
    assert.ok(alphaIds.filter((id) => betaIds.includes(id)).length >= 4, 'premise: the two clients used the same ids');

    const errors = await readTraffic(world, 'everything', '--errors');
    assert.deepEqual(errors.map((r) => [r.kind, r.method, r.session, r.client, r.errorCode]),
      [['error', 'resources/read', sessions.beta, 'beta-client', -32602]], '--errors: only the failing call');

    // --follow: a call made once it is demonstrably running (it printed a marker call) shows up.
    const follow = spawn(BINS.ctl, ['--socket', world.socket, 'traffic', 'everything', '--follow', '--json', '--bodies'],
      { env: world.env, stdio: ['ignore', 'pipe', 'pipe'] });
    world.extraPids.add(follow.pid);
    let followed = '';
    follow.stdout.on('data', (chunk) => { followed += chunk; });
    const exited = new Promise((resolve) => follow.on('exit', (code, signal) => resolve({ code, signal })));
    const seen = (text) => parseJsonLines(followed.slice(0, followed.lastIndexOf('\n') + 1))
      .find((r) => r.kind === 'result' && r.body?.includes(text));
    await echo(alpha.client, 'before follow');
    await waitFor(() => seen('before follow'), { what: 'the follower to print the earlier call' });
    await echo(beta.client, 'after follow');
    const record = await waitFor(() => seen('after follow'), { what: 'the follower to print the new call' });
    assert.equal(record.client, 'beta-client');
    assert.equal(record.session, sessions.beta);
    follow.kill('SIGINT');
    assert.deepEqual(await withTimeout(exited, 5000, 'follow to exit on SIGINT'), { code: 0, signal: null },
      '--follow ends cleanly on Ctrl-C');
    world.extraPids.delete(follow.pid);
  }));

  const claudeSkip = skip || (fs.existsSync(CLAUDE_BIN) ? false : `${CLAUDE_BIN} missing (npm ci in tests/e2e)`);
  if (claudeSkip && !skip && process.env.MANIFOLD_E2E_REQUIRED === '1') throw new Error(claudeSkip);
  test('Claude Code\'s mcp list is recorded under its own client name', { skip: claudeSkip, timeout: 60000 }, () =>
    withWorld(async (world) => {
      const { home, env } = sealedHome(world.dir, world.env);
      const project = path.join(world.dir, 'project');
      fs.mkdirSync(project);
      await world.startBroker();
      const shimEntry = { command: BINS.shim, args: ['everything'], env: { MANIFOLD_SOCKET: world.socket, MANIFOLD_E2E_TAG: world.tag } };
      fs.writeFileSync(path.join(project, '.mcp.json'), JSON.stringify({ mcpServers: { everything: shimEntry } }) + '\n');
      approveClaudeProject(home, fs.realpathSync(project), ['everything']);

      const listed = await claudeMcpList(project, env);
      assert.equal(listed.code, 0, `${listed.stdout}\n${listed.stderr}`);
      assert.match(parseMcpList(listed.stdout).everything ?? '', /Connected/, listed.stdout);

      const records = await readTraffic(world, 'everything');
      const initialize = records.filter((r) => r.kind === 'request' && r.method === 'initialize');
      assert.equal(initialize.length, 1, JSON.stringify(records));
      const { client, session } = initialize[0];
      assert.ok(client && client !== 'Manifold' && !/^(e2e-|traffic-|alpha-|beta-)/.test(client),
        `Claude Code's own clientInfo.name: ${client}`);
      assert.ok(session > 0);
      // Claude Code may ask before initialize (server/discover): its client name is not known
      // yet then, so such a request is noted with "". From initialize on, every record names it.
      const summary = records.map((r) => `${r.seq} s${r.session} ${r.client} ${r.direction} ${r.kind} ${r.method}`).join('\n');
      assert.deepEqual(records.filter((r) => r.session === session && r.seq >= initialize[0].seq && r.client !== client)
        .map((r) => r.seq), [],
        `every record of its session names it:\n${summary}`);
      const initAnswer = records.find((r) => r.requestSeq === initialize[0].seq);
      assert.equal(initAnswer?.kind, 'result', 'initialize answered');
      const toolsList = records.filter((r) => r.session === session && r.kind === 'request' && r.method === 'tools/list');
      assert.ok(toolsList.length >= 1, `Claude Code listed the tools: ${records.map((r) => r.method).join(', ')}`);
      for (const request of toolsList) {
        const answer = records.find((r) => r.requestSeq === request.seq);
        assert.equal(answer?.kind, 'result', `tools/list ${JSON.stringify(request.id)} paired with its result`);
        assert.deepEqual([answer.id, answer.session, answer.method], [request.id, session, 'tools/list']);
      }
    }));

  // The real keychain when there is a Secret Service (scripts/test.sh runs the suite beside a
  // throw-away gnome-keyring); without one, the broker's in-memory store (MANIFOLD_SECRET_STORE=
  // memory), which the masking reads the same way: the values the broker handed the server.
  const store = process.env.DBUS_SESSION_BUS_ADDRESS ? 'keychain' : 'memory store';
  test(`a secret from the ${store} is masked in the recorded bodies, not in the answer`, { timeout: 60000 }, () =>
    withWorld(async (world) => {
      if (!process.env.DBUS_SESSION_BUS_ADDRESS) world.env.MANIFOLD_SECRET_STORE = 'memory';
      await world.startBroker();
      const secret = `sk-e2e-${randomUUID()}`;
      await world.ctl('add', 'secretive', '--env', `EVERYTHING_API_TOKEN=${secret}`, '--secret', 'EVERYTHING_API_TOKEN',
        '--env', `MANIFOLD_E2E_TAG=${world.tag}`, '--', NODE, EVERYTHING_JS, 'stdio');
      const saved = fs.readFileSync(path.join(world.configDir, 'servers.json'), 'utf8');
      assert.ok(!saved.includes(secret), 'servers.json never holds the secret');
      await world.ctl('set', 'secretive', 'capture-bodies', 'true');

      const handle = await world.connect({ name: 'secretive', clientName: 'secret-client' });
      const env = resultText(await handle.client.callTool({ name: 'get-env', arguments: {} }));
      assert.ok(env.includes(secret), 'the secret reached the server');
      assert.equal(await echo(handle.client, `deploy with ${secret} now`), `Echo: deploy with ${secret} now`,
        'the client gets the answer unmasked');

      const raw = await world.ctlRaw('traffic', 'secretive', '--json', '--bodies', '--limit', '5000');
      assert.equal(raw.code, 0, raw.stderr);
      assert.ok(!raw.stdout.includes(secret), 'the secret appears nowhere in the recorded traffic');
      const records = parseJsonLines(raw.stdout);
      const bodies = records.filter((r) => r.method === 'tools/call' && r.body).map((r) => JSON.parse(r.body));
      const echoCall = bodies.find((b) => b.params?.name === 'echo');
      assert.equal(echoCall?.params.arguments.message, 'deploy with ******** now', 'the request, masked');
      const echoAnswer = bodies.find((b) => b.result?.content?.[0]?.text?.startsWith('Echo: deploy'));
      assert.equal(echoAnswer?.result.content[0].text, 'Echo: deploy with ******** now', 'the answer, masked');
      const envAnswer = bodies.find((b) => b.result?.content?.[0]?.text?.includes('EVERYTHING_API_TOKEN'));
      assert.match(envAnswer?.result.content[0].text ?? '', /"EVERYTHING_API_TOKEN": "\*{8}"/, 'get-env, masked');
      const table = await world.ctlRaw('traffic', 'secretive', '--bodies');
      assert.equal(table.code, 0, table.stderr);
      assert.ok(table.stdout.includes('********') && !table.stdout.includes(secret), 'the table with bodies, masked');
      await handle.close();
      await world.ctl('remove', 'secretive');   // drops its keychain entry
    }));
});
