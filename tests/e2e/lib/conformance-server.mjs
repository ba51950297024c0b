// An MCP server with the fixtures the conformance suite's `server` scenarios ask for (tools
// test_*, resources test://…, prompts test_*), written here from the scenarios' descriptions
// (`conformance list --server`, each scenario's "Server Implementation Requirements"), on the
// official SDK's low-level Server. server-everything has none of them, so against it most
// scenarios can only fail; with this server they test what the front door must carry: progress,
// log messages and the server's sampling and elicitation requests on a request's own stream.
//
//   node conformance-server.mjs stdio          MCP over stdio (what Manifold runs)
//   node conformance-server.mjs http PORT      Streamable HTTP at http://127.0.0.1:PORT/mcp, one
//                                              SDK transport and server per session
//
// Not built: test_reconnection (server-sse-polling), which needs a server that closes its own
// HTTP stream; over stdio behind Manifold it cannot.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import process from 'node:process';
import zlib from 'node:zlib';

import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  CallToolRequestSchema, CompleteRequestSchema, CreateMessageResultSchema, ElicitResultSchema, GetPromptRequestSchema,
  ListPromptsRequestSchema, ListResourcesRequestSchema, ListResourceTemplatesRequestSchema, ListToolsRequestSchema,
  ReadResourceRequestSchema, SubscribeRequestSchema, UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';

// A 1x1 red PNG and a WAV of 8 silent samples, made here (base64).
const PNG = (() => {
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(Buffer.concat([Buffer.from(type, 'latin1'), data])));
    return Buffer.concat([length, Buffer.from(type, 'latin1'), data, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0); header.writeUInt32BE(1, 4); header[8] = 8; header[9] = 2; // 8-bit RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(Buffer.from([0, 255, 0, 0]))), // filter 0, one red pixel
    chunk('IEND', Buffer.alloc(0)),
  ]).toString('base64');
})();
const WAV = (() => {
  const samples = 8;
  const buffer = Buffer.alloc(44 + samples);
  buffer.write('RIFF', 0); buffer.writeUInt32LE(36 + samples, 4); buffer.write('WAVE', 8);
  buffer.write('fmt ', 12); buffer.writeUInt32LE(16, 16); buffer.writeUInt16LE(1, 20); buffer.writeUInt16LE(1, 22);
  buffer.writeUInt32LE(8000, 24); buffer.writeUInt32LE(8000, 28); buffer.writeUInt16LE(1, 32); buffer.writeUInt16LE(8, 34);
  buffer.write('data', 36); buffer.writeUInt32LE(samples, 40); buffer.fill(128, 44);
  return buffer.toString('base64');
})();

const noArgs = { type: 'object', properties: {} };
const stringArg = (name, description) => ({ type: 'object', properties: { [name]: { type: 'string', description } }, required: [name] });
const TOOLS = [
  { name: 'test_simple_text', description: 'Returns a text', inputSchema: noArgs },
  { name: 'test_image_content', description: 'Returns an image', inputSchema: noArgs },
  { name: 'test_audio_content', description: 'Returns audio', inputSchema: noArgs },
  { name: 'test_embedded_resource', description: 'Returns an embedded resource', inputSchema: noArgs },
  { name: 'test_multiple_content_types', description: 'Returns text, an image and a resource', inputSchema: noArgs },
  { name: 'test_tool_with_logging', description: 'Logs three messages while it runs', inputSchema: noArgs },
  { name: 'test_tool_with_progress', description: 'Reports progress 0, 50, 100 of 100', inputSchema: noArgs },
  { name: 'test_error_handling', description: 'Always fails', inputSchema: noArgs },
  { name: 'test_sampling', description: 'Asks the client to sample', inputSchema: stringArg('prompt', 'The prompt') },
  { name: 'test_elicitation', description: 'Asks the user', inputSchema: stringArg('message', 'The message') },
  { name: 'test_elicitation_sep1034_defaults', description: 'Asks with defaults', inputSchema: noArgs },
  { name: 'test_elicitation_sep1330_enums', description: 'Asks with every kind of enum', inputSchema: noArgs },
  {
    name: 'json_schema_2020_12_tool',
    description: 'Tool with JSON Schema 2020-12 features',
    inputSchema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      $defs: { address: { type: 'object', properties: { street: { type: 'string' }, city: { type: 'string' } } } },
      properties: { name: { type: 'string' }, address: { $ref: '#/$defs/address' } },
      additionalProperties: false,
    },
  },
];

