// (issue 14) `manifoldctl setup --transport http` with the real client CLIs: Claude Code, Gemini
// CLI and Codex, each with a stdio entry for server-everything in its own config in a sealed home,
// are pointed at the broker's HTTP front door (off until setup turns it on) with a token each.
// Then `claude mcp list` and `gemini mcp list` show the server connected through the endpoint and
// Codex (app-server, with http_headers) lists and calls its tools through it; a hand-edited wrong
// token makes `claude mcp list` fail with the front door's 401 text; `manifoldctl revert` puts
// every file back byte for byte and the tokens are gone.
//
// The CLIs run as in realclients.test.mjs / codex.test.mjs: sealed HOME, no network, no login.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { withWorld, skipReason, runCtl, waitFor, freePort, BINS } from './lib/harness.mjs';
import {
  realClientsSkipReason, sealedHome, claudeMcpList, geminiMcpList, parseMcpList, NODE24,
} from './lib/realclients.mjs';
import { CodexAppServer, codexMissing, writeCodexConfig } from './lib/codex.mjs';

const EVERYTHING = path.join(path.dirname(new URL(import.meta.url).pathname), 'node_modules',
  '@modelcontextprotocol', 'server-everything', 'dist', 'index.js');

function suiteSkip() {
  const base = realClientsSkipReason(skipReason());
  if (base) return base;
  const missing = codexMissing();
  if (missing && process.env.MANIFOLD_E2E_REQUIRED === '1') throw new Error(`codex: ${missing}`);
  if (missing) return missing;
  if (process.env.DBUS_SESSION_BUS_ADDRESS) return false;
  if (process.env.MANIFOLD_REQUIRE_KEYRING === '1') throw new Error('MANIFOLD_REQUIRE_KEYRING=1 but there is no session bus');
  return 'no D-Bus session bus (run under scripts/with-keyring.sh)';
}

/**
 * Claude Code's ~/.claude.json with a user-scope stdio server, written the way Claude Code writes
 * it: Claude rewrites its whole file whenever it runs (its state, key order, no final newline), so
 * it first runs once to set its state up, and the server goes into what it wrote.
 */
async function writeClaudeState(home, cwd, env, server) {
  const file = path.join(home, '.claude.json');
  const first = await claudeMcpList(cwd, env);
  assert.equal(first.code, 0, `${first.stdout}\n${first.stderr}`);
  const state = JSON.parse(fs.readFileSync(file, 'utf8'));
  state.mcpServers = { everything: { type: 'stdio', ...server } };
  fs.writeFileSync(file, JSON.stringify(state, null, 2), { mode: 0o600 });
}

/** ~/.gemini/settings.json in the shape Gemini CLI 0.61 keeps (it migrates older keys on start). */
function writeGemini(home, server) {
  const file = path.join(home, '.gemini', 'settings.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const settings = { general: { enableAutoUpdate: false }, privacy: { usageStatisticsEnabled: false },
    mcpServers: { everything: server } };
  fs.writeFileSync(file, JSON.stringify(settings, null, 2) + '\n');
}

