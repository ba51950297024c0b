// Issue 17's targets (a shim that costs nothing) judged on one run: "met"/"MISSED" with the
// numbers behind each, then where the physical floor (two bare relays) stands and how far
// Manifold is above it, and the broker's CPU per call.

const ms = (value, digits = 3) => (value === null || value === undefined ? '-' : `${value.toFixed(digits)} ms`);
const mib = (kib) => (kib === null || kib === undefined ? '-' : `${(kib / 1024).toFixed(1)} MiB`);
const pct = (a, b) => `${Math.round((100 * a) / b)}%`;
const times = (a, b) => `${(a / b).toFixed(2)}x`;
const cps = (value) => `${Math.round(value)} c/s`;
const line = (ok, name, detail) => `  ${ok ? 'met   ' : 'MISSED'} ${name}: ${detail}`;

/** A target's line; if it is missed and the floor misses the bar too, a line saying so. */
function judged(name, value, bar, floorValue, detail, floorDetail) {
  const ok = value !== null && bar(value);
  const out = [line(ok, name, detail)];
  if (!ok && floorValue !== null && floorValue !== undefined && !bar(floorValue)) {
    out.push(`         the floor misses it too (${floorDetail}): two bare hops alone do not meet it in this run`);
  }
  return out;
}

function startLines(m) {
  const s = m.startup;
  if (!s) return ['  -      shim start -> welcome <= 1 ms median: not measured (--start-spawns 0 or an older target)'];
  const failed = m.startFailedAll ? `; ${m.startFailedAll} spawn(s) did not exit 0 (status ${s.ready.failedStatus ?? '?'})` : '';
  const ok = s.ready.median !== null && s.ready.median <= 1 && !m.startFailedAll;
  return [line(ok, 'shim start -> welcome <= 1 ms median',
    `${ms(s.ready.median, 2)} spawn to exit with stdin at EOF (p10 ${ms(s.ready.p10, 2)}, p90 ${ms(s.ready.p90, 2)}, ` +
    `CPU ${ms(s.ready.cpu, 2)}; ${s.ready.runs} spawns a round${failed}); spawn floor /bin/true ${ms(s.spawnFloor.median, 2)}, ` +
    `shim --version ${ms(s.version.median, 2)}`)];
}

function memoryLines(m, f) {
  const fp = m.footprint;
  const hop = f ? ` (floor hop ${mib(f.footprint?.clientRssKiB)})` : '';
  const hopPriv = f ? ` (floor hop ${mib(f.footprint?.clientPrivKiB)})` : '';
  return [
    line(fp.clientRssKiB <= 3 * 1024, 'shim RSS <= 3 MiB', `${mib(fp.clientRssKiB)} per shim relaying a live session${hop}`),
    line(fp.clientPrivKiB !== null && fp.clientPrivKiB <= 512, 'shim private <= 0.5 MiB',
      `${mib(fp.clientPrivKiB)} per shim, Private_Clean+Private_Dirty${hopPriv}`),
  ];
}

function floorLines(m, d, f) {
  if (!f) return ['  floor: not measured (add floor to --only)'];
  const aboveUs = Math.round((m.latency.p50 - f.latency.p50) * 1000);
  const hopsUs = Math.round((f.latency.p50 - d.latency.p50) * 1000);
  return [
    `  floor: two bare relays p50 ${ms(f.latency.p50)} = ${times(f.latency.p50, d.latency.p50)} direct (${hopsUs} µs over direct); ` +
      `Manifold (${ms(m.latency.p50)}) is ${Math.abs(aboveUs)} µs ${aboveUs >= 0 ? 'above' : 'below (noise: the run is too short or the machine busy)'} the floor`,
    `  floor: 1 session x8 ${cps(f.oneSession.perSecond)} = ${pct(f.oneSession.perSecond, d.oneSession.perSecond)} of direct; ` +
      `Manifold ${cps(m.oneSession.perSecond)} = ${pct(m.oneSession.perSecond, f.oneSession.perSecond)} of the floor`,
    `  floor: 8 sessions ${cps(f.sessions.perSecond)} = ${times(f.sessions.perSecond, d.sessions.perSecond)} direct; ` +
      `Manifold ${cps(m.sessions.perSecond)} = ${pct(m.sessions.perSecond, f.sessions.perSecond)} of the floor`,
  ];
}

function cpuLine(m, f) {
  const us = (cpu, role) => (cpu?.[role] === undefined ? '-' : `${Math.round(cpu[role])} µs`);
  const floor = f ? `; floor relays: 1 session x8 ${us(f.oneSession.cpuUs, 'proxy')} + hops ${us(f.oneSession.cpuUs, 'perClient')}, ` +
    `8 sessions ${us(f.sessions.cpuUs, 'proxy')} + hops ${us(f.sessions.cpuUs, 'perClient')}` : '';
  return `  broker CPU per call (to be halved from the issue's 19-31 µs): 1 session x8 ${us(m.oneSession.cpuUs, 'proxy')}, ` +
    `8 sessions ${us(m.sessions.cpuUs, 'proxy')}; shims ${us(m.oneSession.cpuUs, 'perClient')} / ${us(m.sessions.cpuUs, 'perClient')}${floor}`;
}

/** Lines for the block after the table; needs the manifold and direct rows, uses the floor's if present. */
export function issue17Verdict(rows) {
  const m = rows.find((r) => r.key === 'manifold');
  const d = rows.find((r) => r.key === 'direct');
  if (!m || m.error || !d || d.error) return ['  not judged (manifold or direct stdio did not complete)'];
  const f = rows.find((r) => r.key === 'floor' && !r.error);
  const sc = m.secondClient;
  return [
    ...startLines(m),
    line(sc.total <= 5, '2nd client spawn + initialize + tools/list <= 5 ms median',
      `${ms(sc.total, 1)} (shim spawned ${sc.start.toFixed(1)}, initialize ${sc.initialize.toFixed(1)}, tools/list ` +
      `${sc.toolsList.toFixed(1)}; node's own spawn included)`),
    ...memoryLines(m, f),
    ...judged('sequential echo p50 <= 1.3x direct', m.latency.p50 / d.latency.p50, (x) => x <= 1.3,
      f && f.latency.p50 / d.latency.p50,
      `${ms(m.latency.p50)} vs ${ms(d.latency.p50)} = ${times(m.latency.p50, d.latency.p50)}`,
      f && `${ms(f.latency.p50)} = ${times(f.latency.p50, d.latency.p50)}`),
    ...judged('1 session x8 in flight >= 80% of direct', m.oneSession.perSecond / d.oneSession.perSecond, (x) => x >= 0.8,
      f && f.oneSession.perSecond / d.oneSession.perSecond,
      `${cps(m.oneSession.perSecond)} vs ${cps(d.oneSession.perSecond)} = ${pct(m.oneSession.perSecond, d.oneSession.perSecond)}`,
      f && `${cps(f.oneSession.perSecond)} = ${pct(f.oneSession.perSecond, d.oneSession.perSecond)}`),
    ...judged('8 sessions >= 1.5x direct\'s 8 sessions', m.sessions.perSecond / d.sessions.perSecond, (x) => x >= 1.5,
      f && f.sessions.perSecond / d.sessions.perSecond,
      `${cps(m.sessions.perSecond)} vs ${cps(d.sessions.perSecond)} = ${times(m.sessions.perSecond, d.sessions.perSecond)}`,
      f && `${cps(f.sessions.perSecond)} = ${times(f.sessions.perSecond, d.sessions.perSecond)}`),
    ...floorLines(m, d, f),
    cpuLine(m, f),
  ];
}
