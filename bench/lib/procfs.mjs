// What /proc says about processes: parent links, start times, memory. Linux only.
import fs from 'node:fs';

/** { state, ppid, pgid, startTime } from /proc/PID/stat, or null if there is no such process. */
export function readStat(pid) {
  let text;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // comm may hold spaces and parentheses: the fields after it start past the last ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return {
    state: rest[0], ppid: Number(rest[1]), pgid: Number(rest[2]),
    cpuTicks: Number(rest[11]) + Number(rest[12]),   // utime + stime, in clock ticks
    startTime: rest[19],
  };
}

/** User + system CPU time the process has used so far, in clock ticks, or null. */
export function cpuTicks(pid) {
  return readStat(pid)?.cpuTicks ?? null;
}

export function isAlive(pid) {
  const stat = readStat(pid);
  return stat !== null && stat.state !== 'Z' && stat.state !== 'X';
}

/** The process's argv joined by spaces ('' for kernel threads, zombies and vanished pids). */
export function cmdline(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0$/, '').split('\0').join(' ');
  } catch {
    return '';
  }
}

/** The executable's file name ('node', 'sh', ...), or '' if unknown. */
export function exeName(pid) {
  try {
    return fs.readlinkSync(`/proc/${pid}/exe`).split('/').pop().replace(/ \(deleted\)$/, '');
  } catch {
    return '';
  }
}

/** Pids of every live descendant of `pid`, children first. */
export function descendants(pid) {
  const children = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat || stat.state === 'Z') continue;
    if (!children.has(stat.ppid)) children.set(stat.ppid, []);
    children.get(stat.ppid).push(Number(entry));
  }
  const out = [];
  const queue = [pid];
  while (queue.length) {
    for (const child of children.get(queue.shift()) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

/** Fields of /proc/PID/status in KiB (VmRSS, VmHWM, ...), or null if the process is gone. */
export function status(pid) {
  let text;
  try {
    text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const fields = {};
  for (const line of text.split('\n')) {
    const match = /^(\w+):\s+(\d+) kB$/.exec(line);
    if (match) fields[match[1]] = Number(match[2]);
  }
  return fields;
}

/** Resident and private memory of one process in KiB: { rss, hwm, priv }, or null. */
export function memory(pid) {
  const fields = status(pid);
  if (!fields) return null;
  let priv = null;
  try {
    const rollup = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const value = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? 0);
    priv = value('Private_Clean') + value('Private_Dirty');
  } catch {
    // smaps_rollup needs Linux 4.14; leave private memory unknown
  }
  return { rss: fields.VmRSS ?? 0, hwm: fields.VmHWM ?? 0, priv };
}
