import { describe, expect, it } from 'vitest';
import { CreateMode } from '../../protocol/constants';
import { generateSteps } from './generator';
import { SEQ_REF, SLOTS, type Step } from './steps';

describe('generateSteps', () => {
  it('is a pure function of the seed', () => {
    expect(JSON.stringify(generateSteps(5, 500))).toBe(JSON.stringify(generateSteps(5, 500)));
    expect(JSON.stringify(generateSteps(6, 500))).not.toBe(JSON.stringify(generateSteps(5, 500)));
  });

  it('covers every step kind, create mode and injected request type', () => {
    const steps = generateSteps(1, 3000);
    const kinds = new Set(steps.map((s) => s.kind));
    for (const k of ['create', 'delete', 'setData', 'getData', 'exists', 'getChildren', 'getACL', 'setACL', 'sync', 'multi',
      'multiRead', 'getEphemerals', 'getAllChildrenNumber', 'addWatch', 'removeWatches', 'whoAmI', 'addAuth', 'close',
      'expire', 'disconnect', 'reconnect', 'raw']) {
      expect(kinds, k).toContain(k);
    }
    const modes = new Set(steps.flatMap((s) => (s.kind === 'create' ? [s.mode] : [])));
    expect([...modes].sort((a, b) => a - b)).toEqual(Object.values(CreateMode).sort((a, b) => a - b));
    const raw = new Set(steps.flatMap((s) => (s.kind === 'raw' ? [s.op.type] : [])));
    expect([...raw].sort()).toEqual(['create', 'opcodeOnly', 'path', 'read', 'watches', 'write']);
    expect(steps.some((s) => 'path' in s && s.path.endsWith(`/${SEQ_REF}`))).toBe(true);
    expect(steps.some((s) => s.kind === 'multi' && s.ops.length === 0)).toBe(true);
  });

  it('never uses a session while it is cut off, and expires on schedule', () => {
    const steps = generateSteps(3, 5000, { expireEvery: 1000 });
    let offline: number | null = null;
    const expiries: number[] = [];
    steps.forEach((s: Step, i) => {
      if (s.kind === 'reconnect') {
        expect(s.slot).toBe(offline);
        offline = null;
        return;
      }
      expect(s.slot).not.toBe(offline);
      expect(s.slot).toBeLessThan(SLOTS.length);
      if (s.kind === 'disconnect') offline = s.slot;
      if (s.kind === 'expire') expiries.push(i);
    });
    expect(expiries.length).toBe(5);
    // An expiry due while a session is cut off waits one step for its reconnect.
    expiries.forEach((at, n) => expect(at - (1000 * n + 500)).toBeLessThanOrEqual(1));
  });

  it('can leave expiry out', () => {
    expect(generateSteps(3, 3000, { expireEvery: 0 }).some((s) => s.kind === 'expire')).toBe(false);
  });
});
