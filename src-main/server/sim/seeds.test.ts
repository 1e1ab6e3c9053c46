import { describe, expect, it } from 'vitest';
import { SimFailure, runSeeds, seedPlan } from './seeds';

describe('seed plans', () => {
  it('defaults to a fixed range, and takes a count, a base or one seed to replay from the environment', () => {
    expect(seedPlan(3, {})).toEqual({ seeds: [1, 2, 3], replay: false });
    expect(seedPlan(3, { ZOOLAB_SIM_SEEDS: '2', ZOOLAB_SIM_SEED_BASE: '100' })).toEqual({ seeds: [100, 101], replay: false });
    expect(seedPlan(3, { ZOOLAB_SIM_SEED: '4242' })).toEqual({ seeds: [4242], replay: true });
    expect(seedPlan(2, { ZOOLAB_SIM_SEED_BASE: 'random' }).seeds).toHaveLength(2);
    expect(() => seedPlan(3, { ZOOLAB_SIM_SEED: 'x' })).toThrow(/ZOOLAB_SIM_SEED=x/);
  });

  it('a failure names the seed, the replay command and the end of the trace', () => {
    expect(() => runSeeds({ seeds: [1, 2, 3], replay: false }, 'some.test.ts', (seed) => {
      if (seed === 2) throw new SimFailure(seed, 'two leaders', '   10ms  a line');
      return seed;
    })).toThrow(/seed 2: two leaders\nreplay: ZOOLAB_SIM_SEED=2 npx vitest run some.test.ts\n--- the end of its trace ---\n {3}10ms {2}a line/);
    const ok = runSeeds({ seeds: [1, 2], replay: false }, 'x', (s) => s * 2);
    expect(ok.results).toEqual([2, 4]);
    expect(ok.seedsPerSecond).toBeGreaterThan(0);
  });
});
