// Fast Leader Election under the deterministic simulator: thousands of seeds, each a random
// ensemble, random logs and random faults, checked for ZooKeeper's election invariants.
// ZOOLAB_SIM_SEED=<n> replays one seed; ZOOLAB_SIM_SEEDS=<count> (and ZOOLAB_SIM_SEED_BASE) soak longer.

import { describe, expect, it } from 'vitest';
import { runSeeds, seedPlan } from '../seeds';
import { runElectionSeed, type ElectionRunResult } from './scenario';

const FILE = 'src-main/server/sim/election/election-sim.test.ts';
const plan = seedPlan(3000);

function summarize(results: ElectionRunResult[]) {
  const sum = (f: (r: ElectionRunResult) => number) => results.reduce((a, r) => a + f(r), 0);
  return {
    seeds: results.length,
    decisions: sum((r) => r.decisions),
    establishedLeaders: sum((r) => r.established),
    roundsReusedAfterReset: sum((r) => r.roundReuse),
    finalizeAborts: sum((r) => r.finalizeAborts),
    notificationTimeouts: sum((r) => r.notificationTimeouts),
    messages: sum((r) => r.messages),
    maxSettleMs: Math.max(...results.map((r) => r.settleMs)),
    simulatedHours: +(sum((r) => r.simulatedMs) / 3_600_000).toFixed(1),
  };
}

describe('Fast Leader Election under simulated faults', () => {
  it(`stays safe and live over ${plan.seeds.length} seed(s)`, { timeout: Math.max(60_000, plan.seeds.length * 50) }, () => {
    // A replayed seed keeps its whole trace, not just the end.
    const run = runSeeds(plan, FILE, (seed) => runElectionSeed(seed, { traceLimit: plan.replay ? 1_000_000 : 400 }));
    const stats = summarize(run.results);
    console.log(`election sim: ${plan.seeds[0]}..${plan.seeds.at(-1)}, ${run.seedsPerSecond.toFixed(0)} seeds/s`, stats);
    expect(stats.seeds).toBe(plan.seeds.length);
    if (!plan.replay) expect(stats.establishedLeaders).toBeGreaterThan(stats.seeds);
  });

  it('replays a seed exactly', () => {
    const seed = plan.seeds[0];
    expect(runElectionSeed(seed)).toEqual(runElectionSeed(seed));
  });

  // Even on a calm network a decision can be stale: a server's first notifications go to peers
  // not up yet, observers learn votes only by asking (every notification timeout: 200, 400, 800
  // ms), and a server that decided on a vote its peers then left waits initLimit ticks before
  // looking again. The bound allows one of each, plus the ticks the leader takes to count followers.
  it('started together without faults, every server follows one leader within a few protocol timeouts', () => {
    const results = runSeeds({ seeds: Array.from({ length: 300 }, (_, i) => 1_000_000 + i), replay: false }, FILE, (seed) => {
      let bound = 0;
      const r = runElectionSeed(seed, {
        adjust: (s) => {
          s.faultsUntil = 0;
          for (const id of s.startAt.keys()) s.startAt.set(id, 0);
          bound = 200 + (200 + 400 + 800) + (s.node.initLimit + 2) * s.node.tickMs + 100;
        },
      });
      expect(r.settleMs, `seed ${seed}`).toBeLessThanOrEqual(bound);
      return r;
    }).results;
    expect(results.every((r) => r.roundReuse === 0 && r.established >= 1)).toBe(true);
  });
});
