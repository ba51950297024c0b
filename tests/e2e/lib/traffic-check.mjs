// Helpers for the traffic e2e test (traffic.test.mjs): reading `manifoldctl traffic` as JSON Lines,
// one fixed MCP call sequence for an SDK client, and matching what a client put on / took off its
// wire (the harness's wire tap) against the records the broker kept.
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';

import { resultText } from './harness.mjs';

export const LONG_RUNNING = 'trigger-long-running-operation';
export const PROGRESS_STEPS = 3;

/** `manifoldctl traffic NAME --json --limit 5000 FLAGS...`, parsed: one object per line. */
export async function readTraffic(world, name, ...flags) {
  const result = await world.ctlRaw('traffic', name, '--json', '--limit', '5000', ...flags);
  assert.equal(result.code, 0, `manifoldctl traffic ${flags.join(' ')}: ${result.stderr}`);
  return parseJsonLines(result.stdout);
}

export function parseJsonLines(text) {
  return text.split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line));
}

/**
 * The same calls, in the same order, for the direct and the Manifold run: returns what the client
 * got from each (compared between the runs) and how many progress notifications reached it.
 */
export async function runSequence(client, echoText) {
  const results = {};
  results.server = client.getServerVersion();
  results.tools = await client.listTools();
  results.echo = await client.callTool({ name: 'echo', arguments: { message: echoText } });
  results.sum = await client.callTool({ name: 'get-sum', arguments: { a: 19, b: 23 } });
  // server-everything answers an unknown tool with an isError result, not a JSON-RPC error.
  results.unknownTool = await client.callTool({ name: 'no-such-tool', arguments: {} });
  results.resources = await client.listResources();
  results.prompts = await client.listPrompts();
  results.long = await client.callTool({ name: LONG_RUNNING, arguments: { duration: 1, steps: PROGRESS_STEPS } },
    undefined, { timeout: 30000, onprogress: () => {} });
  assert.equal(resultText(results.echo), `Echo: ${echoText}`);
  assert.match(resultText(results.sum), /\b42\b/);
  assert.equal(results.unknownTool.isError, true, JSON.stringify(results.unknownTool));
  assert.match(resultText(results.long), /completed/);
  return results;
}

const isRequest = (m) => typeof m.method === 'string' && m.id !== undefined;
const isNotification = (m) => typeof m.method === 'string' && m.id === undefined;
const isResponse = (m) => m.method === undefined && m.id !== undefined;

/**
 * The broker rewrites a request's progressToken on its way to the shared server (two clients may
 * use the same one) and back on each progress notification; the ring keeps the server's line, so
 * a progress notification's body carries the server-side token. Everything else must be equal.
 */
function withoutProgressToken(message) {
  if (message?.method !== 'notifications/progress') return message;
  const { progressToken, ...params } = message.params ?? {};
  return { ...message, params };
}

function bodyOf(record) {
  assert.equal(record.hasBody, true, `record ${record.seq} (${record.method}) has a body`);
  return JSON.parse(record.body);
}

/**
 * Asserts that the records of `session` are exactly the messages on `wire` (a harness wire tap):
 * every message has one record (same direction, kind, method, id, and a body equal as JSON), the
 * session has no other record, answers are paired with their request's record, and each record
 * names `clientName`. Notifications the server sent to several sessions at once are noted as
 * session 0; those may match a record of session 0 instead. Returns { requestRecordOf, used }.
 */
export function assertRecordsAreTheWire(records, session, clientName, wire) {
  const used = new Set();
  const requestRecordOf = new Map();   // JSON id -> the to-server request record
  const describe = (m) => JSON.stringify(m).slice(0, 200);
  const take = (tapped, direction, predicate) => {
    // As it went on the wire: the SDK's objects may hold undefined members (params: undefined).
    const message = JSON.parse(JSON.stringify(tapped));
    const candidates = records.filter((r) => !used.has(r.seq) && r.direction === direction && predicate(r));
    const record = candidates.find((r) => isDeepStrictEqual(withoutProgressToken(bodyOf(r)), withoutProgressToken(message)));
    assert.ok(record, `no ${direction} record for ${describe(message)}; candidates: ${candidates.map((r) => r.body).join('\n')}`);
    used.add(record.seq);
    return record;
  };

  for (const message of wire.out) {
    if (isRequest(message)) {
      const record = take(message, 'to-server', (r) => r.session === session && r.kind === 'request'
        && r.method === message.method && r.id === message.id);
      requestRecordOf.set(JSON.stringify(message.id), record);
    } else if (isNotification(message)) {
      take(message, 'to-server', (r) => r.session === session && r.kind === 'notification' && r.method === message.method);
    } else {
      assert.fail(`the client answered a server request, not expected here: ${describe(message)}`);
    }
  }
  for (const message of wire.in) {
    if (isResponse(message)) {
      const kind = message.error ? 'error' : 'result';
      const record = take(message, 'from-server', (r) => r.session === session && r.kind === kind && r.id === message.id);
      const request = requestRecordOf.get(JSON.stringify(message.id));
      assert.ok(request, `answer ${describe(message)} to a request the client sent`);
      assert.equal(record.requestSeq, request.seq, `answer ${message.id} paired with its request's record`);
      assert.equal(record.method, request.method, `answer ${message.id} carries its request's method`);
      assert.ok(typeof record.durationMs === 'number' && record.durationMs >= 0, `durationMs ${record.durationMs}`);
      assert.ok(record.timeUs >= request.timeUs, 'an answer is noted after its request');
      if (kind === 'error') {
        assert.equal(record.errorCode, message.error.code);
        assert.equal(record.errorMessage, message.error.message.slice(0, 200));
      }
    } else if (isNotification(message)) {
      take(message, 'from-server', (r) => (r.session === session || r.session === 0) && r.kind === 'notification'
        && r.method === message.method);
    } else {
      assert.fail(`a server request reached the client, not expected here: ${describe(message)}`);
    }
  }

  const extra = records.filter((r) => r.session === session && !used.has(r.seq));
  assert.deepEqual(extra.map((r) => `${r.seq} ${r.direction} ${r.kind} ${r.method}`), [],
    `session ${session} has only the client's messages`);
  for (const record of records.filter((r) => r.session === session)) {
    assert.equal(record.client, clientName, `record ${record.seq} names the client`);
  }
  return { requestRecordOf, used };
}

/** The session number of the client called `clientName`, from its initialize record. */
export function sessionOf(records, clientName) {
  const initializes = records.filter((r) => r.kind === 'request' && r.method === 'initialize' && r.client === clientName);
  assert.equal(initializes.length, 1, `one initialize from ${clientName}: ${JSON.stringify(initializes)}`);
  assert.ok(initializes[0].session > 0, 'a client session has a number');
  return initializes[0].session;
}
