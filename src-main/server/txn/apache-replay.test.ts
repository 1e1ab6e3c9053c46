// Differential check against a recording of real Apache ZooKeeper 3.8.0 (fixtures/ZkProbe.java
// drove Debian's server with the Java client; zk380-probe.json holds what it answered plus the
// server's txn log). Every write is prepped here with the zxid and time the real server used and
// must produce the byte-identical log entry (txn and TxnDigest); every reply and read must match.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ACL, Id, MultiOp, MultiResult, Stat } from '../../protocol';
import { OpCode, Perms } from '../../protocol';
import { CREATOR_ALL_ACL, defaultAclPolicy, OPEN_ACL_UNSAFE, READ_ACL_UNSAFE } from '../acl/acl';
import { generateDigest } from '../acl/providers';
import { negotiateSessionTimeout } from '../session/session-id';
import { SessionTracker } from '../session/session-tracker';
import { DataTree } from '../tree/data-tree';
import { processRead, type ReadRequest } from '../tree/reads';
import { WatcherMode } from '../watch/watch-manager';
import { applyTxn, writeReply } from './apply';
import { RequestPreparer } from './prep';
import { decodeTxnEntry, encodeTxnEntry } from './records';
import type { WriteRequest } from './write-request';

interface ProbeStat { czxid: number; mzxid: number; ctime: number; mtime: number; version: number; cversion: number; aversion: number; ephemeralOwner: string; dataLength: number; numChildren: number; pzxid: number }
type ProbeLine = Record<string, any>;

const fixture = JSON.parse(readFileSync(path.join(__dirname, 'fixtures/zk380-probe.json'), 'utf8')) as { log: string[]; probe: ProbeLine[] };

const toStat = (s: ProbeStat | null): Stat | null => s && ({
  czxid: BigInt(s.czxid), mzxid: BigInt(s.mzxid), ctime: s.ctime, mtime: s.mtime, version: s.version, cversion: s.cversion,
  aversion: s.aversion, ephemeralOwner: BigInt(s.ephemeralOwner), dataLength: s.dataLength, numChildren: s.numChildren, pzxid: BigInt(s.pzxid),
});
const USER = generateDigest('user:pw');
const ACLS: Record<string, ACL[]> = {
  open: [...OPEN_ACL_UNSAFE],
  digest: [{ perms: Perms.ALL, id: { scheme: 'digest', id: USER } }, { perms: Perms.READ, id: { scheme: 'world', id: 'anyone' } }],
  creator: [...CREATOR_ALL_ACL],
  read: [...READ_ACL_UNSAFE],
  badip: [{ perms: 1, id: { scheme: 'ip', id: '10.0.0.1/33' } }],
};
const data = (hex: string | null | undefined) => (hex == null ? null : Buffer.from(hex, 'hex'));

function writeRequest(op: ProbeLine): WriteRequest | null {
  const acl = ACLS[op.acl ?? 'open'];
  switch (op.t) {
    case 'create': return { type: OpCode.create, path: op.path, data: data(op.data), acl, flags: op.flags };
    case 'create2': return { type: OpCode.create2, path: op.path, data: data(op.data), acl, flags: op.flags };
    case 'createContainer': return { type: OpCode.createContainer, path: op.path, data: data(op.data), acl, flags: op.flags };
    case 'createTTL': return { type: OpCode.createTTL, path: op.path, data: data(op.data), acl, flags: op.flags, ttl: op.ttl };
    case 'delete': return { type: OpCode.delete, path: op.path, version: op.version };
    case 'setData': return { type: OpCode.setData, path: op.path, data: data(op.data), version: op.version };
    case 'setACL': return { type: OpCode.setACL, path: op.path, acl, version: op.version };
    case 'multi': return { type: OpCode.multi, ops: op.ops.map(multiOp) };
    default: return null;
  }
}

function multiOp(o: ProbeLine): MultiOp {
  switch (o.t) {
    case 'create': return { type: OpCode.create, path: o.path, data: null, acl: ACLS.open, flags: o.flags };
    case 'createContainer': return { type: OpCode.createContainer, path: o.path, data: null, acl: ACLS.open, flags: o.flags };
    case 'setData': return { type: OpCode.setData, path: o.path, data: null, version: o.version };
    case 'check': return { type: OpCode.check, path: o.path, version: o.version };
    default: return { type: OpCode.delete, path: o.path, version: o.version };
  }
}

function readRequest(op: ProbeLine): ReadRequest | null {
  switch (op.t) {
    case 'stat': return { type: OpCode.exists, path: op.path, watch: false };
    case 'getACL': return { type: OpCode.getACL, path: op.path };
    case 'children': return { type: OpCode.getChildren, path: op.path, watch: false };
    case 'getEphemerals': return { type: OpCode.getEphemerals, prefixPath: '/' };
    case 'allChildrenNumber': return { type: OpCode.getAllChildrenNumber, path: op.path };
    default: return null;
  }
}

function expectedMultiResults(results: ProbeLine[]): MultiResult[] {
  return results.map((r) => {
    if (r.type === OpCode.error) return { type: OpCode.error, err: r.err };
    if (r.type === OpCode.create) return { type: OpCode.create, path: r.path };
    if (r.type === OpCode.create2) return { type: OpCode.create2, path: r.path, stat: toStat(r.stat) as Stat };
    if (r.type === OpCode.setData) return { type: OpCode.setData, stat: toStat(r.stat) as Stat };
    return { type: r.type } as MultiResult;
  });
}

