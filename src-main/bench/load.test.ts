// The load generator and `zoolab bench` against real Apache ZooKeeper 3.8, with tiny numbers:
// shapes and success only; timings belong to the benchmark itself.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZooKeeperClient } from '../client';
import { requireApacheZooKeeper, startZooKeeper, type ApacheZooKeeper } from '../testing/apache-zk';
import { main } from './bench-cli';
import { loadOps, percentile, runLoad } from './load';

const haveZk = requireApacheZooKeeper();

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({ write(chunk: Buffer, _enc, done) { chunks.push(chunk.toString()); done(); } });
  return { stream, text: () => chunks.join('') };
}

describe('percentile', () => {
  it('takes the nearest rank, exactly', () => {
    const sorted = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([1, 2, 3], 50)).toBe(2);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('zoolab bench arguments', () => {
  it('rejects what it cannot run with a usage message', async () => {
    for (const args of [[], ['--connect', 'x:1', '--op', 'delete', '--concurrency', '1', '--ops', '1', '--size', '1'],
      ['--connect', 'x:1', '--op', 'get', '--concurrency', '0', '--ops', '1', '--size', '1'], ['--bogus']]) {
      const err = sink();
      expect(await main(args, { stdout: sink().stream, stderr: err.stream })).toBe(2);
      expect(err.text()).toMatch(/^zoolab bench: .+\n\nusage: zoolab bench/);
    }
  });
});

describe.skipIf(!haveZk)('load generator against Apache ZooKeeper 3.8', () => {
  let server: ApacheZooKeeper;

  beforeAll(async () => {
    server = await startZooKeeper();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it.each(loadOps)('runs %s requests over several sessions and cleans up', async (op) => {
    const r = await runLoad({ connect: server.connectString, op, concurrency: 4, ops: 30, size: 10, clients: 2 });
    expect(r).toMatchObject({ ops: 30, errors: 0 });
    expect(r.firstError).toBeUndefined();
    expect(r.seconds).toBeGreaterThan(0);
    expect(r.opsPerSec).toBeCloseTo(r.ops / r.seconds);
    expect(r.p50Ms).toBeGreaterThan(0);
    expect(r.p50Ms).toBeLessThanOrEqual(r.p99Ms);
    expect(r.p99Ms).toBeLessThanOrEqual(r.maxMs);
  });

  it('leaves no nodes behind', async () => {
    const zk = new ZooKeeperClient({ connectString: server.connectString });
    await zk.connect();
    try {
      expect((await zk.getChildren('/')).children.filter((c) => c.startsWith('zoolab-bench-'))).toEqual([]);
    } finally {
      await zk.close();
    }
  });

  it('prints one JSON object with --json and a table without', async () => {
    const args = ['--connect', server.connectString, '--op', 'set', '--concurrency', '2', '--ops', '10', '--size', '5'];
    const json = sink();
    expect(await main([...args, '--json'], { stdout: json.stream, stderr: process.stderr })).toBe(0);
    expect(JSON.parse(json.text())).toMatchObject({ op: 'set', concurrency: 2, requested: 10, size: 5, clients: 1, ops: 10, errors: 0 });
    const table = sink();
    expect(await main([...args, '--clients', '2'], { stdout: table.stream, stderr: process.stderr })).toBe(0);
    const [header, values] = table.text().trimEnd().split('\n').map((l) => l.trim().split(/\s{2,}/));
    expect(header).toEqual(['op', 'concurrency', 'clients', 'size', 'ops', 'seconds', 'ops/s', 'p50 ms', 'p99 ms', 'max ms', 'errors']);
    expect(values.slice(0, 5)).toEqual(['set', '2', '2', '5 B', '10']);
    expect(values.at(-1)).toBe('0');
  });
});