const text = (value) => ({ type: 'text', text: value });
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function callTool(name, args, extra) {
  switch (name) {
  case 'test_simple_text':
    return { content: [text('This is a simple text response for testing.')] };
  case 'test_image_content':
    return { content: [{ type: 'image', data: PNG, mimeType: 'image/png' }] };
  case 'test_audio_content':
    return { content: [{ type: 'audio', data: WAV, mimeType: 'audio/wav' }] };
  case 'test_embedded_resource':
    return { content: [{ type: 'resource', resource: { uri: 'test://embedded-resource', mimeType: 'text/plain', text: 'This is an embedded resource content.' } }] };
  case 'test_multiple_content_types':
    return { content: [
      text('Multiple content types test:'),
      { type: 'image', data: PNG, mimeType: 'image/png' },
      { type: 'resource', resource: { uri: 'test://mixed-content-resource', mimeType: 'application/json', text: JSON.stringify({ test: 'data', value: 123 }) } },
    ] };
  case 'test_tool_with_logging':
    for (const [i, data] of ['Tool execution started', 'Tool processing data', 'Tool execution completed'].entries()) {
      if (i) await pause(50);
      await extra.sendNotification({ method: 'notifications/message', params: { level: 'info', data } });
    }
    return { content: [text('Logged three messages')] };
  case 'test_tool_with_progress': {
    const token = extra._meta?.progressToken;
    for (const [i, progress] of [0, 50, 100].entries()) {
      if (i) await pause(50);
      if (token !== undefined) await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress, total: 100 } });
    }
    return { content: [text('Progress reported')] };
  }
  case 'test_error_handling':
    return { isError: true, content: [text('This tool intentionally returns an error for testing')] };
  case 'test_sampling': {
    const answer = await extra.sendRequest({ method: 'sampling/createMessage', params: {
      messages: [{ role: 'user', content: text(String(args.prompt)) }], maxTokens: 100 } }, CreateMessageResultSchema);
    return { content: [text(`LLM response: ${answer.content?.text ?? JSON.stringify(answer.content)}`)] };
  }
  case 'test_elicitation':
    return elicit(extra, String(args.message), {
      username: { type: 'string', description: "User's response" },
      email: { type: 'string', description: "User's email address" },
    }, ['username', 'email'], 'User response');
  case 'test_elicitation_sep1034_defaults':
    return elicit(extra, 'Confirm your details', {
      name: { type: 'string', default: 'John Doe' },
      age: { type: 'integer', default: 30 },
      score: { type: 'number', default: 95.5 },
      status: { type: 'string', enum: ['active', 'inactive', 'pending'], default: 'active' },
      verified: { type: 'boolean', default: true },
    });
  case 'test_elicitation_sep1330_enums':
    return elicit(extra, 'Choose', {
      untitledSingle: { type: 'string', enum: ['option1', 'option2', 'option3'] },
      titledSingle: { type: 'string', oneOf: [{ const: 'value1', title: 'First Option' }, { const: 'value2', title: 'Second Option' }, { const: 'value3', title: 'Third Option' }] },
      legacyEnum: { type: 'string', enum: ['opt1', 'opt2', 'opt3'], enumNames: ['Option One', 'Option Two', 'Option Three'] },
      untitledMulti: { type: 'array', items: { type: 'string', enum: ['option1', 'option2', 'option3'] } },
      titledMulti: { type: 'array', items: { anyOf: [{ const: 'value1', title: 'First Choice' }, { const: 'value2', title: 'Second Choice' }, { const: 'value3', title: 'Third Choice' }] } },
    });
  case 'json_schema_2020_12_tool':
    return { content: [text(`Hello ${args.name ?? ''}`)] };
  default:
    throw new Error(`unknown tool ${name}`);
  }
}

async function elicit(extra, message, properties, required, prefix) {
  const result = await extra.sendRequest({ method: 'elicitation/create', params: {
    message, requestedSchema: { type: 'object', properties, ...(required ? { required } : {}) } } }, ElicitResultSchema);
  const summary = `action=${result.action}, content=${JSON.stringify(result.content ?? {})}`;
  return { content: [text(prefix ? `${prefix}: ${summary}` : `Elicitation completed: ${summary}`)] };
}

const RESOURCES = [
  { uri: 'test://static-text', name: 'static-text', description: 'A static text', mimeType: 'text/plain' },
  { uri: 'test://static-binary', name: 'static-binary', description: 'A static PNG', mimeType: 'image/png' },
  { uri: 'test://watched-resource', name: 'watched-resource', description: 'A resource to subscribe to', mimeType: 'text/plain' },
];

