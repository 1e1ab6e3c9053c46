import type { LineSeriesOption } from 'echarts';
import { expect, it } from 'vitest';
import type { TimelineMark } from '../../../src-main/api/monitor-types';
import { axisStart, chartOption, roleMarkText, serverPalette, type ChartInput } from './monitor-chart';
import { metricInfo } from './monitor-series';

const marks: TimelineMark[] = [
  { ts: 150, address: 'b:2181', kind: 'role', label: 'follower → leader' },
  { ts: 120, address: 'a:2181', kind: 'down', label: 'a:2181 down: connection refused' },
  { ts: 50, address: 'b:2181', kind: 'role', label: 'before the range' },
];

const input: ChartInput = {
  metric: metricInfo('probeMs'),
  order: ['a:2181', 'b:2181', 'c:2181'],
  points: new Map([
    ['a:2181', [[100, 1], [110, 2], [120, null]]],
    ['b:2181', [[100, 3], [110, 4]]],
  ]),
  outages: new Map([['a:2181', [{ from: 120, to: 200 }]]]),
  marks,
  fromTs: 100,
  toTs: 200,
  minSpanMs: 50,
  animate: false,
};

it('draws one line per server in member order and colour', () => {
  const option = chartOption(input);
  const series = option.series as LineSeriesOption[];
  expect(series.map((s) => s.name)).toEqual(input.order);
  expect(series.map((s) => s.id)).toEqual(input.order);
  expect(series.map((s) => s.color)).toEqual(serverPalette.slice(0, 3));
  expect(series[0].data).toEqual([[100, 1], [110, 2], [120, null]]);
  // A server with no points yet still has its (empty) line and legend entry.
  expect(series[2].data).toEqual([]);
  expect(option.xAxis).toMatchObject({ type: 'time', min: 100, max: 200 });
  expect(option.animation).toBe(false);
  expect(series.every((s) => s.animation === false)).toBe(true);
});

it('shades outages and marks role changes inside the range on their server', () => {
  const series = chartOption(input).series as LineSeriesOption[];
  expect(series[0].markArea?.data).toEqual([[{ xAxis: 120 }, { xAxis: 200 }]]);
  expect(series[0].markArea?.label).toMatchObject({ formatter: 'a:2181 down', offset: [0, 0] });
  expect(series[2].markArea?.label).toMatchObject({ offset: [0, 26] });
  expect(series[0].markLine?.data).toEqual([]);
  expect(series[1].markArea?.data).toEqual([]);
  expect(series[1].markLine?.data).toEqual([{ xAxis: 150, label: { formatter: 'leader' } }]);
});

it('clips outage shading to the range', () => {
  const series = chartOption({ ...input, outages: new Map([['a:2181', [{ from: 20, to: 300 }]]]) }).series as LineSeriesOption[];
  expect(series[0].markArea?.data).toEqual([[{ xAxis: 100 }, { xAxis: 200 }]]);
});

it('labels a role line with the role taken', () => {
  expect(roleMarkText({ ts: 1, address: 'a', kind: 'role', label: 'follower → leader' })).toBe('leader');
  expect(roleMarkText({ ts: 1, address: 'a', kind: 'role', label: 're-elected leader (epoch 3)' })).toBe('re-elected leader (epoch 3)');
});

it('formats the value axis in the metric unit', () => {
  const option = chartOption({ ...input, metric: metricInfo('dataSizeBytes') });
  const formatter = (option.yAxis as { axisLabel: { formatter: (v: number) => string } }).axisLabel.formatter;
  expect(formatter(4096)).toBe('4.0 KiB');
});

it('starts the time axis where the data starts, but spans at least the minimum', () => {
  const base = { points: new Map(), marks: [] as TimelineMark[], fromTs: 0, toTs: 3_600_000, minSpanMs: 60_000 };
  expect(axisStart(base)).toBe(0);
  const fresh = { ...base, points: new Map([['a', [[3_590_000, 1] as [number, number]]]]) };
  expect(axisStart(fresh)).toBe(3_540_000);
  const older = { ...base, points: new Map([['a', [[1_000_000, 1] as [number, number]]]]) };
  expect(axisStart(older)).toBe(1_000_000);
  expect(axisStart({ ...older, marks: [{ ts: 500_000, address: 'a', kind: 'down', label: '' }] })).toBe(500_000);
  expect(axisStart({ ...older, fromTs: 2_000_000 })).toBe(2_000_000);
});
