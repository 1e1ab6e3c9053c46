// A 3-participant ZooLab ensemble side by side with a 3-server Apache ZooKeeper 3.8 ensemble, same
// zoo.cfg (tickTime, initLimit, syncLimit, forceSync=yes), the same load from the same client:
// throughput and latency of writes and reads, then how long a kill -9 of the leader costs. Medians
// of several runs, alternating ensembles so that machine noise falls on both. Run with
// `npm run bench:ensemble [-- options]` (bench/run.mjs); options below.

import os from 'node:os';
import { runLoad, type LoadOp, type LoadResult } from '../src-main/bench/load';
import { alignedLines, compareThroughput, log, median, runBench, writeResults, type ThroughputRow } from './bench-common';
import {
  engineName, srvrConnections, srvrMode, startApacheEnsemble, startZooLabEnsemble, type BenchEnsemble, type Engine,
} from './ensemble-engines';
import { failoverRound, waitForSteadyEnsemble, type FailoverResult } from './ensemble-failover';
import { staleBuildWarning } from './zoolab-process';

interface Settings {
  rounds: number;
  failovers: number;
  workloads: LoadOp[];
  concurrencies: number[];
  serialOps: number;
  parallelOps: number;
  size: number;
  clients: number;
  warmupOps: number;
  tickTime: number;
  initLimit: number;
  syncLimit: number;
  requestTimeoutMs: number;
}

const defaults: Settings = {
  rounds: 3, failovers: 5, workloads: ['create', 'set', 'get'], concurrencies: [1, 64], serialOps: 1000, parallelOps: 10_000,
  size: 100, clients: 3, warmupOps: 2000, tickTime: 2000, initLimit: 10, syncLimit: 5, requestTimeoutMs: 1000,
};

const usage = `usage: npm run bench:ensemble [-- options]   (or node bench/run.mjs ensemble [options])
  --rounds N           throughput runs per workload, concurrency and ensemble (${defaults.rounds}); 0 skips throughput
  --failovers N        leader kills per ensemble (${defaults.failovers}); 0 skips failover
  --workloads LIST     of create, set, get, mixed (${defaults.workloads.join(',')})
  --concurrency LIST   requests in flight (${defaults.concurrencies.join(',')})
  --ops-serial N       requests per run at concurrency 1 (${defaults.serialOps})
  --ops-parallel N     requests per run above 1 (${defaults.parallelOps})
  --size N             bytes per value written (${defaults.size})
  --clients N          sessions per run, each on the whole ensemble's connect string (${defaults.clients})
  --warmup N           mixed requests at concurrency 64 per ensemble before measuring (${defaults.warmupOps})
  --tick-time MS (${defaults.tickTime})   --init-limit TICKS (${defaults.initLimit})   --sync-limit TICKS (${defaults.syncLimit})
  --request-timeout MS the failover writer's request timeout (${defaults.requestTimeoutMs})`;

