// Server->client requests under concurrency. N official SDK clients share one server-everything
// and call its sampling and elicitation tools (and echo) all at once. Over stdio the server's
// sampling/elicitation requests carry no hint of which call caused them, so the broker must never
// let the cause be ambiguous: every call must be answered by its own client, no handler may see
// another client's request, and the calls learned to ask are kept in learned.json.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { CreateMessageRequestSchema, ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';

import { withWorld, skipReason } from './lib/harness.mjs';

const ROUNDS = 3;   // calls of each tool per client, all in flight together
const CALL_TIMEOUT = { timeout: 60000 };

/** All text content items of a tool result, joined. */
function allText(result) {
  return (result?.content ?? []).filter((c) => c.type === 'text').map((c) => c.text).join('\n');
}

/** A client that answers sampling and (form) elicitation with its own marker and records what it was asked. */
async function markedClient(world, index) {
  const marker = `MARK-${index}-${randomUUID().slice(0, 8)}`;
  const seen = { sampling: [], elicitation: [] };
  const handle = await world.connect({
    clientName: `attribution-${index}`,
    capabilities: { sampling: {}, elicitation: { form: {} } },
    setup: (client) => {
      client.setRequestHandler(CreateMessageRequestSchema, (request) => {
        seen.sampling.push(request.params);
        return { model: `model-${marker}`, role: 'assistant', content: { type: 'text', text: marker }, stopReason: 'endTurn' };
      });
      client.setRequestHandler(ElicitRequestSchema, (request) => {
        seen.elicitation.push(request.params);
        return { action: 'accept', content: { name: marker, check: true, integer: 7 } };
      });
    },
  });
  return { index, marker, seen, handle, client: handle.client };
}

/** Starts every client's calls at once; resolves to [{ client, kind, round, text }]. */
function callEverything(clients) {
  const calls = [];
  for (let round = 0; round < ROUNDS; ++round) {
    for (const c of clients) {
      const prompt = `prompt-of-${c.index}-round-${round}`;
      calls.push(c.client.callTool({ name: 'trigger-sampling-request', arguments: { prompt, maxTokens: 10 } }, undefined, CALL_TIMEOUT)
        .then((result) => ({ client: c, kind: 'sampling', round, result })));
      calls.push(c.client.callTool({ name: 'trigger-elicitation-request', arguments: {} }, undefined, CALL_TIMEOUT)
        .then((result) => ({ client: c, kind: 'elicitation', round, result })));
      // A call that never asks anything, running beside them.
      calls.push(c.client.callTool({ name: 'echo', arguments: { message: `echo-${c.index}-${round}` } }, undefined, CALL_TIMEOUT)
        .then((result) => ({ client: c, kind: 'echo', round, result })));
    }
  }
  return Promise.all(calls);
}

async function runClients(n) {
  await withWorld(async (world) => {
    await world.startBroker();
    const clients = [];
    for (let i = 0; i < n; ++i) clients.push(await markedClient(world, i));
    const tools = (await clients[0].client.listTools()).tools.map((t) => t.name);
    assert.ok(tools.includes('trigger-sampling-request') && tools.includes('trigger-elicitation-request'),
      `premise: the server offers both asking tools (it was told the broker can sample and elicit): ${tools}`);

    const outcomes = await callEverything(clients);
    const markers = clients.map((c) => c.marker);
    let wrong = 0;
    for (const { client, kind, round, result } of outcomes) {
      const text = allText(result);
      assert.ok(!result.isError, `client ${client.index} ${kind} round ${round} failed: ${text}`);
      const foreign = markers.filter((m) => m !== client.marker && text.includes(m));
      wrong += foreign.length;
      assert.deepEqual(foreign, [], `client ${client.index}'s ${kind} call was answered by another client: ${text}`);
      if (kind === 'sampling') {
        assert.ok(text.includes(client.marker), `client ${client.index}'s sampling result lacks its own answer: ${text}`);
      } else if (kind === 'elicitation') {
        assert.match(text, new RegExp(`- Name: ${client.marker}`), `client ${client.index}'s elicitation result: ${text}`);
      } else {
        assert.match(text, new RegExp(`echo-${client.index}-${round}`), `echo of client ${client.index}: ${text}`);
      }
    }
    assert.equal(wrong, 0, 'answers from the wrong client');

    // Each handler saw exactly its own client's requests: ROUNDS of each, its own prompts only.
    for (const c of clients) {
      assert.equal(c.seen.sampling.length, ROUNDS, `client ${c.index} sampling handler calls`);
      assert.equal(c.seen.elicitation.length, ROUNDS, `client ${c.index} elicitation handler calls`);
      const prompts = c.seen.sampling.map((p) => p.messages[0].content.text);
      for (const prompt of prompts) {
        assert.match(prompt, new RegExp(`prompt-of-${c.index}-round-\\d+$`), `client ${c.index} was asked for another client's call`);
      }
      assert.deepEqual(c.handle.errors.map(String), [], `client ${c.index} saw protocol errors`);
    }

    // Alone in flight, each asking call is learned for sure; the broker keeps what it learned
    // (written before the tool's result can arrive) for the next time it starts this server.
    const solo = clients[0];
    const soloSampling = await solo.client.callTool({ name: 'trigger-sampling-request', arguments: { prompt: 'solo', maxTokens: 10 } },
      undefined, CALL_TIMEOUT);
    assert.ok(allText(soloSampling).includes(solo.marker), allText(soloSampling));
    const soloElicitation = await solo.client.callTool({ name: 'trigger-elicitation-request', arguments: {} }, undefined, CALL_TIMEOUT);
    assert.match(allText(soloElicitation), new RegExp(`- Name: ${solo.marker}`));
    const learnedFile = path.join(world.configDir, 'learned.json');
    const learned = JSON.parse(fs.readFileSync(learnedFile, 'utf8'));
    const asking = learned.servers?.everything?.askingCalls ?? [];
    assert.ok(asking.includes('tools/call:trigger-sampling-request'), `learned: ${JSON.stringify(learned)}`);
    assert.ok(asking.includes('tools/call:trigger-elicitation-request'), `learned: ${JSON.stringify(learned)}`);
    assert.ok(!asking.includes('tools/call:echo'), `echo never asks: ${JSON.stringify(learned)}`);
  });
}

describe('server->client requests under concurrency reach only the client that caused them', { skip: skipReason() }, () => {
  for (const n of [2, 4, 8]) {
    test(`${n} clients calling sampling and elicitation tools at once`, { timeout: 120000 }, () => runClients(n));
  }
});
