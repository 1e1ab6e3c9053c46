// The history chart's ECharts option, built from plain data so it can be tested without a canvas:
// one line per server, outages as shaded areas and role changes as dashed lines on the time axis.

import type { EChartsOption, LineSeriesOption } from 'echarts';
import type { TimelineMark } from '../../../src-main/api/monitor-types';
import { timeAxis, valueAxis } from './chart-axes';
import { formatMetric, type MetricInfo, type PointMap, type Span } from './monitor-series';

/** Server line colours: distinct from the health colours so a red line never reads as "critical". */
export const serverPalette = ['#2f6fdb', '#8e44ad', '#0f9fb5', '#e0761b', '#d63384', '#5b8c2a', '#795548', '#34495e'];

const outageFill = 'rgba(194, 65, 58, 0.11)';
const outageText = '#b23a34';

export interface ChartInput {
  metric: MetricInfo;
  /** Server addresses in legend and colour order. */
  order: string[];
  points: PointMap;
  outages: ReadonlyMap<string, Span[]>;
  marks: readonly TimelineMark[];
  fromTs: number;
  toTs: number;
  /** The shortest time axis: fresh lines fill it from the right rather than being stretched across. */
  minSpanMs: number;
  animate: boolean;
}

/** The words on a role-change line: the role taken ("follower → leader" reads "leader"), else the label. */
export function roleMarkText(mark: TimelineMark): string {
  const arrow = mark.label.lastIndexOf('→');
  return (arrow >= 0 ? mark.label.slice(arrow + 1) : mark.label).trim();
}

function serverSeries(input: ChartInput, index: number): LineSeriesOption {
  const address = input.order[index];
  const color = serverPalette[index % serverPalette.length];
  const spans = input.outages.get(address) ?? [];
  const roleMarks = input.marks.filter((m) => m.kind === 'role' && m.address === address && m.ts >= input.fromTs && m.ts <= input.toTs);
  // Ids let each poll's option merge into the line already drawn (no re-entry animation); empty
  // mark lists, not absent ones, so a mark that left the range is removed by that merge.
  return {
    type: 'line',
    id: address,
    name: address,
    data: input.points.get(address) ?? [],
    color,
    showSymbol: true,
    showAllSymbol: 'auto',
    symbolSize: 4,
    lineStyle: { width: 1.8 },
    connectNulls: false,
    animation: input.animate,
    emphasis: { focus: 'series' },
    markArea: {
      silent: true,
      itemStyle: { color: outageFill },
      // Right-aligned, so an outage still going on at the right edge keeps its label on the chart;
      // one row per server, so servers down together do not print over each other.
      label: {
        show: true,
        position: 'insideTopRight',
        offset: [0, index * 13],
        color: outageText,
        fontSize: 10,
        formatter: `${address} down`,
      },
      data: spans.map((s) => [{ xAxis: Math.max(s.from, input.fromTs) }, { xAxis: Math.min(s.to, input.toTs) }]),
    },
    markLine: {
      silent: true,
      symbol: ['none', 'none'],
      animation: false,
      lineStyle: { color, type: 'dashed', width: 1.2 },
      label: { position: 'end', color, fontSize: 10, fontWeight: 600 },
      data: roleMarks.map((m) => ({ xAxis: m.ts, label: { formatter: roleMarkText(m) } })),
    },
  };
}

/**
 * Where the time axis begins: the range start, or later when the data begins later (a new ensemble
 * has seconds of samples, not an hour), so fresh lines are not squeezed against the right edge.
 */
export function axisStart(input: Pick<ChartInput, 'points' | 'marks' | 'fromTs' | 'toTs' | 'minSpanMs'>): number {
  let first = Infinity;
  for (const points of input.points.values()) if (points.length) first = Math.min(first, points[0][0]);
  for (const m of input.marks) if (m.ts >= input.fromTs) first = Math.min(first, m.ts);
  if (first === Infinity) return input.fromTs;
  return Math.max(input.fromTs, Math.min(first, input.toTs - input.minSpanMs));
}

export function chartOption(input: ChartInput): EChartsOption {
  const kind = input.metric.kind;
  return {
    animation: input.animate,
    // Axis labels inside the box, as containLabel did before ECharts 6.
    grid: { left: 12, right: 28, top: 48, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    legend: { type: 'scroll', top: 6, left: 12, data: input.order, icon: 'roundRect', itemWidth: 14, itemHeight: 4 },
    tooltip: {
      trigger: 'axis',
      valueFormatter: (v) => formatMetric(kind, typeof v === 'number' ? v : null),
    },
    xAxis: timeAxis(axisStart(input), input.toTs),
    yAxis: valueAxis((v) => formatMetric(kind, v)),
    series: input.order.map((_, i) => serverSeries(input, i)),
  };
}

