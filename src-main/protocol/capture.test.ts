// The codecs against bytes real clients (kazoo 2.8, the C client cli_mt) and real ZooKeeper 3.8
// exchanged: every frame decodes to what the capture script did, to its last byte, and encodes back
// to the same bytes. The frames come from scripts/capture-zk.mjs, run once and stored.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AuthPacketCodec, ConnectRequestCodec, ConnectResponseCodec, Create2ResponseCodec, CreateRequestCodec, CreateResponseCodec,
  CreateTTLRequestCodec, DeleteRequestCodec, ErrorCode, EventType, GetACLResponseCodec, GetChildren2ResponseCodec,
  GetDataResponseCodec, JuteReader, JuteWriter, KeeperState, OpCode, PathRequestCodec, PathWatchRequestCodec, Perms,
  ReplyHeaderCodec, RequestHeaderCodec, SetACLRequestCodec, SetDataRequestCodec, StatResponseCodec, WatcherEventCodec, Xid,
  digestId, readMultiRequest, readMultiResponse, writeMultiRequest, writeMultiResponse,
  type ACL, type Codec, type ReplyHeader, type RequestHeader, type Stat,
} from '.';

interface CapturedFrame { dir: 'request' | 'reply'; hex: string; op: string; note: string }
interface Decoded { header: RequestHeader | ReplyHeader | null; body: any; bytes: Buffer; reencoded: Buffer; left: number }

const frames: CapturedFrame[] = JSON.parse(readFileSync(path.join(__dirname, 'testdata/zk-3.8-capture.json'), 'utf8'));

const none: Codec<null> = { write() {}, read: () => null };
const multiRequest: Codec<any> = { write: writeMultiRequest, read: readMultiRequest };
const multiResponse: Codec<any> = { write: writeMultiResponse, read: readMultiResponse };

const requestBodies: Record<string, Codec<any>> = {
  create: CreateRequestCodec, create2: CreateRequestCodec, createContainer: CreateRequestCodec, createTTL: CreateTTLRequestCodec,
  delete: DeleteRequestCodec, exists: PathWatchRequestCodec, getData: PathWatchRequestCodec, getChildren2: PathWatchRequestCodec,
  setData: SetDataRequestCodec, getACL: PathRequestCodec, sync: PathRequestCodec, setACL: SetACLRequestCodec,
  auth: AuthPacketCodec, multi: multiRequest, ping: none, closeSession: none,
};
const replyBodies: Record<string, Codec<any>> = {
  create: CreateResponseCodec, create2: Create2ResponseCodec, createContainer: Create2ResponseCodec, createTTL: Create2ResponseCodec,
  delete: none, exists: StatResponseCodec, getData: GetDataResponseCodec, getChildren2: GetChildren2ResponseCodec,
  setData: StatResponseCodec, getACL: GetACLResponseCodec, sync: CreateResponseCodec, setACL: StatResponseCodec,
  auth: none, multi: multiResponse, ping: none, closeSession: none, notification: WatcherEventCodec,
};

function decodeFrame(f: CapturedFrame): Decoded {
  const bytes = Buffer.from(f.hex, 'hex');
  const r = new JuteReader(bytes, 4);
  let header: RequestHeader | ReplyHeader | null = null;
  let body: Codec<any>;
  if (f.op === 'connect') {
    body = f.dir === 'request' ? ConnectRequestCodec : ConnectResponseCodec;
  } else if (f.dir === 'request') {
    header = RequestHeaderCodec.read(r);
    body = requestBodies[f.op];
  } else {
    header = ReplyHeaderCodec.read(r);
    // A failed request's reply is the header alone.
    body = header.err === ErrorCode.OK ? replyBodies[f.op] : none;
  }
  if (!body) throw new Error(`no codec for ${f.dir} ${f.op}`);
  const value = body.read(r);
  const reencoded = JuteWriter.frame((w) => {
    if (header) (f.dir === 'request' ? RequestHeaderCodec : ReplyHeaderCodec).write(w, header as any);
    body.write(w, value);
  });
  return { header, body: value, bytes, reencoded, left: r.remaining };
}

/** The kazoo request the script described with `note`, and the reply to it. */
function exchange(note: string): { request: Decoded; reply: Decoded } {
  const request = frames.filter((f) => f.dir === 'request' && f.note === `kazoo: ${note}`);
  const reply = frames.filter((f) => f.dir === 'reply' && f.note.startsWith(`kazoo: reply to: ${note}`));
  expect(request, note).toHaveLength(1);
  expect(reply, note).toHaveLength(1);
  return { request: decodeFrame(request[0]), reply: decodeFrame(reply[0]) };
}

