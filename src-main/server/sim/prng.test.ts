import { describe, expect, it } from 'vitest';
import { EventQueue } from './event-queue';
import { Prng } from './prng';

describe('Prng', () => {
  it('is a function of its seed', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const c = new Prng(43);
    const draw = (p: Prng) => Array.from({ length: 20 }, () => p.nextUint32());
    const seqA = draw(a);
    expect(draw(b)).toEqual(seqA);
    expect(draw(c)).not.toEqual(seqA);
  });

  it('draws in range, picks, shuffles into a permutation', () => {
    const p = new Prng(7);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const n = p.int(3, 9);
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(9);
      seen.add(n);
      const x = p.next();
      expect(x >= 0 && x < 1).toBe(true);
    }
    expect(seen.size).toBe(7);
    expect(p.shuffle([1, 2, 3, 4, 5]).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(p.chance(0)).toBe(false);
    expect(p.chance(1)).toBe(true);
    expect(() => p.pick([])).toThrow();
  });

  it('forks streams that do not move with the parent', () => {
    const p = new Prng(1);
    const child = p.fork();
    const first = child.nextUint32();
    const q = new Prng(1);
    const sameChild = q.fork();
    q.nextUint32();
    q.nextUint32();
    expect(sameChild.nextUint32()).toBe(first);
  });
});

describe('EventQueue', () => {
  it('pops by time, and in insertion order at the same time', () => {
    const q = new EventQueue<string>();
    const p = new Prng(3);
    const items = Array.from({ length: 300 }, (_, i) => ({ t: p.int(0, 20), name: `e${i}` }));
    for (const { t, name } of items) q.push(t, name);
    const order: string[] = [];
    for (let e = q.pop(); e; e = q.pop()) order.push(e.item);
    const expected = [...items].sort((a, b) => a.t - b.t || Number(a.name.slice(1)) - Number(b.name.slice(1))).map((x) => x.name);
    expect(order).toEqual(expected);
    expect(q.size).toBe(0);
  });
});
