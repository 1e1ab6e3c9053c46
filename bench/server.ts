// ZooLab's server side by side with Apache ZooKeeper 3.8, both standalone with fsync on: the same
// load from the same client against each, medians of several runs, alternating servers so that
// machine noise falls on both. Run with `npm run bench:server` (bench/run.mjs); env settings below.

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runLoad, type LoadOp, type LoadResult } from '../src-main/bench/load';
import { fourLetterWord, requireApacheZooKeeper, startZooKeeper } from '../src-main/testing/apache-zk';
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

interface Summary {
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  runs: LoadResult[];
}

interface Row {
  op: LoadOp;
  concurrency: number;
  ops: number;
  zoolab: Summary;
  apache: Summary;
  /** ZooLab ops/s over Apache ops/s. */
  ratio: number;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

// Each figure is the median of its own runs: robust to one noisy run without picking a "best" one.
function summarize(runs: LoadResult[]): Summary {
  const of = (k: 'opsPerSec' | 'p50Ms' | 'p99Ms' | 'maxMs') => median(runs.map((r) => r[k]));
  return { opsPerSec: of('opsPerSec'), p50Ms: of('p50Ms'), p99Ms: of('p99Ms'), maxMs: of('maxMs'), errors: runs.reduce((n, r) => n + r.errors, 0), runs };
}

function formatTable(rows: Row[]): string {
  const header = ['op', 'conc', 'ZooLab ops/s', 'Apache ops/s', 'ratio', 'ZooLab p50', 'ZooLab p99', 'Apache p50', 'Apache p99'];
  const ms = (v: number) => (Number.isNaN(v) ? '-' : v.toFixed(2));
  const body = rows.map((r) => [r.op, String(r.concurrency), Math.round(r.zoolab.opsPerSec).toString(), Math.round(r.apache.opsPerSec).toString(),
    r.ratio.toFixed(2), ms(r.zoolab.p50Ms), ms(r.zoolab.p99Ms), ms(r.apache.p50Ms), ms(r.apache.p99Ms)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), ...body.map(line)].join('\n') + '\n(latencies in ms; ratio = ZooLab ops/s / Apache ops/s)\n';
}

function gitRevision(root: string): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const head = git('rev-parse', '--short', 'HEAD');
    const dirty = git('status', '--porcelain', '--', 'src-main') !== '';
    return dirty ? `${head} + uncommitted changes in src-main` : head;
  } catch {
    return 'unknown';
  }
}

const log = (line: string) => process.stderr.write(`${line}\n`);

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
      const rows: Row[] = [];
      let turn = 0;
      for (const op of s.workloads) {
        for (const concurrency of s.concurrencies) {
          const ops = concurrency === 1 ? s.serialOps : s.parallelOps;
          const results = { zoolab: [] as LoadResult[], apache: [] as LoadResult[] };
          for (let rep = 0; rep < s.reps; rep++) {
            // Alternate which server goes first so neither always runs in the other's wake.
            const order = turn++ % 2 === 0 ? (['zoolab', 'apache'] as const) : (['apache', 'zoolab'] as const);
            for (const name of order) {
              const r = await run(name, op, concurrency, ops);
              results[name].push(r);
              log(`  ${op} c=${concurrency} run ${rep + 1}/${s.reps} ${name}: ${Math.round(r.opsPerSec)} ops/s, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms${r.errors ? `, ${r.errors} errors (${r.firstError})` : ''}`);
            }
          }
          const zl = summarize(results.zoolab);
          const ap = summarize(results.apache);
          rows.push({ op, concurrency, ops, zoolab: zl, apache: ap, ratio: zl.opsPerSec / ap.opsPerSec });
        }
      }
      const short = (v: string) => v.split(',')[0];
      const title = `ZooLab ${short(zoolab.version)} vs Apache ZooKeeper ${short(apacheVersion)}: standalone, forceSync=yes, tickTime=2000, `
        + `${s.size} B values, ${s.clients} session(s), median of ${s.reps} runs`;
      process.stdout.write(`\n${title}\n${formatTable(rows)}`);
      const errors = rows.reduce((n, r) => n + r.zoolab.errors + r.apache.errors, 0);
      if (errors > 0) process.stdout.write(`warning: ${errors} requests failed; see the runs above\n`);
      const date = new Date();
      const file = path.join(root, 'bench/results', `server-${date.toISOString().replace(/[:.]/g, '-')}.json`);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify({
        date: date.toISOString(), revision: gitRevision(root), stale: stale !== null,
        machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryBytes: os.totalmem(), loadavg: { start: loadavgAtStart, end: os.loadavg() }, node: process.version, platform: `${os.platform()} ${os.release()}` },
        servers: { zoolab: zoolab.version, apache: apacheVersion },
        settings: s, rows,
      }, null, 2) + '\n');
      process.stdout.write(`results: ${path.relative(root, file)}\n`);
    } finally {
      await apache.stop();
    }
  } finally {
    await zoolab.stop();
  }
}

async function main(): Promise<number> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(`usage: npm run bench:server\n\n${settingsHelp}\n`);
    return 0;
  }
  let settings: Settings;
  try {
    settings = readSettings(process.env);
  } catch (err) {
    log(`bench:server: ${(err as Error).message}\n\n${settingsHelp}`);
    return 2;
  }
  if (!requireApacheZooKeeper()) {
    log('bench:server: cannot compare without Apache ZooKeeper (see above)');
    return 1;
  }
  // run.mjs starts this with the repository as the working directory.
  await bench(process.cwd(), settings);
  return 0;
}

// Ctrl-C still stops both servers and deletes their temp directories (exit hooks do that).
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

main().then((code) => process.exit(code), (err: unknown) => {
  log(`bench:server: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
