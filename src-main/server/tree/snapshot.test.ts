import { describe, expect, it } from 'vitest';
import type { ACL } from '../../protocol';
import { JuteReader, JuteWriter, OpCode, Perms } from '../../protocol';
import { OPEN_ACL_UNSAFE } from '../acl/acl';
import type { TxnRecord } from '../txn/records';
import { containerCandidates, containerDeleteIntervalMs } from './containers';
import { DataTree } from './data-tree';
import { processTxn } from './process-txn';
import { deserializeTree, deserializeZxidDigest, serializeTree, serializeZxidDigest } from './snapshot';

const OPEN = [...OPEN_ACL_UNSAFE];
const SECRET: ACL[] = [{ perms: Perms.ALL, id: { scheme: 'digest', id: 'u:h' } }];

function build(extendedTypesEnabled = true) {
  const tree = new DataTree({ extendedTypesEnabled });
  let zxid = 0n;
  const apply = (txn: TxnRecord, clientId = 9n, time = 1000) => processTxn(tree, { clientId, cxid: 1, zxid: ++zxid, time, type: txn.type }, txn);
  const create = (path: string, acl: ACL[] = OPEN, data: string | null = null, ephemeral = false) =>
    apply({ type: OpCode.create, path, data: data === null ? null : Buffer.from(data), acl, ephemeral, parentCVersion: -1 });
  return { tree, apply, create };
}

describe('snapshot form of the tree (DataTree.serialize)', () => {
  it('round-trips nodes, ACLs, ephemerals, containers, TTLs, quotas and the digest', () => {
    const { tree, apply, create } = build();
    create('/a', SECRET, 'x');
    create('/a/b', OPEN, null);
    create('/e', OPEN, null, true);
    apply({ type: OpCode.createContainer, path: '/c', data: null, acl: OPEN, parentCVersion: -1 });
    apply({ type: OpCode.createTTL, path: '/t', data: Buffer.from('t'), acl: OPEN, parentCVersion: -1, ttl: 60000 });
    create('/zookeeper/quota/a');
    create('/zookeeper/quota/a/zookeeper_limits', OPEN, 'count=5,bytes=-1');
    create('/zookeeper/quota/a/zookeeper_stats', OPEN, 'count=0,bytes=0');
    apply({ type: OpCode.delete, path: '/a/b' });
    const w = new JuteWriter();
    serializeTree(tree, w);
    serializeZxidDigest(tree, w);
    const copy = new DataTree({ extendedTypesEnabled: true });
    const r = new JuteReader(Buffer.from(w.toBuffer()));
    deserializeTree(copy, r);
    expect(deserializeZxidDigest(r)).toEqual(tree.lastProcessedZxidDigest);
    expect(r.remaining).toBe(0);
    expect(copy.treeDigest).toBe(tree.treeDigest);
    expect(copy.nodeCount).toBe(tree.nodeCount);
    for (const p of ['/', '/a', '/e', '/c', '/t', '/zookeeper', '/zookeeper/config', '/zookeeper/quota/a/zookeeper_stats']) {
      expect(copy.clientStat(copy.getNode(p)!), p).toEqual(tree.clientStat(tree.getNode(p)!));
      expect(copy.getNode(p)!.data, p).toEqual(tree.getNode(p)!.data);
    }
    expect(copy.aclOf(copy.getNode('/a')!)).toEqual(SECRET);
    expect(copy.getEphemerals(9n).toArray()).toEqual(['/e']);
    expect([...copy.containers]).toEqual(['/c']);
    expect([...copy.ttls]).toEqual(['/t']);
    expect(copy.getMaxPrefixWithQuota('/a/x')).toBe('/a');
    expect(copy.getNode('/zookeeper/quota/a/zookeeper_stats')!.data!.toString()).toBe('count=1,bytes=1');
    expect(copy.cachedApproximateDataSize).toBe(copy.approximateDataSize());
  });

  it('drops ACL lists no node uses any more', () => {
    const { tree, apply, create } = build();
    create('/a', SECRET);
    apply({ type: OpCode.setACL, path: '/a', acl: OPEN, version: 1 });
    const w = new JuteWriter();
    serializeTree(tree, w);
    const copy = new DataTree();
    deserializeTree(copy, new JuteReader(Buffer.from(w.toBuffer())));
    expect(copy.aclCache.size).toBe(2); // READ for /zookeeper/config and OPEN for /a
  });
});

describe('container and TTL cleanup (ContainerManager.getCandidates)', () => {
  it('picks empty containers that once had children, and expired childless TTL nodes', () => {
    const { tree, apply, create } = build();
    const container = (p: string) => apply({ type: OpCode.createContainer, path: p, data: null, acl: OPEN, parentCVersion: -1 }, 9n, 1000);
    container('/used');
    create('/used/x');
    apply({ type: OpCode.delete, path: '/used/x' });
    container('/fresh');
    container('/busy');
    create('/busy/x');
    apply({ type: OpCode.createTTL, path: '/t', data: null, acl: OPEN, parentCVersion: -1, ttl: 500 }, 9n, 1000);
    apply({ type: OpCode.createTTL, path: '/tk', data: null, acl: OPEN, parentCVersion: -1, ttl: 500 }, 9n, 1000);
    create('/tk/x');
    expect(containerCandidates(tree, 1500)).toEqual(['/used']);
    expect(containerCandidates(tree, 1501)).toEqual(['/used', '/t']);
    expect(containerCandidates(tree, 5000, { maxNeverUsedIntervalMs: 3000 })).toEqual(['/used', '/fresh', '/t']);
    expect(containerDeleteIntervalMs()).toBe(6);
  });

  it('never expires TTL nodes when extended types are off', () => {
    const { tree, apply } = build(true);
    apply({ type: OpCode.createTTL, path: '/t', data: null, acl: OPEN, parentCVersion: -1, ttl: 5 });
    const w = new JuteWriter();
    serializeTree(tree, w);
    const off = new DataTree({ extendedTypesEnabled: false });
    deserializeTree(off, new JuteReader(Buffer.from(w.toBuffer())));
    expect(containerCandidates(off, 1e12)).toEqual([]);
  });
});
