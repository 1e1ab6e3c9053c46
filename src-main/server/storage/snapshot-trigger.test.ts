import { describe, expect, it } from 'vitest';
import { rollSnapshotDice, shouldSnapshot } from './snapshot-trigger';

describe('snapshot trigger (SyncRequestProcessor)', () => {
  it('snapshots after snapCount/2 plus a random share of snapCount/2 txns', () => {
    const config = { snapCount: 100_000 };
    const low = rollSnapshotDice(config, () => 0);
    const high = rollSnapshotDice(config, () => 0.999999);
    expect(low.randRoll).toBe(0);
    expect(high.randRoll).toBe(49_999);
    expect(shouldSnapshot(config, low, 50_000, 0)).toBe(false);
    expect(shouldSnapshot(config, low, 50_001, 0)).toBe(true);
    expect(shouldSnapshot(config, high, 99_999, 0)).toBe(false);
    expect(shouldSnapshot(config, high, 100_000, 0)).toBe(true);
  });

  it('also snapshots on log size, unless snapSizeLimitInKb is off', () => {
    const config = { snapCount: 100_000, snapSizeLimitKb: 1024 };
    const dice = rollSnapshotDice(config, () => 0.5);
    expect(dice.randSize).toBe(262_144);
    expect(shouldSnapshot(config, dice, 1, 524_288 + 262_144)).toBe(false);
    expect(shouldSnapshot(config, dice, 1, 524_288 + 262_145)).toBe(true);
    const off = { snapCount: 100_000, snapSizeLimitKb: 0 };
    expect(shouldSnapshot(off, rollSnapshotDice(off, () => 0.5), 1, Number.MAX_SAFE_INTEGER)).toBe(false);
  });

  it('treats a snapCount below 2 as 2, as ZooKeeper does', () => {
    const config = { snapCount: 0 };
    const dice = rollSnapshotDice(config, () => 0.7);
    expect(dice.randRoll).toBe(0);
    expect(shouldSnapshot(config, dice, 1, 0)).toBe(false);
    expect(shouldSnapshot(config, dice, 2, 0)).toBe(true);
  });
});
