// A minimal stdio MCP server with one tool, `echo`, answering line by line without the SDK: the
// window benchmark's server, so that the broker (not the server) is what a flood of 5,000
// calls/s loads. Answers initialize, ping, tools/list and tools/call echo like server-everything
// ("Echo: <message>"); anything else gets -32601.
import readline from 'node:readline';

const out = [];
let scheduled = false;
function send(message) {
  out.push(JSON.stringify(message));
  // One write per turn of the loop, however many answers it made.
  if (!scheduled) {
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      process.stdout.write(`${out.join('\n')}\n`);
      out.length = 0;
    });
  }
}

const TOOLS = [{
  name: 'echo',
  description: 'Echoes back the input',
  inputSchema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
}];

function answer(request) {
  switch (request.method) {
    case 'initialize':
      return {
        protocolVersion: request.params?.protocolVersion ?? '2025-06-18',
        capabilities: { tools: {} },
        serverInfo: { name: 'bench-echo', version: '1.0.0' },
      };
    case 'ping':
      return {};
    case 'tools/list':
      return { tools: TOOLS };
    case 'tools/call':
      if (request.params?.name === 'echo') return { content: [{ type: 'text', text: `Echo: ${request.params.arguments?.message}` }] };
      return undefined;
    default:
      return undefined;
  }
}

readline.createInterface({ input: process.stdin, crlfDelay: Infinity }).on('line', (line) => {
  if (!line.trim()) return;
  let request;
  try {
    request = JSON.parse(line);
  } catch {
    return;
  }
  if (request.id === undefined || request.method === undefined) return;   // a notification, or a reply
  const result = answer(request);
  if (result === undefined) send({ jsonrpc: '2.0', id: request.id, error: { code: -32601, message: `no ${request.method}` } });
  else send({ jsonrpc: '2.0', id: request.id, result });
});
process.stdin.on('end', () => process.exit(0));
