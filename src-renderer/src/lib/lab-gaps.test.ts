import { describe, expect, it } from 'vitest';
import { addGap, overlapping, removeGap } from './lab-gaps';

describe('gaps', () => {
  it('merges overlapping gaps and keeps them sorted', () => {
    let gaps = addGap([], { from: 50, to: 60 });
    gaps = addGap(gaps, { from: 10, to: 20 });
    gaps = addGap(gaps, { from: 15, to: 30 });
    gaps = addGap(gaps, { from: 40, to: 40 });
    expect(gaps).toEqual([{ from: 10, to: 30 }, { from: 50, to: 60 }]);
  });

  it('cuts filled stretches out, leaving what is left on either side', () => {
    expect(removeGap([{ from: 10, to: 30 }, { from: 50, to: 60 }], { from: 20, to: 55 })).toEqual([{ from: 10, to: 20 }, { from: 55, to: 60 }]);
    expect(removeGap([{ from: 10, to: 30 }], { from: 12, to: 18 })).toEqual([{ from: 10, to: 12 }, { from: 18, to: 30 }]);
  });

  it('finds the part of a gap inside a window', () => {
    const gaps = [{ from: 10, to: 30 }, { from: 50, to: 60 }];
    expect(overlapping(gaps, 25, 55)).toEqual({ from: 25, to: 30 });
    expect(overlapping(gaps, 30, 50)).toBeNull();
  });
});
