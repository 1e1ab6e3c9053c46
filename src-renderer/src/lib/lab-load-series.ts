// The load generator's samples (one per request) folded into one-second buckets: requests per
// second by operation, errors, and latency p50 / p99 / max. A bucket keeps its raw latencies only
// until it is a few seconds old; then it is summarised and they are dropped. Per-server figures
// from 'lab.status' are kept as plain time series. Both keep a bounded history.

import type { LabServerView, LoadSample } from '../../../src-main/api/lab-types';

/** What the per-server charts read of a status (live) or of the stored figures (history). */
export type ServerFigures = Pick<LabServerView, 'id' | 'outstanding' | 'connections' | 'fsync'>;

export type LoadOp = LoadSample['op'];
export const loadOps: readonly LoadOp[] = ['read', 'write', 'create'];

export interface LoadBucket {
  /** Start of the second, ms since the epoch. */
  at: number;
  ops: Record<LoadOp, number>;
  errors: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
}

interface OpenBucket {
  ops: Record<LoadOp, number>;
  errors: number;
  latencies: number[];
}

/** Samples can arrive this late (pushes are batched); a bucket is summarised once it is older. */
const settleMs = 3000;

export class LoadSeries {
  private readonly open = new Map<number, OpenBucket>();
  private settled: LoadBucket[] = [];
  private received = 0;

  constructor(private readonly keepBuckets = 1800) {}

  /** Requests seen since the series began. */
  get sampleCount(): number {
    return this.received;
  }

  add(samples: readonly LoadSample[]): void {
    for (const s of samples) {
      const at = Math.floor(s.at / 1000) * 1000;
      let b = this.open.get(at);
      if (!b) this.open.set(at, (b = { ops: { read: 0, write: 0, create: 0 }, errors: 0, latencies: [] }));
      b.ops[s.op]++;
      if (s.ok) b.latencies.push(s.latencyMs);
      else b.errors++;
    }
    this.received += samples.length;
  }

  /** Every bucket up to `nowMs`, oldest first; the last few are provisional. */
  buckets(nowMs: number): LoadBucket[] {
    const provisional: LoadBucket[] = [];
    for (const [at, b] of [...this.open].sort((x, y) => x[0] - y[0])) {
      const summary = summarize(at, b);
      if (at + 1000 + settleMs <= nowMs) {
        this.settle(summary);
        this.open.delete(at);
      } else {
        provisional.push(summary);
      }
    }
    return [...this.settled, ...provisional];
  }

  private settle(bucket: LoadBucket): void {
    const last = this.settled.at(-1);
    // A straggler for a second already settled: counted, and its latency can only raise the max.
    if (last && last.at === bucket.at) {
      for (const op of loadOps) last.ops[op] += bucket.ops[op];
      last.errors += bucket.errors;
      last.max = Math.max(last.max ?? 0, bucket.max ?? 0);
      return;
    }
    this.settled.push(bucket);
    if (this.settled.length > this.keepBuckets) this.settled = this.settled.slice(-this.keepBuckets);
  }
}

function summarize(at: number, b: OpenBucket): LoadBucket {
  const sorted = [...b.latencies].sort((x, y) => x - y);
  return {
    at,
    ops: { ...b.ops },
    errors: b.errors,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted.length ? sorted[sorted.length - 1] : null,
  };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

export type Point = [ms: number, value: number | null];

/**
 * Each server's outstanding requests, client connections and fsync time over time, from status
 * pushes. mntr counts fsyncs since the server started, so the fsync line is the average time of
 * the fsyncs between two statuses (null when there were none, or the server restarted).
 */
export class ServerSeries {
  readonly outstanding = new Map<number, Point[]>();
  readonly connections = new Map<number, Point[]>();
  readonly fsync = new Map<number, Point[]>();
  private readonly lastFsync = new Map<number, { count: number; sumMs: number }>();

  constructor(private readonly keepPoints = 1800) {}

  add(status: { servers: readonly ServerFigures[] }, atMs: number): void {
    for (const s of status.servers) {
      this.push(this.outstanding, s.id, [atMs, s.outstanding]);
      this.push(this.connections, s.id, [atMs, s.connections]);
      this.push(this.fsync, s.id, [atMs, this.fsyncAverage(s.id, s.fsync)]);
    }
  }

  private fsyncAverage(id: number, now: { count: number; sumMs: number } | null): number | null {
    const before = this.lastFsync.get(id);
    if (now) this.lastFsync.set(id, now);
    if (!now || !before || now.count <= before.count) return null;
    return (now.sumMs - before.sumMs) / (now.count - before.count);
  }

  private push(map: Map<number, Point[]>, id: number, point: Point): void {
    let line = map.get(id);
    if (!line) map.set(id, (line = []));
    line.push(point);
    if (line.length > this.keepPoints) line.splice(0, line.length - this.keepPoints);
  }
}
