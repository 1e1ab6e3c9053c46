import { describe, expect, it } from 'vitest';
import type { LabStatus, LoadSample } from '../../../src-main/api/lab-types';
import { LoadSeries, ServerSeries, percentile } from './lab-load-series';

const sample = (at: number, latencyMs: number, op: LoadSample['op'] = 'read', ok = true): LoadSample => ({ at, op, latencyMs, ok });

describe('LoadSeries', () => {
  it('folds samples into seconds with counts per op, errors and latency percentiles', () => {
    const series = new LoadSeries();
    const latencies = Array.from({ length: 100 }, (_, i) => i + 1);
    series.add(latencies.map((ms, i) => sample(10_000 + i, ms, i % 2 ? 'write' : 'read')));
    series.add([sample(10_500, 0, 'create', false), sample(11_200, 7, 'create')]);
    const [first, second] = series.buckets(11_500);
    expect(first).toEqual({ at: 10_000, ops: { read: 50, write: 50, create: 1 }, errors: 1, p50: 50, p99: 99, max: 100 });
    expect(second).toMatchObject({ at: 11_000, ops: { read: 0, write: 0, create: 1 }, p50: 7, max: 7 });
    expect(series.sampleCount).toBe(102);
  });

  it('settles old seconds, adds stragglers to them, and keeps a bounded history', () => {
    const series = new LoadSeries(2);
    series.add([sample(1_000, 5), sample(2_000, 5), sample(3_000, 5)]);
    expect(series.buckets(10_000).map((b) => b.at)).toEqual([2_000, 3_000]);
    series.add([sample(3_100, 40)]);
    const buckets = series.buckets(10_000);
    expect(buckets.map((b) => b.at)).toEqual([2_000, 3_000]);
    expect(buckets[1]).toMatchObject({ ops: { read: 2 }, max: 40 });
  });

  it('reads nearest-rank percentiles', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([3], 0.99)).toBe(3);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
  });
});

describe('ServerSeries', () => {
  const status = (connections: number, fsync: { count: number; sumMs: number } | null = null): LabStatus => ({
    labId: 'l', running: true, connectString: '', links: [],
    servers: [1, 2].map((id) => ({
      id, peerType: 'participant', pid: 1, process: 'running', role: 'follower', clientPort: 1, quorumPort: 2, electionPort: 3,
      epoch: 1, lastZxid: '0x1', connections, outstanding: id === 2 ? null : 0, fsync, exit: null, logTail: [],
    })),
  });

  it('keeps a bounded line per server for outstanding requests and connections', () => {
    const series = new ServerSeries(2);
    for (const [at, c] of [[1, 5], [2, 6], [3, 7]]) series.add(status(c), at);
    expect(series.connections.get(1)).toEqual([[2, 6], [3, 7]]);
    expect(series.outstanding.get(2)).toEqual([[2, null], [3, null]]);
  });

  it('charts the average fsync time between two statuses, and nothing across a restart', () => {
    const series = new ServerSeries();
    series.add(status(1, { count: 10, sumMs: 20 }), 1);
    series.add(status(1, { count: 14, sumMs: 32 }), 2);
    series.add(status(1, { count: 14, sumMs: 32 }), 3);
    series.add(status(1, { count: 2, sumMs: 1 }), 4);
    series.add(status(1, null), 5);
    expect(series.fsync.get(1)).toEqual([[1, null], [2, 3], [3, null], [4, null], [5, null]]);
  });
});
