// A ZooLab ensemble of real server processes (started as `zoolab cluster` starts them) under the
// faults ZAB is made for: kill -9 of the leader under write load, a leader frozen with SIGSTOP and
// thawed after the others moved on, rolling restarts, and losing the quorum. After each, every
// write the ensemble acknowledged must be on every server.

import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ZooKeeperClient } from '../../client/client';
import { DEFAULT_SPEC } from '../../lab/cluster-config';
import { Cluster, type ClusterStatus } from '../../lab/cluster';
import { cleanUpClusterDir, labCommand, statusUntil, tempClusterDir } from '../../lab/test-support';
import { haveBuiltCli } from '../testing/server-process';
import { expectEveryServerHas, startWriteLoad } from '../testing/write-load';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await cleanUpClusterDir(dir);
});

/** A running cluster with a short tick, so that failures are noticed within a second or two. */
async function upCluster(nodes: number, observers = 0, extraConfig?: Record<string, string>): Promise<Cluster> {
  const root = tempClusterDir('zoolab-failover-');
  dirs.push(root);
  const cluster = await Cluster.create(path.join(root, 'c'),
    { ...DEFAULT_SPEC, nodes, observers, tickTime: 200, initLimit: 10, syncLimit: 5, extraConfig }, { command: labCommand });
  await cluster.up({ timeoutMs: 60_000 });
  return cluster;
}

const leaderOf = (s: ClusterStatus) => s.servers.find((x) => x.role === 'leader');
const ports = (c: Cluster) => c.servers.map((s) => s.clientPort);

describe.skipIf(!haveBuiltCli)('a ZooLab ensemble of real processes under faults', () => {
  it.each([
    { nodes: 3, observers: 1, label: '3 participants and an observer' },
    { nodes: 5, observers: 0, label: '5 participants' },
  ])('$label: kill -9 of the leader under write load loses no acknowledged write', async ({ nodes, observers }) => {
    const cluster = await upCluster(nodes, observers);
    const before = leaderOf(await cluster.status())!;
    const load = await startWriteLoad(cluster.connectString, '/load', 3);
    await load.ackedMore(50);
    await cluster.kill(before.id);
    const after = await statusUntil(cluster, (s) => { const l = leaderOf(s); return !!l && l.id !== before.id; }, 'a new leader');
    // Writes resume behind the new leader.
    await load.ackedMore(50);
    await load.stop();
    expect(load.sessionsLost).toBe(0);
    expect(leaderOf(after)!.epoch).toBeGreaterThanOrEqual(before.epoch!);
    cluster.start(before.id);
    await statusUntil(cluster, (s) => s.servers.find((x) => x.id === before.id)!.role === 'follower', 'the old leader following');
    await expectEveryServerHas(ports(cluster), '/load', load.acked);
  });

  it('a leader frozen by SIGSTOP is replaced; thawed, it steps down and follows the new one', async () => {
    const cluster = await upCluster(3);
    const old = leaderOf(await cluster.status())!;
    const load = await startWriteLoad(cluster.connectString, '/load', 2);
    await load.ackedMore(20);
    await cluster.pause(old.id);
    await statusUntil(cluster, (s) => { const l = leaderOf(s); return !!l && l.id !== old.id; }, 'a new leader while the old one is paused');
    await load.ackedMore(20);
    await cluster.resume(old.id);
    await statusUntil(cluster, (s) => s.servers.find((x) => x.id === old.id)!.role === 'follower', 'the thawed leader following');
    await load.ackedMore(10);
    await load.stop();
    expect(load.sessionsLost).toBe(0);
    await expectEveryServerHas(ports(cluster), '/load', load.acked);
  });

  it('restarting every server one by one under write load loses no acknowledged write', async () => {
    const cluster = await upCluster(3);
    const load = await startWriteLoad(cluster.connectString, '/load', 2);
    for (const s of cluster.servers) {
      await load.ackedMore(10);
      await cluster.restart(s.id);
      await statusUntil(cluster, (st) => st.servers.every((x) => x.role !== 'looking' && x.role !== 'down') && !!leaderOf(st), `all serving after restarting ${s.id}`);
    }
    await load.ackedMore(10);
    await load.stop();
    expect(load.sessionsLost).toBe(0);
    await expectEveryServerHas(ports(cluster), '/load', load.acked);
  });

  it('a follower whose data is wiped gets the leader\'s snapshot (SNAP) and has every write again', async () => {
    // A short DIFF window (zookeeper.commitLogCount) so that an empty server is too far behind for a DIFF.
    const cluster = await upCluster(3, 0, { commitLogCount: '20' });
    const load = await startWriteLoad(cluster.connectString, '/load', 2);
    await load.ackedMore(100);
    const follower = (await cluster.status()).servers.find((s) => s.role === 'follower')!;
    await cluster.stop(follower.id);
    const { dataDir } = cluster.files(follower.id);
    for (const f of ['version-2', 'acceptedEpoch', 'currentEpoch']) rmSync(path.join(dataDir, f), { recursive: true, force: true });
    await load.ackedMore(20);
    cluster.start(follower.id);
    await statusUntil(cluster, (s) => s.servers.find((x) => x.id === follower.id)!.role === 'follower', 'the wiped follower following');
    await load.ackedMore(20);
    await load.stop();
    const synced = readFileSync(path.join(dataDir, 'events.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"zab.learner.syncing"')).pop();
    expect(JSON.parse(synced!)).toMatchObject({ mode: 'SNAP' });
    await expectEveryServerHas([follower.clientPort], '/load', load.acked);
  });

  it('without a quorum the last server refuses clients; service comes back with the quorum', async () => {
    const cluster = await upCluster(3);
    const status = await cluster.status();
    const keep = leaderOf(status)!;
    const client = new ZooKeeperClient({ connectString: `127.0.0.1:${keep.clientPort}`, sessionTimeoutMs: 4000 });
    await client.connect(10_000);
    await client.create('/before', 'quorum');
    const others = status.servers.filter((s) => s.id !== keep.id);
    for (const s of others) await cluster.kill(s.id);
    await statusUntil(cluster, (s) => s.servers.find((x) => x.id === keep.id)!.role === 'looking', 'the lone server to stop serving');
    // Its clients are disconnected and writes fail; a new client is refused (read-only mode is off).
    await expect(client.create('/during', 'no quorum')).rejects.toThrow();
    const lone = new ZooKeeperClient({ connectString: `127.0.0.1:${keep.clientPort}`, sessionTimeoutMs: 4000 });
    await expect(lone.connect(3000)).rejects.toThrow();
    await lone.close().catch(() => {});
    cluster.start(others[0].id);
    await statusUntil(cluster, (s) => !!leaderOf(s), 'a leader once two servers are up');
    await vi.waitUntil(async () => (await client.create('/after', 'quorum').then(() => true, () => false)), { timeout: 30_000, interval: 250 });
    expect((await client.getData('/before')).data?.toString()).toBe('quorum');
    expect(await client.exists('/during')).toBeNull();
    await client.close();
  });
});
