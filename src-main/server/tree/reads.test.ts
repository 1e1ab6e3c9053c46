import { describe, expect, it } from 'vitest';
import type { ACL, Id } from '../../protocol';
import { ErrorCode, EventType, OpCode, Perms } from '../../protocol';
import { defaultAclPolicy, OPEN_ACL_UNSAFE } from '../acl/acl';
import type { TxnRecord } from '../txn/records';
import { DataTree } from './data-tree';
import { processTxn } from './process-txn';
import { processRead, type ReadRequest } from './reads';

const USER: Id = { scheme: 'digest', id: 'user:2Om+GBbT2q/tS6pdvACZbbm7/1A=' };
const IP: Id = { scheme: 'ip', id: '127.0.0.1' };
const policy = defaultAclPolicy();

function harness() {
  const tree = new DataTree<string>();
  let zxid = 0n;
  const apply = (txn: TxnRecord, clientId = 1n) => processTxn(tree, { clientId, cxid: 1, zxid: ++zxid, time: 5, type: txn.type }, txn);
  const create = (path: string, acl: ACL[] = [...OPEN_ACL_UNSAFE], data: string | null = null, ephemeral = false) =>
    apply({ type: OpCode.create, path, data: data === null ? null : Buffer.from(data), acl, ephemeral, parentCVersion: -1 });
  const read = (req: ReadRequest, authInfo: Id[] = [IP], watcher = 'c1', sessionId = 1n) => processRead(tree, req, { watcher, sessionId, authInfo, policy });
  return { tree, apply, create, read };
}

const only = (perms: number, id: Id = { scheme: 'world', id: 'anyone' }): ACL[] => [{ perms, id }];

