import { describe, expect, it } from 'vitest';
import type { ACL, Id, MultiOp } from '../../protocol';
import { CreateMode, ErrorCode, OpCode, Perms } from '../../protocol';
import { defaultAclPolicy, OPEN_ACL_UNSAFE, READ_ACL_UNSAFE } from '../acl/acl';
import { SessionTracker } from '../session/session-tracker';
import { DataTree } from '../tree/data-tree';
import { MAX_TTL } from '../tree/ephemeral-type';
import { applyTxn, writeReply } from './apply';
import { RequestPreparer } from './prep';
import type { PrepOptions } from './prep-ops';
import type { TxnEntry } from './records';
import type { WriteRequest } from './write-request';

const OPEN = [...OPEN_ACL_UNSAFE];
const IP: Id = { scheme: 'ip', id: '127.0.0.1' };
const { PERSISTENT, EPHEMERAL, PERSISTENT_SEQUENTIAL, EPHEMERAL_SEQUENTIAL, CONTAINER, PERSISTENT_WITH_TTL } = CreateMode;

function harness(opts: { extendedTypesEnabled?: boolean; digestEnabled?: boolean; prep?: Partial<PrepOptions> } = {}) {
  const tree = new DataTree({ extendedTypesEnabled: opts.extendedTypesEnabled, digestEnabled: opts.digestEnabled });
  const sessions = new SessionTracker({ tickTime: 500, serverId: 1, now: 0 });
  const prep = new RequestPreparer(tree, sessions, { aclPolicy: defaultAclPolicy(), ...opts.prep });
  const s1 = sessions.createSession(10000, 0);
  const s2 = sessions.createSession(10000, 0);
  let zxid = 0n;
  const prepare = (request: WriteRequest | null, o: { session?: bigint; auth?: Id[]; type?: number } = {}) =>
    prep.prepare({ sessionId: o.session ?? s1, cxid: 7, type: o.type ?? request?.type ?? OpCode.create, request, authInfo: o.auth ?? [IP] }, ++zxid, 1000, 0);
  const commit = (e: TxnEntry, type = e.header.type) => applyTxn(tree, e, { sessions, changes: prep.changes, requestType: type });
  let last: ReturnType<typeof commit> | null = null;
  const exec = (request: WriteRequest, o: { session?: bigint; auth?: Id[] } = {}) => {
    const e = prepare(request, o);
    last = commit(e, request.type);
    return { entry: e, result: last, reply: writeReply(request.type, last, e) };
  };
  const errOf = (e: TxnEntry) => (e.txn.type === OpCode.error ? e.txn.err : 0);
  const create = (path: string, flags: number = PERSISTENT, acl: ACL[] = OPEN, data: Buffer | null = null): WriteRequest =>
    ({ type: OpCode.create, path, data, acl, flags });
  return { tree, sessions, prep, s1, s2, prepare, commit, exec, errOf, create };
}

