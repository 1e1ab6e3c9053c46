import { describe, expect, it } from 'vitest';
import type { ACL } from '../../protocol';
import { ErrorCode, EventType, OpCode, Perms } from '../../protocol';
import { OPEN_ACL_UNSAFE } from '../acl/acl';
import type { TxnRecord } from '../txn/records';
import { WatcherMode } from '../watch/watch-manager';
import { CONFIG_NODE, DataTree } from './data-tree';
import { CONTAINER_EPHEMERAL_OWNER, ttlToEphemeralOwner } from './ephemeral-type';
import { processTxn } from './process-txn';
import { setWatches } from './set-watches';

const OPEN = [...OPEN_ACL_UNSAFE];
const SECRET: ACL[] = [{ perms: Perms.ALL, id: { scheme: 'digest', id: 'u:h' } }];
const S1 = 0x100n;

function harness(opts = {}) {
  const tree = new DataTree<string>(opts);
  let zxid = 0n;
  const apply = (txn: TxnRecord, clientId = S1, time = 1000) =>
    processTxn(tree, { clientId, cxid: 1, zxid: ++zxid, time, type: txn.type }, txn);
  const create = (path: string, data: string | null = null, extra: Partial<{ ephemeral: boolean; acl: ACL[]; parentCVersion: number }> = {}) =>
    apply({ type: OpCode.create, path, data: data === null ? null : Buffer.from(data), acl: extra.acl ?? OPEN, ephemeral: extra.ephemeral ?? false, parentCVersion: extra.parentCVersion ?? -1 });
  return { tree, apply, create, stat: (p: string) => tree.clientStat(tree.getNode(p)!) };
}

describe('DataTree: a fresh server', () => {
  it('has /, /zookeeper, /zookeeper/quota and /zookeeper/config with the stats a real 3.8.0 reports', () => {
    const { tree, stat } = harness();
    // Observed on Apache ZooKeeper 3.8.0: cversion is 2*creates - children, so the built-ins go negative.
    expect(stat('/')).toMatchObject({ czxid: 0n, cversion: -1, numChildren: 1, dataLength: 0, pzxid: 0n });
    expect(stat('/zookeeper')).toMatchObject({ cversion: -2, numChildren: 2 });
    expect(stat(CONFIG_NODE)).toMatchObject({ aversion: -1, version: 0 });
    expect(tree.aclOf(tree.getNode(CONFIG_NODE)!)).toEqual([{ perms: Perms.READ, id: { scheme: 'world', id: 'anyone' } }]);
    expect(tree.getNode('/zookeeper')!.children!.toArray()).toEqual(['config', 'quota']);
    expect(tree.nodeCount).toBe(5); // srvr "Node count: 5"
    expect(tree.getAllChildrenNumber('/')).toBe(3);
    expect(tree.getNode('')).toBe(tree.getNode('/'));
    expect(tree.getNode('/')!.data).toEqual(Buffer.alloc(0));
  });

  it('knows its special paths', () => {
    const { tree } = harness();
    for (const p of ['/', '/zookeeper', '/zookeeper/quota', '/zookeeper/config']) expect(tree.isSpecialPath(p)).toBe(true);
    expect(tree.isSpecialPath('/zookeeper/x')).toBe(false);
  });

  it('loads the quorum config as /zookeeper/config data with version -1', () => {
    const { tree, stat } = harness();
    tree.initConfigNode(Buffer.from('server.1=a:1:2\nversion=100000000'), 0x100000000n, 5);
    expect(stat(CONFIG_NODE)).toMatchObject({ version: -1, mzxid: 0x100000000n, mtime: 5, dataLength: 32 });
  });
});

