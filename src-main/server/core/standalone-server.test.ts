// The standalone node end to end through real sockets, with ZooLab's client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZooKeeperClient } from '../../client';
import { CreateMode, EventType, Perms } from '../../protocol';
import { ZooKeeperError } from '../../protocol/errors';
import { startInProcess, type InProcessServer } from '../testing/start-zoolab';

describe('standalone ZooLab server', () => {
  let node: InProcessServer;
  let zk: ZooKeeperClient;

  beforeAll(async () => {
    node = await startInProcess({ extendedTypesEnabled: 'true' });
    zk = new ZooKeeperClient({ connectString: node.connectString, sessionTimeoutMs: 5000 });
    await zk.connect();
  });
  afterAll(async () => {
    await zk?.close();
    await node?.stop();
  });

  it('serves the basic operations with ZooKeeper Stat rules', async () => {
    const c = await zk.create('/a', 'x');
    expect(c.path).toBe('/a');
    expect(c.stat.version).toBe(0);
    const s = await zk.setData('/a', 'y', 0);
    expect(s.version).toBe(1);
    await expect(zk.setData('/a', 'z', 0)).rejects.toThrow(ZooKeeperError);
    expect((await zk.getData('/a')).data?.toString()).toBe('y');
    const seq = await zk.create('/a/s-', null, { mode: CreateMode.EPHEMERAL_SEQUENTIAL });
    expect(seq.path).toBe('/a/s-0000000000');
    expect((await zk.getChildren('/')).children.sort()).toEqual(['a', 'zookeeper']);
    await expect(zk.delete('/a')).rejects.toThrow(/NOTEMPTY/);
  });

  it('fires watches to other sessions', async () => {
    const other = new ZooKeeperClient({ connectString: node.connectString });
    await other.connect();
    const event = new Promise((resolve) => void zk.getData('/a', resolve));
    await other.setData('/a', 'changed');
    expect(await event).toMatchObject({ type: EventType.NodeDataChanged, path: '/a' });
    await other.close();
  });

  it('removes ephemerals when a session closes', async () => {
    const other = new ZooKeeperClient({ connectString: node.connectString });
    await other.connect();
    await other.create('/eph', null, { mode: CreateMode.EPHEMERAL });
    const gone = new Promise((resolve) => void zk.exists('/eph', resolve));
    await other.close();
    expect(await gone).toMatchObject({ type: EventType.NodeDeleted });
  });

  it('enforces digest ACLs', async () => {
    const alice = new ZooKeeperClient({ connectString: node.connectString });
    await alice.connect();
    await alice.addAuth('digest', 'alice:pw');
    await alice.create('/private', 'p', { acl: [{ perms: Perms.ALL, id: { scheme: 'auth', id: '' } }] });
    await expect(zk.getData('/private')).rejects.toThrow(/NOAUTH/);
    expect((await alice.getData('/private')).data?.toString()).toBe('p');
    await alice.close();
  });

  it('keeps what it acknowledged across a restart', async () => {
    const dir = node.dataDir;
    await zk.create('/durable', 'kept');
    await zk.close();
    await node.stop(false);
    node = await startInProcess({ extendedTypesEnabled: 'true' }, dir);
    zk = new ZooKeeperClient({ connectString: node.connectString, sessionTimeoutMs: 5000 });
    await zk.connect();
    expect((await zk.getData('/durable')).data?.toString()).toBe('kept');
    expect((await zk.getData('/a')).data?.toString()).toBe('changed');
  });
});
