// Runs every measurement against one target, in one start of it. A failure anywhere becomes the
// row's error: the other targets still run.
import { cpuMeter, footprint } from './footprint.mjs';
import { latency, mismatches, secondClient, throughput } from './measure.mjs';
import { findEchoTool } from './session.mjs';
import { startTimes } from './starttime.mjs';

function log(options, text) {
  if (options.verbose) process.stderr.write(`  ${text}\n`);
}

export async function runTarget(target, options) {
  const row = { key: target.key, label: target.label };
  let instance;
  const sessions = [];
  const step = (name) => {
    row.step = name;
    log(options, `${target.key}: ${name}`);
  };
  try {
    step('start');
    instance = await target.start();
    row.clientSide = instance.clientSide;
    step('first session');
    sessions.push(await instance.connect());
    const tool = await findEchoTool(sessions[0].client);   // also fills a broker's tools/list cache

    step('latency');
    row.latency = await latency(sessions[0], tool, options);
    step('8 in flight on one session');
    let cpu = cpuMeter(instance, sessions);
    row.oneSession = await throughput(Array(options.sessions).fill(sessions[0]), tool, options.durationMs);
    row.oneSession.cpuUs = cpu(row.oneSession.calls);
    step('second client');
    row.secondClient = await secondClient(instance, options.secondClients);
    if (instance.readyProbe && options.startSpawns > 0) {
      step('start to ready');
      row.startup = await startTimes(instance.readyProbe, options.startSpawns);
    }

    step(`${options.sessions} sessions`);
    while (sessions.length < options.sessions) sessions.push(await instance.connect());
    cpu = cpuMeter(instance, sessions);
    row.sessions = await throughput(sessions, tool, options.durationMs);
    row.sessions.cpuUs = cpu(row.sessions.calls);
    step('all in flight');
    row.mismatch = await mismatches(sessions, tool, options.mismatchCalls);
    row.footprint = footprint(instance, sessions);
    row.replyErrors = sessions.reduce((n, s) => n + s.errors.length, 0);
    delete row.step;
  } catch (error) {
    row.error = `${row.step}: ${error?.message ?? error}`.split('\n')[0];
  } finally {
    await Promise.all(sessions.map((s) => s.close()));
    await instance?.stop();
  }
  return row;
}