describe('DataTree: applying txns', () => {
  it('creates nodes: stats, parent cversion/pzxid, sequential-friendly persisted cversion', () => {
    const { create, stat, tree } = harness();
    const r = create('/a', 'x');
    expect(r.err).toBe(0);
    expect(r.stat).toBeNull(); // plain create carries no stat
    expect(stat('/a')).toMatchObject({ czxid: 1n, mzxid: 1n, pzxid: 1n, ctime: 1000, mtime: 1000, version: 0, cversion: 0, dataLength: 1 });
    create('/a/b');
    create('/a/c');
    expect(tree.getNode('/a')!.stat.cversion).toBe(2);
    expect(stat('/a')).toMatchObject({ cversion: 2, numChildren: 2, pzxid: 3n });
  });

  it('deletes nodes: pzxid moves, persisted cversion does not, the client cversion still counts it', () => {
    const { apply, create, stat, tree } = harness();
    create('/a');
    create('/a/b');
    apply({ type: OpCode.delete, path: '/a/b' });
    expect(tree.getNode('/a')!.stat.cversion).toBe(1);
    expect(stat('/a')).toMatchObject({ cversion: 2, numChildren: 0, pzxid: 3n });
    expect(apply({ type: OpCode.delete, path: '/a/b' }).err).toBe(ErrorCode.NONODE);
  });

  it('sets data and ACLs with the versions prep computed', () => {
    const { apply, create, tree } = harness();
    create('/a', 'x');
    const r = apply({ type: OpCode.setData, path: '/a', data: Buffer.from('hello'), version: 1 }, S1, 2000);
    expect(r.stat).toMatchObject({ version: 1, mzxid: 2n, mtime: 2000, dataLength: 5, ctime: 1000 });
    const s = apply({ type: OpCode.setACL, path: '/a', acl: SECRET, version: 1 });
    expect(s.stat).toMatchObject({ aversion: 1, mzxid: 2n });
    expect(tree.aclOf(tree.getNode('/a')!)).toEqual(SECRET);
  });

  it('stores null data as null and empty data as empty', () => {
    const { create, tree } = harness();
    create('/n');
    create('/e', '');
    expect(tree.getNode('/n')!.data).toBeNull();
    expect(tree.getNode('/e')!.data).toEqual(Buffer.alloc(0));
  });

  it('treats NODEEXISTS at apply time as a replayed create: parent cversion/pzxid still advance', () => {
    const { create, tree } = harness();
    create('/a');
    const r = create('/a', null, { parentCVersion: 7 });
    expect(r.err).toBe(ErrorCode.NODEEXISTS);
    expect(tree.getNode('/')!.stat).toMatchObject({ cversion: 7, pzxid: 2n });
  });

  it('tracks ephemerals, containers and TTL nodes, hiding their markers from clients', () => {
    const { apply, create, stat, tree } = harness({ extendedTypesEnabled: true });
    create('/e', null, { ephemeral: true });
    apply({ type: OpCode.createContainer, path: '/c', data: null, acl: OPEN, parentCVersion: -1 });
    const t = apply({ type: OpCode.createTTL, path: '/t', data: null, acl: OPEN, parentCVersion: -1, ttl: 5000 });
    expect(stat('/e').ephemeralOwner).toBe(S1);
    expect(stat('/c').ephemeralOwner).toBe(0n);
    expect(t.stat!.ephemeralOwner).toBe(0n);
    expect(tree.getNode('/c')!.stat.ephemeralOwner).toBe(CONTAINER_EPHEMERAL_OWNER);
    expect(tree.getNode('/t')!.stat.ephemeralOwner).toBe(ttlToEphemeralOwner(5000));
    expect(tree.getEphemerals(S1).toArray()).toEqual(['/e']);
    expect([...tree.containers]).toEqual(['/c']);
    expect([...tree.ttls]).toEqual(['/t']);
    expect(tree.ephemeralsCount).toBe(1);
    apply({ type: OpCode.delete, path: '/c' });
    apply({ type: OpCode.delete, path: '/t' });
    apply({ type: OpCode.delete, path: '/e' });
    expect(tree.containers.size + tree.ttls.size + tree.ephemeralsCount).toBe(0);
  });

  it('refuses a TTL txn with an impossible ttl instead of crashing like Java', () => {
    const { apply } = harness({ extendedTypesEnabled: true });
    expect(apply({ type: OpCode.createTTL, path: '/t', data: null, acl: OPEN, parentCVersion: -1, ttl: -1 }).err).toBe(ErrorCode.BADARGUMENTS);
  });

  it('closes a session: listed paths first, then whatever else it still owns', () => {
    const { apply, create, tree } = harness();
    create('/e1', null, { ephemeral: true });
    create('/e2', null, { ephemeral: true });
    create('/p');
    const r = apply({ type: OpCode.closeSession, paths2Delete: ['/e1', '/gone'] });
    expect(r.err).toBe(0);
    expect(tree.getNode('/e1')).toBeUndefined();
    expect(tree.getNode('/e2')).toBeUndefined();
    expect(tree.getNode('/p')).toBeDefined();
    expect(tree.ephemerals.has(S1)).toBe(false);
    expect(tree.getNode('/')!.stat.pzxid).toBe(4n);
  });

  it('applies a multi whose prep failed as no-ops with ZooKeeper\'s per-op errors', () => {
    const { apply, tree } = harness();
    const r = apply({
      type: OpCode.multi,
      txns: [
        { type: OpCode.create, path: '/m', data: null, acl: OPEN, ephemeral: false, parentCVersion: 1 },
        { type: OpCode.error, err: ErrorCode.NODEEXISTS },
        { type: OpCode.error, err: ErrorCode.RUNTIMEINCONSISTENCY },
      ],
    });
    expect(r.err).toBe(ErrorCode.NODEEXISTS);
    expect(r.multiResult!.map((x) => [x.type, x.err])).toEqual([[OpCode.error, 0], [OpCode.error, -110], [OpCode.error, -2]]);
    expect(tree.getNode('/m')).toBeUndefined();
    expect(tree.lastProcessedZxid).toBe(1n);
  });

  it('applies a successful multi op by op, with one zxid', () => {
    const { apply, stat } = harness();
    const r = apply({
      type: OpCode.multi,
      txns: [
        { type: OpCode.create, path: '/m', data: null, acl: OPEN, ephemeral: false, parentCVersion: 1 },
        { type: OpCode.setData, path: '/m', data: Buffer.from('v'), version: 1 },
        { type: OpCode.check, path: '/m', version: 2 },
      ],
    });
    expect(r.err).toBe(0);
    expect(r.multiResult!.map((x) => x.type)).toEqual([OpCode.create, OpCode.setData, OpCode.check]);
    expect(stat('/m')).toMatchObject({ czxid: 1n, mzxid: 1n, version: 1 });
  });

  it('records the last processed zxid and digest, even for error txns', () => {
    const { apply, tree } = harness();
    apply({ type: OpCode.error, err: ErrorCode.NONODE });
    expect(tree.lastProcessedZxid).toBe(1n);
    expect(tree.lastProcessedZxidDigest).toEqual({ zxid: 1n, digestVersion: 2, digest: tree.treeDigest });
  });
});

