// The client against a real 3-server Apache ZooKeeper ensemble: kill -9 the server it talks to.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ZooKeeperClient } from './client';
import { CreateMode, EventType } from '../protocol/constants';
import type { WatcherEvent } from '../protocol/records';
import { requireApacheZooKeeper, startEnsemble, type ApacheEnsemble } from '../testing/apache-zk';

const haveZk = requireApacheZooKeeper();


describe.skipIf(!haveZk)('client failover in a 3-server Apache ZooKeeper ensemble', () => {
  let ensemble: ApacheEnsemble;

  beforeAll(async () => {
    ensemble = await startEnsemble(3);
  });

  afterAll(async () => {
    await ensemble?.stop();
  });

  it('moves to another server with the same session; ephemerals stay and watches fire', async () => {
    const zk = new ZooKeeperClient({ connectString: ensemble.connectString, sessionTimeoutMs: 8000 });
    const observer = new ZooKeeperClient({ connectString: ensemble.connectString, sessionTimeoutMs: 8000 });
    await Promise.all([zk.connect(), observer.connect()]);
    try {
      const states: string[] = [];
      zk.on('state', (s) => states.push(s));
      const sessionId = zk.sessionId;
      await zk.create('/failover', 'v0');
      await zk.create('/failover/mine', 'e', { mode: CreateMode.EPHEMERAL });
      const events: WatcherEvent[] = [];
      await zk.getData('/failover', (e) => events.push(e));
      await zk.getChildren('/failover', (e) => events.push(e));

      const before = zk.currentServer!;
      const victim = ensemble.servers.find((s) => before.endsWith(`:${s.clientPort}`))!;
      victim.kill();
      await vi.waitUntil(() => zk.state === 'connected' && zk.currentServer !== before, { timeout: 20_000, interval: 20 });
      expect(states).toContain('disconnected');
      expect(zk.sessionId).toBe(sessionId);

      // The observer may have been on the same server; it reconnects too.
      await vi.waitUntil(() => observer.state === 'connected', { timeout: 20_000, interval: 20 });
      const eph = await observer.exists('/failover/mine');
      expect(eph?.ephemeralOwner).toBe(sessionId);

      await observer.setData('/failover', 'v1');
      await observer.create('/failover/theirs');
      await vi.waitUntil(() => events.filter((e) => e.type !== EventType.None).length >= 2, { timeout: 10_000, interval: 20 });
      expect(events.filter((e) => e.type !== EventType.None).map((e) => e.type).sort())
        .toEqual([EventType.NodeDataChanged, EventType.NodeChildrenChanged]);
      expect((await zk.getData('/failover')).data?.toString()).toBe('v1');
      await victim.start();
    } finally {
      await zk.close();
      await observer.close();
    }
  });
});
