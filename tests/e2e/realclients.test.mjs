// (issue 12) Real client CLIs through Manifold: Claude Code 2.1.332 and Gemini CLI 0.61.0 run
// `mcp list` on a Manifold server (the shim) beside the same server run directly and must show
// the same status for both; with the server per-project, status then shows one broker and one
// instance per project directory. Then setup end to end: two Claude Code projects with the same
// server-filesystem "." entry become ONE per-project server, which works from each project, and a
// client without roots used after Claude Code (which has roots) sees the directories it would
// see running the server itself.
//
// The CLIs run in a sealed temp home (lib/realclients.mjs says which variables keep them off the
// user's configs and off the network); they need no AI service for `mcp list`.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

import { withWorld, skipReason, runCtl, withTimeout, BINS } from './lib/harness.mjs';
import {
  realClientsSkipReason, sealedHome, approveClaudeProject, writeGeminiSettings, claudeMcpList, geminiMcpList,
  parseMcpList, NODE24, MEMORY_JS, FILESYSTEM_JS,
} from './lib/realclients.mjs';

const skip = realClientsSkipReason(skipReason());

/** Two project directories (realpaths: what the broker keys instances by). */
function makeProjects(world) {
  return ['alpha', 'beta'].map((name) => {
    const dir = path.join(world.dir, name);
    fs.mkdirSync(dir, { recursive: true });
    return fs.realpathSync(dir);
  });
}

/** The memory server, run directly by the client. */
function directMemory(world) {
  return {
    command: NODE24,
    args: [MEMORY_JS],
    env: { MEMORY_FILE_PATH: path.join(world.dir, 'direct-memory.jsonl'), MANIFOLD_E2E_TAG: world.tag },
  };
}

/** The memory server through Manifold: the shim, told the world's socket in the entry's env. */
function shimMemory(world) {
  return { command: BINS.shim, args: ['memory'], env: { MANIFOLD_SOCKET: world.socket, MANIFOLD_E2E_TAG: world.tag } };
}

function perProjectMemory(world) {
  return {
    memory: {
      command: NODE24,
      args: [MEMORY_JS],
      env: { MEMORY_FILE_PATH: path.join(world.dir, 'manifold-memory.jsonl') },
      sharing: 'per-project',
      lingerMs: -1, // instances stay after `mcp list` disconnects, so status can count them
    },
  };
}

