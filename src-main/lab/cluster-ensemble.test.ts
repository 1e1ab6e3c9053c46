// A replicated cluster (3 voters and an observer) losing its leader and taking it back, driven the
// way `zoolab cluster` drives it.

import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ZooKeeperClient } from '../client/client';
import { haveBuiltCli } from '../server/testing/server-process';
import { DEFAULT_SPEC } from './cluster-config';
import { Cluster, type ClusterStatus } from './cluster';
import { cleanUpClusterDir, labCommand, statusUntil, tempClusterDir } from './test-support';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await cleanUpClusterDir(dir);
});

async function withClient<T>(connect: string, use: (c: ZooKeeperClient) => Promise<T>): Promise<T> {
  const client = new ZooKeeperClient({ connectString: connect, sessionTimeoutMs: 5000 });
  await client.connect(20_000);
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

const roles = (s: ClusterStatus) => s.servers.map((x) => x.role).sort();

describe.skipIf(!haveBuiltCli)('a 3-node cluster with an observer', () => {
  it('elects one leader, replaces it when it is killed, and takes it back as a follower', async () => {
    const dir = path.join(tempClusterDir(), 'ensemble');
    dirs.push(path.dirname(dir));
    const cluster = await Cluster.create(dir, { ...DEFAULT_SPEC, nodes: 3, observers: 1, tickTime: 200, initLimit: 10, syncLimit: 5 }, { command: labCommand });
    const up = await cluster.up({ timeoutMs: 60_000 });
    expect(roles(up)).toEqual(['follower', 'follower', 'leader', 'observer']);
    expect(up.servers.find((s) => s.id === 4)).toMatchObject({ role: 'observer', process: 'running' });
    expect(up.servers.every((s) => s.process === 'running' && s.lastZxid !== null && s.epoch! >= 1)).toBe(true);
    const leader = up.servers.find((s) => s.role === 'leader')!;

    await withClient(cluster.connectString, (c) => c.create('/survives', 'the leader'));

    await cluster.kill(leader.id);
    // A new leader, and the follower and the observer that are left both back behind it.
    const survivorRoles = (st: ClusterStatus) => roles({ ...st, servers: st.servers.filter((x) => x.id !== leader.id) });
    const after = await statusUntil(cluster, (st) => survivorRoles(st).join() === 'follower,leader,observer', 'a new leader, the others behind it');
    const newLeader = after.servers.find((s) => s.role === 'leader')!;
    expect(newLeader.id).not.toBe(leader.id);
    expect(after.servers.find((s) => s.id === leader.id)).toMatchObject({ process: 'crashed', role: 'down' });
    expect((await withClient(cluster.connectString, (c) => c.getData('/survives'))).data?.toString()).toBe('the leader');
    // The epoch shown is lastZxid's: a new epoch's first txn (the session just made) carries it.
    expect((await cluster.serverStatus(newLeader.id)).epoch).toBeGreaterThan(leader.epoch!);

    expect(cluster.start(leader.id)).not.toBeNull();
    const back = await statusUntil(cluster, (s) => s.servers.find((x) => x.id === leader.id)!.role === 'follower', 'the old leader following');
    expect(roles(back)).toEqual(['follower', 'follower', 'leader', 'observer']);
    expect(back.servers.find((s) => s.role === 'leader')!.id).toBe(newLeader.id);

    expect((await cluster.down()).map((r) => r.result)).toEqual(['stopped', 'stopped', 'stopped', 'stopped']);
    expect((await cluster.status()).servers.every((s) => s.process === 'stopped')).toBe(true);
  });
});
