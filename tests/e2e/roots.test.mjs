// Roots through Manifold are what each client would give the server itself. The real
// @modelcontextprotocol/server-filesystem, started with a directory argument, is used by a
// client that declares roots (another directory) and by one that declares none: each lists
// its allowed directories and reads files, once with the server spawned directly and once
// through Manifold, and must see the same both ways. Through Manifold that takes two children:
// one answered with the roots client's roots, one initialized without the roots capability.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { ListRootsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

import { E2E_DIR, NODE, withWorld, skipReason, resultText, waitFor } from './lib/harness.mjs';

const FILESYSTEM_JS = path.join(E2E_DIR, 'node_modules', '@modelcontextprotocol', 'server-filesystem', 'dist', 'index.js');
const CALL_TIMEOUT = { timeout: 30000 };

function makeProjects(world) {
  const make = (name, file, text) => {
    const dir = path.join(world.dir, name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
    return fs.realpathSync(dir);   // the server reports resolved paths
  };
  return { a: make('project-a', 'a.txt', 'alpha file\n'), b: make('project-b', 'b.txt', 'bravo file\n') };
}

async function allowedDirectories(handle) {
  return resultText(await handle.client.callTool({ name: 'list_allowed_directories', arguments: {} }, undefined, CALL_TIMEOUT));
}

/** The file's text, or the server's error text (it says "Access denied …" outside its directories). */
async function read(handle, file) {
  const result = await handle.client.callTool({ name: 'read_text_file', arguments: { path: file } }, undefined, CALL_TIMEOUT);
  const text = (result.content ?? []).filter((c) => c.type === 'text').map((c) => c.text).join('\n');
  return result.isError ? `error: ${text}` : text;
}

/** What a client sees: its allowed directories and both projects' files. */
async function observe(handle, projects) {
  return {
    directories: await allowedDirectories(handle),
    fileA: await read(handle, path.join(projects.a, 'a.txt')),
    fileB: await read(handle, path.join(projects.b, 'b.txt')),
  };
}

/** Connects a client; `roots` (an array) makes it declare the roots capability and report them. */
function connectClient(world, { roots, clientName, direct, projects }) {
  const options = { clientName, cwd: projects.a };
  if (direct) Object.assign(options, { command: NODE, args: [FILESYSTEM_JS, projects.a] });
  else options.name = 'fs';
  if (roots) {
    options.capabilities = { roots: { listChanged: true } };
    options.setup = (client) => client.setRequestHandler(ListRootsRequestSchema, () => ({ roots }));
  }
  return world.connect(options);
}

/** The server applies roots after asking for them: wait until it reports the expected directory. */
async function settled(handle, directory) {
  let last;
  await waitFor(async () => {
    last = await allowedDirectories(handle);
    return last.includes(directory);
  }, { timeoutMs: 15000, intervalMs: 100, what: `allowed directories to include ${directory}` }).catch((error) => {
    throw new Error(`${error.message}; last: ${JSON.stringify(last)}`);
  });
}

describe('roots', { skip: skipReason() || (!fs.existsSync(FILESYSTEM_JS) && `${FILESYSTEM_JS} missing`) }, () => {
  test('server-filesystem sees each client\'s roots, or its own arguments, exactly as when started directly', { timeout: 120000 }, () => withWorld(async (world) => {
    const projects = makeProjects(world);
    const rootsB = [{ uri: pathToFileURL(projects.b).href, name: 'project-b' }];
    world.writeServers({ fs: { command: NODE, args: [FILESYSTEM_JS, projects.a], env: {}, sharing: 'shared', lingerMs: 60000 } });

    // Directly: each client spawns its own server-filesystem.
    const rootsDirect = await connectClient(world, { roots: rootsB, clientName: 'claude-code', direct: true, projects });
    await settled(rootsDirect, projects.b);
    const expectedRoots = await observe(rootsDirect, projects);
    const bareDirect = await connectClient(world, { clientName: 'gemini-cli', direct: true, projects });
    const expectedBare = await observe(bareDirect, projects);
    // Premises: the roots client is restricted to B, the other one to the argument A.
    assert.ok(expectedRoots.directories.includes(projects.b) && !expectedRoots.directories.includes(projects.a), JSON.stringify(expectedRoots));
    assert.match(expectedRoots.fileA, /^error: .*denied/i);
    assert.equal(expectedRoots.fileB, 'bravo file\n');
    assert.ok(expectedBare.directories.includes(projects.a) && !expectedBare.directories.includes(projects.b), JSON.stringify(expectedBare));
    assert.equal(expectedBare.fileA, 'alpha file\n');
    assert.match(expectedBare.fileB, /^error: .*denied/i);
    await rootsDirect.close();
    await bareDirect.close();

    // Through Manifold: the roots client first, then the one without roots.
    await world.startBroker();
    const rootsClient = await connectClient(world, { roots: rootsB, clientName: 'claude-code', projects });
    await settled(rootsClient, projects.b);
    const bareClient = await connectClient(world, { clientName: 'gemini-cli', projects });
    assert.deepEqual(await observe(bareClient, projects), expectedBare, 'no roots: the server uses its own arguments');
    assert.deepEqual(await observe(rootsClient, projects), expectedRoots, 'roots: the server sees exactly the client\'s roots');

    const server = await world.server('fs');
    assert.equal(server.usesRoots, true);
    const keys = server.instances.map((i) => i.key).sort();
    assert.deepEqual(keys, ['no roots', `roots:${pathToFileURL(projects.b).href}`], JSON.stringify(server.instances));
    for (const instance of server.instances) {
      assert.equal(instance.sessions.length, 1, JSON.stringify(instance));
      assert.ok(Number.isInteger(instance.pid) && instance.pid > 0);
      assert.ok(Array.isArray(instance.keyParts.roots));
    }
    assert.deepEqual(rootsClient.errors.map(String), []);
    assert.deepEqual(bareClient.errors.map(String), []);
  }));
});
