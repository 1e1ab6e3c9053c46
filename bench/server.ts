// ZooLab's server side by side with Apache ZooKeeper 3.8, both standalone with fsync on: the same
// load from the same client against each, medians of several runs, alternating servers so that
// machine noise falls on both. Run with `npm run bench:server` (bench/run.mjs); env settings below.

import os from 'node:os';
import { runLoad, type LoadOp } from '../src-main/bench/load';
import { fourLetterWord, startZooKeeper } from '../src-main/testing/apache-zk';
import { alignedLines, compareThroughput, log, runBench, writeResults, type ThroughputRow } from './bench-common';
import { staleBuildWarning, startZooLab, ZooLabStartError, type ZooLabProcess } from './zoolab-process';

interface Settings {
  workloads: LoadOp[];
  concurrencies: number[];
  /** Requests per run at concurrency 1, and at every higher concurrency. */
  serialOps: number;
  parallelOps: number;
  reps: number;
  size: number;
  clients: number;
  warmupOps: number;
}

const settingsHelp = `settings (environment):
  BENCH_WORKLOADS=create,set,get   BENCH_CONCURRENCY=1,64   BENCH_OPS_SERIAL=2000 (at concurrency 1)
  BENCH_OPS_PARALLEL=20000 (above 1)   BENCH_REPS=3   BENCH_SIZE=100   BENCH_CLIENTS=1   BENCH_WARMUP=2000`;

function readSettings(env: NodeJS.ProcessEnv): Settings {
  const whole = (name: string, fallback: number, min: number) => {
    const v = env[name];
    if (v === undefined || v === '') return fallback;
    if (!/^\d+$/.test(v) || Number(v) < min) throw new Error(`${name} must be a whole number of at least ${min}, not '${v}'`);
    return Number(v);
  };
  const list = (name: string, fallback: string) => (env[name] || fallback).split(',').map((s) => s.trim()).filter(Boolean);
  const workloads = list('BENCH_WORKLOADS', 'create,set,get');
  const bad = workloads.find((w) => !['create', 'set', 'get', 'mixed'].includes(w));
  if (bad) throw new Error(`BENCH_WORKLOADS: '${bad}' is not one of create, set, get, mixed`);
  const concurrencies = list('BENCH_CONCURRENCY', '1,64').map(Number);
  if (concurrencies.some((c) => !Number.isInteger(c) || c < 1)) throw new Error('BENCH_CONCURRENCY must list whole numbers of at least 1');
  return {
    workloads: workloads as LoadOp[], concurrencies,
    serialOps: whole('BENCH_OPS_SERIAL', 2000, 1), parallelOps: whole('BENCH_OPS_PARALLEL', 20_000, 1),
    reps: whole('BENCH_REPS', 3, 1), size: whole('BENCH_SIZE', 100, 0), clients: whole('BENCH_CLIENTS', 1, 1),
    warmupOps: whole('BENCH_WARMUP', 2000, 0),
  };
}

interface Row extends ThroughputRow {
  /** ZooLab ops/s over Apache ops/s. */
  ratio: number;
}

function formatTable(rows: Row[]): string {
  const header = ['op', 'conc', 'ZooLab ops/s', 'Apache ops/s', 'ratio', 'ZooLab p50', 'ZooLab p99', 'Apache p50', 'Apache p99'];
  const ms = (v: number) => (Number.isNaN(v) ? '-' : v.toFixed(2));
  const body = rows.map((r) => [r.op, String(r.concurrency), Math.round(r.zoolab.opsPerSec).toString(), Math.round(r.apache.opsPerSec).toString(),
    r.ratio.toFixed(2), ms(r.zoolab.p50Ms), ms(r.zoolab.p99Ms), ms(r.apache.p50Ms), ms(r.apache.p99Ms)]);
  return alignedLines(header, body).join('\n') + '\n(latencies in ms; ratio = ZooLab ops/s / Apache ops/s)\n';
}

async function bench(root: string, s: Settings): Promise<void> {
  const loadavgAtStart = os.loadavg();
  const stale = staleBuildWarning(root);
  if (stale) log(`warning: ${stale}`);
  let zoolab: ZooLabProcess;
  try {
    zoolab = await startZooLab(root);
  } catch (err) {
    if (err instanceof ZooLabStartError) throw new Error(`cannot benchmark: ${err.message}`);
    throw err;
  }
  try {
    log('starting Apache ZooKeeper...');
    // zkServer.sh's JVM defaults, not the tests' fast-start flags: the comparison must be fair.
    const apache = await startZooKeeper({ tickTime: 2000, fourLetterWords: 'srvr', extraConfig: { forceSync: 'yes' }, jvmFlags: ['-Xmx1000m'] });
    try {
      const apacheVersion = /^Zookeeper version: (.*)$/m.exec(await fourLetterWord(apache.clientPort, 'srvr'))?.[1] ?? 'unknown';
      const servers = { zoolab: zoolab.connectString, apache: apache.connectString };
      const run = async (name: keyof typeof servers, op: LoadOp, concurrency: number, ops: number) => {
        try {
          return await runLoad({ connect: servers[name], op, concurrency, ops, size: s.size, clients: s.clients });
        } catch (err) {
          const died = name === 'zoolab' && zoolab.exitStatus();
          throw new Error(died ? `the ZooLab server died (${died}); its last output:\n${zoolab.logTail()}`
            : `${name === 'zoolab' ? 'ZooLab' : 'Apache ZooKeeper'}: ${(err as Error).message}`);
        }
      };
      if (s.warmupOps > 0) {
        log(`warming up both servers (${s.warmupOps} mixed requests at concurrency 64)...`);
        for (const name of ['zoolab', 'apache'] as const) await run(name, 'mixed', 64, s.warmupOps);
      }
      const rows: Row[] = (await compareThroughput({ ...s, runs: s.reps }, run))
        .map((r) => ({ ...r, ratio: r.zoolab.opsPerSec / r.apache.opsPerSec }));
      const short = (v: string) => v.split(',')[0];
      const title = `ZooLab ${short(zoolab.version)} vs Apache ZooKeeper ${short(apacheVersion)}: standalone, forceSync=yes, tickTime=2000, `
        + `${s.size} B values, ${s.clients} session(s), median of ${s.reps} runs`;
      process.stdout.write(`\n${title}\n${formatTable(rows)}`);
      const errors = rows.reduce((n, r) => n + r.zoolab.errors + r.apache.errors, 0);
      if (errors > 0) process.stdout.write(`warning: ${errors} requests failed; see the runs above\n`);
      writeResults(root, 'server', { stale: stale !== null, loadavgAtStart }, { servers: { zoolab: zoolab.version, apache: apacheVersion }, settings: s, rows });
    } finally {
      await apache.stop();
    }
  } finally {
    await zoolab.stop();
  }
}

runBench({
  name: 'bench:server',
  help: `usage: npm run bench:server\n\n${settingsHelp}`,
  hint: settingsHelp,
  settings: () => readSettings(process.env),
  bench,
});