/** Asserts what both suites expect afterwards: one broker, one instance per project. */
async function expectOneInstancePerProject(world, server, projects) {
  assert.equal(world.brokerProcesses().length, 1, 'exactly one broker');
  const status = await world.status();
  assert.equal(status.broker.pid, world.broker.pid, 'the broker the test started answers');
  const entry = status.servers.find((s) => s.name === server);
  assert.ok(entry, JSON.stringify(status));
  assert.equal(entry.sharing, 'per-project');
  const instanceProjects = entry.instances.map((i) => i.keyParts?.project).sort();
  assert.deepEqual(instanceProjects, [...projects].sort(), JSON.stringify(entry.instances, null, 2));
  for (const instance of entry.instances) {
    assert.ok(instance.key.includes(instance.keyParts.project), `key ${instance.key} names its project`);
    assert.ok(Number.isInteger(instance.pid) && instance.pid > 0, `instance ${instance.key} runs`);
  }
  // The text status lists them under the server, with their pids.
  const text = await world.ctlRaw('status');
  assert.equal(text.code, 0, text.stderr);
  for (const instance of entry.instances) {
    assert.match(text.stdout, new RegExp(`^  instance ${escape(instance.key)}: \\w+, pid ${instance.pid}, sessions`, 'm'), text.stdout);
  }
  return entry;
}

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('real client CLIs through Manifold', { skip }, () => {
  test('Claude Code: mcp list from two projects, same status as direct; one instance per project', { timeout: 120000 }, () =>
    withWorld(async (world) => {
      const { home, env } = sealedHome(world.dir, world.env);
      const projects = makeProjects(world);
      world.writeServers(perProjectMemory(world));
      await world.startBroker();
      for (const project of projects) {
        const mcp = { mcpServers: { memory: shimMemory(world), 'memory-direct': directMemory(world) } };
        fs.writeFileSync(path.join(project, '.mcp.json'), JSON.stringify(mcp, null, 2) + '\n');
        approveClaudeProject(home, project, ['memory', 'memory-direct']);
      }

      for (const project of projects) {
        const listed = await claudeMcpList(project, env);
        assert.equal(listed.code, 0, `${listed.stdout}\n${listed.stderr}`);
        const statuses = parseMcpList(listed.stdout);
        assert.match(statuses['memory-direct'] ?? '', /Connected/, listed.stdout);
        assert.equal(statuses.memory, statuses['memory-direct'], listed.stdout);
      }
      await expectOneInstancePerProject(world, 'memory', projects);
    }));

  test('Gemini CLI (no roots): mcp list from two directories, same status as direct; one instance per directory', { timeout: 120000 }, () =>
    withWorld(async (world) => {
      const { home, env } = sealedHome(world.dir, world.env);
      const projects = makeProjects(world);
      world.writeServers(perProjectMemory(world));
      await world.startBroker();
      writeGeminiSettings(home, { memory: shimMemory(world), 'memory-direct': directMemory(world) });

      for (const project of projects) {
        const listed = await geminiMcpList(project, env);
        assert.equal(listed.code, 0, `${listed.stdout}\n${listed.stderr}`);
        const statuses = parseMcpList(listed.stderr); // Gemini CLI writes the list to stderr
        assert.match(statuses['memory-direct'] ?? '', /Connected/, listed.stderr);
        assert.equal(statuses.memory, statuses['memory-direct'], listed.stderr);
      }
      const entry = await expectOneInstancePerProject(world, 'memory', projects);
      // A client without roots: its instances are not keyed by roots.
      for (const instance of entry.instances) assert.equal(instance.keyParts.roots ?? null, null);
    }));

  test('setup: one per-project server from two Claude Code projects, working in each', { timeout: 150000 }, () =>
    withWorld(async (world) => {
      const { home, env: sealed } = sealedHome(world.dir, world.env);
      const env = { ...sealed, MANIFOLD_SHIM_BIN: BINS.shim, MANIFOLD_BIN: BINS.manifold, MANIFOLD_LAUNCH: 'headless',
        MANIFOLD_KEYCHAIN_SERVICE: `manifold-e2e-${world.tag}` };
      const projects = makeProjects(world);
      const files = { command: NODE24, args: [FILESYSTEM_JS, '.'], env: { MANIFOLD_E2E_TAG: world.tag } };
      for (const project of projects) {
        fs.writeFileSync(path.join(project, '.mcp.json'), JSON.stringify({ mcpServers: { files } }, null, 2) + '\n');
        approveClaudeProject(home, project, ['files']);
      }
      world.writeServers({});
      const projectArgs = projects.flatMap((project) => ['--project', project]);

      const dry = await runCtl(world.socket, ['setup', 'claude-code', '--dry-run', ...projectArgs], { env });
      assert.equal(dry.code, 0, `${dry.stdout}\n${dry.stderr}`);
      const reason = `files: per-project (from project file ${path.join(projects[0], '.mcp.json')})`;
      assert.ok(dry.stdout.includes(reason), dry.stdout);
      const done = await runCtl(world.socket, ['setup', 'claude-code', ...projectArgs], { env });
      assert.equal(done.code, 0, `${done.stdout}\n${done.stderr}`);
      assert.ok(done.stdout.includes(reason), done.stdout);
      assert.match(done.stdout, /files: uses Manifold server "files"/, 'the second project reuses the first one\'s server');
      const registry = JSON.parse(fs.readFileSync(path.join(world.configDir, 'servers.json'), 'utf8'));
      assert.deepEqual(Object.keys(registry.servers), ['files']);
      assert.equal(registry.servers.files.sharing, 'per-project');
      assert.equal(registry.servers.files.cwd ?? '', '', 'no cwd: each instance runs in its project');
      const entry = JSON.parse(fs.readFileSync(path.join(projects[1], '.mcp.json'), 'utf8')).mcpServers.files;
      assert.deepEqual(entry.args, ['files']);

      await world.startBroker();
      for (const project of projects) {
        const listed = await claudeMcpList(project, env);
        assert.equal(listed.code, 0, `${listed.stdout}\n${listed.stderr}`);
        assert.match(parseMcpList(listed.stdout).files ?? '', /Connected/, listed.stdout);
      }
      const server = await world.server('files');
      const instanceProjects = [...new Set(server.instances.map((i) => i.keyParts?.project))].sort();
      assert.deepEqual(instanceProjects, [...projects].sort(), JSON.stringify(server.instances, null, 2));
      // Claude Code declares roots and server-filesystem asks for them: its instances are keyed by them.
      assert.equal(server.usesRoots, true, JSON.stringify(server, null, 2));
      for (const instance of server.instances) {
        assert.deepEqual(instance.keyParts.roots, [`file://${instance.keyParts.project}`], JSON.stringify(instance));
      }

      // A client without roots in the first project, after Claude Code (with roots) used the
      // server there: the directories it is allowed are those the server gives it run directly.
      const [viaManifold, direct] = await Promise.all([
        allowedDirectories({ command: entry.command, args: entry.args, cwd: projects[0], env }),
        allowedDirectories({ command: NODE24, args: [FILESYSTEM_JS, '.'], cwd: projects[0], env }),
      ]);
      assert.ok(direct.includes(projects[0]), direct);
      assert.equal(viaManifold, direct);
    }));
});

/** `list_allowed_directories` of server-filesystem for an SDK client without roots started in `cwd`. */
async function allowedDirectories({ command, args, cwd, env }) {
  const transport = new StdioClientTransport({ command, args, cwd, env, stderr: 'pipe' });
  const client = new Client({ name: 'e2e-no-roots', version: '1.0.0' }, { capabilities: {} });
  try {
    await withTimeout(client.connect(transport), 30000, `connect ${command}`);
    const result = await withTimeout(client.callTool({ name: 'list_allowed_directories', arguments: {} }), 30000, 'list_allowed_directories');
    return result.content.map((c) => c.text).join('\n');
  } finally {
    await client.close().catch(() => {});
  }
}
