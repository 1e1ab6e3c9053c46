// The history chart's data: which metrics and ranges there are, per-server point lists built from
// stored history and grown by live samples, and the outage spans and role changes from the marks.

import type { MetricName, MetricSeries, ServerSample, TimelineMark } from '../../../src-main/api/monitor-types';
import { formatBytes, formatCount, formatMs } from './monitor-format';

export type MetricKind = 'ms' | 'count' | 'bytes';

export interface MetricInfo {
  name: MetricName;
  label: string;
  kind: MetricKind;
}

export const metrics: MetricInfo[] = [
  { name: 'probeMs', label: 'Client probe round trip', kind: 'ms' },
  { name: 'latencyAvgMs', label: 'Average latency', kind: 'ms' },
  { name: 'latencyMaxMs', label: 'Max latency', kind: 'ms' },
  { name: 'outstanding', label: 'Outstanding requests', kind: 'count' },
  { name: 'connections', label: 'Connections', kind: 'count' },
  { name: 'znodes', label: 'Znodes', kind: 'count' },
  { name: 'watches', label: 'Watches', kind: 'count' },
  { name: 'ephemerals', label: 'Ephemerals', kind: 'count' },
  { name: 'dataSizeBytes', label: 'Approximate data size', kind: 'bytes' },
  { name: 'openFds', label: 'Open file descriptors', kind: 'count' },
];

export function metricInfo(name: MetricName): MetricInfo {
  return metrics.find((m) => m.name === name) ?? metrics[0];
}

export function formatMetric(kind: MetricKind, v: number | null): string {
  return kind === 'ms' ? formatMs(v) : kind === 'bytes' ? formatBytes(v) : formatCount(v);
}

export type RangeId = '1h' | '24h' | '7d';

export interface RangeInfo {
  id: RangeId;
  label: string;
  ms: number;
}

export const ranges: RangeInfo[] = [
  { id: '1h', label: '1 h', ms: 3_600_000 },
  { id: '24h', label: '24 h', ms: 86_400_000 },
  { id: '7d', label: '7 d', ms: 604_800_000 },
];

export function rangeInfo(id: RangeId): RangeInfo {
  return ranges.find((r) => r.id === id) ?? ranges[0];
}

/** A null value breaks the line, so an outage shows as a gap rather than a straight bridge. */
export type Point = [number, number | null];

/** Points per server address, oldest first. */
export type PointMap = Map<string, Point[]>;

export interface Span {
  from: number;
  to: number;
}

/**
 * Outage spans per address from down/up marks. An "up" with no "down" before it in the range began
 * before the range did; a "down" with no "up" after it is still going on at `toTs`.
 */
export function outageSpans(marks: readonly TimelineMark[], fromTs: number, toTs: number): Map<string, Span[]> {
  const spans = new Map<string, Span[]>();
  const open = new Map<string, number>();
  const sorted = [...marks].sort((a, b) => a.ts - b.ts);
  const list = (address: string): Span[] => {
    let l = spans.get(address);
    if (!l) spans.set(address, (l = []));
    return l;
  };
  for (const m of sorted) {
    if (m.kind === 'down') {
      if (!open.has(m.address)) open.set(m.address, m.ts);
    } else if (m.kind === 'up') {
      list(m.address).push({ from: open.get(m.address) ?? fromTs, to: m.ts });
      open.delete(m.address);
    }
  }
  for (const [address, from] of open) list(address).push({ from, to: Math.max(from, toTs) });
  return spans;
}

/**
 * Stored history as point lists. A line breaks where an outage began (when there are points after
 * it) and across any silence longer than three steps (polling stopped, the host was off), so a
 * straight line never pretends there were figures where there were none.
 */
export function fromHistory(series: readonly MetricSeries[], outages: ReadonlyMap<string, Span[]>, intervalMs: number): PointMap {
  const map: PointMap = new Map();
  for (const s of series) {
    const maxGap = 3 * Math.max(s.resolutionMs, intervalMs);
    const points: Point[] = [];
    for (const [ts, v] of s.points) {
      const last = points.at(-1);
      if (last && ts - last[0] > maxGap) points.push([last[0] + 1, null]);
      points.push([ts, v]);
    }
    for (const span of outages.get(s.address) ?? []) {
      const i = points.findIndex(([ts]) => ts > span.from);
      if (i > 0 && points[i - 1][1] !== null) points.splice(i, 0, [span.from, null]);
    }
    map.set(s.address, points);
  }
  return map;
}

/**
 * Adds one poll's samples for `metric` and drops points older than `fromTs`. A down server (or a
 * figure it did not report) adds one null, ending its line until it reports again. Returns whether
 * anything changed.
 */
export function appendSamples(map: PointMap, samples: readonly ServerSample[], metric: MetricName, fromTs: number): boolean {
  let changed = false;
  for (const s of samples) {
    let points = map.get(s.address);
    if (!points) map.set(s.address, (points = []));
    const last = points.at(-1);
    if (last && s.ts <= last[0]) continue;
    const value = s.up ? s[metric] : null;
    if (value === null && (!last || last[1] === null)) continue;
    points.push([s.ts, value]);
    changed = true;
  }
  for (const points of map.values()) {
    let drop = 0;
    while (drop < points.length && points[drop][0] < fromTs) drop++;
    if (drop > 0) {
      points.splice(0, drop);
      changed = true;
    }
  }
  return changed;
}

/** Whether a poll changed what the time axis marks: a server going down or up, or a new role. */
export function marksChanged(before: readonly ServerSample[], after: readonly ServerSample[]): boolean {
  const prev = new Map(before.map((s) => [s.address, s]));
  return after.some((s) => {
    const p = prev.get(s.address);
    return p !== undefined && (p.up !== s.up || (s.up && p.up && p.role !== s.role));
  });
}

/** Members first in their saved order, then any other address the data mentions. */
export function seriesOrder(members: readonly string[], ...more: Iterable<string>[]): string[] {
  const order = [...members];
  const seen = new Set(order);
  for (const it of more) {
    for (const a of it) {
      if (!seen.has(a)) {
        seen.add(a);
        order.push(a);
      }
    }
  }
  return order;
}
