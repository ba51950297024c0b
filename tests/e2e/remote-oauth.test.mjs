// Issue 15: one OAuth sign-in for every client, end to end. A real authorization server
// (oidc-provider) protects an SDK MCP server (lib/oauth-world.mjs, access tokens of 5 s); the
// broker opens the browser through MANIFOLD_URL_OPENER (the scripted browser) and keeps the
// tokens in the REAL Secret Service (gnome-keyring on the private session bus scripts/test.sh
// starts). Three clients, each with an upstream of its own (sharing "isolated"), share one
// sign-in: one browser, refreshes ahead of expiry with no 401, a revoked grant that asks for
// `manifoldctl login` once, a broker restart that needs no browser, and a logout that revokes.
//
// The steps build on each other (one world for the whole file), in order.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { World, skipReason, waitFor, echo, withTimeout } from './lib/harness.mjs';
import {
  secretServiceProblem, startOAuthWorld, makeOpener, writeRemoteServers, oauthEnv, keychainKeys,
  keychainSecret, clearKeychain, filesContaining,
} from './lib/oauth-e2e.mjs';

const NAME = 'remote';
const KEYS = [`server/${NAME}/oauth`, `server/${NAME}/oauth-refresh`];
const skip = skipReason();
const keyring = skip ? '' : await secretServiceProblem();
if (keyring && process.env.MANIFOLD_E2E_REQUIRED === '1') {
  throw new Error(`MANIFOLD_E2E_REQUIRED=1 but the Secret Service does not work: ${keyring}`);
}

