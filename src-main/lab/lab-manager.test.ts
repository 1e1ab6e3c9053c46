// The lab manager on real server processes behind real relays, through one lab's life: started,
// written to, loaded, a link slowed, its leader cut off and healed back (by hand and by preset), a
// server killed and wiped, the app "restarted" (a new manager on the same store) and the lab
// started again on the data it had.

import net from 'node:net';
import { once } from 'node:events';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { LabEvents, LabStatus } from '../api/lab-types';
import { ZooKeeperClient } from '../client/client';
import { haveBuiltCli } from '../server/testing/server-process';
import { openStore, type Store } from '../store/store';
import { LabManager } from './lab-manager';
import { cleanUpClusterDir, labCommand, tempClusterDir } from './test-support';

type Pushed = { [E in keyof LabEvents]: { event: E; data: LabEvents[E] } }[keyof LabEvents];

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

function newManager(store: Store, pushed: Pushed[]): LabManager {
  const manager = new LabManager({ store, command: labCommand, push: (event, data) => pushed.push({ event, data } as Pushed) });
  cleanups.push(() => manager.close());
  return manager;
}

async function withClient<T>(connect: string, use: (c: ZooKeeperClient) => Promise<T>): Promise<T> {
  const client = new ZooKeeperClient({ connectString: connect, sessionTimeoutMs: 5000, requestTimeoutMs: 10_000 });
  await client.connect(20_000);
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

/** Polls the lab's status until `ok` holds; the last status seen goes into the failure message. */
async function statusUntil(manager: LabManager, labId: string, ok: (s: LabStatus) => boolean, what: string): Promise<LabStatus> {
  let last: LabStatus | null = null;
  await vi.waitUntil(async () => ok((last = await manager.status(labId))), { timeout: 30_000, interval: 200 })
    .catch(() => { throw new Error(`${what}: not within 30 s; last servers ${JSON.stringify(last?.servers.map(({ logTail: _, ...s }) => s))}`); });
  return last!;
}

const roleOf = (s: LabStatus, id: number) => s.servers.find((x) => x.id === id)!.role;
const leaders = (s: LabStatus) => s.servers.filter((x) => x.role === 'leader').map((x) => x.id);

describe.skipIf(!haveBuiltCli)('a relayed 3-server lab through its life', () => {
  it('elects, isolates and heals its leader, slows, kills and wipes, and starts again after a restart of the app', async () => {
    const dataDir = tempClusterDir('zoolab-labs-');
    const store = openStore(dataDir);
    cleanups.push(async () => {
      store.close();
      await cleanUpClusterDir(dataDir);
    });
    const pushed: Pushed[] = [];
    const manager = newManager(store, pushed);
    const def = await manager.create({ name: 'three', participants: 3, observers: 0, tickTime: 100, initLimit: 10, syncLimit: 5 });
    expect(manager.list()).toEqual([def]);
    expect(def.dir).toBe(`${dataDir}/labs/${def.id}`);
    expect(manager.runningLabs()).toEqual([]);

    const up = await manager.start(def.id);
    expect(up.running).toBe(true);
    expect(manager.runningLabs()).toEqual(['three']);
    expect(up.servers.map((s) => s.role).sort()).toEqual(['follower', 'follower', 'leader']);
    expect(up.servers.every((s) => s.process === 'running' && s.quorumPort > 0 && s.electionPort > 0)).toBe(true);
    expect(up.links.map((l) => `${l.a}-${l.b}:${l.aToB}/${l.bToA}/${l.delayMs}`)).toEqual(['1-2:open/open/0', '1-3:open/open/0', '2-3:open/open/0']);
    const leader = leaders(up)[0];

    // A write's PROPOSAL, as the leader logged sending it, arrives in a lab.events push and in the history.
    const written = await withClient(up.connectString, (c) => c.create('/before-restart', 'kept'));
    const zxid = `0x${written.stat.czxid.toString(16)}`;
    const isProposal = (e: { type: string; packet?: unknown; zxid?: unknown; node: number }) =>
      e.type === 'zab.sent' && e.packet === 'PROPOSAL' && e.zxid === zxid && e.node === leader;
    await vi.waitUntil(() => pushed.some((p) => p.event === 'lab.events' && p.data.events.some(isProposal)), { timeout: 10_000 });
    expect(manager.events(def.id, { types: ['zab.sent'] }).filter(isProposal)).toHaveLength(2);
    // Every server logged (and fsynced) that txn; mntr's fsync counters say so.
    const fsyncs = (await manager.status(def.id)).servers.map((s) => s.fsync);
    expect(fsyncs.every((f) => f !== null && f.count > 0 && f.sumMs >= 0)).toBe(true);

    // Load: every kind of request answered.
    await manager.startLoad(def.id, { mix: { read: 1, write: 1, create: 1 }, rate: 0, valueSize: 16, clients: 2 });
    const okOps = () => new Set(pushed.flatMap((p) => (p.event === 'lab.load' ? p.data.samples.filter((s) => s.ok).map((s) => s.op) : [])));
    await vi.waitUntil(() => okOps().size === 3, { timeout: 10_000 });
    await manager.stopLoad(def.id);
    // Every request pushed is also stored, and so are the servers' figures, second by second.
    const pushedSamples = pushed.flatMap((p) => (p.event === 'lab.load' ? p.data.samples : []));
    await vi.waitUntil(() => manager.metrics(def.id).figures.length > 0, { timeout: 10_000 });
    expect(manager.metrics(def.id).load).toEqual(pushedSamples);

    const slowed = await manager.slowLink(def.id, 1, 2, 40);
    expect(slowed.links.find((l) => l.a === 1 && l.b === 2)!.delayMs).toBe(40);
    await manager.cutLink(def.id, 1, 3, 'a->b');
    const one = await manager.healLink(def.id, 1, 2);
    expect(one.links.find((l) => l.a === 1 && l.b === 2)).toMatchObject({ aToB: 'open', bToA: 'open', delayMs: 0 });
    expect(one.links.find((l) => l.a === 1 && l.b === 3)).toMatchObject({ aToB: 'cut', bToA: 'open' });
    await manager.healLink(def.id, 1, 3);

    // The leader cut off both ways: the other two elect one of themselves; it stops leading.
    const others = [1, 2, 3].filter((id) => id !== leader);
    for (const other of others) await manager.cutLink(def.id, leader, other, 'both');
    const split = await statusUntil(manager, def.id, (s) => others.includes(leaders(s)[0]) && leaders(s).length === 1 && roleOf(s, leader) === 'looking',
      'a new leader among the others, the old one looking');
    expect(split.links.filter((l) => l.a === leader || l.b === leader).every((l) => l.aToB === 'cut' && l.bToA === 'cut')).toBe(true);

    const healed = await manager.healLinks(def.id);
    expect(healed.links.every((l) => l.aToB === 'open' && l.bToA === 'open' && l.delayMs === 0)).toBe(true);
    await statusUntil(manager, def.id, (s) => roleOf(s, leader) === 'follower', 'the old leader back as a follower');

    // The preset does the same in one call: for 3 participants, the minority is the leader alone.
    const leaderNow = leaders(await manager.status(def.id))[0];
    await manager.partition(def.id, 'split-minority');
    await statusUntil(manager, def.id, (s) => leaders(s).length === 1 && leaders(s)[0] !== leaderNow && roleOf(s, leaderNow) === 'looking',
      'a new leader after the split');
    await manager.healLinks(def.id);
    await statusUntil(manager, def.id, (s) => roleOf(s, leaderNow) === 'follower', 'the split healed');

    const victim = leaders(await manager.status(def.id))[0] === others[0] ? others[1] : others[0];
    const killed = await manager.serverFault(def.id, victim, 'kill');
    expect(killed.servers.find((s) => s.id === victim)).toMatchObject({ process: 'crashed', pid: null, exit: { signal: 'SIGKILL' } });
    expect(killed.servers.find((s) => s.id === victim)!.logTail.length).toBeGreaterThan(0);

    // Its disk lost too: it comes back empty and catches up from the leader.
    await manager.serverFault(def.id, victim, 'wipe');
    const rejoined = await statusUntil(manager, def.id, (s) => roleOf(s, victim) === 'follower', 'the wiped server back as a follower');
    const victimPort = rejoined.servers.find((s) => s.id === victim)!.clientPort;
    expect((await withClient(`127.0.0.1:${victimPort}`, async (c) => (await c.sync('/'), c.getData('/before-restart')))).data?.toString()).toBe('kept');

    const link = (a: number, b: number) => `link ${Math.min(a, b)}-${Math.max(a, b)}`;
    expect(manager.faults(def.id).map((f) => [f.kind, f.target])).toEqual([
      ['delay', 'link 1-2'], ['cut', 'link 1-3'], ['heal', 'link 1-2'], ['heal', 'link 1-3'],
      ...others.map((o) => ['cut', link(leader, o)]), ['heal', 'all links'],
      ['split-minority', `server ${leaderNow}`], ['heal', 'all links'], ['kill', `server ${victim}`], ['wipe', `server ${victim}`],
    ]);
    expect(pushed.filter((p) => p.event === 'lab.fault')).toHaveLength(11);
    expect(pushed.some((p) => p.event === 'lab.status' && p.data.servers.some((s) => s.process === 'crashed'))).toBe(true);

    // The app closes (its servers stop) and starts again: the lab is there, and so is its data.
    await manager.close();
    const after = newManager(store, []);
    expect(after.list()).toEqual([def]);
    expect(after.runningLabs()).toEqual([]);
    expect((await after.status(def.id)).servers.every((s) => s.process === 'stopped')).toBe(true);
    const again = await after.start(def.id);
    expect(leaders(again)).toHaveLength(1);
    // Two runs now; the first one's events are still there to replay, that PROPOSAL among them.
    const runs = after.runRecords(def.id);
    expect(runs).toHaveLength(2);
    expect(runs[1].endedAt).not.toBeNull();
    // Broadcast to two followers, and maybe sent again later in a DIFF to a server that rejoined.
    expect(after.events(def.id, { runId: runs[1].id, types: ['zab.sent'] }).filter(isProposal).length).toBeGreaterThanOrEqual(2);
    expect(after.events(def.id, { types: ['zab.sent'] }).filter(isProposal)).toHaveLength(0);
    expect(() => after.events(def.id, { runId: 9_999 })).toThrow(/has no run 9999/);
    const firstRun = after.metrics(def.id, { runId: runs[1].id });
    expect(new Set(firstRun.load.map((s) => s.op))).toEqual(new Set(['read', 'write', 'create']));
    expect(firstRun.figures.every((f) => f.servers.length === 3)).toBe(true);
    expect((await withClient(again.connectString, (c) => c.getData('/before-restart'))).data?.toString()).toBe('kept');
    await after.remove(def.id);
    expect(after.list()).toEqual([]);
  });

  it('shows a server that died on its own as crashed, with its exit code and last log lines', async () => {
    const dataDir = tempClusterDir('zoolab-labs-');
    const store = openStore(dataDir);
    cleanups.push(async () => {
      store.close();
      await cleanUpClusterDir(dataDir);
    });
    const manager = newManager(store, []);
    const def = await manager.create({ name: 'one', participants: 1, observers: 0, tickTime: 100, initLimit: 10, syncLimit: 5 });
    const up = await manager.start(def.id);
    const port = up.servers[0].clientPort;
    await manager.serverFault(def.id, 1, 'stop');
    // Someone else takes its client port: started again, the server cannot bind it and exits.
    const squatter = net.createServer((socket) => socket.destroy()).listen(port, '127.0.0.1');
    await once(squatter, 'listening');
    cleanups.push(() => new Promise((r) => squatter.close(() => r())));
    await manager.serverFault(def.id, 1, 'start');
    const crashed = await statusUntil(manager, def.id, (s) => s.servers[0].process === 'crashed', 'the server crashed');
    expect(crashed.servers[0].exit).toMatchObject({ signal: null });
    expect(crashed.servers[0].exit!.code).not.toBe(0);
    expect(crashed.servers[0].logTail.join('\n')).toMatch(/EADDRINUSE|in use/i);
  });
});
