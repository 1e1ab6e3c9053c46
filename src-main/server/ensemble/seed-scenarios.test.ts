// The two recovery rules of the seed documents, on real server processes whose quorum and election
// traffic runs through the lab's per-link relays, so one leader's messages to one follower can be
// held back and then lost with the leader:
// 1. a txn committed by any server is never lost: the leader crashes after one follower got the
//    COMMIT and the other did not; after recovery the txn is everywhere;
// 2. a proposal that only a dead leader had is never seen again: the leader crashes right after a
//    PROPOSAL nobody acked; after recovery it is gone everywhere, the returning old leader included.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ZooKeeperClient } from '../../client/client';
import { DEFAULT_SPEC } from '../../lab/cluster-config';
import { Cluster } from '../../lab/cluster';
import type { LinkRelays } from '../../lab/link-relays';
import { cleanUpClusterDir, labCommand, statusUntil, tempClusterDir } from '../../lab/test-support';
import { haveBuiltCli } from '../testing/server-process';

/** Long enough that nothing held back gets through before the leader is killed. */
const HOLD_MS = 120_000;
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

async function relayedCluster(): Promise<{ cluster: Cluster; relays: LinkRelays }> {
  const root = tempClusterDir('zoolab-seed-');
  const cluster = await Cluster.create(path.join(root, 'c'), { ...DEFAULT_SPEC, nodes: 3, tickTime: 200, initLimit: 10, syncLimit: 5, relayed: true },
    { command: labCommand });
  const relays = await cluster.startRelays();
  cleanups.push(async () => {
    await cleanUpClusterDir(root);
    await relays.closeAll();
  });
  await cluster.up({ timeoutMs: 60_000 });
  return { cluster, relays };
}

async function client(port: number): Promise<ZooKeeperClient> {
  const c = new ZooKeeperClient({ connectString: `127.0.0.1:${port}`, sessionTimeoutMs: 6000, requestTimeoutMs: 10_000 });
  await c.connect(20_000);
  return c;
}

/** Whether the server on `port` has `path`, after a sync so that it has caught up with its leader. */
async function has(port: number, znode: string): Promise<boolean> {
  const c = await client(port);
  try {
    await c.sync('/');
    return (await c.exists(znode)) !== null;
  } finally {
    await c.close();
  }
}

const events = (cluster: Cluster, id: number) =>
  readFileSync(path.join(cluster.files(id).dataDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

/** The held-back packets die with the leader: cutting destroys the streams they were queued on. */
function dropHeld(relays: LinkRelays, leader: number, followers: number[]): void {
  for (const f of followers) {
    relays.cut(leader, f, 'both');
    relays.setDelay(leader, f, 0);
  }
  relays.healAll();
}

describe.skipIf(!haveBuiltCli)('the seed documents\' recovery scenarios on real processes', () => {
  it('a txn committed to one follower before the leader crashed survives on every server', async () => {
    const { cluster, relays } = await relayedCluster();
    const status = await cluster.status();
    const leader = status.servers.find((s) => s.role === 'leader')!;
    const [f1, f2] = status.servers.filter((s) => s.id !== leader.id);
    const c = await client(leader.clientPort);
    relays.setDelay(leader.id, f2.id, HOLD_MS);
    const { stat } = await c.create('/committed', 'by two of three');
    c.removeAllListeners();
    void c.close().catch(() => {});
    // f1 has the COMMIT (it is in its log and applied, without any sync); f2 got nothing.
    await vi.waitUntil(async () => {
      const direct = await client(f1.clientPort);
      try { return (await direct.exists('/committed')) !== null; } finally { await direct.close(); }
    }, { timeout: 10_000 });
    await cluster.kill(leader.id);
    dropHeld(relays, leader.id, [f2.id]);
    await statusUntil(cluster, (s) => s.servers.some((x) => x.role === 'leader' && x.id !== leader.id), 'a new leader');
    expect(await has(f2.clientPort, '/committed')).toBe(true);
    cluster.start(leader.id);
    await statusUntil(cluster, (s) => s.servers.find((x) => x.id === leader.id)!.role === 'follower', 'the old leader following');
    for (const s of cluster.servers) expect(await has(s.clientPort, '/committed'), `server ${s.id}`).toBe(true);
    // f2 learned the txn from the new leader, not from the one that proposed it.
    const zxid = `0x${stat.czxid.toString(16)}`;
    const fromOld = events(cluster, f2.id).filter((e) => e.type === 'zab.received' && e.peer === leader.id && e.zxid === zxid);
    expect(fromOld).toEqual([]);
  });

  it('a proposal only the crashed leader had is gone everywhere, the old leader included', async () => {
    const { cluster, relays } = await relayedCluster();
    const status = await cluster.status();
    const leader = status.servers.find((s) => s.role === 'leader')!;
    const followers = status.servers.filter((s) => s.id !== leader.id).map((s) => s.id);
    // The session first: creating it is a write the followers must ack.
    const c = await client(leader.clientPort);
    c.removeAllListeners();
    for (const f of followers) relays.setDelay(leader.id, f, HOLD_MS);
    const proposals = () => events(cluster, leader.id).filter((e) => e.type === 'zab.propose');
    const before = proposals().length;
    void c.create('/never', 'acked by nobody').catch(() => {});
    // The leader logs its proposal; nobody can ack it.
    await vi.waitUntil(() => proposals().length > before, { timeout: 10_000, interval: 20 });
    const proposed = proposals().pop()!.zxid as string;
    // Give the leader's log writer a moment to write it out: a process killed after the write keeps
    // it (the OS has it), which is the case this scenario is about.
    await new Promise((r) => setTimeout(r, 300));
    await cluster.kill(leader.id);
    void c.close().catch(() => {});
    dropHeld(relays, leader.id, followers);
    await statusUntil(cluster, (s) => s.servers.some((x) => x.role === 'leader' && x.id !== leader.id), 'a new leader');
    const alive = cluster.servers.filter((s) => s.id !== leader.id);
    const w = await client(alive[0].clientPort);
    await w.create('/after', 'the new epoch');
    await w.close();
    cluster.start(leader.id);
    await statusUntil(cluster, (s) => s.servers.find((x) => x.id === leader.id)!.role === 'follower', 'the old leader following');
    for (const s of cluster.servers) {
      expect(await has(s.clientPort, '/never'), `server ${s.id}`).toBe(false);
      expect(await has(s.clientPort, '/after'), `server ${s.id}`).toBe(true);
    }
    // The returning leader was told to cut its log back below the proposal nobody acked.
    const syncs = events(cluster, leader.id).filter((e) => e.type === 'zab.learner.syncing');
    expect(syncs.at(-1), JSON.stringify(syncs)).toMatchObject({ mode: "TRUNC" });
    expect(BigInt(syncs.at(-1)!.zxid as string)).toBeLessThan(BigInt(proposed));
  });
});
