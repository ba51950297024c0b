// Real MCP traffic for the screenshot test (tests/gui/screenshot/test_screenshot_traffic.cpp):
// four official SDK clients, named like the apps people run, each through a real manifold-shim
// on the test broker's socket, making the calls a day of work makes.
//
//   node traffic-clients.mjs --shim PATH --socket PATH --everything NAME --second NAME
//                            [--projects DIR]
//
// With --projects, the coding tools run in DIR/webshop and DIR/infra (made if missing), as
// they would in a user's checkouts, so the clients map shows projects.
// The secret the test put in the keychain comes in TRAFFIC_SECRET: claude-ai types it into an
// echo call, so the server echoes it back and the traffic view must show it masked.
// Prints one line "READY {json summary}" once every call was answered, then keeps the sessions
// open (the clients map shows them) until stdin closes or says "quit"; prints "DONE" at the end.
// Failures print "FAILED <why>" and exit 1.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const { values: options } = parseArgs({
  options: {
    shim: { type: 'string' },
    socket: { type: 'string' },
    everything: { type: 'string', default: 'everything' },
    second: { type: 'string', default: 'github' },
    projects: { type: 'string' },
  },
});
if (!options.shim || !options.socket) {
  console.log('FAILED usage: --shim PATH --socket PATH [--everything NAME] [--second NAME]');
  process.exit(2);
}
const secret = process.env.TRAFFIC_SECRET ?? '';

const clients = [];

function projectDir(name) {
  if (!options.projects) return undefined;
  const dir = path.join(options.projects, name);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

async function connect(clientName, server, project) {
  const cwd = project ? projectDir(project) : undefined;
  const transport = new StdioClientTransport({
    ...(cwd ? { cwd } : {}),
    command: options.shim,
    args: ['--socket', options.socket, server],
    env: { ...process.env },
    stderr: 'inherit',
  });
  const client = new Client({ name: clientName, version: '1.0.0' }, { capabilities: {} });
  await client.connect(transport);
  clients.push(client);
  return client;
}

const text = (result) => (result.content ?? []).map((part) => part.text ?? '').join('');

async function claudeAi(client) {
  const echoed = await client.callTool({ name: 'echo', arguments: { message: `deploy with token ${secret}` } });
  if (secret && !text(echoed).includes(secret)) throw new Error(`echo did not echo the secret: ${text(echoed)}`);
  const sum = await client.callTool({ name: 'get-sum', arguments: { a: 19, b: 23 } });
  if (!text(sum).includes('42')) throw new Error(`get-sum: ${text(sum)}`);
  await client.listResources();
  await client.listPrompts();
}

async function cursor(client) {
  let progress = 0;
  await client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 1, steps: 4 } },
    undefined, { onprogress: () => { ++progress; }, timeout: 30000 });
  await client.listTools();
  await client.callTool({ name: 'echo', arguments: { message: 'refactor the parser' } });
  return progress;
}

// A call the server refuses: a JSON-RPC error or an isError result, depending on the SDK.
async function failingCall(client) {
  try {
    const result = await client.callTool({ name: 'no-such-tool', arguments: {} });
    return result.isError === true;
  } catch {
    return true;
  }
}

async function claudeCode(client, label) {
  for (let i = 0; i < 3; ++i)
    await client.callTool({ name: 'echo', arguments: { message: `${label}: read file ${i}` } });
  await client.listTools();
}

async function main() {
  const ai = await connect('claude-ai', options.everything);
  const cur = await connect('cursor-vscode', options.everything, 'webshop');
  const codeA = await connect('claude-code', options.everything, 'webshop');
  const codeB = await connect('claude-code', options.second, 'infra');

  const [, progress] = await Promise.all([claudeAi(ai), cursor(cur), claudeCode(codeA, 'session 1'),
    claudeCode(codeB, 'session 2')]);
  const failed = await failingCall(cur);
  if (!failed) throw new Error('the failing call succeeded');
  await codeA.callTool({ name: 'get-sum', arguments: { a: 2, b: 3 } });
  // The newest record is the one the screenshot selects: claude-ai's echo with the secret.
  await ai.callTool({ name: 'echo', arguments: { message: `deploy with token ${secret}` } });

  console.log(`READY ${JSON.stringify({ clients: clients.length, progress })}`);
}

async function closeAll() {
  await Promise.allSettled(clients.map((client) => client.close()));
  console.log('DONE');
  process.exit(0);
}

process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { if (chunk.includes('quit')) closeAll(); });
process.stdin.on('end', closeAll);

main().catch(async (error) => {
  console.log(`FAILED ${error?.stack ?? error}`);
  await Promise.allSettled(clients.map((client) => client.close()));
  process.exit(1);
});
