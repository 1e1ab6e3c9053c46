import { defineConfig } from 'vitest/config';

// Unit and integration tests sit beside the code they test. Integration suites start real
// Apache ZooKeeper processes, so they run one file at a time per worker and get generous timeouts.
export default defineConfig({
  test: {
    include: ['src-main/**/*.test.ts', 'src-renderer/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The JSON copy feeds scripts/test-summary.mjs, which prints the one closing line CI reads.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/unit.json' },
    maxWorkers: 2,
  },
});
