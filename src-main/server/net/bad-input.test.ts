import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ErrorCode, OpCode, ReplyHeaderCodec, JuteReader } from '../../protocol';
import type { ClientPortServer } from './client-port';
import { FakeCore, RawClient, connectRequest, getDataFrame, requestFrame, startFakeServer, type LogLine } from './test-support';

// Every bad input closes only its own connection, with a log line naming the peer and the reason,
// while a client connected alongside keeps getting answers.
describe('bad input closes only its own connection', () => {
  let server: ClientPortServer;
  let core: FakeCore;
  let logs: LogLine[];
  let good: RawClient;
  let xid = 1;

  beforeEach(async () => {
    ({ server, core, logs } = await startFakeServer({ sessionlessCnxnTimeoutMs: 300 }));
    good = await RawClient.connect(server.clientPort!);
    await good.handshake();
  });
  afterEach(async () => {
    good.destroy();
    await server.close();
  });

  async function expectGoodClientServed(): Promise<void> {
    const n = ++xid;
    expect(await good.getData(n)).toBe(n);
  }

  async function expectClosedWith(bad: RawClient, reason: RegExp): Promise<Buffer> {
    const bytes = await bad.readToClose();
    const line = logs.find((l) => reason.test(l.message));
    expect(line, `a log line matching ${reason}; got:\n${logs.map((l) => l.message).join('\n')}`).toBeDefined();
    expect(line!.message).toContain(`/127.0.0.1:${bad.localPort}`);
    await expectGoodClientServed();
    return bytes;
  }

  test('garbage bytes', async () => {
    const bad = await RawClient.connect(server.clientPort!);
    bad.write('hello world, this is not ZooKeeper');
    expect((await expectClosedWith(bad, /Len error.*advertised length of 1751477356/)).length).toBe(0);
  });

  test('a 2 GB length prefix', async () => {
    const bad = await RawClient.connect(server.clientPort!);
    bad.write(Buffer.from([0x7f, 0xff, 0xff, 0xff, 1, 2, 3]));
    await expectClosedWith(bad, /advertised length of 2147483647 .*jute\.maxbuffer=1048575/);
  });

  test('a negative length and one byte over jute.maxbuffer, after the handshake', async () => {
    const over = await RawClient.connect(server.clientPort!);
    await over.handshake();
    over.write(Buffer.from([0x00, 0x10, 0x00, 0x00]));
    await expectClosedWith(over, /advertised length of 1048576 /);
    const negative = await RawClient.connect(server.clientPort!);
    negative.write(Buffer.from([0xff, 0xff, 0xff, 0xf0]));
    await expectClosedWith(negative, /advertised length of -16 /);
  });

  test('a frame of exactly jute.maxbuffer bytes is accepted', async () => {
    const big = await RawClient.connect(server.clientPort!);
    await big.handshake();
    const path = `/${'p'.repeat(0xfffff - 8 - 4 - 1 - 1)}`;
    const frame = getDataFrame(5, path);
    expect(frame.length - 4).toBe(0xfffff);
    big.write(frame);
    const { header } = await big.reply();
    expect(header).toEqual({ xid: 5, zxid: 0n, err: 0 });
    big.destroy();
  });

  test('a valid header with an unknown opcode gets UNIMPLEMENTED, then the connection closes', async () => {
    for (const type of [77, OpCode.notification, OpCode.error]) {
      const bad = await RawClient.connect(server.clientPort!);
      await bad.handshake();
      bad.write(requestFrame(5, type));
      const rest = await expectClosedWith(bad, new RegExp(`unknown type ${type} `));
      const r = new JuteReader(rest.subarray(4));
      expect(rest.readInt32BE(0)).toBe(16);
      expect(ReplyHeaderCodec.read(r)).toEqual({ xid: 5, zxid: -1n, err: ErrorCode.UNIMPLEMENTED });
    }
    expect(server.outstandingRequests).toBe(0);
  });

  test('a request before the handshake', async () => {
    const ping = await RawClient.connect(server.clientPort!);
    ping.write(requestFrame(-2, OpCode.ping));
    expect((await expectClosedWith(ping, /a ping request \(xid -2\) arrived before the session handshake/)).length).toBe(0);
    const getData = await RawClient.connect(server.clientPort!);
    getData.write(getDataFrame(1, '/some/long/path/so/it/could/parse'));
    await expectClosedWith(getData, /a getData request \(xid 1\) arrived before the session handshake/);
    expect(core.disconnects).toHaveLength(0);
  });

  test('a malformed ConnectRequest', async () => {
    const bad = await RawClient.connect(server.clientPort!);
    bad.write(Buffer.from([0, 0, 0, 6, 0, 0, 0, 0, 0, 0]));
    await expectClosedWith(bad, /malformed ConnectRequest \(truncated record/);
  });

  test('a client that sends half a packet and stalls is expired, before or after its handshake', async () => {
    const before = await RawClient.connect(server.clientPort!);
    before.write(Buffer.from([0, 0, 0, 50, 1, 2, 3]));
    await expectGoodClientServed();
    await expectClosedWith(before, /no traffic for \d+ ms \(limit 300 ms\)/);

    core.sessionTimeout = 400;
    const after = await RawClient.connect(server.clientPort!);
    await after.handshake();
    after.write(getDataFrame(9).subarray(0, 10));
    await expectClosedWith(after, /session 0x[0-9a-f]+\): no traffic for \d+ ms \(limit 400 ms\)/);
    expect(core.disconnects.at(-1)?.reason).toMatch(/no traffic/);
    expect(server.stats.sessionlessConnectionsExpired).toBe(2);
  });

  test('a core that throws on a request closes that connection only', async () => {
    const bad = await RawClient.connect(server.clientPort!);
    await bad.handshake();
    bad.write(getDataFrame(3, '/throw'));
    await expectClosedWith(bad, /the server failed on getData \(xid 3\): boom/);
  });

  test('nothing is lost: a reply queued in the same tick as a bad frame still goes out first', async () => {
    const bad = await RawClient.connect(server.clientPort!);
    await bad.handshake();
    bad.write(Buffer.concat([getDataFrame(1), requestFrame(2, 77)]));
    const all = await bad.readToClose();
    const first = new JuteReader(all, 4);
    expect(ReplyHeaderCodec.read(first)).toEqual({ xid: 1, zxid: 0n, err: 0 });
    const second = new JuteReader(all, 4 + all.readInt32BE(0) + 4);
    expect(ReplyHeaderCodec.read(second)).toEqual({ xid: 2, zxid: -1n, err: ErrorCode.UNIMPLEMENTED });
    await expectGoodClientServed();
  });
});

describe('handshake outcomes', () => {
  test('an expired session gets its response, then the connection closes', async () => {
    const { server } = await startFakeServer();
    try {
      const c = await RawClient.connect(server.clientPort!);
      c.write(connectRequest({ sessionId: 0x12n }));
      const bytes = await c.readToClose();
      expect(bytes.toString('hex')).toBe(`00000025${'00'.repeat(4)}${'00'.repeat(4)}${'00'.repeat(8)}00000010${'00'.repeat(16)}00`);
    } finally {
      await server.close();
    }
  });

  test('a client without the readOnly flag gets a response without it', async () => {
    const { server, logs } = await startFakeServer();
    try {
      const c = await RawClient.connect(server.clientPort!);
      const full = connectRequest();
      const old = full.subarray(0, full.length - 1);
      old.writeInt32BE(old.length - 4, 0);
      c.write(old);
      const frame = await c.readFrame();
      expect(frame.length).toBe(36);
      expect(logs.some((l) => /Connection request from old client \/127\.0\.0\.1:\d+; will be dropped if server is in r-o mode/.test(l.message))).toBe(true);
      c.destroy();
    } finally {
      await server.close();
    }
  });
});