describe('replaying a real Apache ZooKeeper 3.8.0 session', () => {
  it('produces byte-identical txns and digests, and the same replies, reads and watch events', () => {
    const log = fixture.log.map((hex) => Buffer.from(hex, 'hex'));
    let next = 0;
    const firstSession = BigInt(fixture.probe.find((l) => l.session === 'A')!.id);
    // Session ids embed the server's monotonic clock: start ours at the same instant.
    const clock = Number((firstSession & 0x00ffffffffffffffn) >> 16n);
    const tree = new DataTree<string>({ extendedTypesEnabled: true });
    const sessions = new SessionTracker({ tickTime: 500, serverId: 1, now: clock });
    const policy = defaultAclPolicy();
    const prep = new RequestPreparer(tree, sessions, { aclPolicy: policy });
    const ids = new Map<string, bigint>();
    const auth = new Map<string, Id[]>();
    const events: string[] = [];

    const run = (who: string, type: number, request: WriteRequest | null) => {
      const logged = log[next++];
      const expected = decodeTxnEntry(logged);
      const entry = prep.prepare({ sessionId: ids.get(who) ?? 0n, cxid: expected.header.cxid, type, request, authInfo: auth.get(who) ?? [] },
        expected.header.zxid, expected.header.time, clock);
      expect(encodeTxnEntry(entry).toString('hex'), `txn ${expected.header.zxid} (${who} ${type})`).toBe(logged.toString('hex'));
      const rc = applyTxn(tree, entry, { sessions, changes: prep.changes, requestType: type });
      for (const e of rc.events) if (e.watcher === 'W') events.push(`${e.event.type} ${e.event.path}`);
      expect(rc.digestMatches === null || rc.digestMatches).toBe(true);
      return writeReply(type, rc, entry);
    };

    for (const line of fixture.probe) {
      if (line.session) {
        const id = sessions.createSession(negotiateSessionTimeout(10000, { tickTime: 500 }), clock);
        expect(id.toString()).toBe(line.id);
        ids.set(line.session, id);
        auth.set(line.session, [{ scheme: 'ip', id: '127.0.0.1' }]);
        expect(run(line.session, OpCode.createSession, { type: OpCode.createSession, timeOut: 10000 })).toEqual({ kind: 'none', err: 0 });
        continue;
      }
      if (line.closed) {
        for (const who of line.closed === 'B' ? ['B'] : ['W', 'A']) run(who, OpCode.closeSession, { type: OpCode.closeSession });
        continue;
      }
      if (line.event) continue;
      const op = line.op;
      const who: string = op.s ?? 'A';
      if (op.auth && who === 'A' && auth.get('A')!.length === 1) auth.get('A')!.push({ scheme: 'digest', id: USER });
      const read = readRequest(op);
      if (read) {
        const r = processRead(tree, read, { watcher: who, sessionId: ids.get(who)!, authInfo: auth.get(who)!, policy });
        const body = r.body as any;
        if (op.t === 'stat') expect(body.stat).toEqual(toStat(line.ok));
        if (op.t === 'getACL') {
          expect(body.acl.map((a: ACL) => ({ perms: a.perms, scheme: a.id.scheme, id: a.id.id }))).toEqual(line.ok.acl);
          expect(body.stat).toEqual(toStat(line.ok.stat));
        }
        if (op.t === 'children') expect(body.children, `children of ${op.path}`).toEqual(line.ok);
        if (op.t === 'getEphemerals') expect(body.ephemerals).toEqual(line.ok);
        if (op.t === 'allChildrenNumber') expect(body.totalNumber).toBe(line.ok);
        continue;
      }
      const req = writeRequest(op);
      if (!req) throw new Error(`unhandled probe op ${op.t}`);
      const reply = run(who, req.type, req);
      const where = JSON.stringify(op);
      if (line.err !== undefined && op.t !== 'multi') expect(reply, where).toEqual({ kind: 'none', err: line.err });
      else if (op.t === 'multi') expect(reply, where).toEqual({ kind: 'multi', err: 0, results: expectedMultiResults(line.results ?? line.ok) });
      else if (op.t === 'create') expect(reply, where).toEqual({ kind: 'create', err: 0, path: line.ok });
      else if (op.t === 'create2' || op.t === 'createContainer' || op.t === 'createTTL') {
        expect(reply, where).toEqual({ kind: 'create2', err: 0, path: line.ok.path, stat: toStat(line.ok.stat) });
      } else if (op.t === 'setData' || op.t === 'setACL') expect(reply, where).toEqual({ kind: 'stat', err: 0, stat: toStat(line.ok) });
      else expect(reply, where).toEqual({ kind: 'none', err: 0 });
      // The probe set these watches (reads, so not in the log) right after creating /w and /w/x.
      if (op.t === 'create' && op.path === '/w') {
        tree.addWatch('/w', 'W', WatcherMode.PERSISTENT_RECURSIVE);
        tree.dataWatches.addWatch('/w/x', 'W');
        tree.childWatches.addWatch('/w', 'W');
      }
      if (op.t === 'create' && op.path === '/w/x') tree.dataWatches.addWatch('/w/x', 'W');
    }
    // The container manager deleted /cont (emptied, cversion > 0) a minute in.
    expect(run('', OpCode.deleteContainer, { type: OpCode.deleteContainer, path: '/cont' })).toEqual({ kind: 'none', err: 0 });
    expect(next).toBe(log.length);
    expect(prep.changes.size).toBe(0);
    // The client fanned each server event out to its local watchers; the server sent each once.
    const sent = fixture.probe.filter((l) => l.event).map((l) => `${l.event.type} ${l.event.path}`).filter((e, i, all) => e !== all[i - 1]);
    expect(events).toEqual(sent);
  });
});