describe('prep: create (pRequest2TxnCreate), in ZooKeeper\'s check order', () => {
  it('rejects unknown flags before anything else', () => {
    const h = harness();
    expect(h.errOf(h.prepare(h.create('/a', 7), { session: 999n }))).toBe(ErrorCode.BADARGUMENTS);
  });

  it('refuses TTL modes with extended types off (UNIMPLEMENTED), checked before the ttl and the session', () => {
    const h = harness();
    expect(h.errOf(h.prepare({ type: OpCode.createTTL, path: '/t', data: null, acl: OPEN, flags: PERSISTENT_WITH_TTL, ttl: 0 }, { session: 999n }))).toBe(ErrorCode.UNIMPLEMENTED);
  });

  it('validates ttl ranges: TTL modes need 0 < ttl <= max, other modes need none', () => {
    const h = harness({ extendedTypesEnabled: true });
    const ttl = (flags: number, t: number) => h.errOf(h.prepare({ type: OpCode.createTTL, path: `/t${t}${flags}`, data: null, acl: OPEN, flags, ttl: t }));
    expect(ttl(PERSISTENT_WITH_TTL, 0)).toBe(ErrorCode.BADARGUMENTS);
    expect(ttl(PERSISTENT_WITH_TTL, MAX_TTL + 1)).toBe(ErrorCode.BADARGUMENTS);
    expect(ttl(PERSISTENT_WITH_TTL, MAX_TTL)).toBe(0);
    expect(ttl(PERSISTENT, 5)).toBe(ErrorCode.BADARGUMENTS);
    // createTTL with non-TTL flags and no ttl goes through as a CreateTTLTxn carrying -1.
    const e = h.prepare({ type: OpCode.createTTL, path: '/odd', data: null, acl: OPEN, flags: PERSISTENT, ttl: -1 });
    expect(e.txn).toMatchObject({ type: OpCode.createTTL, ttl: -1 });
  });

  it('checks the session: unknown is UNKNOWNSESSION, but SESSIONEXPIRED for ephemerals', () => {
    const h = harness();
    expect(h.errOf(h.prepare(h.create('/a'), { session: 999n }))).toBe(ErrorCode.UNKNOWNSESSION);
    expect(h.errOf(h.prepare(h.create('/a', EPHEMERAL), { session: 999n }))).toBe(ErrorCode.SESSIONEXPIRED);
    h.sessions.setSessionClosing(h.s2);
    expect(h.errOf(h.prepare(h.create('/a'), { session: h.s2 }))).toBe(ErrorCode.SESSIONEXPIRED);
  });

  it('rejects slash-less and NUL paths, then bad ACLs, then a missing parent', () => {
    const h = harness();
    expect(h.errOf(h.prepare(h.create('abc')))).toBe(ErrorCode.BADARGUMENTS);
    expect(h.errOf(h.prepare(h.create('/a\0b')))).toBe(ErrorCode.BADARGUMENTS);
    expect(h.errOf(h.prepare(h.create('/nope/x', PERSISTENT, [])))).toBe(ErrorCode.INVALIDACL);
    expect(h.errOf(h.prepare(h.create('/nope/x')))).toBe(ErrorCode.NONODE);
  });

  it('needs CREATE on the parent, then validates the final path', () => {
    const h = harness();
    h.exec(h.create('/ro', PERSISTENT, [...READ_ACL_UNSAFE]));
    expect(h.errOf(h.prepare(h.create('/ro/x')))).toBe(ErrorCode.NOAUTH);
    h.exec(h.create('/a'));
    expect(h.errOf(h.prepare(h.create('/a/')))).toBe(ErrorCode.BADARGUMENTS);
    expect(h.errOf(h.prepare(h.create('/a/./b')))).toBe(ErrorCode.NONODE); // parent "/a/." does not exist
    expect(h.errOf(h.prepare(h.create('/a/.')))).toBe(ErrorCode.BADARGUMENTS);
    // A sequential create may end in '/': the counter completes the name.
    expect(h.prepare(h.create('/a/', PERSISTENT_SEQUENTIAL)).txn).toMatchObject({ path: '/a/0000000000' });
  });

  it('answers NODEEXISTS, including for "/"', () => {
    const h = harness();
    h.exec(h.create('/a'));
    expect(h.errOf(h.prepare(h.create('/a')))).toBe(ErrorCode.NODEEXISTS);
    expect(h.errOf(h.prepare(h.create('/')))).toBe(ErrorCode.NODEEXISTS);
  });

  it('refuses children of ephemerals but not of containers or TTL nodes', () => {
    const h = harness({ extendedTypesEnabled: true });
    h.exec(h.create('/e', EPHEMERAL));
    expect(h.errOf(h.prepare(h.create('/e/x')))).toBe(ErrorCode.NOCHILDRENFOREPHEMERALS);
    h.exec({ type: OpCode.createContainer, path: '/c', data: null, acl: OPEN, flags: CONTAINER });
    h.exec({ type: OpCode.createTTL, path: '/t', data: null, acl: OPEN, flags: PERSISTENT_WITH_TTL, ttl: 1000 });
    expect(h.errOf(h.prepare(h.create('/c/x')))).toBe(0);
    expect(h.errOf(h.prepare(h.create('/t/x')))).toBe(0);
  });

  it('names sequential nodes from the parent\'s persisted cversion (creates only)', () => {
    const h = harness();
    h.exec(h.create('/q'));
    const names: string[] = [];
    for (let i = 0; i < 3; i++) names.push((h.exec(h.create('/q/n-', EPHEMERAL_SEQUENTIAL)).reply as { path: string }).path);
    h.exec({ type: OpCode.delete, path: '/q/n-0000000001', version: -1 });
    names.push((h.exec(h.create('/q/n-', PERSISTENT_SEQUENTIAL)).reply as { path: string }).path);
    expect(names).toEqual(['/q/n-0000000000', '/q/n-0000000001', '/q/n-0000000002', '/q/n-0000000003']);
    h.tree.getNode('/q')!.stat.cversion = -5; // after int overflow Java prints "%010d" as -000000005
    expect(h.prepare(h.create('/q/n-', PERSISTENT_SEQUENTIAL)).txn).toMatchObject({ path: '/q/n--000000005' });
  });

  it('stores the ACL fixupACL produced, expanding auth', () => {
    const h = harness();
    const digest: Id = { scheme: 'digest', id: 'u:h' };
    const e = h.prepare(h.create('/x', PERSISTENT, [{ perms: Perms.ALL, id: { scheme: 'auth', id: '' } }]), { auth: [IP, digest] });
    expect(e.txn).toMatchObject({ acl: [{ perms: Perms.ALL, id: digest }] });
  });

  it('takes the txn type from the op code and the node kind from the flags', () => {
    const h = harness();
    const c = h.prepare({ type: OpCode.createContainer, path: '/c', data: null, acl: OPEN, flags: PERSISTENT });
    expect(c.txn.type).toBe(OpCode.createContainer);
    h.commit(c);
    expect(h.tree.containers.has('/c')).toBe(true);
    // The reverse: a plain create with CONTAINER flags makes a plain node.
    const p = h.prepare(h.create('/p', CONTAINER));
    expect(p.txn).toMatchObject({ type: OpCode.create, ephemeral: false });
  });
});