function parseArgs(argv: string[]): Settings {
  const s: Settings = { ...defaults };
  const whole = (name: string, v: string, min: number) => {
    if (!/^\d+$/.test(v) || Number(v) < min) throw new Error(`${name} wants a whole number of at least ${min}, not '${v}'`);
    return Number(v);
  };
  const list = (v: string) => v.split(',').map((x) => x.trim()).filter(Boolean);
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} wants a value`);
      return v;
    };
    switch (flag) {
      case '--rounds': s.rounds = whole(flag, value(), 0); break;
      case '--failovers': s.failovers = whole(flag, value(), 0); break;
      case '--workloads': {
        const w = list(value());
        const bad = w.find((x) => !['create', 'set', 'get', 'mixed'].includes(x));
        if (bad || w.length === 0) throw new Error(`--workloads: '${bad ?? ''}' is not one of create, set, get, mixed`);
        s.workloads = w as LoadOp[];
        break;
      }
      case '--concurrency': s.concurrencies = list(value()).map((c) => whole(flag, c, 1)); break;
      case '--ops-serial': s.serialOps = whole(flag, value(), 1); break;
      case '--ops-parallel': s.parallelOps = whole(flag, value(), 1); break;
      case '--size': s.size = whole(flag, value(), 0); break;
      case '--clients': s.clients = whole(flag, value(), 1); break;
      case '--warmup': s.warmupOps = whole(flag, value(), 0); break;
      case '--tick-time': s.tickTime = whole(flag, value(), 1); break;
      case '--init-limit': s.initLimit = whole(flag, value(), 1); break;
      case '--sync-limit': s.syncLimit = whole(flag, value(), 1); break;
      case '--request-timeout': s.requestTimeoutMs = whole(flag, value(), 1); break;
      default: throw new Error(`unknown option '${argv[i]}'`);
    }
  }
  if (s.rounds === 0 && s.failovers === 0) throw new Error('--rounds 0 and --failovers 0 leave nothing to measure');
  return s;
}

type Placed = LoadResult & { placement: string };

interface Spread {
  median: number;
  min: number;
  max: number;
  /** Rounds that gave a figure (the others timed out). */
  n: number;
}

function spread(values: (number | null)[]): Spread {
  const v = values.filter((x): x is number => x !== null);
  return { median: median(v), min: v.length ? Math.min(...v) : NaN, max: v.length ? Math.max(...v) : NaN, n: v.length };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs the load while sampling srvr's `Connections:` on every server, to tell where the sessions
 * landed: e.g. `L1 F2` is one on the leader and two on followers.
 */
async function withPlacement(ens: BenchEnsemble, run: () => Promise<LoadResult>): Promise<Placed> {
  const ports = ens.ids.map((id) => ens.clientPort(id));
  // The previous run's connections take a moment to close: wait (briefly) until each server counts
  // only the srvr probe's own connection, so leftovers are not mistaken for this run's sessions.
  let baseline: (number | null)[] = [];
  for (let waited = 0; ; waited += 50) {
    baseline = await Promise.all(ports.map((p) => srvrConnections(p)));
    if (baseline.every((n) => n !== null && n <= 1) || waited >= 3000) break;
    await sleep(50);
  }
  const modes = await Promise.all(ports.map((p) => srvrMode(p)));
  const peak = ports.map(() => 0);
  let done = false;
  const sampler = (async () => {
    while (!done) {
      const now = await Promise.all(ports.map((p) => srvrConnections(p, 2000)));
      now.forEach((n, i) => {
        if (n !== null && baseline[i] !== null) peak[i] = Math.max(peak[i], n - baseline[i]!);
      });
      await sleep(100);
    }
  })();
  try {
    const result = await run();
    const onLeader = peak.filter((_, i) => modes[i] === 'leader').reduce((a, b) => a + b, 0);
    const onFollowers = peak.filter((_, i) => modes[i] !== 'leader').reduce((a, b) => a + b, 0);
    return { ...result, placement: `L${onLeader} F${onFollowers}` };
  } finally {
    done = true;
    await sampler;
  }
}

function fmt(v: number, digits: number): string {
  return Number.isNaN(v) ? '-' : digits === 0 ? Math.round(v).toString() : v.toFixed(digits);
}

type FailoverSummary = Record<Engine, Record<'newLeader' | 'firstWrite' | 'rejoin', Spread> & { sessionsLost: number }>;

function formatTable(s: Settings, rows: ThroughputRow<Placed>[], failover: FailoverSummary | null): string {
  const body: string[][] = [];
  const ratio = (z: number, a: number) => (Number.isNaN(z) || Number.isNaN(a) || a === 0 ? '-' : (z / a).toFixed(2));
  for (const r of rows) {
    const name = `${r.op} c=${r.concurrency}`;
    body.push([`${name} ops/s`, fmt(r.zoolab.opsPerSec, 0), fmt(r.apache.opsPerSec, 0), ratio(r.zoolab.opsPerSec, r.apache.opsPerSec)]);
    body.push([`${name} p50 ms`, fmt(r.zoolab.p50Ms, 2), fmt(r.apache.p50Ms, 2), ratio(r.zoolab.p50Ms, r.apache.p50Ms)]);
    body.push([`${name} p99 ms`, fmt(r.zoolab.p99Ms, 2), fmt(r.apache.p99Ms, 2), ratio(r.zoolab.p99Ms, r.apache.p99Ms)]);
  }
  if (failover) {
    const cell = (x: Spread) => (x.n === 0 ? 'none' : `${fmt(x.median, 0)} (${fmt(x.min, 0)}-${fmt(x.max, 0)})${x.n < s.failovers ? ` ${x.n}/${s.failovers}` : ''}`);
    const labels = { newLeader: 'kill -9 leader -> new leader ms', firstWrite: 'kill -9 leader -> 1st write ack ms', rejoin: 'restart -> following again ms' } as const;
    for (const k of ['newLeader', 'firstWrite', 'rejoin'] as const) {
      body.push([labels[k], cell(failover.zoolab[k]), cell(failover.apache[k]), ratio(failover.zoolab[k].median, failover.apache[k].median)]);
    }
    body.push(['writer sessions lost (should be 0)', String(failover.zoolab.sessionsLost), String(failover.apache.sessionsLost), '-']);
  }
  const header = ['metric', 'ZooLab', 'Apache', 'ratio'];
  const notes = ['(ratio = ZooLab / Apache: above 1 is better for ops/s, below 1 is better for ms)'];
  if (failover) notes.push(`(failover: median (min-max) of ${s.failovers} kills per ensemble; srvr polled every 20 ms; "k/n": only k kills gave a figure)`);
  return [...alignedLines(header, body), ...notes].join('\n') + '\n';
}

const short = (v: string) => v.split(',')[0];

async function bench(root: string, s: Settings): Promise<void> {
  const loadavgAtStart = os.loadavg();
  const startedAt = Date.now();
  const stale = staleBuildWarning(root);
  if (stale) log(`warning: ${stale}`);
  const cfg = { tickTime: s.tickTime, initLimit: s.initLimit, syncLimit: s.syncLimit };
  log('starting a 3-server ZooLab ensemble...');
  const zoolab = await startZooLabEnsemble(root, cfg);
  try {
    log('starting a 3-server Apache ZooKeeper ensemble...');
    const apache = await startApacheEnsemble(cfg);
    try {
      const ensembles: Record<Engine, BenchEnsemble> = { zoolab, apache };
      for (const e of Object.values(ensembles)) log(`  ${engineName[e.engine]} ${short(e.version)}: ${e.connectString}, leader server ${await waitForSteadyEnsemble(e, 60_000)}`);
      const run = async (engine: Engine, op: LoadOp, concurrency: number, ops: number) => {
        const ens = ensembles[engine];
        try {
          return await withPlacement(ens, () => runLoad({ connect: ens.connectString, op, concurrency, ops, size: s.size, clients: s.clients }));
        } catch (err) {
          const dead = ens.dead();
          throw new Error(`${engineName[engine]}: ${(err as Error).message}${dead.length ? ` (server(s) ${dead.join(', ')} died)` : ''}\n${ens.logTails()}`);
        }
      };

      let rows: ThroughputRow<Placed>[] = [];
      if (s.rounds > 0) {
        if (s.warmupOps > 0) {
          log(`warming up both ensembles (${s.warmupOps} mixed requests at concurrency 64)...`);
          for (const engine of ['zoolab', 'apache'] as const) await run(engine, 'mixed', 64, s.warmupOps);
        }
        rows = await compareThroughput({ ...s, runs: s.rounds }, run, (r) => `, sessions ${r.placement}`);
      }

      const rounds: Record<Engine, FailoverResult[]> = { zoolab: [], apache: [] };
      if (s.failovers > 0) {
        log(`failover: kill -9 of the leader under a write loop, ${s.failovers} times per ensemble...`);
        for (let round = 0; round < s.failovers; round++) {
          const order = round % 2 === 0 ? (['zoolab', 'apache'] as const) : (['apache', 'zoolab'] as const);
          for (const engine of order) {
            const r = await failoverRound(ensembles[engine], { requestTimeoutMs: s.requestTimeoutMs, pollMs: 20, timeoutMs: 60_000 }, log);
            rounds[engine].push(r);
            const ms = (v: number | null) => (v === null ? 'none' : `${Math.round(v)} ms`);
            log(`  round ${round + 1}/${s.failovers} ${engine}: killed leader ${r.killed}; new leader ${r.newLeader ?? '-'} after ${ms(r.newLeaderMs)}, `
              + `first write ack after ${ms(r.firstWriteMs)} (gap ${ms(r.writeGapMs)}, ${r.writeErrors} failed writes${r.firstWriteError ? `: ${r.firstWriteError}` : ''}`
              + `${r.expiredSessions ? `, ${r.expiredSessions} sessions expired` : ''}); back as follower after ${ms(r.rejoinMs)}`);
            for (const loss of r.sessionLosses) log(`    lost the writer's session: ${loss}`);
          }
        }
      }
      const failover = s.failovers > 0
        ? Object.fromEntries((['zoolab', 'apache'] as const).map((e) => [e, {
          newLeader: spread(rounds[e].map((r) => r.newLeaderMs)),
          firstWrite: spread(rounds[e].map((r) => r.firstWriteMs)),
          rejoin: spread(rounds[e].map((r) => r.rejoinMs)),
          sessionsLost: rounds[e].reduce((n, r) => n + r.expiredSessions, 0),
        }])) as FailoverSummary
        : null;

      const title = `ZooLab ${short(zoolab.version)} vs Apache ZooKeeper ${short(apache.version)}: 3-participant ensembles on 127.0.0.1, forceSync=yes, `
        + `tickTime=${s.tickTime}, initLimit=${s.initLimit}, syncLimit=${s.syncLimit}`;
      const load = s.rounds > 0
        ? `load: ${s.clients} session(s) per run on the whole ensemble's connect string (each picks a server at random; where they landed is in the log), `
          + `${s.size} B values, median of ${s.rounds} runs`
        : 'throughput: skipped (--rounds 0)';
      process.stdout.write(`\n${title}\n${load}\n${formatTable(s, rows, failover)}`);
      const errors = rows.reduce((n, r) => n + r.zoolab.errors + r.apache.errors, 0);
      if (errors > 0) process.stdout.write(`warning: ${errors} requests failed; see the runs above\n`);
      for (const e of ['zoolab', 'apache'] as const) {
        const losses = rounds[e].flatMap((r) => r.sessionLosses);
        if (losses.length) {
          process.stdout.write(`warning: ${engineName[e]} told the failover writer its session had expired (a failover should lose no session):\n`
            + losses.map((l) => `  ${l}\n`).join(''));
        }
      }
      process.stdout.write(`took ${Math.round((Date.now() - startedAt) / 1000)} s\n`);

      writeResults(root, 'ensemble', { stale: stale !== null, loadavgAtStart }, {
        servers: { zoolab: zoolab.version, apache: apache.version },
        settings: s, throughput: rows, failover: { summary: failover, rounds },
      });
    } finally {
      await apache.stop();
    }
  } finally {
    await zoolab.stop();
  }
}

runBench({ name: 'bench:ensemble', help: usage, settings: parseArgs, bench });