describe('remote OAuth: one sign-in for every client', { skip: skip || keyring || false }, () => {
  let world;
  let as;
  let opener;
  let service;
  let clients = [];

  const authOf = async () => (await world.server(NAME)).auth ?? {};
  const storedRecord = async () => JSON.parse((await keychainSecret(service, KEYS[0])) ?? 'null');

  before(async () => {
    world = await World.create({ servers: null });
    as = await startOAuthWorld(['--access-ttl=5']);
    opener = makeOpener(world.dir);
    service = oauthEnv(world, { opener: opener.program });
    writeRemoteServers(world, { [NAME]: { url: as.mcpUrl, transport: 'http', sharing: 'isolated' } });
    await world.startBroker();
  });

  after(async () => {
    if (world) await world.cleanup();
    if (as) await as.stop();
    if (service) await clearKeychain(service);
  });

  // Diagnostics on failure: the broker, the AS counters, the browser.
  const explain = async (error) => {
    await world.dumpDiagnostics(error).catch(() => {});
    process.stderr.write(`AS counts: ${JSON.stringify(await as.counts().catch(() => null))}\n` +
      `opener: ${opener.urls().join('\n')}\nbrowser log:\n${opener.browserLog()}\n`);
    throw error;
  };

  test('three clients started together: the browser opens once, all three list and call', async (t) => {
    try {
      // Each connects (initialize waits while the sign-in is under way); one that fails may
      // retry once, and what it saw is reported.
      const seen = [];
      clients = await Promise.all([0, 1, 2].map(async (index) => {
        const handle = await world.connect({ name: NAME, connect: false, clientName: `oauth-client-${index}` });
        try {
          await handle.connect();
          return handle;
        } catch (error) {
          seen.push(`client ${index}: ${error.message}`);
          await handle.close();
          return world.connect({ name: NAME, clientName: `oauth-client-${index}-retry` });
        }
      }));
      t.diagnostic(seen.length ? `retried once after: ${seen.join('; ')}` : 'every initialize waited for the sign-in and succeeded');
      for (const handle of clients) {
        const { tools } = await handle.client.listTools();
        assert.ok(tools.some((tool) => tool.name === 'echo'), `tools: ${JSON.stringify(tools.map((x) => x.name))}`);
        assert.equal(await echo(handle.client, `hello ${handle.index}`), `Echo: hello ${handle.index}`);
      }
      const counts = await as.counts();
      assert.equal(counts.authorize, 1, `authorize hits: ${JSON.stringify(counts)}`);
      assert.equal(opener.urls().length, 1, `opener calls:\n${opener.urls().join('\n')}`);
      assert.equal(counts.token.authorization_code, 1, `one code exchange: ${JSON.stringify(counts)}`);
      assert.equal(counts.registrations, 1, 'one dynamic client registration');
      const server = await world.server(NAME);
      assert.equal(server.auth.state, 'signed-in', JSON.stringify(server.auth));
      assert.equal(server.auth.issuer, as.issuer);
      assert.equal((await world.status()).sessions.filter((s) => s.server === NAME).length, 3);
    } catch (error) {
      await explain(error);
    }
  });

  test('the tokens are in the keychain and nowhere else', async () => {
    try {
      assert.deepEqual((await keychainKeys(service)).filter((key) => KEYS.includes(key)), KEYS,
        'secret-tool finds server/NAME/oauth and oauth-refresh');
      const accessToken = (await storedRecord())?.accessToken;
      const refreshToken = await keychainSecret(service, KEYS[1]);
      assert.ok(accessToken && accessToken.length >= 20, `stored access token: ${accessToken}`);
      assert.ok(refreshToken && refreshToken.length >= 20, 'stored refresh token');
      const status = await world.ctlRaw('status', '--json');
      const logs = await world.ctlRaw('logs', NAME, '--lines', '1000');
      assert.equal(logs.code, 0, logs.stderr);
      for (const [label, token] of [['access', accessToken], ['refresh', refreshToken]]) {
        assert.deepEqual(filesContaining(world.configDir, token), [], `${label} token in the config dir`);
        assert.ok(!fs.readFileSync(path.join(world.configDir, 'servers.json'), 'utf8').includes(token));
        assert.ok(!String(world.broker.output).includes(token), `${label} token in the broker's output`);
        assert.ok(!status.stdout.includes(token), `${label} token in status --json`);
        assert.ok(!logs.stdout.includes(token), `${label} token in manifoldctl logs`);
      }
    } catch (error) {
      await explain(error);
    }
  });

  test('5 s tokens are refreshed ahead of expiry: no 401, no client error', async (t) => {
    try {
      const before = await as.counts();
      const firstToken = (await storedRecord()).accessToken;
      const started = Date.now();
      let calls = 0;
      // Calls from every client for 12 s (and until two refreshes happened), paced by their
      // own round trips.
      while (Date.now() - started < 12000 || ((await as.counts()).token.refresh_token ?? 0) - (before.token.refresh_token ?? 0) < 2) {
        assert.ok(Date.now() - started < 25000, 'two refreshes within 25 s');
        await Promise.all(clients.map((handle) => echo(handle.client, `tick ${calls}`)
          .then((text) => assert.equal(text, `Echo: tick ${calls}`))));
        calls += 1;
      }
      const after = await as.counts();
      const refreshes = (after.token.refresh_token ?? 0) - (before.token.refresh_token ?? 0);
      t.diagnostic(`${calls} rounds of 3 calls in ${Date.now() - started} ms, ${refreshes} refreshes`);
      assert.ok(refreshes >= 2, `refreshes: ${refreshes}`);
      assert.equal(after.mcp401, before.mcp401, `401s at the MCP server after the sign-in: ${JSON.stringify(after)}`);
      assert.equal(after.authorize, 1, 'no new browser');
      assert.deepEqual(after.tokenErrors, {}, 'no refused token request');
      assert.notEqual((await storedRecord()).accessToken, firstToken, 'the keychain holds the new token');
      for (const handle of clients) assert.deepEqual(handle.errors, [], `client ${handle.index} errors`);
    } catch (error) {
      await explain(error);
    }
  });

  test('a revoked grant asks for a sign-in once; `manifoldctl login` brings the same clients back', async (t) => {
    try {
      await as.post('/revoke-all');
      // The next refresh (at most 4 s away) or call meets the revoked grant: invalid_grant.
      await waitFor(async () => (await authOf()).state === 'sign-in-required',
        { timeoutMs: 15000, what: 'auth state sign-in-required' });
      const message = `manifoldctl login ${NAME}`;
      const seen = new Set();
      for (const handle of clients) {
        await assert.rejects(echo(handle.client, 'after revoke', { timeout: 15000 }), (error) => {
          seen.add(error.message);
          return error.message.includes(message);
        }, `client ${handle.index} is told to sign in again`);
      }
      t.diagnostic(`what a client's call gets: ${[...seen].join(' | ')}`);
      const server = await world.server(NAME);
      assert.equal(server.state, 'sign-in-required', JSON.stringify(server));
      assert.equal(server.auth.state, 'sign-in-required');
      assert.ok(server.auth.message.includes(message), server.auth.message);
      const counts = await as.counts();
      assert.equal(counts.tokenErrors.invalid_grant, 1, `one refused refresh, no retry loop: ${JSON.stringify(counts)}`);
      assert.equal(counts.authorize, 1, 'no browser opened by itself');
      assert.deepEqual(await keychainKeys(service).then((keys) => keys.includes(KEYS[1])), false,
        'the dead refresh token left the keychain');

      const login = await withTimeout(world.ctlRaw('login', NAME), 30000, 'manifoldctl login');
      assert.equal(login.code, 0, `${login.stdout}${login.stderr}`);
      assert.match(login.stdout, new RegExp(`signed in to ${NAME}`));
      for (const handle of clients) {
        assert.equal(await echo(handle.client, `back ${handle.index}`), `Echo: back ${handle.index}`);
      }
      const after = await as.counts();
      assert.equal(after.authorize, 2, `one more browser sign-in: ${JSON.stringify(after)}`);
      assert.equal(after.tokenErrors.invalid_grant, 1, 'still one refused refresh');
      assert.equal(opener.urls().length, 2, 'manifoldctl opened the second browser');
      assert.equal((await authOf()).state, 'signed-in');
      assert.deepEqual((await keychainKeys(service)).filter((key) => KEYS.includes(key)), KEYS);
    } catch (error) {
      await explain(error);
    }
  });

  test('a restarted broker uses the stored tokens: no browser', async () => {
    try {
      await Promise.all(clients.map((handle) => handle.close()));
      world.broker.proc.kill('SIGTERM');
      await withTimeout(world.broker.exited, 10000, 'broker exit');
      await world.startBroker();
      const handle = await world.connect({ name: NAME, clientName: 'after-restart' });
      assert.equal(await echo(handle.client, 'restarted'), 'Echo: restarted');
      const counts = await as.counts();
      assert.equal(counts.authorize, 2, `no new sign-in: ${JSON.stringify(counts)}`);
      assert.equal(opener.urls().length, 2, 'no browser opened');
      assert.equal((await authOf()).state, 'signed-in');
      clients = [handle];
    } catch (error) {
      await explain(error);
    }
  });

  test('`manifoldctl logout` revokes at the AS and empties the keychain', async () => {
    try {
      const before = await as.counts();
      const logout = await world.ctlRaw('logout', NAME);
      assert.equal(logout.code, 0, `${logout.stdout}${logout.stderr}`);
      assert.match(logout.stdout, /signed out of remote \(tokens revoked\)/);
      const after = await as.counts();
      assert.ok(after.revocations > before.revocations, `revocations: ${before.revocations} -> ${after.revocations}`);
      assert.deepEqual((await keychainKeys(service)).filter((key) => KEYS.includes(key)), [], 'keychain items gone');
      assert.equal((await authOf()).state, 'sign-in-required');
      assert.equal(after.authorize, 2, 'logout opens no browser');
    } catch (error) {
      await explain(error);
    }
  });
});
