import { describe, expect, it } from 'vitest';
import { MIN_SPAN_US, endingAt, panBy, plotArea, tickLabel, ticks, tsOf, xOf, zoomAt } from './lab-timeline-scale';

describe('timeline scale', () => {
  const area = plotArea(1104, 400, 3);
  const view = { fromUs: 1_000_000, toUs: 2_000_000 };

  it('maps times to x and back across the plot', () => {
    expect(area.width).toBe(1000);
    expect(xOf(view, area, 1_500_000)).toBe(area.left + 500);
    expect(tsOf(view, area, area.left + 250)).toBe(1_250_000);
  });

  it('zooms about an anchor, within limits, and pans by a share of the span', () => {
    expect(zoomAt(view, 0.5, 0.5)).toEqual({ fromUs: 1_250_000, toUs: 1_750_000 });
    expect(zoomAt(view, 1, 2)).toEqual({ fromUs: 0, toUs: 2_000_000 });
    const tight = zoomAt(view, 0, 1e-9);
    expect(tight.toUs - tight.fromUs).toBe(MIN_SPAN_US);
    expect(panBy(view, -0.1)).toEqual({ fromUs: 900_000, toUs: 1_900_000 });
    expect(endingAt(view, 5_000_000)).toEqual({ fromUs: 4_000_000, toUs: 5_000_000 });
  });

  it('puts ticks on round steps with labels as precise as the step', () => {
    const { step, at } = ticks(view, area);
    expect(step).toBe(100_000);
    expect(at[0]).toBe(1_000_000);
    expect(at).toHaveLength(11);
    const noon = new Date(2026, 0, 1, 12, 0, 5).getTime() * 1000;
    expect(tickLabel(noon + 250_000, 100_000)).toBe('12:00:05.3');
    expect(tickLabel(noon + 250_000, 1000)).toBe('12:00:05.250');
    expect(tickLabel(noon, 5_000_000)).toBe('12:00:05');
  });
});