describe('DataTree: watches', () => {
  it('sends NodeCreated to data watches and NodeChildrenChanged to the parent, each with its node\'s ACL', () => {
    const { tree, create } = harness();
    create('/p', null, { acl: SECRET });
    tree.dataWatches.addWatch('/p/c', 'w-exists');
    tree.childWatches.addWatch('/p', 'w-child');
    const r = create('/p/c');
    expect(r.events.map((e) => [e.watcher, e.event.type, e.event.path, e.acl])).toEqual([
      ['w-exists', EventType.NodeCreated, '/p/c', OPEN],
      ['w-child', EventType.NodeChildrenChanged, '/p', SECRET],
    ]);
    expect(r.events[0].event.state).toBe(3);
  });

  it('reports a root child change on "/"', () => {
    const { tree, create } = harness();
    tree.childWatches.addWatch('/', 'w');
    expect(create('/a').events.map((e) => e.event.path)).toEqual(['/']);
  });

  it('sends one NodeDeleted per watcher for a delete, and fires the node\'s child watches too', () => {
    const { tree, create, apply } = harness();
    create('/p');
    create('/p/c');
    tree.dataWatches.addWatch('/p/c', 'both');
    tree.childWatches.addWatch('/p/c', 'both');
    tree.childWatches.addWatch('/p/c', 'childOnly');
    tree.childWatches.addWatch('/p', 'parent');
    const r = apply({ type: OpCode.delete, path: '/p/c' });
    expect(r.events.map((e) => [e.watcher, e.event.type, e.event.path])).toEqual([
      ['both', EventType.NodeDeleted, '/p/c'],
      ['childOnly', EventType.NodeDeleted, '/p/c'],
      ['parent', EventType.NodeChildrenChanged, '/p'],
    ]);
    expect(tree.watchCount).toBe(0);
  });

  it('delivers a recursive watch the events of its subtree but not child-list changes (real 3.8.0 trace)', () => {
    // Mirrors the watcher trace recorded from Apache ZooKeeper 3.8.0 in txn/fixtures.
    const { tree, create, apply } = harness();
    create('/w');
    tree.addWatch('/w', 'rec', WatcherMode.PERSISTENT_RECURSIVE);
    const seen = (r: ReturnType<typeof create>) => r.events.filter((e) => e.watcher === 'rec').map((e) => [e.event.type, e.event.path]);
    expect(seen(create('/w/x', 'x'))).toEqual([[EventType.NodeCreated, '/w/x']]);
    expect(seen(apply({ type: OpCode.setData, path: '/w/x', data: Buffer.from('y'), version: 1 }))).toEqual([[EventType.NodeDataChanged, '/w/x']]);
    expect(seen(create('/w/x/y'))).toEqual([[EventType.NodeCreated, '/w/x/y']]);
    expect(seen(apply({ type: OpCode.delete, path: '/w/x/y' }))).toEqual([[EventType.NodeDeleted, '/w/x/y']]);
    expect(seen(apply({ type: OpCode.delete, path: '/w/x' }))).toEqual([[EventType.NodeDeleted, '/w/x']]);
  });

  it('gives a persistent watch data and child events of its own path', () => {
    const { tree, create, apply } = harness();
    create('/p');
    tree.addWatch('/p', 'pw', WatcherMode.PERSISTENT);
    expect(create('/p/c').events.map((e) => e.event.type)).toEqual([EventType.NodeChildrenChanged]);
    expect(apply({ type: OpCode.setData, path: '/p', data: null, version: 1 }).events.map((e) => e.event.type)).toEqual([EventType.NodeDataChanged]);
    expect(create('/p/c/d').events).toEqual([]);
  });

  it('re-registers watches after a reconnect, firing the ones the client missed (setWatches)', () => {
    const { tree, create, apply } = harness();
    create('/old'); // zxid 1
    create('/kids'); // 2
    create('/changed'); // 3
    apply({ type: OpCode.setData, path: '/changed', data: null, version: 1 }); // 4
    create('/kids/k'); // 5
    const fired = setWatches(tree, 3n, ['/old', '/changed', '/missing'], ['/old', '/absent'], ['/kids', '/old', '/gone'], ['/pp'], ['/rr'], 'c');
    expect(fired.map((e) => [e.event.type, e.event.path, e.acl])).toEqual([
      [EventType.NodeDataChanged, '/changed', null],
      [EventType.NodeDeleted, '/missing', null],
      [EventType.NodeCreated, '/old', null],
      [EventType.NodeChildrenChanged, '/kids', null],
      [EventType.NodeDeleted, '/gone', null],
    ]);
    expect(tree.dataWatches.byPath()).toEqual(new Map([['/old', ['c']], ['/absent', ['c']], ['/pp', ['c']], ['/rr', ['c']]]));
    expect(tree.childWatches.byPath()).toEqual(new Map([['/old', ['c']], ['/pp', ['c']], ['/rr', ['c']]]));
    expect(tree.childWatches.modeOf('c', '/rr')).toBe(WatcherMode.PERSISTENT_RECURSIVE);
  });

  it('checks and removes watches by type, and drops a closed connection\'s watches', () => {
    const { tree } = harness();
    tree.dataWatches.addWatch('/a', 'c');
    tree.childWatches.addWatch('/b', 'c');
    expect(tree.containsWatcher('/a', 1, 'c')).toBe(false);
    expect(tree.containsWatcher('/a', 2, 'c')).toBe(true);
    expect(tree.containsWatcher('/b', 3, 'c')).toBe(true);
    expect(tree.removeWatch('/a', 1, 'c')).toBe(false);
    expect(tree.removeWatch('/a', 3, 'c')).toBe(true);
    tree.removeWatcher('c');
    expect(tree.watchCount).toBe(0);
  });
});

