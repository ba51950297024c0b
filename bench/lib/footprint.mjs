// Processes, memory and CPU time of a target while its sessions are connected, read from /proc.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { EVERYTHING_JS, NODE } from './paths.mjs';
import { cmdline, cpuTicks, descendants, exeName, memory } from './procfs.mjs';

const mean = (values) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);

/**
 * Who is who: { servers, proxy, perClient } as lists of pids.
 *   servers:   the node processes running server-everything under the target's server root
 *   proxy:     the proxy's process tree without the servers (and their children)
 *   perClient: each session's own process (manifold-shim; for direct stdio the server itself)
 */
export function processRoles(instance, sessions) {
  // A shell that a proxy starts the server through is not a server.
  const node = path.basename(NODE);
  const servers = descendants(instance.serverRoot)
    .filter((pid) => exeName(pid) === node && cmdline(pid).includes(EVERYTHING_JS));
  let proxy = [];
  if (instance.proxyPid) {
    const serverTree = new Set(servers.flatMap((pid) => [pid, ...descendants(pid)]));
    proxy = [instance.proxyPid, ...descendants(instance.proxyPid)].filter((pid) => !serverTree.has(pid));
  }
  const perClient = instance.clientSide ? sessions.map((s) => s.pid).filter(Boolean) : [];
  return { servers, proxy, perClient };
}

/**
 * { servers, proxyRssKiB, proxyPrivKiB, proxyMainRssKiB, proxyHwmKiB, proxyProcesses, clientRssKiB,
 *   clientPrivKiB }
 *   proxyRssKiB / proxyPrivKiB: RSS and private memory summed over the proxy's tree
 *   proxyMain*: the proxy process alone (now, peak)
 *   client*:     mean over the sessions' own processes
 */
export function footprint(instance, sessions) {
  const roles = processRoles(instance, sessions);
  const out = { servers: roles.servers.length };
  if (instance.proxyPid) {
    const mems = roles.proxy.map(memory).filter(Boolean);
    out.proxyRssKiB = mems.reduce((sum, m) => sum + m.rss, 0);
    out.proxyPrivKiB = mems.reduce((sum, m) => sum + (m.priv ?? 0), 0);
    const main = memory(instance.proxyPid);
    out.proxyMainRssKiB = main?.rss ?? null;
    out.proxyHwmKiB = main?.hwm ?? null;
    out.proxyProcesses = roles.proxy.length;
  }
  if (roles.perClient.length) {
    const mems = roles.perClient.map(memory).filter(Boolean);
    out.clientRssKiB = mean(mems.map((m) => m.rss));
    out.clientPrivKiB = mean(mems.map((m) => m.priv).filter((v) => v !== null));
  }
  return out;
}

let ticksPerSecond;
function clockTicks() {
  try {
    ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    ticksPerSecond = 100;
  }
  return ticksPerSecond;
}

/**
 * Starts counting CPU time by role; the returned function ends it and gives microseconds of CPU
 * (user + system) per call for: client (this benchmark process), perClient, proxy, servers.
 */
export function cpuMeter(instance, sessions) {
  const roles = processRoles(instance, sessions);
  const sum = (pids) => pids.reduce((total, pid) => total + (cpuTicks(pid) ?? 0), 0);
  const before = Object.fromEntries(Object.entries(roles).map(([role, pids]) => [role, sum(pids)]));
  const selfBefore = process.cpuUsage();
  return (calls) => {
    const tickUs = 1e6 / clockTicks();
    const self = process.cpuUsage(selfBefore);
    const out = { client: (self.user + self.system) / calls };
    for (const [role, pids] of Object.entries(roles)) {
      // For direct stdio the per-client processes are the servers: count them once, as servers.
      if (role === 'perClient' && instance.clientSide === 'server') continue;
      if (pids.length) out[role] = ((sum(pids) - before[role]) * tickUs) / calls;
    }
    return out;
  };
}