describe('prep: delete, setData, setACL, check', () => {
  it('protects the built-in nodes and checks parent DELETE, version, then emptiness', () => {
    const h = harness();
    for (const p of ['/', '/zookeeper', '/zookeeper/quota', '/zookeeper/config']) {
      expect(h.errOf(h.prepare({ type: OpCode.delete, path: p, version: -1 }))).toBe(ErrorCode.BADARGUMENTS);
    }
    h.exec(h.create('/a'));
    h.exec(h.create('/a/b'));
    expect(h.errOf(h.prepare({ type: OpCode.delete, path: '/a', version: 3 }))).toBe(ErrorCode.BADVERSION);
    expect(h.errOf(h.prepare({ type: OpCode.delete, path: '/a', version: 0 }))).toBe(ErrorCode.NOTEMPTY);
    expect(h.errOf(h.prepare({ type: OpCode.delete, path: '/a/', version: -1 }))).toBe(ErrorCode.NONODE);
    expect(h.errOf(h.prepare({ type: OpCode.delete, path: 'a', version: -1 }))).toBe(ErrorCode.BADARGUMENTS);
    h.exec({ type: OpCode.setACL, path: '/a', acl: [{ perms: Perms.ALL & ~Perms.DELETE, id: { scheme: 'world', id: 'anyone' } }], version: -1 });
    expect(h.errOf(h.prepare({ type: OpCode.delete, path: '/a/b', version: -1 }))).toBe(ErrorCode.NOAUTH);
    expect(h.errOf(h.prepare({ type: OpCode.delete, path: '/a/zz', version: -1 }))).toBe(ErrorCode.NOAUTH); // ACL before existence
  });

  it('sets data with validation, WRITE permission and version check', () => {
    const h = harness();
    expect(h.errOf(h.prepare({ type: OpCode.setData, path: '/a/', data: null, version: -1 }))).toBe(ErrorCode.BADARGUMENTS);
    expect(h.errOf(h.prepare({ type: OpCode.setData, path: '/a', data: null, version: -1 }))).toBe(ErrorCode.NONODE);
    h.exec(h.create('/a'));
    expect(h.errOf(h.prepare({ type: OpCode.setData, path: '/a', data: null, version: 1 }))).toBe(ErrorCode.BADVERSION);
    const e = h.prepare({ type: OpCode.setData, path: '/a', data: Buffer.from('v'), version: 0 });
    expect(e.txn).toMatchObject({ type: OpCode.setData, version: 1 });
    h.commit(e);
    h.exec({ type: OpCode.setACL, path: '/a', acl: [...READ_ACL_UNSAFE], version: -1 });
    expect(h.errOf(h.prepare({ type: OpCode.setData, path: '/a', data: null, version: -1 }))).toBe(ErrorCode.NOAUTH);
    expect(h.errOf(h.prepare({ type: OpCode.setData, path: '/zookeeper/config', data: null, version: -1 }))).toBe(ErrorCode.NOAUTH);
  });

  it('checks a new ACL before the node exists, then ADMIN, then aversion', () => {
    const h = harness();
    const bad = [{ perms: 1, id: { scheme: 'ip', id: '10.0.0.1/33' } }];
    expect(h.errOf(h.prepare({ type: OpCode.setACL, path: '/nope', acl: bad, version: -1 }))).toBe(ErrorCode.INVALIDACL);
    expect(h.errOf(h.prepare({ type: OpCode.setACL, path: '/nope', acl: OPEN, version: -1 }))).toBe(ErrorCode.NONODE);
    h.exec(h.create('/a'));
    expect(h.errOf(h.prepare({ type: OpCode.setACL, path: '/a', acl: OPEN, version: 2 }))).toBe(ErrorCode.BADVERSION);
    expect(h.exec({ type: OpCode.setACL, path: '/a', acl: [...READ_ACL_UNSAFE], version: 0 }).result.stat).toMatchObject({ aversion: 1 });
    expect(h.errOf(h.prepare({ type: OpCode.setACL, path: '/a', acl: OPEN, version: -1 }))).toBe(ErrorCode.NOAUTH);
  });

  it('keeps the old ACL in the pending record: a pipelined request still passes the old check', () => {
    const h = harness();
    h.exec(h.create('/a'));
    h.prepare({ type: OpCode.setACL, path: '/a', acl: [...READ_ACL_UNSAFE], version: -1 }); // not applied yet
    expect(h.errOf(h.prepare({ type: OpCode.setData, path: '/a', data: null, version: -1 }))).toBe(0);
  });

  it('checks versions with READ permission; the txn carries version + 1', () => {
    const h = harness();
    h.exec(h.create('/a'));
    expect(h.prepare({ type: OpCode.check, path: '/a', version: 0 }).txn).toEqual({ type: OpCode.check, path: '/a', version: 1 });
    expect(h.errOf(h.prepare({ type: OpCode.check, path: '/a', version: 5 }))).toBe(ErrorCode.BADVERSION);
    h.exec({ type: OpCode.setACL, path: '/a', acl: [{ perms: Perms.WRITE, id: { scheme: 'world', id: 'anyone' } }], version: -1 });
    expect(h.errOf(h.prepare({ type: OpCode.check, path: '/a', version: -1 }))).toBe(ErrorCode.NOAUTH);
  });
});

