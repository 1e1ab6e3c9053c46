// Election + ZAB under the deterministic simulator, many seeds: 3 or 5 participants (sometimes an
// observer), a client writing throughout, and crashes (with and without the unsynced log tail),
// restarts, partitions, one-way link failures, delay, loss, duplication and reordering. Every
// seed checks the invariants as it runs (sim/invariants.ts), then that the survivors settle on one
// leader, take new writes, and hold the same committed txns, each acknowledged write exactly once.
// A failure prints its seed; ZOOLAB_SIM_SEED=<seed> replays it, ZOOLAB_SIM_SEEDS=<n> soaks longer.

import { describe, expect, it } from 'vitest';
import { runSeeds, seedPlan } from '../sim/seeds';
import { runZabSeed } from './sim/scenario';

const FILE = 'src-main/server/zab/zab.sim.test.ts';

describe('ZAB with Fast Leader Election under random faults', () => {
  const plan = seedPlan(1500);
  // A soak (ZOOLAB_SIM_SEEDS) runs as long as it needs: about 150 seeds a second here.
  it('keeps every invariant and converges, seed after seed', { timeout: Math.max(60_000, plan.seeds.length * 50) }, () => {
    const { results, seedsPerSecond } = runSeeds(plan, FILE, (seed) => runZabSeed(seed));
    if (plan.replay) return;
    const sum = (f: (r: (typeof results)[number]) => number) => results.reduce((a, r) => a + f(r), 0);
    // The runs must actually exercise what they claim to: elections, every sync mode, real traffic.
    expect(sum((r) => r.established)).toBeGreaterThan(1.3 * results.length);
    expect(results.filter((r) => r.established >= 3).length).toBeGreaterThan(results.length / 10);
    expect(sum((r) => r.syncs.DIFF)).toBeGreaterThan(results.length);
    expect(sum((r) => r.syncs.TRUNC)).toBeGreaterThan(50);
    expect(sum((r) => r.syncs.SNAP)).toBeGreaterThan(100);
    expect(sum((r) => r.acked)).toBeGreaterThan(20 * results.length);
    expect(results.filter((r) => r.observers > 0).length).toBeGreaterThan(results.length / 5);
    expect(results.filter((r) => r.participants === 5).length).toBeGreaterThan(results.length / 5);
    console.log(`${results.length} seeds, ${seedsPerSecond.toFixed(0)}/s: ${sum((r) => r.established)} epochs established, ` +
      `${sum((r) => r.committed)} txns committed, ${sum((r) => r.acked)} writes acknowledged, ` +
      `syncs DIFF ${sum((r) => r.syncs.DIFF)} / TRUNC ${sum((r) => r.syncs.TRUNC)} / SNAP ${sum((r) => r.syncs.SNAP)}, ` +
      `${results.filter((r) => r.leftOut > 0).length} seeds ending with a server left out on a higher accepted epoch`);
  });
});
