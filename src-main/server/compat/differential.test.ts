// ZooLab's server against Apache ZooKeeper 3.8: the same seeded random sequence of operations
// (every op, valid and invalid, several sessions, watches, multi, ACLs, ephemerals, expiry) runs
// against both, and every reply, zxid, Stat and watch event must be identical. Replay one seed with
// ZOOLAB_DIFF_SEED=<seed> [ZOOLAB_DIFF_STEPS=<n>] npx vitest run src-main/server/compat/differential.test.ts

import { describe, expect, it } from 'vitest';
import { requireApacheZooKeeper } from '../../testing/apache-zk';
import { formatReport, runDifferential, startDiffReference, SUPER_DIGEST } from '../../testing/differential';
import { startInProcess } from '../testing/start-zoolab';

const haveZk = requireApacheZooKeeper();
const TEST_FILE = 'src-main/server/compat/differential.test.ts';
const envSeed = process.env.ZOOLAB_DIFF_SEED;
const seeds = envSeed ? [Number(envSeed)] : [11, 12, 13];
const steps = Number(process.env.ZOOLAB_DIFF_STEPS ?? 1500);

describe.skipIf(!haveZk).concurrent('differential: ZooLab against Apache ZooKeeper 3.8', () => {
  it.each(seeds)('seed %i: every reply identical', async (seed) => {
    const [reference, candidate] = await Promise.all([
      startDiffReference(),
      startInProcess({
        extendedTypesEnabled: 'true',
        'DigestAuthenticationProvider.superDigest': SUPER_DIGEST,
        maxSessionTimeout: '40000',
        // As the reference: no timer-driven container/TTL reaping in the middle of a run.
        'znode.container.checkIntervalMs': '86400000',
      }),
    ]);
    try {
      const report = await runDifferential({ reference: reference.connectString, candidate: candidate.connectString, seed, steps });
      if (process.env.ZOOLAB_DIFF_VERBOSE) console.log(formatReport(report, TEST_FILE));
      expect(report.equal, formatReport(report, TEST_FILE)).toBe(true);
      expect(report.completed).toBe(steps);
    } finally {
      await Promise.all([reference.stop(), candidate.stop()]);
    }
  }, 180_000);
});