describe('DataTree: quotas', () => {
  it('tracks counts and bytes under a quota root in its zookeeper_stats node', () => {
    const { tree, create, apply } = harness();
    create('/app', 'abc');
    create('/app/x', '12');
    create('/zookeeper/quota/app');
    create('/zookeeper/quota/app/zookeeper_limits', 'count=10,bytes=100');
    create('/zookeeper/quota/app/zookeeper_stats', 'count=0,bytes=0');
    const stats = () => tree.getNode('/zookeeper/quota/app/zookeeper_stats')!.data!.toString();
    expect(stats()).toBe('count=2,bytes=5');
    create('/app/y', '4444');
    expect(stats()).toBe('count=3,bytes=9');
    apply({ type: OpCode.setData, path: '/app/y', data: Buffer.from('1'), version: 1 });
    expect(stats()).toBe('count=3,bytes=6');
    apply({ type: OpCode.delete, path: '/app/x' });
    expect(stats()).toBe('count=2,bytes=4');
    create('/other', 'zz');
    expect(stats()).toBe('count=2,bytes=4');
    expect(tree.getMaxPrefixWithQuota('/app/y/z')).toBe('/app');
    apply({ type: OpCode.delete, path: '/zookeeper/quota/app/zookeeper_limits' });
    expect(tree.getMaxPrefixWithQuota('/app/y')).toBeNull();
  });
});

