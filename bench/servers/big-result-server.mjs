// A stdio MCP server with one tool, `blob`, whose result is a text of the asked number of bytes:
// what the 10 MB relay benchmark sends through Manifold. Built on the SDK's low-level Server.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

// Lines of 64 bytes with a quote in each, so the JSON carries escapes like real tool output does.
const LINE = 'relay "benchmark" payload 0123456789 abcdefghijklmnopqrstuvwxyz\n';
const texts = new Map();
function text(bytes) {
  if (!texts.has(bytes)) texts.set(bytes, LINE.repeat(Math.ceil(bytes / LINE.length)).slice(0, bytes));
  return texts.get(bytes);
}

const server = new Server({ name: 'big-result', version: '1.0.0' }, { capabilities: { tools: {} } });
server.setRequestHandler(ListToolsRequestSchema, async () => ({
  tools: [{
    name: 'blob',
    description: 'Returns a text of `bytes` bytes',
    inputSchema: { type: 'object', properties: { bytes: { type: 'number' } }, required: ['bytes'] },
  }],
}));
server.setRequestHandler(CallToolRequestSchema, async (request) => {
  const bytes = Math.max(0, Math.floor(Number(request.params.arguments?.bytes ?? 0)));
  return { content: [{ type: 'text', text: text(bytes) }] };
});
await server.connect(new StdioServerTransport());
