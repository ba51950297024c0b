// Issue 15: sign-ins of two remote servers at the same time (two authorization servers, two MCP
// servers) each wait on a loopback port of their own and both succeed; a headless broker without
// MANIFOLD_URL_OPENER prints the sign-in URL on stderr once, however many clients wait for it,
// and that URL signs them all in. Tokens go to the real Secret Service (see remote-oauth.test.mjs).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { withWorld, skipReason, waitFor, echo } from './lib/harness.mjs';
import {
  secretServiceProblem, startOAuthWorld, makeOpener, writeRemoteServers, oauthEnv, keychainKeys,
  clearKeychain, redirectPort, run,
} from './lib/oauth-e2e.mjs';

const skip = skipReason();
const keyring = skip ? '' : await secretServiceProblem();
if (keyring && process.env.MANIFOLD_E2E_REQUIRED === '1') {
  throw new Error(`MANIFOLD_E2E_REQUIRED=1 but the Secret Service does not work: ${keyring}`);
}

/** Runs fn(authServers) with `count` oauth worlds, always stopping them. */
async function withAuthServers(count, fn) {
  const servers = [];
  try {
    for (let i = 0; i < count; ++i) servers.push(await startOAuthWorld());
    return await fn(servers);
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}

describe('remote OAuth: parallel and headless sign-ins', { skip: skip || keyring || false }, () => {
  test('two remote servers sign in at once on two loopback ports', async () => {
    await withAuthServers(2, (authServers) => withWorld(async (world) => {
      const opener = makeOpener(world.dir);
      const service = oauthEnv(world, { opener: opener.program });
      try {
        writeRemoteServers(world, {
          alpha: { url: authServers[0].mcpUrl, transport: 'http' },
          beta: { url: authServers[1].mcpUrl, transport: 'http' },
        });
        await world.startBroker();
        const [alpha, beta] = await Promise.all([
          world.connect({ name: 'alpha', clientName: 'alpha-client' }),
          world.connect({ name: 'beta', clientName: 'beta-client' }),
        ]);
        assert.deepEqual(await Promise.all([echo(alpha.client, 'a'), echo(beta.client, 'b')]), ['Echo: a', 'Echo: b']);

        const urls = opener.urls();
        assert.equal(urls.length, 2, `one browser per server:\n${urls.join('\n')}`);
        const byIssuer = authServers.map((as) => urls.filter((url) => url.startsWith(`${as.issuer}/`)));
        assert.deepEqual(byIssuer.map((list) => list.length), [1, 1], 'each AS got its own authorization URL');
        const ports = urls.map(redirectPort);
        assert.notEqual(ports[0], ports[1], `redirect_uri ports: ${ports.join(', ')}`);
        for (const as of authServers) {
          const counts = await as.counts();
          assert.equal(counts.authorize, 1, JSON.stringify(counts));
          assert.equal(counts.token.authorization_code, 1, JSON.stringify(counts));
        }
        const status = await world.status();
        for (const name of ['alpha', 'beta']) {
          const server = status.servers.find((s) => s.name === name);
          assert.equal(server.auth.state, 'signed-in', JSON.stringify(server.auth));
        }
        const keys = await keychainKeys(service);
        for (const key of ['server/alpha/oauth', 'server/alpha/oauth-refresh', 'server/beta/oauth', 'server/beta/oauth-refresh']) {
          assert.ok(keys.includes(key), `${key} in the keychain: ${keys.join(', ')}`);
        }
      } finally {
        await clearKeychain(service);
      }
    }, { servers: null }));
  });

  test('a headless broker without an opener prints the sign-in URL on stderr once', async () => {
    await withAuthServers(1, ([as]) => withWorld(async (world) => {
      const service = oauthEnv(world);   // no MANIFOLD_URL_OPENER, no DISPLAY
      try {
        writeRemoteServers(world, { remote: { url: as.mcpUrl, transport: 'http', sharing: 'isolated' } });
        await world.startBroker();
        let stderr = '';
        world.broker.proc.stderr.on('data', (chunk) => { stderr += chunk; });
        // Two clients wait (each on an upstream of its own) for the one sign-in.
        const handles = await Promise.all([0, 1].map((index) => world.connect({
          name: 'remote', clientName: `headless-${index}`, connect: false, connectTimeoutMs: 60000,
        })));
        const connecting = handles.map((handle) => handle.connect());
        const line = /^manifold: sign in to remote: open (\S+) \(or run: manifoldctl login remote\)$/m;
        const url = (await waitFor(() => line.exec(stderr), { timeoutMs: 20000, what: 'the sign-in URL on stderr' }))[1];
        assert.ok(url.startsWith(`${as.issuer}/auth?`), url);
        const server = await world.server('remote');
        assert.equal(server.auth.state, 'signing-in', JSON.stringify(server.auth));
        assert.equal(server.auth.signInUrl, url, 'status shows the same URL');

        // The user opens it (the scripted browser stands in).
        const opener = makeOpener(world.dir);
        const browsed = await run(opener.program, [url], { timeoutMs: 20000 });
        assert.equal(browsed.code, 0, browsed.stderr);
        assert.match(opener.browserLog(), /^done 200$/m, opener.browserLog());
        await Promise.all(connecting);
        for (const handle of handles) assert.equal(await echo(handle.client, 'hi'), 'Echo: hi');

        assert.equal(stderr.match(new RegExp(line.source, 'gm')).length, 1, `printed once:\n${stderr}`);
        assert.equal((await as.counts()).authorize, 1);
      } finally {
        await clearKeychain(service);
      }
    }, { servers: null }));
  });
});
