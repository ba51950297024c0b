// A scripted browser for the sign-in tests (issue 15), the MANIFOLD_URL_OPENER target:
// argv[2] is an authorization URL of oidc-provider with devInteractions. It follows it with a
// cookie jar through the login and consent forms to the loopback redirect and GETs that.
//
// Environment:
//   SCRIPTED_BROWSER_LOG=FILE     append one line per step (and "done <status>" or "error ...")
//   SCRIPTED_BROWSER_DENY=1       abort the interaction (the AS answers error=access_denied)
//   SCRIPTED_BROWSER_TAMPER_STATE=1  change the state before following the loopback redirect
import { appendFileSync } from 'node:fs';

const start = process.argv[2];
const logFile = process.env.SCRIPTED_BROWSER_LOG;
function log(line) {
    if (logFile) appendFileSync(logFile, `${line}\n`);
}

const jar = new Map();
function remember(response) {
    for (const cookie of response.headers.getSetCookie()) {
        const [pair] = cookie.split(';');
        const eq = pair.indexOf('=');
        jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1));
    }
}
function cookieHeader() {
    return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
}
function isLoopback(url) {
    return url.protocol === 'http:' && url.hostname === '127.0.0.1' && url.pathname === '/callback';
}

async function request(url, init = {}) {
    const response = await fetch(url, {
        ...init, redirect: 'manual', headers: { ...(init.headers ?? {}), cookie: cookieHeader() },
    });
    remember(response);
    log(`${init.method ?? 'GET'} ${url.origin}${url.pathname} -> ${response.status}`);
    return response;
}

async function finishAtLoopback(url) {
    if (process.env.SCRIPTED_BROWSER_TAMPER_STATE) url.searchParams.set('state', 'tampered-state');
    const response = await fetch(url);
    log(`loopback ${url.pathname} -> ${response.status}`);
    log(`done ${response.status}`);
}

async function run() {
    let url = new URL(start);
    for (let step = 0; step < 20; step += 1) {
        if (isLoopback(url)) return finishAtLoopback(url);
        const response = await request(url);
        if (response.status >= 300 && response.status < 400) {
            url = new URL(response.headers.get('location'), url);
            continue;
        }
        if (response.status !== 200) {
            log(`error unexpected status ${response.status}: ${(await response.text()).slice(0, 300)}`);
            return undefined;
        }
        const html = await response.text();
        const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
        const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1];
        if (!action || !prompt) {
            log(`error no form at ${url.pathname}`);
            return undefined;
        }
        if (process.env.SCRIPTED_BROWSER_DENY) {
            url = new URL(`${new URL(action, url).pathname}/abort`, url);
            continue;
        }
        const form = prompt === 'login'
            ? new URLSearchParams({ prompt: 'login', login: 'alice', password: 'x' })
            : new URLSearchParams({ prompt: 'consent' });
        const posted = await request(new URL(action, url), {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: form.toString(),
        });
        if (posted.status < 300 || posted.status >= 400) {
            log(`error form ${prompt} answered ${posted.status}`);
            return undefined;
        }
        url = new URL(posted.headers.get('location'), url);
    }
    log('error too many steps');
    return undefined;
}

try {
    await run();
} catch (error) {
    log(`error ${error.message}`);
}
process.exit(0);
