import { describe, expect, it } from 'vitest';
import { Prng } from './prng';

describe('Prng', () => {
  it('replays the same sequence from the same seed', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const seqA = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(seqA);
    const c = new Prng(43);
    expect(Array.from({ length: 100 }, () => c.next())).not.toEqual(seqA);
  });

  it('stays in range and reaches both ends', () => {
    const rng = new Prng(7);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const f = rng.next();
      expect(f >= 0 && f < 1).toBe(true);
      seen.add(rng.int(-2, 3));
    }
    expect([...seen].sort((x, y) => x - y)).toEqual([-2, -1, 0, 1, 2, 3]);
  });

  it('picks by weight', () => {
    const rng = new Prng(1);
    const counts = { rare: 0, common: 0, never: 0 };
    for (let i = 0; i < 10_000; i++) counts[rng.weighted({ rare: 1, common: 9, never: 0 })]++;
    expect(counts.never).toBe(0);
    expect(counts.rare).toBeGreaterThan(800);
    expect(counts.rare).toBeLessThan(1200);
  });
});
