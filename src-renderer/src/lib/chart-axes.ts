// The axes every time chart of the app draws (the monitor's history, the lab's metrics): time along
// the bottom with no grid lines, values from zero up with light ones, both in the app's greys.

import type { XAXisComponentOption, YAXisComponentOption } from 'echarts';

export function timeAxis(min: number, max: number): XAXisComponentOption {
  return {
    type: 'time',
    min,
    max,
    axisLine: { lineStyle: { color: '#cfd4da' } },
    axisLabel: { color: '#576070', hideOverlap: true },
    splitLine: { show: false },
  };
}

/** `format` writes each tick's value with its unit. */
export function valueAxis(format: (v: number) => string): YAXisComponentOption {
  return {
    type: 'value',
    min: 0,
    axisLabel: { color: '#576070', formatter: format },
    splitLine: { lineStyle: { color: '#eef0f3' } },
  };
}
