// (issue 5) One-click client setup, end to end: a Claude Desktop config pointing at
// server-everything with a secret in its env is set up by `manifoldctl setup`; the rewritten
// command is started exactly as the config says and the official SDK client talks MCP through
// it; the secret reaches the server from the keychain and is on disk nowhere under the config
// dir; `manifoldctl revert` puts the config back byte for byte.
// (issue 15) The same for remote servers: a Claude Code `type: http` entry with a secret header
// and a Claude Desktop `npx -y mcp-remote URL --header "Authorization:Bearer ${TOKEN}"` entry
// become remote Manifold servers (secrets in the keychain only), an mcp-remote entry with
// --ignore-tool stays as it is, and revert restores both files byte for byte.
//
// Needs a Secret Service (scripts/test.sh runs the suite beside a throw-away gnome-keyring);
// without one it skips, unless MANIFOLD_REQUIRE_KEYRING=1 makes that a failure.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';

import { withWorld, skipReason, echo, resultText, runCtl, homeEnvironment, BINS, NODE, EVERYTHING_JS } from './lib/harness.mjs';

function keyringSkipReason() {
  const base = skipReason();
  if (base) return base;
  if (process.env.DBUS_SESSION_BUS_ADDRESS) return false;
  if (process.env.MANIFOLD_REQUIRE_KEYRING === '1') throw new Error('MANIFOLD_REQUIRE_KEYRING=1 but there is no session bus');
  return 'no D-Bus session bus (run under scripts/with-keyring.sh)';
}

function filesUnder(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

describe('client setup with a Claude Desktop config', { skip: keyringSkipReason() }, () => {
  test('setup, MCP through the rewritten command, revert', { timeout: 120000 }, () => withWorld(async (world) => {
    const home = path.join(world.dir, 'home');
    const configPath = path.join(home, '.config', 'Claude', 'claude_desktop_config.json');
    const secret = `sk-e2e-${randomUUID()}`;
    fs.mkdirSync(path.dirname(configPath), { recursive: true });
    const original = Buffer.from(`{\n  "mcpServers": {\n    "everything": {\n      "command": ${JSON.stringify(NODE)},\n`
      + `      "args": [${JSON.stringify(EVERYTHING_JS)}, "stdio"],\n`
      + `      "env": {\n        "EVERYTHING_API_KEY": ${JSON.stringify(secret)},\n        "MANIFOLD_E2E_TAG": ${JSON.stringify(world.tag)}\n      }\n    }\n  },\n`
      + `  "globalShortcut": "Ctrl+Space"\n}\n`);
    fs.writeFileSync(configPath, original, { mode: 0o600 });

    const env = {
      ...world.env,
      ...homeEnvironment(home),
      MANIFOLD_SHIM_BIN: BINS.shim,
      MANIFOLD_BIN: BINS.manifold,
      MANIFOLD_LAUNCH: 'headless',
      MANIFOLD_KEYCHAIN_SERVICE: `manifold-e2e-${world.tag}`,
    };
    const launcher = path.join(home, '.local', 'share', 'manifold', 'bin', 'manifold-shim');

    const dry = await runCtl(world.socket, ['setup', 'claude-desktop', '--dry-run'], { env });
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^\+\s+"command": ".*manifold-shim",$/m, dry.stdout);
    assert.match(dry.stdout, /"EVERYTHING_API_KEY": "\*\*\*\*\*\*\*\*"/, dry.stdout);
    assert.ok(!dry.stdout.includes(secret), 'the dry run never prints the secret');
    assert.deepEqual(fs.readFileSync(configPath), original, 'a dry run changes nothing');

    const setup = await runCtl(world.socket, ['setup', 'claude-desktop'], { env });
    assert.equal(setup.code, 0, `${setup.stdout}\n${setup.stderr}`);
    assert.match(setup.stdout, /quit Claude Desktop completely/);
    const entry = JSON.parse(fs.readFileSync(configPath, 'utf8')).mcpServers.everything;
    assert.deepEqual(entry, { command: launcher, args: ['everything'] });
    assert.ok(!fs.readFileSync(configPath, 'utf8').includes(secret));

    const listed = await runCtl(world.socket, ['clients', '--json'], { env });
    assert.equal(listed.code, 0, listed.stderr);
    const desktop = JSON.parse(listed.stdout).find((f) => f.client === 'claude-desktop' && f.path === configPath);
    assert.equal(desktop?.state, 'set up', listed.stdout);
    assert.equal(desktop?.revertible, true);

    // Start exactly what the config says, as Claude Desktop would.
    const handle = await world.connect({ command: entry.command, args: entry.args, env });
    for (const p of world.brokerProcesses()) world.extraPids.add(p.pid);
    assert.equal(await echo(handle.client, 'through the rewritten config ✓'), 'Echo: through the rewritten config ✓');
    const childEnv = JSON.parse(resultText(await handle.client.callTool({ name: 'get-env', arguments: {} })));
    assert.equal(childEnv.EVERYTHING_API_KEY, secret, 'the secret reaches the server from the keychain');

    for (const file of filesUnder(world.configDir)) {
      assert.ok(!fs.readFileSync(file).includes(secret), `${file} holds the secret`);
    }
    for (const file of filesUnder(world.dir).filter((f) => f.endsWith('.log'))) {
      assert.ok(!fs.readFileSync(file).includes(secret), `${file} holds the secret`);
    }
    const servers = JSON.parse(fs.readFileSync(path.join(world.configDir, 'servers.json'), 'utf8'));
    assert.deepEqual(servers.servers?.everything?.secretEnv ?? servers.everything?.secretEnv, ['EVERYTHING_API_KEY']);

    await handle.close();
    const again = await runCtl(world.socket, ['setup', 'claude-desktop'], { env });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /nothing to change/);

    const revert = await runCtl(world.socket, ['revert', 'claude-desktop'], { env });
    assert.equal(revert.code, 0, `${revert.stdout}\n${revert.stderr}`);
    assert.deepEqual(fs.readFileSync(configPath), original, 'revert restores the original bytes');
    assert.equal(fs.statSync(configPath).mode & 0o777, 0o600, 'the file mode is kept');
  }, { servers: {} }));
});