describe('prep: pipelined requests see outstanding changes', () => {
  it('creates under a pending parent and refuses a pending duplicate', () => {
    const h = harness();
    const a = h.prepare(h.create('/a'));
    expect(h.errOf(h.prepare(h.create('/a/b')))).toBe(0);
    expect(h.errOf(h.prepare(h.create('/a')))).toBe(ErrorCode.NODEEXISTS);
    expect(h.prepare(h.create('/a/s-', PERSISTENT_SEQUENTIAL)).txn).toMatchObject({ path: '/a/s-0000000001' });
    expect(h.errOf(h.prepare({ type: OpCode.delete, path: '/a', version: -1 }))).toBe(ErrorCode.NOTEMPTY);
    h.commit(a);
    expect(h.prep.changes.size).toBeGreaterThan(0);
  });

  it('forgets records once their zxid is applied', () => {
    const h = harness();
    const a = h.prepare(h.create('/a'));
    const d = h.prepare({ type: OpCode.delete, path: '/a', version: -1 });
    expect(h.errOf(h.prepare({ type: OpCode.setData, path: '/a', data: null, version: -1 }))).toBe(ErrorCode.NONODE);
    h.commit(a);
    h.commit(d);
    expect(h.prep.changes.size).toBe(0);
  });
});

describe('prep: multi', () => {
  const multi = (ops: MultiOp[]): WriteRequest => ({ type: OpCode.multi, ops });
  const mCreate = (path: string, flags: number = PERSISTENT, type: MultiOp['type'] = OpCode.create): MultiOp =>
    ({ type, path, data: null, acl: OPEN, flags } as MultiOp);

  it('fails at the first bad op: its code, RUNTIMEINCONSISTENCY after, and rolls back', () => {
    const h = harness();
    h.exec(h.create('/x'));
    const { entry, reply } = h.exec(multi([mCreate('/m'), mCreate('/x'), { type: OpCode.delete, path: '/m', version: -1 }]));
    expect(entry.header.type).toBe(OpCode.multi);
    expect(entry.txn).toMatchObject({ txns: [{ type: OpCode.create }, { type: OpCode.error, err: -110 }, { type: OpCode.error, err: -2 }] });
    expect(reply).toEqual({ kind: 'multi', err: 0, results: [{ type: -1, err: 0 }, { type: -1, err: -110 }, { type: -1, err: -2 }] });
    expect(h.tree.getNode('/m')).toBeUndefined();
    expect(h.errOf(h.prepare(h.create('/m')))).toBe(0);
  });

  it('restores pending records it overwrote, so sequence numbers stay right (ZOOKEEPER-1624)', () => {
    const h = harness();
    h.exec(h.create('/p'));
    const pending = h.prepare(h.create('/p/s-', PERSISTENT_SEQUENTIAL)); // s-0000000000, not applied
    expect(pending.txn).toMatchObject({ path: '/p/s-0000000000' });
    h.prepare(multi([mCreate('/p/s-', PERSISTENT_SEQUENTIAL), mCreate('/nope/x')]));
    expect(h.prepare(h.create('/p/s-', PERSISTENT_SEQUENTIAL)).txn).toMatchObject({ path: '/p/s-0000000001' });
  });

  it('lets later ops see earlier ones and shares one zxid', () => {
    const h = harness();
    const { entry, reply } = h.exec(multi([
      mCreate('/m'), mCreate('/m/s-', PERSISTENT_SEQUENTIAL), mCreate('/m/s-', PERSISTENT_SEQUENTIAL),
      { type: OpCode.check, path: '/m', version: 0 }, mCreate('/c', CONTAINER),
    ]));
    expect(entry.txn).toMatchObject({ txns: [{ path: '/m' }, { path: '/m/s-0000000000' }, { path: '/m/s-0000000001' }, { version: 1 }, { type: OpCode.createContainer }] });
    expect(reply).toMatchObject({ kind: 'multi', results: [{ type: OpCode.create, path: '/m' }, {}, {}, { type: OpCode.check }, { type: OpCode.create2, path: '/c' }] });
    expect(h.tree.getNode('/m')!.stat.czxid).toBe(entry.header.zxid);
  });

  it('picks each create\'s kind from its flags, whatever the header said', () => {
    const h = harness({ extendedTypesEnabled: true });
    const e = h.prepare(multi([
      mCreate('/a', PERSISTENT, OpCode.create2), mCreate('/b', CONTAINER, OpCode.create),
      { type: OpCode.createTTL, path: '/c', data: null, acl: OPEN, flags: PERSISTENT, ttl: 50 },
      { type: OpCode.createTTL, path: '/d', data: null, acl: OPEN, flags: PERSISTENT_WITH_TTL, ttl: 50 },
    ]));
    expect(e.txn).toMatchObject({ txns: [{ type: OpCode.create }, { type: OpCode.createContainer }, { type: OpCode.create }, { type: OpCode.createTTL, ttl: 50 }] });
  });

  it('is a MARSHALLINGERROR when it mixes reads with writes, holds only reads, or has TTL flags under create', () => {
    const h = harness({ extendedTypesEnabled: true });
    const mixed = h.prepare(multi([mCreate('/a'), { type: OpCode.getData, path: '/' }]));
    expect(mixed.header.type).toBe(OpCode.error);
    expect(mixed.txn).toEqual({ type: OpCode.error, err: ErrorCode.MARSHALLINGERROR });
    expect(mixed.digest).toBeNull();
    expect(h.errOf(h.prepare(multi([{ type: OpCode.getData, path: '/' }])))).toBe(ErrorCode.MARSHALLINGERROR);
    // The earlier op's pending change is not rolled back on this path (as in Java).
    const ttl = h.prepare(multi([mCreate('/t'), mCreate('/u', PERSISTENT_WITH_TTL, OpCode.create)]));
    expect(h.errOf(ttl)).toBe(ErrorCode.MARSHALLINGERROR);
    expect(h.errOf(h.prepare(h.create('/t')))).toBe(ErrorCode.NODEEXISTS);
  });

  it('accepts an empty multi', () => {
    const h = harness();
    expect(h.exec(multi([])).reply).toEqual({ kind: 'multi', err: 0, results: [] });
  });
});

