import { describe, expect, it } from 'vitest';
import type { LabLinkView } from '../../../src-main/api/lab-types';
import { alongLine, linkLook, ringLayout } from './lab-topology';

const link = (aToB: 'open' | 'cut', bToA: 'open' | 'cut', delayMs = 0): LabLinkView => ({ a: 1, b: 3, aToB, bToA, delayMs });

describe('lab topology', () => {
  it('says how a link is: open, cut one way or both, slowed', () => {
    expect(linkLook(link('open', 'open'))).toEqual({ cut: 'open', slow: false, label: null });
    expect(linkLook(link('cut', 'cut'))).toMatchObject({ cut: 'both', label: 'cut' });
    expect(linkLook(link('cut', 'open'))).toMatchObject({ cut: 'a->b', label: '1→3 cut' });
    expect(linkLook(link('open', 'cut', 250))).toEqual({ cut: 'b->a', slow: true, label: '3→1 cut · +250 ms' });
  });

  it('puts servers on a ring from the top, and points along a line', () => {
    const ring = ringLayout([1, 2, 3, 4], 100, 100, 50);
    expect(ring.get(1)).toEqual({ x: 100, y: 50 });
    expect(ring.get(2)!.x).toBeCloseTo(150);
    expect(ring.get(3)!.y).toBeCloseTo(150);
    expect(alongLine({ x: 0, y: 0 }, { x: 10, y: 0 }, 0.5, 2)).toEqual({ x: 5, y: -2 });
  });
});