function readResource(uri) {
  if (uri === 'test://static-text') return { contents: [{ uri, mimeType: 'text/plain', text: 'This is the content of the static text resource.' }] };
  if (uri === 'test://static-binary') return { contents: [{ uri, mimeType: 'image/png', blob: PNG }] };
  if (uri === 'test://watched-resource') return { contents: [{ uri, mimeType: 'text/plain', text: 'Watched.' }] };
  const id = /^test:\/\/template\/([^/]+)\/data$/.exec(uri)?.[1];
  if (id !== undefined) return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` }) }] };
  throw new Error(`unknown resource ${uri}`);
}

const PROMPTS = [
  { name: 'test_simple_prompt', description: 'A prompt without arguments' },
  { name: 'test_prompt_with_arguments', description: 'A prompt with two arguments', arguments: [
    { name: 'arg1', description: 'First test argument', required: true }, { name: 'arg2', description: 'Second test argument', required: true }] },
  { name: 'test_prompt_with_embedded_resource', description: 'A prompt with a resource', arguments: [
    { name: 'resourceUri', description: 'URI of the resource to embed', required: true }] },
  { name: 'test_prompt_with_image', description: 'A prompt with an image' },
];

function getPrompt(name, args = {}) {
  const user = (content) => ({ role: 'user', content });
  switch (name) {
  case 'test_simple_prompt':
    return { messages: [user(text('This is a simple prompt for testing.'))] };
  case 'test_prompt_with_arguments':
    return { messages: [user(text(`Prompt with arguments: arg1='${args.arg1}', arg2='${args.arg2}'`))] };
  case 'test_prompt_with_embedded_resource':
    return { messages: [
      user({ type: 'resource', resource: { uri: args.resourceUri, mimeType: 'text/plain', text: 'Embedded resource content for testing.' } }),
      user(text('Please process the embedded resource above.')),
    ] };
  case 'test_prompt_with_image':
    return { messages: [user({ type: 'image', data: PNG, mimeType: 'image/png' }), user(text('Please analyze the image above.'))] };
  default:
    throw new Error(`unknown prompt ${name}`);
  }
}

function makeServer() {
  const server = new Server({ name: 'manifold-e2e-conformance-fixtures', version: '1.0.0' }, {
    capabilities: { tools: {}, resources: { subscribe: true }, prompts: {}, logging: {}, completions: {} },
  });
  const subscriptions = new Set();
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: TOOLS }));
  server.setRequestHandler(CallToolRequestSchema, (request, extra) => callTool(request.params.name, request.params.arguments ?? {}, extra));
  server.setRequestHandler(ListResourcesRequestSchema, () => ({ resources: RESOURCES }));
  server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({ resourceTemplates: [
    { uriTemplate: 'test://template/{id}/data', name: 'template', description: 'Data by id', mimeType: 'application/json' }] }));
  server.setRequestHandler(ReadResourceRequestSchema, (request) => readResource(request.params.uri));
  server.setRequestHandler(SubscribeRequestSchema, (request) => { subscriptions.add(request.params.uri); return {}; });
  server.setRequestHandler(UnsubscribeRequestSchema, (request) => { subscriptions.delete(request.params.uri); return {}; });
  server.setRequestHandler(ListPromptsRequestSchema, () => ({ prompts: PROMPTS }));
  server.setRequestHandler(GetPromptRequestSchema, (request) => getPrompt(request.params.name, request.params.arguments));
  server.setRequestHandler(CompleteRequestSchema, (request) => {
    const value = String(request.params.argument?.value ?? '');
    const values = ['paris', 'park', 'party', 'test', 'testing'].filter((v) => v.startsWith(value));
    return { completion: { values, total: values.length, hasMore: false } };
  });
  return server;
}

async function serveHttp(port) {
  const sessions = new Map();
  const httpServer = http.createServer(async (req, res) => {
    if (new URL(req.url, 'http://x').pathname !== '/mcp') {
      res.writeHead(404).end();
      return;
    }
    let body;
    if (req.method === 'POST') {
      const chunks = [];
      for await (const chunk of req) chunks.push(chunk);
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' })
          .end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } }));
        return;
      }
    }
    let transport = sessions.get(req.headers['mcp-session-id']);
    if (!transport && req.method === 'POST' && body?.method === 'initialize') {
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => sessions.set(id, transport),
      });
      transport.onclose = () => sessions.delete(transport.sessionId);
      await makeServer().connect(transport);
    }
    if (!transport) {
      res.writeHead(req.headers['mcp-session-id'] ? 404 : 400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32000, message: 'no such session' } }));
      return;
    }
    await transport.handleRequest(req, res, body);
  });
  await new Promise((resolve) => httpServer.listen(port, '127.0.0.1', resolve));
  process.stderr.write(`conformance fixtures at http://127.0.0.1:${httpServer.address().port}/mcp\n`);
}

const [mode, port] = process.argv.slice(2);
if (mode === 'http') {
  await serveHttp(Number(port));
} else if (mode === 'stdio') {
  await makeServer().connect(new StdioServerTransport());
} else {
  process.stderr.write('usage: conformance-server.mjs stdio | http PORT\n');
  process.exit(2);
}
