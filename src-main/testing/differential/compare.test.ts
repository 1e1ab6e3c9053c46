import { describe, expect, it } from 'vitest';
import { compareOutcomes, sameUpToPathInterleaving } from './compare';
import type { StepOutcome } from './normalize';

const outcome = (result: unknown, logs: Record<string, string[]> = {}, orders: string[][] = []): StepOutcome => ({ result, logs, orders });

describe('compareOutcomes', () => {
  it('finds nothing between equal outcomes', () => {
    const a = outcome({ ok: 1 }, { s0: ['getData OK z=5'] });
    expect(compareOutcomes(a, outcome({ ok: 1 }, { s0: ['getData OK z=5'] }), false)).toEqual({ differences: [], notes: [] });
  });

  it('reports a different result or log, naming the session', () => {
    const { differences } = compareOutcomes(
      outcome({ err: 'NONODE' }, { s1: ['create2 NONODE z=5'] }),
      outcome({ err: 'NODEEXISTS' }, { s1: ['create2 NODEEXISTS z=6'] }), false);
    expect(differences).toHaveLength(2);
    expect(differences[0]).toMatch(/reference \{"err":"NONODE"\}\n.*candidate \{"err":"NODEEXISTS"\}/);
    expect(differences[1]).toMatch(/what s1 received:[\s\S]*\* create2 NONODE z=5 \| create2 NODEEXISTS z=6/);
  });

  it('takes a different server order of a sorted list as a note only', () => {
    const { differences, notes } = compareOutcomes(outcome(['a', 'b'], {}, [['b', 'a']]), outcome(['a', 'b'], {}, [['a', 'b']]), false);
    expect(differences).toEqual([]);
    expect(notes[0]).toMatch(/server order differs/);
  });

  it('never lets a harness error pass, even on both sides', () => {
    const failed = outcome({ harnessError: 'boom' });
    expect(compareOutcomes(failed, outcome({ harnessError: 'boom' }), false).differences).toHaveLength(1);
  });

  it('tolerates another interleaving of paths only when a session ended', () => {
    const a = ['event NodeDeleted /a z=-1', 'event NodeDeleted /b z=-1', 'exists OK z=9'];
    const b = ['event NodeDeleted /b z=-1', 'event NodeDeleted /a z=-1', 'exists OK z=9'];
    expect(compareOutcomes(outcome(null, { s0: a }), outcome(null, { s0: b }), false).differences).toHaveLength(1);
    const ended = compareOutcomes(outcome(null, { s0: a }), outcome(null, { s0: b }), true);
    expect(ended.differences).toEqual([]);
    expect(ended.notes).toHaveLength(1);
  });
});

describe('sameUpToPathInterleaving', () => {
  it('keeps the order of one path and the place of every reply', () => {
    const created = 'event NodeCreated /a z=-1';
    const deleted = 'event NodeDeleted /a z=-1';
    expect(sameUpToPathInterleaving([created, deleted], [deleted, created])).toBe(false);
    expect(sameUpToPathInterleaving(['event NodeDeleted /b z=-1', 'exists OK z=1', deleted], [deleted, 'exists OK z=1', 'event NodeDeleted /b z=-1'])).toBe(false);
    expect(sameUpToPathInterleaving(['x OK', deleted], ['y OK', deleted])).toBe(false);
    expect(sameUpToPathInterleaving([deleted], [deleted, deleted])).toBe(false);
  });
});
