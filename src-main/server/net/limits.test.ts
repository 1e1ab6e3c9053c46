import { afterEach, describe, expect, test } from 'vitest';
import { OpCode } from '../../protocol';
import type { ClientPortServer } from './client-port';
import type { Connection } from './connection';
import { FakeCore, RawClient, eventually, getDataFrame, requestFrame, startFakeServer, withTimeout, type LogLine } from './test-support';

let server: ClientPortServer;
let core: FakeCore;
let logs: LogLine[];
const clients: RawClient[] = [];

async function client(handshake = true): Promise<RawClient> {
  const c = await RawClient.connect(server.clientPort!);
  clients.push(c);
  if (handshake) await c.handshake();
  return c;
}

const connectionOf = (c: RawClient): Connection => {
  const found = server.connections().find((x) => x.remote.port === c.localPort);
  if (!found) throw new Error(`no server connection for client port ${c.localPort}`);
  return found;
};

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server.close();
});

describe('connection limits', () => {
  test('maxClientCnxns: an excess connection from one address is closed at once, as ZooKeeper does', async () => {
    ({ server, core, logs } = await startFakeServer({ maxClientCnxns: 3 }));
    const ok = [await client(), await client(), await client(false)];
    const excess = await RawClient.connect(server.clientPort!);
    expect((await excess.readToClose()).length).toBe(0);
    expect(logs.filter((l) => l.level === 'warn').map((l) => l.message)).toContain('Error accepting new connection: Too many connections from /127.0.0.1 - max is 3');
    expect(server.stats.connectionRejected).toBe(1);
    expect(await ok[0].getData(1)).toBe(1);
    // A closed connection frees its slot.
    ok[2].destroy();
    await eventually(() => server.numAliveConnections === 2);
    const again = await client();
    expect(await again.getData(2)).toBe(2);
  });

  test('maxClientCnxns 0 is unlimited; maxCnxns bounds the port', async () => {
    ({ server, core, logs } = await startFakeServer({ maxClientCnxns: 0, maxCnxns: 2 }));
    await client();
    await client();
    const excess = await RawClient.connect(server.clientPort!);
    await excess.readToClose();
    expect(logs.map((l) => l.message)).toContain('Error accepting new connection: Too many connections max allowed is 2');
  });
});

