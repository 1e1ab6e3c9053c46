import { defineConfig } from 'vitest/config';

// End-to-end: Playwright (playwright-core + Debian's Chromium) drives `zoolab web` against real
// ZooKeeper. One file at a time: each suite starts servers and a browser.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // The JSON copy feeds scripts/test-summary.mjs, which prints the one closing line CI reads.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/e2e.json' },
    maxWorkers: 1,
    fileParallelism: false,
  },
});