describe('DataTree: monitoring numbers', () => {
  it('counts nodes, descendants and approximate data size as ZooKeeper does', () => {
    const { tree, create, apply } = harness();
    const base = tree.cachedApproximateDataSize;
    expect(base).toBe(tree.approximateDataSize());
    create('/a', 'xyz');
    create('/a/b');
    create('/a/b/c', '1');
    expect(tree.cachedApproximateDataSize).toBe(base + 2 + 3 + 4 + 6 + 1);
    expect(tree.getAllChildrenNumber('/a')).toBe(2);
    expect(tree.getAllChildrenNumber('/')).toBe(6);
    expect(tree.nodeCount).toBe(8);
    apply({ type: OpCode.setData, path: '/', data: Buffer.from('rr'), version: 1 });
    // The full recount counts the root twice ("" and "/"); the running total once.
    expect(tree.approximateDataSize()).toBe(tree.cachedApproximateDataSize + 2);
  });

  it('moves the tree digest with every change and back when undone', () => {
    const { tree, create, apply } = harness();
    const d0 = tree.treeDigest;
    create('/zookeeper/x'); // a child of /zookeeper changes /zookeeper, which is digested
    const d1 = tree.treeDigest;
    expect(d1).not.toBe(d0);
    create('/zookeeper/quota/x'); // below /zookeeper/quota nothing is digested
    expect(tree.treeDigest).toBe(d1);
    apply({ type: OpCode.delete, path: '/zookeeper/quota/x' });
    expect(tree.treeDigest).toBe(d1);
  });

  it('can switch digests off', () => {
    const { tree, create } = harness({ digestEnabled: false });
    create('/a');
    expect(tree.treeDigest).toBe(0n);
    expect(tree.lastProcessedZxidDigest).toBeNull();
  });
});
