// The ZAB timeline's geometry: which span of time is shown (in µs), where each server's lane sits,
// zoom about a point, pan, and time-axis ticks at round steps.

export interface Viewport {
  fromUs: number;
  toUs: number;
}

export interface PlotArea {
  left: number;
  top: number;
  width: number;
  height: number;
  laneHeight: number;
}

export const MIN_SPAN_US = 500;
export const MAX_SPAN_US = 30 * 60 * 1_000_000;
const gutterPx = 92;
const axisPx = 24;

export function plotArea(width: number, height: number, laneCount: number): PlotArea {
  const plotHeight = Math.max(0, height - axisPx - 4);
  return {
    left: gutterPx,
    top: axisPx,
    width: Math.max(1, width - gutterPx - 12),
    height: plotHeight,
    laneHeight: plotHeight / Math.max(1, laneCount),
  };
}

export function xOf(view: Viewport, area: PlotArea, ts: number): number {
  return area.left + ((ts - view.fromUs) / (view.toUs - view.fromUs)) * area.width;
}

export function tsOf(view: Viewport, area: PlotArea, x: number): number {
  return view.fromUs + ((x - area.left) / area.width) * (view.toUs - view.fromUs);
}

/** The centre line of lane `index`, where arrows start and end. */
export function laneY(area: PlotArea, index: number): number {
  return area.top + area.laneHeight * (index + 0.5);
}

/** Zooms by `factor` (> 1 zooms out) keeping the time at `anchor` (0 = left edge, 1 = right) in place. */
export function zoomAt(view: Viewport, anchor: number, factor: number): Viewport {
  const span = view.toUs - view.fromUs;
  const next = Math.min(MAX_SPAN_US, Math.max(MIN_SPAN_US, span * factor));
  const at = view.fromUs + span * anchor;
  return { fromUs: at - next * anchor, toUs: at + next * (1 - anchor) };
}

/** Moves the window by a share of its width: positive shows later times. */
export function panBy(view: Viewport, share: number): Viewport {
  const shift = (view.toUs - view.fromUs) * share;
  return { fromUs: view.fromUs + shift, toUs: view.toUs + shift };
}

/** Window ending at `toUs` with the same span: how "follow live" keeps up. */
export function endingAt(view: Viewport, toUs: number): Viewport {
  return { fromUs: toUs - (view.toUs - view.fromUs), toUs };
}

const steps = [
  100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 2e6, 5e6, 1e7, 15e6, 3e7, 6e7, 12e7, 3e8, 6e8,
];

/** Round tick times (µs) inside the window, about one per `minGapPx`; the step tells the label's precision. */
export function ticks(view: Viewport, area: PlotArea, minGapPx = 90): { step: number; at: number[] } {
  const span = view.toUs - view.fromUs;
  const wanted = (span * minGapPx) / area.width;
  const step = steps.find((s) => s >= wanted) ?? steps[steps.length - 1];
  const at: number[] = [];
  for (let t = Math.ceil(view.fromUs / step) * step; t <= view.toUs; t += step) at.push(t);
  return { step, at };
}

/** A tick's label: wall-clock seconds, with as many decimals as the step needs. */
export function tickLabel(ts: number, step: number): string {
  const d = new Date(ts / 1000);
  const hms = [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
  if (step >= 1e6) return hms;
  const decimals = step >= 1e5 ? 1 : step >= 1e4 ? 2 : step >= 1e3 ? 3 : 4;
  const fraction = ((ts % 1e6) / 1e6).toFixed(decimals).slice(1);
  return hms + fraction;
}