describe('prep: sessions and server-issued requests', () => {
  it('createSession tracks the session and logs its timeout', () => {
    const h = harness();
    const e = h.prepare({ type: OpCode.createSession, timeOut: 4000 }, { session: 77n });
    expect(e.txn).toEqual({ type: OpCode.createSession, timeOut: 4000 });
    expect(h.sessions.isTrackingSession(77n)).toBe(true);
    h.commit(e);
    expect(h.sessions.getSessionTimeout(77n)).toBe(4000);
  });

  it('closeSession lists the ephemerals, pending ones included and pending deletes excluded', () => {
    const h = harness();
    h.exec(h.create('/e1', EPHEMERAL));
    h.exec(h.create('/e2', EPHEMERAL));
    h.prepare(h.create('/e3', EPHEMERAL));
    h.prepare({ type: OpCode.delete, path: '/e1', version: -1 });
    const e = h.prepare({ type: OpCode.closeSession });
    expect(e.txn.type === OpCode.closeSession && [...(e.txn.paths2Delete ?? [])].sort()).toEqual(['/e2', '/e3']);
    expect(h.sessions.getSession(h.s1)!.isClosing).toBe(true);
    expect(h.errOf(h.prepare(h.create('/late')))).toBe(ErrorCode.SESSIONEXPIRED);
  });

  it('closeSession leaves the parent\'s childCount: deleting the parent in the same pipeline is NOTEMPTY', () => {
    const h = harness();
    h.exec(h.create('/p'));
    h.exec(h.create('/p/e', EPHEMERAL));
    h.prepare({ type: OpCode.closeSession });
    expect(h.errOf(h.prepare({ type: OpCode.delete, path: '/p', version: -1 }, { session: h.s2 }))).toBe(ErrorCode.NOTEMPTY);
  });

  it('closeSession without CloseSessionTxn writes no record', () => {
    const h = harness({ prep: { closeSessionTxnEnabled: false } });
    h.exec(h.create('/e', EPHEMERAL));
    const e = h.prepare({ type: OpCode.closeSession });
    expect(e.txn).toEqual({ type: OpCode.closeSession, paths2Delete: null });
    h.commit(e);
    expect(h.tree.getNode('/e')).toBeUndefined();
    expect(h.sessions.isTrackingSession(h.s1)).toBe(false);
  });

  it('deleteContainer needs no session or ACL, refuses ephemerals (BADVERSION) and non-empty nodes', () => {
    const h = harness();
    h.exec({ type: OpCode.createContainer, path: '/c', data: null, acl: OPEN, flags: CONTAINER });
    h.exec(h.create('/c/x'));
    const del = (path: string) => h.prepare({ type: OpCode.deleteContainer, path }, { session: 0n, auth: [] });
    expect(h.errOf(h.prepare({ type: OpCode.delete, path: '/c/x', version: -1 }, { session: 0n }))).toBe(ErrorCode.UNKNOWNSESSION);
    expect(h.errOf(del('/c'))).toBe(ErrorCode.NOTEMPTY);
    expect(h.errOf(del('/zookeeper'))).toBe(ErrorCode.BADARGUMENTS);
    expect(h.errOf(del('/nope'))).toBe(ErrorCode.NONODE);
    h.exec(h.create('/e', EPHEMERAL));
    expect(h.errOf(del('/e'))).toBe(ErrorCode.BADVERSION);
    h.exec({ type: OpCode.delete, path: '/c/x', version: -1 });
    expect(del('/c').txn).toEqual({ type: OpCode.deleteContainer, path: '/c' });
    h.exec(h.create('/plain'));
    expect(h.errOf(del('/plain'))).toBe(0);
  });

  it('reconfig is refused (disabled by default, unimplemented otherwise)', () => {
    expect(harness().errOf(harness().prepare({ type: OpCode.reconfig }))).toBe(ErrorCode.RECONFIGDISABLED);
    const h = harness({ prep: { reconfigEnabled: true } });
    expect(h.errOf(h.prepare({ type: OpCode.reconfig }))).toBe(ErrorCode.UNIMPLEMENTED);
  });

  it('turns an undecodable request into a MARSHALLINGERROR txn that still uses its zxid', () => {
    const h = harness();
    const e = h.prepare(null, { type: OpCode.setData });
    expect(e).toMatchObject({ header: { type: OpCode.error, zxid: 1n, cxid: 7, clientId: h.s1 }, txn: { type: OpCode.error, err: ErrorCode.MARSHALLINGERROR } });
  });
});

describe('prep: digests', () => {
  it('gives failed writes no digest, no-op writes the current one, and predicts the applied tree', () => {
    const h = harness();
    expect(h.prepare(h.create('/nope/x')).digest).toBeNull();
    h.exec(h.create('/a'));
    expect(h.prepare({ type: OpCode.check, path: '/a', version: -1 }).digest).toEqual({ version: 2, treeDigest: h.tree.treeDigest });
    const e = h.prepare(h.create('/a/b'));
    const r = h.commit(e);
    expect(r.digestMatches).toBe(true);
    expect(e.digest!.treeDigest).toBe(h.tree.treeDigest);
  });

  it('always digests a multi, failed or not', () => {
    const h = harness();
    const e = h.prepare({ type: OpCode.multi, ops: [{ type: OpCode.delete, path: '/nope', version: -1 }] });
    expect(e.digest).toEqual({ version: 2, treeDigest: h.tree.treeDigest });
  });

  it('omits digests when they are off', () => {
    const h = harness({ digestEnabled: false });
    expect(h.prepare(h.create('/a')).digest).toBeNull();
  });
});
