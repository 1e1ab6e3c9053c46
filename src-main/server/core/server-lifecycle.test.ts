// What a standalone node does on its own over time: container and TTL reaping, snapshots every
// snapCount txns, recovery from snapshot + log, autopurge, and the event log.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ZooKeeperClient } from '../../client';
import { CreateMode } from '../../protocol';
import { startInProcess, type InProcessServer } from '../testing/start-zoolab';

let node: InProcessServer | null = null;
let zk: ZooKeeperClient | null = null;

async function start(cfg: Record<string, string>, dataDir?: string): Promise<ZooKeeperClient> {
  node = await startInProcess(cfg, dataDir);
  zk = new ZooKeeperClient({ connectString: node.connectString, sessionTimeoutMs: 5000 });
  await zk.connect();
  return zk;
}

afterEach(async () => {
  await zk?.close();
  await node?.stop();
  zk = null;
  node = null;
});

const files = (dir: string) => readdirSync(path.join(dir, 'version-2'));
/** Completed snapshots, oldest first (a .tmp file is one still being written). */
const snapshots = (dir: string) => files(dir).filter((f) => /^snapshot\.[0-9a-f]+$/.test(f)).sort((a, b) => parseInt(a.slice(9), 16) - parseInt(b.slice(9), 16));

describe('standalone node housekeeping', () => {
  it('removes a container once its last child goes, and a TTL node once its ttl passes', async () => {
    const c = await start({ extendedTypesEnabled: 'true', 'znode.container.checkIntervalMs': '100' });
    await c.create('/box', null, { mode: CreateMode.CONTAINER });
    await c.create('/box/item');
    await c.create('/short', null, { mode: CreateMode.PERSISTENT_WITH_TTL, ttl: 300 });
    await c.create('/never-used', null, { mode: CreateMode.CONTAINER });
    await new Promise((r) => setTimeout(r, 400));
    // A container that never had a child stays, as in ZooKeeper; one with children stays too.
    expect(await c.exists('/box')).not.toBeNull();
    expect(await c.exists('/never-used')).not.toBeNull();
    await c.delete('/box/item');
    await expect.poll(() => c.exists('/box'), { timeout: 3000 }).toBeNull();
    await expect.poll(() => c.exists('/short'), { timeout: 3000 }).toBeNull();
    expect(await c.exists('/never-used')).not.toBeNull();
  });

  it('snapshots every snapCount txns and recovers from snapshot + log', async () => {
    const c = await start({ snapCount: '10' });
    const dir = node!.dataDir;
    for (let i = 0; i < 60; i++) await c.create(`/n${i}`, `v${i}`);
    await expect.poll(() => snapshots(dir).length, { timeout: 3000 }).toBeGreaterThan(2);
    await c.close();
    await node!.stop(false);
    const again = await start({ snapCount: '10' }, dir);
    const { children } = await again.getChildren('/');
    expect(children.filter((n) => n.startsWith('n')).length).toBe(60);
    expect((await again.getData('/n59')).data?.toString()).toBe('v59');
  });

  it('autopurge keeps the newest snapRetainCount snapshots and what they need', async () => {
    const c = await start({ snapCount: '10', 'autopurge.snapRetainCount': '3' });
    const dir = node!.dataDir;
    for (let i = 0; i < 80; i++) await c.create(`/p${i}`);
    await expect.poll(() => snapshots(dir).length, { timeout: 3000 }).toBeGreaterThan(4);
    // No write is in flight, so once the last triggered snapshot is done the set is final.
    await node!.server.db.snapshotsSettled();
    const newest = snapshots(dir).slice(-3);
    await node!.server.db.purge();
    expect(snapshots(dir)).toEqual(newest);
    await c.close();
    await node!.stop(false);
    const again = await start({ snapCount: '10' }, dir);
    expect((await again.getChildren('/')).children.filter((n) => n.startsWith('p')).length).toBe(80);
  });

  it('writes sessions, txns and snapshots to the event log as JSON lines', async () => {
    const c = await start({ snapCount: '10' });
    for (let i = 0; i < 12; i++) await c.create(`/e${i}`);
    await c.close();
    zk = null;
    const dir = node!.dataDir;
    await node!.stop(false);
    const events = readFileSync(path.join(dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const types = new Set(events.map((e) => e.type));
    for (const t of ['state', 'session', 'txn', 'snapshot']) expect(types).toContain(t);
    const txns = events.filter((e) => e.type === 'txn');
    expect(txns.length).toBeGreaterThanOrEqual(14);
    // Monotonic microsecond timestamps, in order.
    for (let i = 1; i < events.length; i++) expect(events[i].ts).toBeGreaterThanOrEqual(events[i - 1].ts);
  });
});
