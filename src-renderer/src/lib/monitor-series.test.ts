import { describe, expect, it } from 'vitest';
import type { ServerSample, TimelineMark } from '../../../src-main/api/monitor-types';
import { appendSamples, formatMetric, fromHistory, marksChanged, metricInfo, outageSpans, rangeInfo, seriesOrder, type PointMap } from './monitor-series';

function sample(address: string, ts: number, probeMs: number | null, extra: Partial<ServerSample> = {}): ServerSample {
  return {
    ensembleId: 'e', address, ts, up: true, downReason: null, note: null, role: 'follower', zxid: '0x100000001', epoch: 1,
    latencyAvgMs: 0, latencyMaxMs: 3, outstanding: 0, connections: 1, znodes: 5, watches: 0, ephemerals: 0,
    dataSizeBytes: 100, openFds: 50, maxFds: 1000, syncedFollowers: null, probeMs, source: '4lw', health: 'ok',
    ...extra,
  };
}

const down = (address: string, ts: number): ServerSample =>
  sample(address, ts, null, { up: false, role: null, downReason: 'connection refused', health: 'down' });

const mark = (ts: number, address: string, kind: TimelineMark['kind'], label = kind): TimelineMark => ({ ts, address, kind, label });

describe('outageSpans', () => {
  it('pairs downs with ups per server', () => {
    const spans = outageSpans([mark(30, 'a', 'up'), mark(10, 'a', 'down'), mark(20, 'b', 'down'), mark(15, 'a', 'role')], 0, 100);
    expect(spans.get('a')).toEqual([{ from: 10, to: 30 }]);
    // Still down: the span runs to the end of the range.
    expect(spans.get('b')).toEqual([{ from: 20, to: 100 }]);
  });

  it('starts an outage that began before the range at the range start', () => {
    expect(outageSpans([mark(40, 'a', 'up')], 5, 100).get('a')).toEqual([{ from: 5, to: 40 }]);
  });

  it('keeps the first down of a run', () => {
    expect(outageSpans([mark(10, 'a', 'down'), mark(12, 'a', 'down'), mark(20, 'a', 'up')], 0, 50).get('a')).toEqual([{ from: 10, to: 20 }]);
  });
});

describe('fromHistory', () => {
  it('breaks a line where an outage began, when there are points after it', () => {
    const map = fromHistory(
      [
        { address: 'a', points: [[1, 5], [2, 6], [4, 7]], resolutionMs: 0 },
        { address: 'b', points: [[1, 5], [2, 6]], resolutionMs: 0 },
      ],
      new Map([
        ['a', [{ from: 3, to: 3.5 }]],
        ['b', [{ from: 3, to: 10 }]],
      ]),
      1,
    );
    expect(map.get('a')).toEqual([[1, 5], [2, 6], [3, null], [4, 7]]);
    expect(map.get('b')).toEqual([[1, 5], [2, 6]]);
  });

  it('breaks a line across a silence longer than three steps, once', () => {
    const raw = fromHistory([{ address: 'a', points: [[0, 1], [1000, 2], [9000, 3]], resolutionMs: 0 }], new Map(), 1000);
    expect(raw.get('a')).toEqual([[0, 1], [1000, 2], [1001, null], [9000, 3]]);
    // Downsampled buckets are judged by their own size, not the poll interval.
    const buckets = fromHistory([{ address: 'a', points: [[0, 1], [60_000, 2], [120_000, 3]], resolutionMs: 60_000 }], new Map(), 1000);
    expect(buckets.get('a')).toEqual([[0, 1], [60_000, 2], [120_000, 3]]);
    const outage = fromHistory([{ address: 'a', points: [[0, 1], [9000, 3]], resolutionMs: 0 }], new Map([['a', [{ from: 500, to: 8000 }]]]), 1000);
    expect(outage.get('a')).toEqual([[0, 1], [1, null], [9000, 3]]);
  });
});

describe('appendSamples', () => {
  it('adds the metric of each sample and drops what left the window', () => {
    const map: PointMap = new Map([['a', [[1, 1], [5, 2]]]]);
    expect(appendSamples(map, [sample('a', 10, 3), sample('b', 10, 4)], 'probeMs', 4)).toBe(true);
    expect(map.get('a')).toEqual([[5, 2], [10, 3]]);
    expect(map.get('b')).toEqual([[10, 4]]);
  });

  it('ignores samples it already has', () => {
    const map: PointMap = new Map([['a', [[10, 3]]]]);
    expect(appendSamples(map, [sample('a', 10, 9), sample('a', 9, 9)], 'probeMs', 0)).toBe(false);
    expect(map.get('a')).toEqual([[10, 3]]);
  });

  it('ends a line once when the server goes down, and resumes it when it is back', () => {
    const map: PointMap = new Map();
    appendSamples(map, [sample('a', 1, 2)], 'probeMs', 0);
    appendSamples(map, [down('a', 2)], 'probeMs', 0);
    appendSamples(map, [down('a', 3)], 'probeMs', 0);
    appendSamples(map, [sample('a', 4, 5)], 'probeMs', 0);
    expect(map.get('a')).toEqual([[1, 2], [2, null], [4, 5]]);
  });

  it('reads the chosen metric', () => {
    const map: PointMap = new Map();
    appendSamples(map, [sample('a', 1, 2, { znodes: 42 })], 'znodes', 0);
    expect(map.get('a')).toEqual([[1, 42]]);
  });
});

describe('marksChanged', () => {
  it('notices a server going down or up and a new role, nothing else', () => {
    const before = [sample('a', 1, 1, { role: 'leader' }), sample('b', 1, 1)];
    expect(marksChanged(before, [sample('a', 2, 9, { role: 'leader' }), sample('b', 2, 3)])).toBe(false);
    expect(marksChanged(before, [down('a', 2), sample('b', 2, 3)])).toBe(true);
    expect(marksChanged(before, [sample('a', 2, 1, { role: 'leader' }), sample('b', 2, 1, { role: 'leader' })])).toBe(true);
    expect(marksChanged([down('a', 1)], [sample('a', 2, 1)])).toBe(true);
    expect(marksChanged([], [sample('a', 2, 1)])).toBe(false);
  });
});

it('orders servers by membership, then by first mention', () => {
  expect(seriesOrder(['b:1', 'a:1'], ['a:1', 'c:1'], new Set(['d:1', 'c:1']))).toEqual(['b:1', 'a:1', 'c:1', 'd:1']);
});

it('describes metrics and ranges', () => {
  expect(metricInfo('dataSizeBytes')).toMatchObject({ label: 'Approximate data size', kind: 'bytes' });
  expect(formatMetric('bytes', 2048)).toBe('2.0 KiB');
  expect(formatMetric('ms', 1.25)).toBe('1.3 ms');
  expect(formatMetric('count', 12345)).toBe('12,345');
  expect(rangeInfo('24h').ms).toBe(86_400_000);
  expect(rangeInfo('7d').label).toBe('7 d');
});