describe('client setup of remote servers', { skip: keyringSkipReason() }, () => {
  test('URL entries and mcp-remote commands become remote servers; revert restores bytes', { timeout: 120000 }, () => withWorld(async (world) => {
    const home = path.join(world.dir, 'home');
    const codePath = path.join(home, '.claude.json');
    const desktopPath = path.join(home, '.config', 'Claude', 'claude_desktop_config.json');
    const headerSecret = `sntrys_e2e_${randomUUID()}`;
    const envSecret = `tok_e2e_${randomUUID()}`;
    fs.mkdirSync(path.dirname(desktopPath), { recursive: true });
    const code = Buffer.from(`{\n  "numStartups": 3,\n  "mcpServers": {\n    "sentry": {\n      "type": "http",\n`
      + `      "url": "https://mcp.sentry.dev/mcp",\n      "headers": {\n        "Authorization": "Bearer ${headerSecret}"\n      }\n    }\n  }\n}\n`);
    const desktop = Buffer.from(`{\n  "mcpServers": {\n    "linear": {\n      "command": "npx",\n`
      + `      "args": ["-y", "mcp-remote", "https://mcp.linear.app/mcp", "--header", "Authorization:Bearer \${LINEAR_TOKEN}"],\n`
      + `      "env": {\n        "LINEAR_TOKEN": "${envSecret}"\n      }\n    },\n`
      + `    "filtered": {\n      "command": "npx",\n      "args": ["mcp-remote", "https://filtered.example.com/mcp", "--ignore-tool", "delete*"]\n    },\n`
      + `    "deepwiki": {\n      "command": "npx",\n      "args": ["-y", "mcp-remote@0.1.29", "https://mcp.deepwiki.com/mcp"]\n    }\n  }\n}\n`);
    fs.writeFileSync(codePath, code, { mode: 0o600 });
    fs.writeFileSync(desktopPath, desktop, { mode: 0o600 });
    const env = {
      ...world.env,
      ...homeEnvironment(home),
      MANIFOLD_SHIM_BIN: BINS.shim,
      MANIFOLD_BIN: BINS.manifold,
      MANIFOLD_LAUNCH: 'headless',
      MANIFOLD_KEYCHAIN_SERVICE: `manifold-e2e-${world.tag}`,
    };
    const clients = ['claude-code', 'claude-desktop'];
    const launcher = path.join(home, '.local', 'share', 'manifold', 'bin', 'manifold-shim');

    const dry = await runCtl(world.socket, ['setup', ...clients, '--dry-run'], { env });
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /sentry: new remote Manifold server "sentry"/, dry.stdout);
    assert.match(dry.stdout, /linear: new remote Manifold server "linear"/, dry.stdout);
    assert.match(dry.stdout, /filtered: not imported: mcp-remote flag --ignore-tool has no Manifold equivalent/, dry.stdout);
    assert.match(dry.stdout, /^-\s+"Authorization": "\*\*\*\*\*\*\*\*"$/m, dry.stdout);
    assert.match(dry.stdout, /sentry: remote https:\/\/mcp\.sentry\.dev\/mcp \(http\); to the keychain: Authorization/, dry.stdout);
    assert.match(dry.stdout, /note: sign in to deepwiki once in Manifold: manifoldctl login deepwiki \(tokens of mcp-remote or of the client are not copied\)/, dry.stdout);
    for (const secret of [headerSecret, envSecret]) assert.ok(!dry.stdout.includes(secret), 'the dry run never prints a secret');
    assert.deepEqual(fs.readFileSync(codePath), code, 'a dry run changes nothing');
    assert.deepEqual(fs.readFileSync(desktopPath), desktop, 'a dry run changes nothing');

    const setup = await runCtl(world.socket, ['setup', ...clients], { env });
    assert.equal(setup.code, 0, `${setup.stdout}\n${setup.stderr}`);
    assert.match(setup.stdout, /manifoldctl login deepwiki/);
    assert.deepEqual(JSON.parse(fs.readFileSync(codePath, 'utf8')).mcpServers.sentry,
      { type: 'stdio', command: launcher, args: ['sentry'] });
    const entries = JSON.parse(fs.readFileSync(desktopPath, 'utf8')).mcpServers;
    assert.deepEqual(entries.linear, { command: launcher, args: ['linear'] });
    assert.deepEqual(entries.filtered.args, ['mcp-remote', 'https://filtered.example.com/mcp', '--ignore-tool', 'delete*']);

    const serversText = fs.readFileSync(path.join(world.configDir, 'servers.json'), 'utf8');
    const servers = JSON.parse(serversText);
    const byName = servers.servers ?? servers;
    assert.equal(byName.sentry?.url, 'https://mcp.sentry.dev/mcp', serversText);
    assert.deepEqual(byName.sentry?.secretHeaders, ['Authorization'], serversText);
    assert.equal(byName.linear?.url, 'https://mcp.linear.app/mcp', serversText);
    assert.equal(byName.deepwiki?.url, 'https://mcp.deepwiki.com/mcp', serversText);
    assert.equal(byName.filtered, undefined);
    for (const file of [...filesUnder(world.configDir), codePath, desktopPath]) {
      for (const secret of [headerSecret, envSecret]) assert.ok(!fs.readFileSync(file).includes(secret), `${file} holds a secret`);
    }

    const again = await runCtl(world.socket, ['setup', ...clients], { env });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /nothing to change/);

    const revert = await runCtl(world.socket, ['revert', ...clients], { env });
    assert.equal(revert.code, 0, `${revert.stdout}\n${revert.stderr}`);
    assert.deepEqual(fs.readFileSync(codePath), code, 'revert restores Claude Code\'s bytes');
    assert.deepEqual(fs.readFileSync(desktopPath), desktop, 'revert restores Claude Desktop\'s bytes');
  }, { servers: {} }));
});
