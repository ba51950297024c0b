// Probe (not committed): does one HTTP session's cost grow with the calls it has made?
process.removeAllListeners('warning'); process.on('warning', (w) => { if (w.name !== 'MaxListenersExceededWarning') console.error(String(w)); });
import { manifoldHttp, manifoldSse, manifold } from './lib/targets.mjs';
import { manifoldBinaries } from './lib/paths.mjs';
import { findEchoTool } from './lib/session.mjs';
import { throughput } from './lib/measure.mjs';
import { cpuTicks, memory } from './lib/procfs.mjs';
const which = { shim: manifold, http: manifoldHttp, sse: manifoldSse }[process.argv[2]];
const inst = await which(manifoldBinaries()).start();
const s = await inst.connect();
const tool = await findEchoTool(s.client);
let total = 0;
for (let w = 0; w < Number(process.argv[3] ?? 6); ++w) {
  const t0 = cpuTicks(inst.proxyPid);
  const r = await throughput(Array(8).fill(s), tool, 4000);
  total += r.calls;
  const us = ((cpuTicks(inst.proxyPid) - t0) * 10000) / r.calls;
  console.log(`after ${total} calls: ${r.perSecond.toFixed(0)} c/s, broker ${us.toFixed(0)} us/call, broker RSS ${(memory(inst.proxyPid).rss / 1024).toFixed(1)} MiB`);
}
await s.close();
await inst.stop();
process.exit(0);
