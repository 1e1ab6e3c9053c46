import { defineConfig } from 'vitest/config';

// End-to-end: Playwright (playwright-core + Debian's Chromium) drives `zoolab web` against real
// ZooKeeper. One file at a time: each suite starts servers and a browser.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});