describe('setup --transport http with real clients', { skip: suiteSkip() }, () => {
  test('Claude Code, Gemini CLI and Codex reach server-everything through the front door; revert undoes it', { timeout: 170000 }, () =>
    withWorld(async (world) => {
      const { home, env: sealed } = sealedHome(world.dir, world.env);
      const codexHome = path.join(home, '.codex');
      const env = { ...sealed, CODEX_HOME: codexHome, MANIFOLD_SHIM_BIN: BINS.shim, MANIFOLD_BIN: BINS.manifold,
        MANIFOLD_LAUNCH: 'headless', MANIFOLD_KEYCHAIN_SERVICE: `manifold-e2e-${world.tag}` };
      const server = { command: NODE24, args: [EVERYTHING, 'stdio'], env: { MANIFOLD_E2E_TAG: world.tag } };
      await writeClaudeState(home, world.dir, env, server);
      writeGemini(home, server);
      writeCodexConfig(codexHome, { everything: server });
      const files = [path.join(home, '.claude.json'), path.join(home, '.gemini', 'settings.json'), path.join(codexHome, 'config.toml')];
      const before = files.map((file) => fs.readFileSync(file));

      world.writeServers({});
      await world.startBroker();
      // The front door on a free port, then off again: setup is what turns it on.
      const port = await freePort();
      await world.ctl('http', 'enable', '--port', String(port));
      await world.ctl('http', 'disable');
      const url = `http://127.0.0.1:${port}/mcp/everything`;
      const ctl = (...args) => runCtl(world.socket, args, { env, timeoutMs: 30000 });

      const dry = await ctl('setup', 'claude-code', 'gemini', 'codex', '--transport', 'http', '--dry-run');
      assert.equal(dry.code, 0, `${dry.stdout}\n${dry.stderr}`);
      assert.ok(dry.stdout.includes(`+      "url": "${url}",`), dry.stdout);
      assert.ok(dry.stdout.includes('"Authorization": "Bearer mfd_********"'), dry.stdout);
      assert.match(dry.stdout, /the HTTP front door is off: setup turns it on/);
      assert.deepEqual((await world.ctl('http', 'status', '--json')).tokens, [], 'a dry run makes no token');
      files.forEach((file, i) => assert.deepEqual(fs.readFileSync(file), before[i], 'a dry run changes nothing'));

      const setup = await ctl('setup', 'claude-code', 'gemini', 'codex', '--transport', 'http');
      assert.equal(setup.code, 0, `${setup.stdout}\n${setup.stderr}`);
      assert.ok(setup.stdout.includes(`turned the HTTP front door on: http://127.0.0.1:${port}/mcp/NAME`), setup.stdout);
      for (const client of ['claude-code', 'gemini', 'codex']) {
        assert.match(setup.stdout, new RegExp(`made token "${client}"`), setup.stdout);
      }
      assert.ok(!/mfd_[A-Za-z0-9_-]{43}/.test(setup.stdout), 'setup never prints a secret');

      const claudeEntry = JSON.parse(fs.readFileSync(files[0], 'utf8')).mcpServers.everything;
      assert.equal(claudeEntry.type, 'http');
      assert.equal(claudeEntry.url, url);
      assert.match(claudeEntry.headers.Authorization, /^Bearer mfd_[A-Za-z0-9_-]{43}$/);
      const geminiEntry = JSON.parse(fs.readFileSync(files[1], 'utf8')).mcpServers.everything;
      assert.equal(geminiEntry.url, url);
      assert.equal(geminiEntry.httpUrl, undefined);
      const codexToml = fs.readFileSync(files[2], 'utf8');
      assert.match(codexToml, /^http_headers = \{ Authorization = "Bearer mfd_[A-Za-z0-9_-]{43}" \}$/m, codexToml);
      assert.ok(!codexToml.includes('bearer_token'), codexToml);
      const secrets = [claudeEntry.headers.Authorization, geminiEntry.headers.Authorization,
        /Authorization = "([^"]+)"/.exec(codexToml)[1]];
      assert.equal(new Set(secrets).size, 3, 'one token per client');

      const http = await world.ctl('http', 'status', '--json');
      assert.equal(http.listening, true);
      assert.deepEqual(http.tokens.map((t) => t.name).sort(), ['claude-code', 'codex', 'gemini']);
      // The broker picks the imported server up from servers.json.
      await waitFor(async () => (await world.status()).servers.some((s) => s.name === 'everything'),
        { timeoutMs: 15000, what: 'server "everything" in the broker' });

      const claude = await claudeMcpList(world.dir, env);
      assert.equal(claude.code, 0, `${claude.stdout}\n${claude.stderr}`);
      assert.equal(parseMcpList(claude.stdout).everything, '✔ Connected', claude.stdout);
      assert.ok(claude.stdout.includes(url), claude.stdout);

      const gemini = await geminiMcpList(world.dir, env);
      assert.equal(gemini.code, 0, `${gemini.stdout}\n${gemini.stderr}`);
      const geminiOut = gemini.stdout + gemini.stderr;
      assert.match(parseMcpList(geminiOut).everything ?? '', /Connected/, geminiOut);
      assert.ok(geminiOut.includes(url), geminiOut);

      // Codex's HTTP client goes through its (dead) proxy unless the front door's host is exempt.
      const codex = new CodexAppServer({ env: { HOME: home, CODEX_HOME: codexHome, PATH: process.env.PATH }, cwd: world.dir,
        noProxy: '127.0.0.1' });
      try {
        await codex.start(world.dir);
        let seen;
        const everything = await waitFor(async () => {
          seen = (await codex.servers()).everything;
          return seen?.tools && Object.keys(seen.tools).length ? seen : null;
        }, { timeoutMs: 60000, intervalMs: 250, what: 'Codex seeing the tools of everything' }).catch((error) => {
          throw new Error(`${error.message}; last seen ${JSON.stringify(seen)}; codex stderr: ${codex.stderr.slice(-3000)}`);
        });
        assert.ok(Object.keys(everything.tools).some((name) => name === 'echo' || name.endsWith('echo')), JSON.stringify(everything.tools));
        const called = await codex.callTool('everything', 'echo', { message: 'codex over http ✓' });
        assert.equal(called.content.map((c) => c.text).join(''), 'Echo: codex over http ✓', JSON.stringify(called));
        const sessions = (await world.status()).sessions.filter((s) => s.transport === 'http');
        assert.ok(sessions.some((s) => s.tokenName === 'codex'), JSON.stringify(sessions));
      } finally {
        await codex.stop();
      }

      // A wrong token (edited by hand) is refused with the front door's 401 text.
      const written = fs.readFileSync(files[0]);
      fs.writeFileSync(files[0], written.toString('utf8').replace(/Bearer mfd_[A-Za-z0-9_-]{43}/, `Bearer mfd_${'x'.repeat(43)}`));
      const wrong = await claudeMcpList(world.dir, env);
      const wrongOut = wrong.stdout + wrong.stderr;
      assert.match(parseMcpList(wrong.stdout).everything ?? '', /^✘ Failed/, wrongOut);
      assert.ok(wrongOut.includes('HTTP 401'), wrongOut);
      assert.ok(wrongOut.includes("send the token Manifold made for this client"), wrongOut);
      fs.writeFileSync(files[0], written);

      const revert = await ctl('revert', 'claude-code', 'gemini', 'codex');
      assert.equal(revert.code, 0, `${revert.stdout}\n${revert.stderr}`);
      for (const name of ['.claude.json', 'settings.json', 'config.toml']) {
        assert.match(revert.stdout, new RegExp(`${name.replace('.', '\\.')}\\): back to the original bytes`), revert.stdout);
      }
      files.forEach((file, i) => assert.equal(fs.readFileSync(file, 'utf8'), before[i].toString('utf8'), `${file} is back byte for byte`));
      for (const client of ['claude-code', 'gemini', 'codex']) {
        assert.match(revert.stdout, new RegExp(`revoked token "${client}"`), revert.stdout);
      }
      const list = await world.ctlRaw('http', 'token', 'list');
      assert.equal(list.code, 0, list.stderr);
      assert.match(list.stdout, /^tokens: none$/m, list.stdout);
    }));
});
