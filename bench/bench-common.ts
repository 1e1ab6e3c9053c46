// What the benchmarks (bench/server.ts, bench/ensemble.ts) share around their own measuring: the
// process's life (--help, settings, exit codes, Ctrl-C), ZooLab and Apache ZooKeeper taking turns
// under the same load, medians, aligned tables, and the JSON results file with machine and revision.
// A helper, not an entry of bench/run.mjs: its name has a dash.

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LoadOp, LoadResult } from '../src-main/bench/load';
import { requireApacheZooKeeper } from '../src-main/testing/apache-zk';

export type Side = 'zoolab' | 'apache';

export const log = (line: string) => process.stderr.write(`${line}\n`);

export interface BenchEntry<S> {
  /** As the user typed it (`bench:server`): the prefix of its messages. */
  name: string;
  /** Printed for --help. */
  help: string;
  /** Printed under a problem with the settings; default `help`. */
  hint?: string;
  /** The settings from the arguments after the entry's name (or the environment); throws a problem in words. */
  settings(argv: string[]): S;
  /** Measures, prints and writes the results; `root` is the repository. */
  bench(root: string, settings: S): Promise<void>;
}

async function main<S>(entry: BenchEntry<S>): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${entry.help}\n`);
    return 0;
  }
  let settings: S;
  try {
    settings = entry.settings(argv);
  } catch (err) {
    log(`${entry.name}: ${(err as Error).message}\n\n${entry.hint ?? entry.help}`);
    return 2;
  }
  if (!requireApacheZooKeeper()) {
    log(`${entry.name}: cannot compare without Apache ZooKeeper (see above)`);
    return 1;
  }
  // run.mjs starts this with the repository as the working directory.
  await entry.bench(process.cwd(), settings);
  return 0;
}

/** Runs a benchmark as its process's whole life, and exits with its code. */
export function runBench<S>(entry: BenchEntry<S>): void {
  // Ctrl-C still stops every server and deletes the temp directories (exit hooks do that).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

  main(entry).then((code) => process.exit(code), (err: unknown) => {
    log(`${entry.name}: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export interface Summary<R extends LoadResult = LoadResult> {
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  runs: R[];
}

// Each figure is the median of its own runs: robust to one noisy run without picking a "best" one.
export function summarize<R extends LoadResult>(runs: R[]): Summary<R> {
  const of = (k: 'opsPerSec' | 'p50Ms' | 'p99Ms' | 'maxMs') => median(runs.map((r) => r[k]));
  return { opsPerSec: of('opsPerSec'), p50Ms: of('p50Ms'), p99Ms: of('p99Ms'), maxMs: of('maxMs'), errors: runs.reduce((n, r) => n + r.errors, 0), runs };
}

export interface ThroughputPlan {
  workloads: LoadOp[];
  concurrencies: number[];
  /** Requests per run at concurrency 1, and at every higher concurrency. */
  serialOps: number;
  parallelOps: number;
  /** Runs per workload, concurrency and side. */
  runs: number;
}

export interface ThroughputRow<R extends LoadResult = LoadResult> {
  op: LoadOp;
  concurrency: number;
  ops: number;
  zoolab: Summary<R>;
  apache: Summary<R>;
}

/**
 * Every workload at every concurrency, `plan.runs` times on each side, each run logged (with
 * `detail(r)` before its errors) and each side's runs summarised.
 */
export async function compareThroughput<R extends LoadResult>(
  plan: ThroughputPlan,
  run: (side: Side, op: LoadOp, concurrency: number, ops: number) => Promise<R>,
  detail: (r: R) => string = () => '',
): Promise<ThroughputRow<R>[]> {
  const rows: ThroughputRow<R>[] = [];
  let turn = 0;
  for (const op of plan.workloads) {
    for (const concurrency of plan.concurrencies) {
      const ops = concurrency === 1 ? plan.serialOps : plan.parallelOps;
      const results = { zoolab: [] as R[], apache: [] as R[] };
      for (let rep = 0; rep < plan.runs; rep++) {
        // Alternate which side goes first so neither always runs in the other's wake.
        const order = turn++ % 2 === 0 ? (['zoolab', 'apache'] as const) : (['apache', 'zoolab'] as const);
        for (const side of order) {
          const r = await run(side, op, concurrency, ops);
          results[side].push(r);
          log(`  ${op} c=${concurrency} run ${rep + 1}/${plan.runs} ${side}: ${Math.round(r.opsPerSec)} ops/s, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms${detail(r)}${r.errors ? `, ${r.errors} errors (${r.firstError})` : ''}`);
        }
      }
      rows.push({ op, concurrency, ops, zoolab: summarize(results.zoolab), apache: summarize(results.apache) });
    }
  }
  return rows;
}

/** The header and rows as lines, columns lined up: the first padded to the left, the others to the right. */
export function alignedLines(header: string[], body: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), ...body.map(line)];
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

export interface RunContext {
  /** Whether the build was older than the sources (staleBuildWarning said so). */
  stale: boolean;
  /** os.loadavg() when the benchmark began. */
  loadavgAtStart: number[];
}

/**
 * Writes bench/results/<kind>-<date>.json: the date, revision and machine, then `results` (servers,
 * settings, figures), and prints where it went.
 */
export function writeResults(root: string, kind: string, context: RunContext, results: Record<string, unknown>): void {
  const date = new Date();
  const file = path.join(root, 'bench/results', `${kind}-${date.toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({
    date: date.toISOString(), revision: gitRevision(root), stale: context.stale,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryBytes: os.totalmem(), loadavg: { start: context.loadavgAtStart, end: os.loadavg() }, node: process.version, platform: `${os.platform()} ${os.release()}` },
    ...results,
  }, null, 2) + '\n');
  process.stdout.write(`results: ${path.relative(root, file)}\n`);
}