describe('throttling by outstanding requests', () => {
  test('past globalOutstandingLimit the server stops reading until replies bring the count down', async () => {
    ({ server, core, logs } = await startFakeServer({ globalOutstandingLimit: 5 }));
    core.hold = true;
    const a = await client();
    const b = await client();
    a.write(Buffer.concat(Array.from({ length: 10 }, (_, i) => getDataFrame(i + 1))));
    await eventually(() => core.held.length === 6, 5000, '6 requests held');
    await new Promise((r) => setTimeout(r, 50));
    // 6 outstanding > 5: connection a reads no more; its other 4 requests wait unread.
    expect(core.held.length).toBe(6);
    expect(server.outstandingRequests).toBe(6);
    expect(connectionOf(a).interestOps).toBe(0);
    expect(connectionOf(a).dumpConnectionInfo(true)).toMatch(/\[0\]\(queued=6,/);
    // b's own request still comes in, then b is throttled too, as in ZooKeeper.
    b.write(getDataFrame(100));
    await eventually(() => core.held.length === 7, 5000, "b's request");
    expect(connectionOf(b).interestOps).toBe(0);
    expect(logs.some((l) => /7 outstanding requests exceed globalOutstandingLimit=5|6 outstanding requests exceed globalOutstandingLimit=5/.test(l.message))).toBe(true);

    core.hold = false;
    core.release();
    for (let xid = 1; xid <= 10; xid++) expect((await a.reply()).header.xid).toBe(xid);
    expect((await b.reply()).header.xid).toBe(100);
    await eventually(() => server.outstandingRequests === 0);
    expect(connectionOf(a).interestOps).toBe(1);
    expect(logs.some((l) => /reading again/.test(l.message))).toBe(true);
  });

  test('a closing connection stops counting its outstanding requests', async () => {
    ({ server, core, logs } = await startFakeServer({ globalOutstandingLimit: 2 }));
    core.hold = true;
    const a = await client();
    const b = await client();
    a.write(Buffer.concat([getDataFrame(1), getDataFrame(2), getDataFrame(3)]));
    await eventually(() => server.outstandingRequests === 3);
    a.destroy();
    await eventually(() => server.outstandingRequests === 0);
    core.hold = false;
    expect(await b.getData(4)).toBe(4);
  });
});

describe('replies', () => {
  test('order is kept under many concurrent pipelined requests on several connections', async () => {
    ({ server, core, logs } = await startFakeServer());
    core.asyncReplies = true;
    const cs = await Promise.all([client(), client(), client(), client()]);
    const perClient = 400;
    await Promise.all(cs.map(async (c) => {
      for (let burst = 0; burst < perClient; burst += 50) {
        c.write(Buffer.concat(Array.from({ length: 50 }, (_, i) => getDataFrame(burst + i + 1))));
      }
      c.write(requestFrame(-2, OpCode.ping));
      for (let xid = 1; xid <= perClient; xid++) {
        const { header, body } = await c.reply();
        expect(header.xid).toBe(xid);
        expect(body.readInt()).toBe(xid);
      }
      expect((await c.reply()).header.xid).toBe(-2);
    }));
    expect(server.stats.packetsReceived).toBe(4 * (perClient + 2));
    expect(server.outstandingRequests).toBe(0);
  });

  test('replies queued in one tick go out in one socket write', async () => {
    ({ server, core, logs } = await startFakeServer());
    const c = await client();
    const writer = connectionOf(c).writer;
    const before = writer.writes;
    c.write(Buffer.concat(Array.from({ length: 50 }, (_, i) => getDataFrame(i + 1))));
    for (let xid = 1; xid <= 50; xid++) expect((await c.reply()).header.xid).toBe(xid);
    expect(writer.writes - before).toBe(1);
  });

  test('a slow reader is paused, not buffered without bound, and loses nothing', async () => {
    ({ server, core, logs } = await startFakeServer({ maxUnsentBytes: 4 * 1024 * 1024 }));
    const c = await client();
    c.socket.pause();
    const n = 200;
    c.write(Buffer.concat(Array.from({ length: n }, (_, i) => getDataFrame(i + 1, '/flood/100000'))));
    // 20 MB of replies against a 4 MB bound: the server must stop taking requests instead.
    await new Promise((r) => setTimeout(r, 300));
    const cnxn = connectionOf(c);
    expect(cnxn.closed).toBe(false);
    expect(cnxn.stats.packetsReceived).toBeLessThan(n);
    c.socket.resume();
    for (let i = 1; i <= n; i++) expect((await c.reply()).header.xid).toBe(i);
  });

  test('pushes to a client that never reads close it past the bound, with a log line', async () => {
    ({ server, core, logs } = await startFakeServer({ maxUnsentBytes: 1024 * 1024 }));
    const c = await client();
    const other = await client();
    c.socket.pause();
    const cnxn = connectionOf(c);
    for (let i = 0; i < 1000 && !cnxn.closed; i++) {
      cnxn.sendNotification({ type: 3, state: 3, path: `/${'n'.repeat(100_000)}` });
      await new Promise((r) => setImmediate(r));
    }
    expect(cnxn.closed).toBe(true);
    expect(logs.some((l) => l.level === 'warn' && /bytes of replies wait for a client that does not read them \(limit 1048576\)/.test(l.message))).toBe(true);
    expect(await other.getData(3)).toBe(3);
  });

  test('closeSession: after the reply the connection closes', async () => {
    ({ server, core, logs } = await startFakeServer());
    const c = await client();
    c.write(requestFrame(1, OpCode.closeSession));
    const { header } = await c.reply();
    expect(header).toEqual({ xid: 1, zxid: 1n, err: 0 });
    await withTimeout(c.closed, 5000, 'not closed');
    expect(core.disconnects.at(-1)?.reason).toBe('closeSession answered');
  });

  test('a session reattached on a new connection closes the old one; closeSession(id) closes the current', async () => {
    ({ server, core, logs } = await startFakeServer());
    const first = await client(false);
    const { sessionId } = await first.handshake();
    const second = await client(false);
    await second.handshake({ sessionId });
    await withTimeout(first.closed, 5000, 'old connection not closed');
    expect(server.connectionForSession(sessionId)?.remote.port).toBe(second.localPort);
    expect(server.closeSession(sessionId, 'session expired')).toBe(true);
    await withTimeout(second.closed, 5000, 'not closed');
    expect(server.closeSession(sessionId, 'again')).toBe(false);
  });

  test('crst resets connection counters to ZooKeeper reset values', async () => {
    ({ server, core, logs } = await startFakeServer());
    const c = await client();
    await c.getData(5);
    server.resetConnectionStats();
    const line = connectionOf(c).dumpConnectionInfo(false);
    expect(line).toMatch(/\(queued=0,recved=0,sent=0,sid=0x100,lop=NA,est=\d+,to=30000,lzxid=0xffffffffffffffff,lresp=0,llat=0,minlat=0,avglat=0,maxlat=0\)$/);
    expect(connectionOf(c).connectionInfo(false)).toMatchObject({ last_cxid: -1, last_zxid: -1n, last_operation: 'NA' });
  });
});
