// The flooding client of the flood benchmark, in a process of its own so that reading its
// replies never slows down the quiet client being timed. Usage:
//   node flooder.mjs REQUESTS COMMAND [ARGS...]
// Spawns COMMAND (a server, or manifold-shim NAME), initializes, prints "ready", and on a line
// "go" on fd 3 writes REQUESTS echo calls at once (one write), then reads every reply, checks
// that each has its own id and its own echo, and prints one JSON line:
//   { "ms": time from the write to the last reply, "replies": n, "wrong": n, "firstWrong": line }
import { spawn } from 'node:child_process';
import net from 'node:net';
import readline from 'node:readline';

const [requests, command, ...args] = process.argv.slice(2);
const total = Number(requests);
const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'ignore'] });
child.on('exit', (code, signal) => {
  process.stderr.write(`flooder: ${command} exited (${code ?? signal})\n`);
  process.exit(1);
});

let onLine = () => {};
readline.createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => onLine(line));
const send = (message) => child.stdin.write(`${JSON.stringify(message)}\n`);

/** The reply to `id`; whatever the server sends before it (notifications) is passed over. */
function replyTo(id) {
  return new Promise((resolve) => {
    onLine = (line) => {
      if (JSON.parse(line).id === id) resolve(line);
    };
  });
}

send({
  jsonrpc: '2.0', id: 'init', method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'flooder', version: '1' } },
});
await replyTo('init');
send({ jsonrpc: '2.0', method: 'notifications/initialized' });
send({ jsonrpc: '2.0', id: 'list', method: 'tools/list' });
await replyTo('list');
process.stdout.write('ready\n');

const go = readline.createInterface({ input: new net.Socket({ fd: 3, readable: true, writable: false }) });
await new Promise((resolve) => go.once('line', resolve));

const seen = new Set();
let wrong = 0;
let firstWrong;
const start = process.hrtime.bigint();
const done = new Promise((resolve) => {
  onLine = (line) => {
    const reply = JSON.parse(line);
    if (reply.method !== undefined && reply.id === undefined) return;   // a notification: not a reply
    const id = reply.id;
    if (!Number.isInteger(id) || id < 1 || id > total || seen.has(id) ||
        reply.result?.content?.[0]?.text !== `Echo: flood:${id}`) {
      if (!wrong++) firstWrong = line.slice(0, 300);
    } else
      seen.add(id);
    if (seen.size + wrong >= total) resolve();
  };
});
const lines = [];
for (let id = 1; id <= total; ++id) {
  lines.push(JSON.stringify({
    jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'echo', arguments: { message: `flood:${id}` } },
  }));
}
child.stdin.write(`${lines.join('\n')}\n`);
await done;
const ms = Number(process.hrtime.bigint() - start) / 1e6;
process.stdout.write(`${JSON.stringify({ ms, replies: seen.size, wrong, firstWrong })}\n`);
child.removeAllListeners('exit');
child.stdin.end();
go.close();
setTimeout(() => child.kill('SIGKILL'), 2000).unref();
