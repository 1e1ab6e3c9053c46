// The lab's load generator on a real one-server cluster: every kind of request answered, then the
// server killed under it: failures become samples, and stop() still ends the load cleanly.

import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { LoadSample } from '../api/lab-types';
import { haveBuiltCli } from '../server/testing/server-process';
import { DEFAULT_SPEC } from './cluster-config';
import { Cluster } from './cluster';
import { LoadGenerator, pickOp } from './load-generator';
import { cleanUpClusterDir, labCommand, tempClusterDir } from './test-support';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await cleanUpClusterDir(dir);
});

describe('the op mix', () => {
  it('draws ops in proportion to their weights; a weight of 0 is never drawn', () => {
    const mix = { read: 2, write: 1, create: 1 };
    expect([0, 0.49, 0.5, 0.74, 0.75, 0.99].map((r) => pickOp(mix, r))).toEqual(['read', 'read', 'write', 'write', 'create', 'create']);
    expect([0, 0.5, 0.99].map((r) => pickOp({ read: 0, write: 0, create: 3 }, r))).toEqual(['create', 'create', 'create']);
  });
});

describe.skipIf(!haveBuiltCli)('the load generator', () => {
  it('samples every op kind, counts failures when the server dies, and stops cleanly', async () => {
    const root = tempClusterDir('zoolab-load-');
    dirs.push(root);
    const cluster = await Cluster.create(path.join(root, 'c'), { ...DEFAULT_SPEC, nodes: 1, tickTime: 100 }, { command: labCommand });
    await cluster.up({ timeoutMs: 30_000 });
    const samples: LoadSample[] = [];
    const load = await LoadGenerator.start({
      connectString: cluster.connectString,
      spec: { mix: { read: 1, write: 1, create: 1 }, rate: 500, valueSize: 32, clients: 3 },
      onSamples: (batch) => samples.push(...batch),
    });
    try {
      await vi.waitUntil(() => new Set(samples.filter((s) => s.ok).map((s) => s.op)).size === 3, { timeout: 10_000 });
      expect(samples.every((s) => s.latencyMs >= 0 && s.at > 0)).toBe(true);

      await cluster.kill(1);
      await vi.waitUntil(() => samples.some((s) => !s.ok), { timeout: 20_000 });
    } finally {
      await load.stop();
    }
    const after = samples.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(samples.length).toBe(after);
  });
});
