// ECharts options for the lab's metrics, built from plain data: throughput by operation, latency
// percentiles, and a line per server for outstanding requests and connections. Every chart carries
// the lab's faults: a line at each, a shaded span while a server is down or the network cut.

import type { EChartsOption, LineSeriesOption } from 'echarts';
import { timeAxis, valueAxis } from './chart-axes';
import type { FaultLine, FaultSpan } from './lab-faults';
import { loadOps, type LoadBucket, type Point } from './lab-load-series';

export interface ChartFrame {
  fromMs: number;
  toMs: number;
  faults: { lines: FaultLine[]; spans: FaultSpan[] };
  animate: boolean;
}

const opColors = { read: '#0f9fb5', write: '#2f6fdb', create: '#8e44ad' };
const serverPalette = ['#2f6fdb', '#1e9a55', '#e0761b', '#8e44ad', '#d63384', '#0f9fb5', '#795548', '#34495e', '#c9a100', '#5b8c2a'];

/**
 * Where the time axis begins: the chosen range's start, or later when the data begins later (a lab
 * started a minute ago has a minute of samples, not five), but never less than `minSpanMs` back.
 */
export function axisStart(rangeFromMs: number, toMs: number, firstDataMs: number | null, minSpanMs = 60_000): number {
  if (firstDataMs === null) return Math.max(rangeFromMs, toMs - minSpanMs);
  return Math.max(rangeFromMs, Math.min(firstDataMs, toMs - minSpanMs));
}

function frameMarks(frame: ChartFrame): Pick<LineSeriesOption, 'markLine' | 'markArea'> {
  const inRange = (at: number): boolean => at >= frame.fromMs && at <= frame.toMs;
  return {
    markLine: {
      silent: true,
      symbol: ['none', 'none'],
      animation: false,
      lineStyle: { color: '#c2413a', type: 'dashed', width: 1.2 },
      label: { position: 'insideEndTop', color: '#b23a34', fontSize: 10, formatter: '{b}' },
      data: frame.faults.lines.filter((l) => inRange(l.at)).map((l) => ({ name: l.label, xAxis: l.at })),
    },
    markArea: {
      silent: true,
      itemStyle: { color: 'rgba(194, 65, 58, 0.09)' },
      label: { show: true, position: 'insideBottomLeft', color: '#b23a34', fontSize: 10 },
      data: frame.faults.spans
        .filter((s) => (s.to ?? frame.toMs) >= frame.fromMs)
        .map((s) => {
          const from = Math.max(s.from, frame.fromMs);
          const to = Math.min(s.to ?? frame.toMs, frame.toMs);
          // Words only where the span is wide enough to hold them.
          const wide = (to - from) / (frame.toMs - frame.fromMs) > 0.15;
          return [{ name: s.label, xAxis: from, label: { show: wide } }, { xAxis: to }];
        }),
    },
  };
}

function baseOption(frame: ChartFrame, unit: string, series: LineSeriesOption[]): EChartsOption {
  // Marks ride on the first series; a chart with no line yet gets an empty one to carry them.
  const carriers = series.length ? series : [{ type: 'line', id: 'faults', data: [] } satisfies LineSeriesOption];
  carriers[0] = { ...carriers[0], ...frameMarks(frame) };
  return {
    animation: frame.animate,
    grid: { left: 12, right: 20, top: 36, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    legend: { top: 4, left: 8, icon: 'roundRect', itemWidth: 14, itemHeight: 4, textStyle: { fontSize: 11 } },
    tooltip: { trigger: 'axis', valueFormatter: (v) => (typeof v === 'number' ? `${+v.toFixed(2)}${unit}` : '—') },
    xAxis: timeAxis(frame.fromMs, frame.toMs),
    yAxis: valueAxis((v) => `${v}${unit}`),
    series: carriers,
  };
}

function line(id: string, color: string, data: Point[], extra: Partial<LineSeriesOption> = {}): LineSeriesOption {
  return { type: 'line', id, name: id, color, data, showSymbol: false, lineStyle: { width: 1.6 }, connectNulls: false, ...extra };
}

/** Successful requests per second, stacked by operation, and failed ones in red. */
export function throughputOption(buckets: readonly LoadBucket[], frame: ChartFrame): EChartsOption {
  const series = loadOps.map((op) =>
    line(op, opColors[op], buckets.map((b) => [b.at, b.ops[op]]), { stack: 'ops', areaStyle: { opacity: 0.25 } }),
  );
  // Errors on their own line, not on the stack: a failing request did not complete.
  series.push(line('errors', '#c2413a', buckets.map((b) => [b.at, b.errors])));
  return baseOption(frame, '/s', series);
}

/** Latency of successful requests, per second: median, 99th percentile and worst. */
export function latencyOption(buckets: readonly LoadBucket[], frame: ChartFrame): EChartsOption {
  const pick = (key: 'p50' | 'p99' | 'max'): Point[] => buckets.map((b) => [b.at, b[key]]);
  return baseOption(frame, ' ms', [
    line('p50', '#1e9a55', pick('p50'), { showSymbol: true, symbolSize: 3 }),
    line('p99', '#e0761b', pick('p99'), { showSymbol: true, symbolSize: 3 }),
    line('max', '#c2413a', pick('max'), { lineStyle: { width: 1, type: 'dotted' } }),
  ]);
}

/**
 * One line per server of a figure from 'lab.status'. Status is pushed when something changes, so
 * each line holds its last value up to the right edge.
 */
export function perServerOption(lines: ReadonlyMap<number, Point[]>, frame: ChartFrame): EChartsOption {
  const ids = [...lines.keys()].sort((a, b) => a - b);
  const held = (points: Point[]): Point[] => {
    const last = points.at(-1);
    return last && last[0] < frame.toMs ? [...points, [frame.toMs, last[1]]] : points;
  };
  return baseOption(
    frame,
    '',
    ids.map((id, i) => line(`server ${id}`, serverPalette[i % serverPalette.length], held(lines.get(id) ?? []), { step: 'end' })),
  );
}

/** Points with a value across a chart's series: what the page says it shows, and what tests read. */
export function pointCount(option: EChartsOption): number {
  const series = (Array.isArray(option.series) ? option.series : [option.series]) as Array<{ data?: unknown[] } | undefined>;
  return series.reduce((n, s) => n + (s?.data ?? []).filter((p) => Array.isArray(p) && p[1] !== null).length, 0);
}