const openAcl: ACL[] = [{ perms: Perms.ALL, id: { scheme: 'world', id: 'anyone' } }];
const aliceAcl: ACL[] = [{ perms: Perms.ALL, id: { scheme: 'digest', id: digestId('alice:secret') } }];
const text = (s: string) => Buffer.from(s);

describe('codecs against frames captured from ZooKeeper 3.8', () => {
  it('has the frames the capture script was asked for', () => {
    const ops = new Set(frames.map((f) => f.op));
    for (const op of ['connect', 'create', 'create2', 'createContainer', 'createTTL', 'getData', 'setData', 'exists',
      'getChildren2', 'setACL', 'getACL', 'auth', 'sync', 'delete', 'multi', 'notification', 'ping', 'closeSession']) {
      expect(ops, op).toContain(op);
    }
    expect(frames.some((f) => f.note.startsWith('cli_mt:'))).toBe(true);
  });

  it.each(frames.map((f, i) => [i, f.dir, f.note, f] as const))('frame %i (%s) %s: decodes to the last byte and re-encodes identically', (_i, _dir, _note, f) => {
    const d = decodeFrame(f);
    expect(d.bytes.readInt32BE(0)).toBe(d.bytes.length - 4);
    expect(d.left).toBe(0);
    expect(d.reencoded.toString('hex')).toBe(f.hex);
  });

  it('kazoo connect: a new session request and the server granting 4000 ms', () => {
    const { request, reply } = exchange('opens a new session (timeOut 4000 ms, zero password, readOnly false)');
    expect(request.body).toEqual({ protocolVersion: 0, lastZxidSeen: 0n, timeOut: 4000, sessionId: 0n, passwd: Buffer.alloc(16), readOnly: false });
    expect(reply.body).toMatchObject({ protocolVersion: 0, timeOut: 4000, readOnly: false });
    expect(reply.body.sessionId).not.toBe(0n);
    expect(reply.body.passwd).toHaveLength(16);
  });

  it('create in each mode', () => {
    const persistent = exchange('create /app "root" PERSISTENT, open ACL');
    expect(persistent.request.header).toEqual({ xid: 1, type: OpCode.create });
    expect(persistent.request.body).toEqual({ path: '/app', data: text('root'), acl: openAcl, flags: 0 });
    expect(persistent.reply.header).toMatchObject({ xid: 1, err: ErrorCode.OK });
    expect(persistent.reply.body).toEqual({ path: '/app' });

    const eph = exchange('create /app/eph with empty data, EPHEMERAL');
    expect(eph.request.body).toEqual({ path: '/app/eph', data: Buffer.alloc(0), acl: openAcl, flags: 1 });
    expect(eph.reply.body).toEqual({ path: '/app/eph' });

    const seq = exchange('create /app/seq- "first" PERSISTENT_SEQUENTIAL');
    expect(seq.request.body).toMatchObject({ path: '/app/seq-', data: text('first'), flags: 2 });
    expect(seq.reply.body.path).toMatch(/^\/app\/seq-\d{10}$/);

    const c2 = exchange('create2 /app/config "v1" PERSISTENT (returns the stat)');
    expect(c2.request.header).toMatchObject({ type: OpCode.create2 });
    expect(c2.request.body).toEqual({ path: '/app/config', data: text('v1'), acl: openAcl, flags: 0 });
    const c2Reply = c2.reply.header as ReplyHeader;
    expect(c2.reply.body.path).toBe('/app/config');
    expect(c2.reply.body.stat).toMatchObject({ czxid: c2Reply.zxid, mzxid: c2Reply.zxid, version: 0, dataLength: 2, ephemeralOwner: 0n });
  });

  it('createContainer and createTTL (extended types): clients see ephemeralOwner 0, not the node type the server stores there', () => {
    const container = exchange('createContainer /app/container "c" (flags CONTAINER)');
    expect(container.request.header).toMatchObject({ type: OpCode.createContainer });
    expect(container.request.body).toEqual({ path: '/app/container', data: text('c'), acl: openAcl, flags: 4 });
    expect(container.reply.body.path).toBe('/app/container');
    expect(container.reply.body.stat.ephemeralOwner).toBe(0n);

    const ttl = exchange('createTTL /app/ttl "t" PERSISTENT_WITH_TTL, ttl 60000 ms');
    expect(ttl.request.header).toMatchObject({ type: OpCode.createTTL });
    expect(ttl.request.body).toEqual({ path: '/app/ttl', data: text('t'), acl: openAcl, flags: 5, ttl: 60000 });
    expect(ttl.reply.body.path).toBe('/app/ttl');
    // The server keeps the TTL in ephemeralOwner (EphemeralType) but DataNode.copyStat hides it.
    expect(ttl.reply.body.stat.ephemeralOwner).toBe(0n);
  });

  it('getData with a watch, the notification another session triggers, then setData and exists', () => {
    const get = exchange('getData /app/config with a watch: "v1" at version 0');
    expect(get.request.body).toEqual({ path: '/app/config', watch: true });
    expect(get.reply.body.data).toEqual(text('v1'));
    expect(get.reply.body.stat).toMatchObject({ version: 0, dataLength: 2 });

    const set = exchange('setData /app/config "v3" at version 1');
    expect(set.request.body).toEqual({ path: '/app/config', data: text('v3'), version: 1 });
    expect(set.reply.body.stat).toMatchObject({ version: 2, dataLength: 2 });

    const exists = exchange('exists /app/config (no watch): a stat at version 2');
    expect(exists.request.body).toEqual({ path: '/app/config', watch: false });
    expect(exists.reply.body.stat).toEqual(set.reply.body.stat);
  });

  it('watch notifications: xid -1, zxid -1, state SyncConnected', () => {
    const events = frames.filter((f) => f.op === 'notification').map(decodeFrame);
    for (const e of events) expect(e.header).toEqual({ xid: Xid.notification, zxid: -1n, err: 0 });
    expect(events.map((e) => e.body)).toEqual([
      { type: EventType.NodeDataChanged, state: KeeperState.SyncConnected, path: '/app/config' },
      { type: EventType.NodeCreated, state: KeeperState.SyncConnected, path: '/app/missing' },
    ]);
  });

  it('exists on a missing node: NONODE and no body', () => {
    const missing = exchange('exists /app/missing with a watch: NONODE');
    expect(missing.request.body).toEqual({ path: '/app/missing', watch: true });
    expect(missing.reply.header).toMatchObject({ err: ErrorCode.NONODE });
    expect(missing.reply.bytes).toHaveLength(4 + 16);
  });

  it('getChildren2', () => {
    const seqName = path.basename(exchange('create /app/seq- "first" PERSISTENT_SEQUENTIAL').reply.body.path);
    const { request, reply } = exchange('getChildren2 /app: six children and the parent stat');
    expect(request.header).toMatchObject({ type: OpCode.getChildren2 });
    expect(request.body).toEqual({ path: '/app', watch: false });
    expect([...reply.body.children].sort()).toEqual(['config', 'container', 'eph', 'missing', seqName, 'ttl'].sort());
    expect((reply.body.stat as Stat).numChildren).toBe(6);
  });

  it('setACL with a digest ACL, NOAUTH, addauth, getACL', () => {
    const setAcl = exchange('setACL /app/config to digest alice:secret with ALL, at ACL version 0');
    expect(setAcl.request.body).toEqual({ path: '/app/config', acl: aliceAcl, version: 0 });
    expect(setAcl.reply.body.stat).toMatchObject({ aversion: 1 });

    const denied = exchange('getData /app/config before addauth: NOAUTH');
    expect(denied.reply.header).toMatchObject({ err: ErrorCode.NOAUTH });

    const auth = exchange('addauth digest alice:secret');
    expect(auth.request.header).toEqual({ xid: Xid.auth, type: OpCode.auth });
    expect(auth.request.body).toEqual({ type: 0, scheme: 'digest', auth: text('alice:secret') });
    expect(auth.reply.header).toEqual({ xid: Xid.auth, zxid: 0n, err: ErrorCode.OK });

    const getAcl = exchange('getACL /app/config: the digest ACL, aversion 1');
    expect(getAcl.request.body).toEqual({ path: '/app/config' });
    expect(getAcl.reply.body.acl).toEqual(aliceAcl);
    expect(getAcl.reply.body.stat).toMatchObject({ aversion: 1, version: 2 });
  });

  it('sync, and delete with a bad version', () => {
    const sync = exchange('sync /app');
    expect(sync.request.body).toEqual({ path: '/app' });
    expect(sync.reply.body).toEqual({ path: '/app' });

    const del = exchange('delete /app/config at version 99: BADVERSION');
    expect(del.request.body).toEqual({ path: '/app/config', version: 99 });
    expect(del.reply.header).toMatchObject({ err: ErrorCode.BADVERSION });
  });

  it('multi that succeeds', () => {
    const { request, reply } = exchange('multi: create /app/txn, check /app/config v2, setData /app/config "v4" v2, delete /app/missing');
    expect(request.header).toMatchObject({ type: OpCode.multi });
    expect(request.body).toEqual([
      { type: OpCode.create, path: '/app/txn', data: text('x'), acl: openAcl, flags: 0 },
      { type: OpCode.check, path: '/app/config', version: 2 },
      { type: OpCode.setData, path: '/app/config', data: text('v4'), version: 2 },
      { type: OpCode.delete, path: '/app/missing', version: -1 },
    ]);
    expect(reply.header).toMatchObject({ err: ErrorCode.OK });
    expect(reply.body).toMatchObject([
      { type: OpCode.create, path: '/app/txn' },
      { type: OpCode.check },
      { type: OpCode.setData, stat: { version: 3, dataLength: 2 } },
      { type: OpCode.delete },
    ]);
  });

  it('multi that fails: the header says OK, each result says what happened', () => {
    const { request, reply } = exchange('failing multi: create /app/txn2, check /app/config v99 (BADVERSION), setData /app/config');
    expect(request.body).toEqual([
      { type: OpCode.create, path: '/app/txn2', data: text('y'), acl: openAcl, flags: 0 },
      { type: OpCode.check, path: '/app/config', version: 99 },
      { type: OpCode.setData, path: '/app/config', data: text('never'), version: -1 },
    ]);
    expect(reply.header).toMatchObject({ err: ErrorCode.OK });
    expect(reply.body).toEqual([
      { type: OpCode.error, err: ErrorCode.OK },
      { type: OpCode.error, err: ErrorCode.BADVERSION },
      { type: OpCode.error, err: ErrorCode.RUNTIMEINCONSISTENCY },
    ]);
  });

  it('ping and closeSession', () => {
    const ping = frames.filter((f) => f.op === 'ping' && f.note.startsWith('kazoo:')).map(decodeFrame);
    expect(ping.map((p) => p.header)).toEqual([
      { xid: Xid.ping, type: OpCode.ping },
      { xid: Xid.ping, zxid: expect.any(BigInt), err: ErrorCode.OK },
    ]);
    const close = exchange('close the session');
    expect(close.request.header).toMatchObject({ type: OpCode.closeSession });
    expect(close.request.bytes).toHaveLength(12);
    expect(close.reply.header).toMatchObject({ err: ErrorCode.OK });
  });

  it('replies carry non-decreasing zxids, and each answers the xid of a request', () => {
    for (const client of ['kazoo', 'cli_mt']) {
      const mine = frames.filter((f) => f.note.startsWith(`${client}:`) && f.op !== 'connect');
      const xids = new Set(mine.filter((f) => f.dir === 'request').map((f) => (decodeFrame(f).header as RequestHeader).xid));
      let last = 0n;
      for (const f of mine.filter((f) => f.dir === 'reply' && f.op !== 'notification')) {
        const h = decodeFrame(f).header as ReplyHeader;
        expect(xids).toContain(h.xid);
        if (h.xid === Xid.auth) continue;
        expect(h.zxid >= last, f.note).toBe(true);
        last = h.zxid;
      }
    }
  });

  it('the C client (cli_mt): connect, getData with a watch, closeSession', () => {
    const c = frames.filter((f) => f.note.startsWith('cli_mt:')).map((f) => ({ f, d: decodeFrame(f) }));
    expect(c.map(({ f }) => `${f.dir} ${f.op}`)).toEqual([
      'request connect', 'reply connect', 'request getData', 'reply getData', 'request closeSession', 'reply closeSession',
    ]);
    expect(c[0].d.body).toMatchObject({ protocolVersion: 0, lastZxidSeen: 0n, timeOut: 30000, sessionId: 0n, readOnly: false });
    expect(c[1].d.body).toMatchObject({ timeOut: 30000, readOnly: false });
    expect(c[2].d.body).toEqual({ path: '/app', watch: true });
    expect(c[3].d.body.data).toEqual(text('root'));
    expect((c[4].d.header as RequestHeader).xid).toBe((c[2].d.header as RequestHeader).xid + 1);
  });
});
