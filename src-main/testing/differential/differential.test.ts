// Apache ZooKeeper against Apache ZooKeeper: two identical servers must compare equal, which
// proves the harness itself is deterministic. Replay one seed with
// ZOOLAB_DIFF_SEED=<seed> [ZOOLAB_DIFF_STEPS=<n>] npx vitest run src-main/testing/differential/differential.test.ts

import { describe, expect, it } from 'vitest';
import { requireApacheZooKeeper } from '../apache-zk';
import { startDiffReference } from './diff-server';
import { formatReport, runDifferential } from './runner';

const haveZk = requireApacheZooKeeper();
const TEST_FILE = 'src-main/testing/differential/differential.test.ts';

const envSeed = process.env.ZOOLAB_DIFF_SEED;
const seeds = envSeed ? [Number(envSeed)] : [1, 2, 3];
const steps = Number(process.env.ZOOLAB_DIFF_STEPS ?? 1500);

// Seeds run side by side, each on its own pair of fresh servers: a run mostly waits on round
// trips and on its session expiry, so overlapping them keeps the file well under a minute.
describe.skipIf(!haveZk).concurrent('differential: Apache ZooKeeper 3.8 against itself', () => {
  it.each(seeds)('seed %i compares equal', async (seed) => {
    const servers = await Promise.all([startDiffReference(), startDiffReference()]);
    try {
      const report = await runDifferential({ reference: servers[0].connectString, candidate: servers[1].connectString, seed, steps });
      console.log(formatReport(report, TEST_FILE));
      expect(report.equal, formatReport(report, TEST_FILE)).toBe(true);
      expect(report.completed).toBe(steps);
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
  }, 120_000);
});