describe('reads (FinalRequestProcessor)', () => {
  it('exists needs no permission and sets its watch even on a missing node', () => {
    const h = harness();
    h.create('/secret', only(Perms.ADMIN, USER));
    expect(h.read({ type: OpCode.exists, path: '/secret', watch: false })).toMatchObject({ err: 0, body: { kind: 'stat' } });
    expect(h.read({ type: OpCode.exists, path: '/later', watch: true })).toMatchObject({ err: ErrorCode.NONODE, body: null });
    expect(h.create('/later').events.map((e) => [e.watcher, e.event.type])).toEqual([['c1', EventType.NodeCreated]]);
    expect(h.read({ type: OpCode.exists, path: '/a\0', watch: false }).err).toBe(ErrorCode.BADARGUMENTS);
  });

  it('getData and getChildren need READ and set no watch when refused', () => {
    const h = harness();
    h.create('/s', only(Perms.WRITE), 'v');
    expect(h.read({ type: OpCode.getData, path: '/s', watch: true }).err).toBe(ErrorCode.NOAUTH);
    expect(h.read({ type: OpCode.getChildren, path: '/s', watch: true }).err).toBe(ErrorCode.NOAUTH);
    expect(h.tree.watchCount).toBe(0);
    expect(h.read({ type: OpCode.getData, path: '/nope', watch: true }).err).toBe(ErrorCode.NONODE);
    expect(h.tree.watchCount).toBe(0);
    h.create('/o', undefined, 'v');
    expect(h.read({ type: OpCode.getData, path: '/o', watch: true }).body).toMatchObject({ kind: 'getData', data: Buffer.from('v'), stat: { dataLength: 1 } });
    expect(h.tree.dataWatches.size).toBe(1);
  });

  it('lists children in HashSet order, with a stat for getChildren2', () => {
    const h = harness();
    for (const n of ['sec', 'a', 'authacl', 'm2', 'mc', 'w', 'cont', 'ttl']) h.create(`/${n}`);
    // The order a real 3.8.0 server gave for the same root children.
    expect(h.read({ type: OpCode.getChildren, path: '/', watch: false }).body).toEqual({
      kind: 'getChildren', children: ['sec', 'a', 'zookeeper', 'authacl', 'm2', 'mc', 'w', 'cont', 'ttl'],
    });
    expect(h.read({ type: OpCode.getChildren2, path: '/', watch: true }).body).toMatchObject({ kind: 'getChildren2', stat: { numChildren: 9 } });
    expect(h.tree.childWatches.size).toBe(1);
  });

  it('getACL needs READ or ADMIN and masks digests without ADMIN', () => {
    const h = harness();
    const acl: ACL[] = [{ perms: Perms.ALL, id: USER }, { perms: Perms.READ, id: { scheme: 'world', id: 'anyone' } }];
    h.create('/d', acl);
    expect(h.read({ type: OpCode.getACL, path: '/d' }).body).toMatchObject({ acl: [{ perms: 31, id: { scheme: 'digest', id: 'user:x' } }, acl[1]] });
    expect(h.read({ type: OpCode.getACL, path: '/d' }, [IP, USER]).body).toMatchObject({ acl });
    h.create('/w', only(Perms.WRITE));
    expect(h.read({ type: OpCode.getACL, path: '/w' }).err).toBe(ErrorCode.NOAUTH);
    h.create('/adm', only(Perms.ADMIN));
    expect(h.read({ type: OpCode.getACL, path: '/adm' }).err).toBe(0);
    expect(h.read({ type: OpCode.getACL, path: '/nope' }).err).toBe(ErrorCode.NONODE);
  });

  it('counts all descendants with READ on the node', () => {
    const h = harness();
    h.create('/a');
    h.create('/a/b');
    h.create('/a/b/c');
    h.create('/ab');
    expect(h.read({ type: OpCode.getAllChildrenNumber, path: '/a' }).body).toEqual({ kind: 'getAllChildrenNumber', totalNumber: 2 });
    expect(h.read({ type: OpCode.getAllChildrenNumber, path: '/nope' }).err).toBe(ErrorCode.NONODE);
  });

  it('lists the session\'s own ephemerals, filtered by a raw prefix', () => {
    const h = harness();
    h.create('/a', undefined, null);
    for (const p of ['/a/eph', '/e1', '/e-0000000010']) h.create(p, undefined, null, true);
    h.apply({ type: OpCode.create, path: '/other', data: null, acl: [...OPEN_ACL_UNSAFE], ephemeral: true, parentCVersion: -1 }, 2n);
    // Order as a real 3.8.0 server listed these three (HashSet clone order).
    expect(h.read({ type: OpCode.getEphemerals, prefixPath: '/' }).body).toEqual({ kind: 'getEphemerals', ephemerals: ['/a/eph', '/e1', '/e-0000000010'] });
    expect(h.read({ type: OpCode.getEphemerals, prefixPath: ' ' }).body).toMatchObject({ ephemerals: { length: 3 } });
    expect(h.read({ type: OpCode.getEphemerals, prefixPath: '/e' }).body).toEqual({ kind: 'getEphemerals', ephemerals: ['/e1', '/e-0000000010'] });
  });

  it('adds, checks and removes watches; bad types and modes are marshalling errors', () => {
    const h = harness();
    expect(h.read({ type: OpCode.addWatch, path: '/x', mode: 1 }).body).toEqual({ kind: 'errorResponse', err: 0 });
    expect(h.read({ type: OpCode.addWatch, path: '/x', mode: 9 }).err).toBe(ErrorCode.MARSHALLINGERROR);
    expect(h.read({ type: OpCode.checkWatches, path: '/x', watcherType: 3 }).err).toBe(0);
    expect(h.read({ type: OpCode.checkWatches, path: '/y', watcherType: 3 }).err).toBe(ErrorCode.NOWATCHER);
    expect(h.read({ type: OpCode.checkWatches, path: '/x', watcherType: 4 }).err).toBe(ErrorCode.MARSHALLINGERROR);
    // 3.8.0 only asks whether anyone watches the path, not whether this connection does.
    expect(h.read({ type: OpCode.checkWatches, path: '/x', watcherType: 2 }, [IP], 'someone-else').err).toBe(0);
    expect(h.read({ type: OpCode.removeWatches, path: '/x', watcherType: 2 }, [IP], 'someone-else').err).toBe(ErrorCode.NOWATCHER);
    expect(h.read({ type: OpCode.removeWatches, path: '/x', watcherType: 2 }).err).toBe(0);
    expect(h.read({ type: OpCode.removeWatches, path: '/x', watcherType: 1 }).err).toBe(0);
    expect(h.tree.watchCount).toBe(0);
  });

  it('re-registers watches with setWatches and returns the missed events', () => {
    const h = harness();
    h.create('/a');
    const r = h.read({ type: OpCode.setWatches, relativeZxid: 0n, dataWatches: ['/a'], existWatches: [], childWatches: [], persistentWatches: ['/p'] });
    expect(r.events.map((e) => [e.event.type, e.event.path])).toEqual([[EventType.NodeDataChanged, '/a']]);
    expect(h.tree.dataWatches.size).toBe(0); // setWatches (v1) ignores persistent lists
    h.read({ type: OpCode.setWatches2, relativeZxid: 1n, dataWatches: ['/a'], existWatches: [], childWatches: [], persistentWatches: ['/p'], persistentRecursiveWatches: [] });
    expect(h.tree.dataWatches.size).toBe(2);
  });

  it('answers whoAmI and sync', () => {
    const h = harness();
    expect(h.read({ type: OpCode.whoAmI }, [IP, USER]).body).toEqual({ kind: 'whoAmI', clientInfo: [{ authScheme: 'ip', user: '127.0.0.1' }, { authScheme: 'digest', user: 'user' }] });
    expect(h.read({ type: OpCode.sync, path: '/x' }).body).toEqual({ kind: 'path', path: '/x' });
  });

  it('runs multiRead with per-op errors and refuses write ops in it', () => {
    const h = harness();
    h.create('/a', undefined, 'v');
    h.create('/s', only(Perms.WRITE));
    const r = h.read({ type: OpCode.multiRead, ops: [{ type: OpCode.getData, path: '/a' }, { type: OpCode.getChildren, path: '/nope' }, { type: OpCode.getData, path: '/s' }] });
    expect(r.body).toMatchObject({ kind: 'multi', results: [{ type: OpCode.getData, data: Buffer.from('v') }, { type: -1, err: ErrorCode.NONODE }, { type: -1, err: ErrorCode.NOAUTH }] });
    expect(h.read({ type: OpCode.multiRead, ops: [{ type: OpCode.check, path: '/a', version: -1 }] }).err).toBe(ErrorCode.MARSHALLINGERROR);
  });
});
