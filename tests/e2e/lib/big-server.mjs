// A small MCP server (the official SDK's McpServer over stdio) for the chaos test: large answers
// that say which call they answer, and a slow call with progress that honours cancellation.
//
//   blob {tag, bytes}        -> one text item: blobText(tag, bytes), exactly `bytes` characters
//   slow {tag, ms, steps}    -> progress 1..steps (total = steps) every ms/steps, then `slow TAG done`;
//                               a cancelled call stops at once and is never answered (SDK rule)
//   cancelled {}             -> JSON list of the tags of the slow calls this process saw cancelled
//
// Run as a program it serves on stdio; imported, it only exports blobText() so the test can
// check a reply byte for byte without any server involved.
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import process from 'node:process';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** FNV-1a of a string: the body's seed, so the whole text depends on the caller's tag. */
function fnv1a(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; ++i) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash || 1;
}

/**
 * `[tag]` followed by pseudo-random characters (xorshift32 seeded by the tag) up to exactly
 * `bytes` characters (ASCII: characters and bytes are the same). A reply meant for another call
 * differs in its head and in its body.
 */
export function blobText(tag, bytes) {
  const head = `[${tag}]`;
  const n = Math.max(0, bytes - head.length);
  const body = Buffer.allocUnsafe(n);
  let x = fnv1a(tag);
  for (let i = 0; i < n; ++i) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    body[i] = ALPHABET.charCodeAt(x & 63);
  }
  return head + body.toString('latin1');
}

async function main() {
  const { McpServer } = await import('@modelcontextprotocol/sdk/server/mcp.js');
  const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
  const { z } = await import('zod');

  const server = new McpServer({ name: 'manifold-e2e-big', version: '1.0.0' });

  server.registerTool('blob', {
    description: 'A deterministic text of `bytes` characters that starts with [tag] and depends on tag',
    inputSchema: { tag: z.string(), bytes: z.number().int().min(0).max(64 * 1024 * 1024) },
  }, async ({ tag, bytes }) => ({ content: [{ type: 'text', text: blobText(tag, bytes) }] }));

  const cancelled = [];
  server.registerTool('cancelled', {
    description: 'The tags of the slow calls this process saw cancelled, in order',
    inputSchema: {},
  }, async () => ({ content: [{ type: 'text', text: JSON.stringify(cancelled) }] }));

  server.registerTool('slow', {
    description: 'Takes `ms` milliseconds in `steps` steps, reporting progress; stops when cancelled',
    inputSchema: { tag: z.string(), ms: z.number().int().min(0), steps: z.number().int().min(1).max(100) },
  }, async ({ tag, ms, steps }, extra) => {
    const token = extra._meta?.progressToken;
    // One record per cancelled call, however many steps it had begun.
    if (extra.signal.aborted) cancelled.push(tag);
    else extra.signal.addEventListener('abort', () => cancelled.push(tag), { once: true });
    for (let i = 1; i <= steps; ++i) {
      await new Promise((resolve, reject) => {
        if (extra.signal.aborted) return reject(new Error('cancelled'));
        const stop = () => {
          clearTimeout(timer);
          reject(new Error('cancelled'));
        };
        const timer = setTimeout(() => {
          extra.signal.removeEventListener('abort', stop);
          resolve();
        }, ms / steps);
        extra.signal.addEventListener('abort', stop, { once: true });
      });
      if (token !== undefined) {
        await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: i, total: steps } });
      }
    }
    return { content: [{ type: 'text', text: `slow ${tag} done` }] };
  });

  await server.connect(new StdioServerTransport());
}

if (process.argv[1] && fileURLToPath(import.meta.url) === fs.realpathSync(process.argv[1])) {
  main().catch((error) => {
    process.stderr.write(`big-server: ${error?.stack ?? error}\n`);
    process.exit(1);
  });
}
