// Bad input against the built `zoolab server` process: each kind closes only the offending
// connection, with a log line naming the peer, while a well-behaved client alongside keeps its
// session and its data. Then the command line's answers to bad configs. About 15 s idle.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendFourLetterWord, ZooKeeperClient, type ClientState } from '../../client';
import { ErrorCode, OpCode } from '../../protocol';
import { getDataFrame, RawClient, requestFrame } from '../net/test-support';
import { haveBuiltCli, runCli, startServerProcess, type ServerProcess } from '../testing/server-process';

/** A client that must not notice anything: same session, connected throughout, data intact. */
class BystanderClient {
  readonly states: ClientState[] = [];
  private sessionId = 0n;
  private checks = 0;

  constructor(readonly zk: ZooKeeperClient) {
    zk.on('state', (s) => this.states.push(s));
  }

  static async start(server: ServerProcess): Promise<BystanderClient> {
    const b = new BystanderClient(new ZooKeeperClient({ connectString: server.connectString, sessionTimeoutMs: 5000 }));
    await b.zk.connect();
    b.sessionId = b.zk.sessionId;
    await b.zk.create('/kept', 'written before');
    return b;
  }

  async expectServed(): Promise<void> {
    const n = ++this.checks;
    expect((await this.zk.getData('/kept')).data?.toString()).toBe('written before');
    await this.zk.create(`/kept/${n}`, `check ${n}`);
    expect((await this.zk.getChildren('/kept')).children).toHaveLength(n);
    expect(this.zk.sessionId).toBe(this.sessionId);
    expect(this.states, 'state changes of the bystander client').toEqual(['connected']);
  }
}

/** The log line the server wrote when it closed `bad`'s connection. */
async function closeReason(server: ServerProcess, bad: RawClient): Promise<string> {
  const peer = `/127.0.0.1:${bad.localPort}`;
  const line = () => server.stderr.split('\n').find((l) => l.includes(`Closing connection from ${peer}`));
  await expect.poll(line, { timeout: 5000, message: `a log line about closing ${peer}` }).toBeDefined();
  return line()!;
}

describe.skipIf(!haveBuiltCli)('bad input against the server process', () => {
  let server: ServerProcess;
  let bystander: BystanderClient;

  beforeAll(async () => {
    // A short sessionless timeout, so a silent connection is closed within the test's time.
    server = await startServerProcess({ config: { 'nio.sessionlessCnxnTimeout': '1000' } });
    bystander = await BystanderClient.start(server);
  });
  afterAll(async () => {
    await bystander?.zk.close();
    await server?.dispose();
  });

  it('garbage bytes', async () => {
    const bad = await RawClient.connect(server.clientPort);
    bad.write('hello world, this is not ZooKeeper');
    expect((await bad.readToClose()).length).toBe(0);
    expect(await closeReason(server, bad)).toMatch(/Len error.*advertised length of 1751477356/);
    await bystander.expectServed();
  });

  it('a 2 GB length prefix', async () => {
    const bad = await RawClient.connect(server.clientPort);
    bad.write(Buffer.from([0x7f, 0xff, 0xff, 0xff, 1, 2, 3]));
    expect((await bad.readToClose()).length).toBe(0);
    expect(await closeReason(server, bad)).toMatch(/advertised length of 2147483647 .*jute\.maxbuffer=1048575/);
    await bystander.expectServed();
  });

  it('a valid header with an unknown opcode: UNIMPLEMENTED, then the connection closes', async () => {
    const bad = await RawClient.connect(server.clientPort);
    await bad.handshake({ timeOut: 5000 });
    bad.write(requestFrame(7, 77));
    const { header } = await bad.reply();
    expect(header).toMatchObject({ xid: 7, err: ErrorCode.UNIMPLEMENTED });
    await bad.readToClose();
    expect(await closeReason(server, bad)).toMatch(/unknown type 77/);
    await bystander.expectServed();
  });

  it('half a packet, then silence: before and after the handshake', async () => {
    const before = await RawClient.connect(server.clientPort);
    before.write(Buffer.from([0, 0, 0, 50, 1, 2, 3]));
    const after = await RawClient.connect(server.clientPort);
    const session = await after.handshake({ timeOut: 1000 });
    after.write(requestFrame(3, OpCode.getData).subarray(0, 10));
    await bystander.expectServed();
    await Promise.all([before.readToClose(4000), after.readToClose(4000)]);
    expect(await closeReason(server, before)).toMatch(/no traffic for \d+ ms \(limit 1000 ms\)/);
    expect(await closeReason(server, after)).toMatch(/session 0x[0-9a-f]+\).*(no traffic|expired)/);
    // Its session then expires as any abandoned session does (polling dump does not touch it).
    await expect.poll(() => sessionGone(server, session.sessionId), { timeout: 5000 }).toBe(true);
    await bystander.expectServed();
  });

  it('known opcodes with bodies that do not parse: MARSHALLINGERROR, and the connection keeps working', async () => {
    const bad = await RawClient.connect(server.clientPort);
    await bad.handshake({ timeOut: 5000 });
    const bodies: Array<[number, number[]]> = [
      // A path announced as 1000 bytes, 2 sent.
      [OpCode.create, [0, 0, 3, 0xe8, 0x2f, 0x61]],
      // Data announced as 1 MB inside a 12-byte body.
      [OpCode.setData, [0, 0, 0, 2, 0x2f, 0x61, 0, 0x10, 0, 0, 1, 2]],
      [OpCode.multi, [0, 0, 0, 1, 0, 0, 0, 0, 0xff]],
      [OpCode.delete, []],
      // Lengths below -1 are corrupt, not null (BinaryInputArchive): create /a with data length -5
      // must not create a node with null data, setData must not null it, reads must not run.
      [OpCode.create, [0, 0, 0, 2, 0x2f, 0x61, 0xff, 0xff, 0xff, 0xfb, 0, 0, 0, 1, 0, 0, 0, 31, 0, 0, 0, 5, ...Buffer.from('world'), 0, 0, 0, 6, ...Buffer.from('anyone'), 0, 0, 0, 0]],
      [OpCode.setData, [0, 0, 0, 5, ...Buffer.from('/kept'), 0xff, 0xff, 0xff, 0xfb, 0xff, 0xff, 0xff, 0xff]],
      [OpCode.getData, [0xff, 0xff, 0xff, 0xfb, 0]],
      // A null path (length -1) fails where ZooKeeper uses it: MARSHALLINGERROR too.
      [OpCode.getData, [0xff, 0xff, 0xff, 0xff, 0]],
    ];
    let xid = 100;
    for (const [type, body] of bodies) {
      bad.write(rawRequest(++xid, type, Buffer.from(body)));
      expect((await bad.reply()).header, `opcode ${type}`).toMatchObject({ xid, err: ErrorCode.MARSHALLINGERROR });
      bad.write(getDataFrame(++xid, '/kept'));
      expect((await bad.reply()).header).toMatchObject({ xid, err: 0 });
    }
    expect(bad.isClosed).toBe(false);
    bad.destroy();
    const zk = new ZooKeeperClient({ connectString: server.connectString });
    await zk.connect();
    expect(await zk.exists('/a')).toBeNull();
    expect((await zk.getData('/kept')).data).not.toBeNull();
    await zk.close();
    await bystander.expectServed();
  });

  it('the server is still the same process, serving', () => {
    expect(server.running).toBe(true);
    expect(server.stderr).not.toMatch(/\[ERROR\]|Uncaught|TypeError/);
  });
});

/** A request frame around body bytes as given, parseable or not. */
function rawRequest(xid: number, type: number, body: Buffer): Buffer {
  const head = Buffer.alloc(12);
  head.writeInt32BE(8 + body.length, 0);
  head.writeInt32BE(xid, 4);
  head.writeInt32BE(type, 8);
  return Buffer.concat([head, body]);
}

/** Whether the session is gone from the server's session tracker (as `dump` lists it). */
async function sessionGone(server: ServerProcess, sessionId: bigint): Promise<boolean> {
  const dump = await sendFourLetterWord('127.0.0.1', server.clientPort, 'dump');
  expect(dump).toContain('Session Sets');
  return !dump.includes(`0x${sessionId.toString(16)}`);
}

/** Whether a new connection is admitted: it completes a handshake rather than being closed. */
async function admitted(server: ServerProcess): Promise<boolean> {
  const c = await RawClient.connect(server.clientPort);
  try {
    return (await c.handshake({ timeOut: 5000 })).sessionId !== 0n;
  } catch {
    return false;
  } finally {
    c.destroy();
  }
}

describe.skipIf(!haveBuiltCli)('a connection flood over maxClientCnxns=5', () => {
  it('refuses the excess connections only, and frees slots as connections close', async () => {
    const server = await startServerProcess({ config: { maxClientCnxns: '5' } });
    const bystander = await BystanderClient.start(server);
    try {
      const flood = await Promise.all(Array.from({ length: 12 }, () => RawClient.connect(server.clientPort)));
      // The bystander holds one of the 5 slots of 127.0.0.1.
      await expect.poll(() => flood.filter((c) => c.isClosed).length, { timeout: 5000 }).toBe(8);
      await new Promise((r) => setTimeout(r, 300));
      const open = flood.filter((c) => !c.isClosed);
      expect(open).toHaveLength(4);
      for (const c of flood.filter((c) => c.isClosed)) expect((await c.readToClose()).length).toBe(0);
      expect(server.stderr).toContain('Too many connections from /127.0.0.1 - max is 5');
      // The admitted ones are real connections.
      for (const c of open) expect((await c.handshake({ timeOut: 5000 })).sessionId).not.toBe(0n);
      await bystander.expectServed();

      for (const c of open) c.destroy();
      await Promise.all(open.map((c) => c.closed));
      // The server frees a slot when it sees the close, a moment after ours.
      await expect.poll(() => admitted(server), { timeout: 5000 }).toBe(true);
      await bystander.expectServed();
    } finally {
      await bystander.zk.close();
    }
  });
});

describe.skipIf(!haveBuiltCli)('zoolab server with a bad command line or zoo.cfg', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'zoolab-badcfg-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function cfg(name: string, text: string): string {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  }

  it('a missing file, a bad value, no dataDir: exit 2, naming the file or key and the problem', async () => {
    const missing = path.join(dir, 'nope', 'zoo.cfg');
    const cases: Array<[string, RegExp]> = [
      [missing, new RegExp(`cannot read config file ${missing.replace(/[.]/g, '\\.')}: ENOENT`)],
      [cfg('port.cfg', `tickTime=500\ndataDir=${dir}/d1\nclientPort=abc\n`), /clientPort: "abc" is not a whole number/],
      [cfg('nodata.cfg', 'tickTime=500\nclientPort=2181\n'), /dataDir is not set/],
      [cfg('range.cfg', `dataDir=${dir}/d2\nclientPort=70000\n`), /clientPort: 70000 is out of range/],
    ];
    const runs = await Promise.all(cases.map(([file]) => runCli(['server', file])));
    runs.forEach((run, i) => {
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(/^zoolab server: invalid config: /);
      expect(run.stderr).toMatch(cases[i][1]);
      expect(run.stdout).toBe('');
    });
  });

  it('no zoo.cfg at all: usage, exit 2', async () => {
    const run = await runCli(['server']);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toContain('usage: zoolab server <path/to/zoo.cfg>');
  });

  it('a client port already taken, or a dataDir that cannot be made: exit 1 with the reason', async () => {
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const [busy, blocked] = await Promise.all([
        runCli(['server', cfg('busy.cfg', `dataDir=${dir}/d3\nclientPort=${port}\nclientPortAddress=127.0.0.1\nadmin.enableServer=false\n`)]),
        runCli(['server', cfg('blocked.cfg', `dataDir=${cfg('a-file', '')}/data\nclientPort=${port}\nadmin.enableServer=false\n`)]),
      ]);
      expect(busy.code, busy.stderr).toBe(1);
      expect(busy.stderr).toMatch(new RegExp(`zoolab server: cannot start: .*EADDRINUSE.*${port}`));
      expect(blocked.code, blocked.stderr).toBe(1);
      expect(blocked.stderr).toMatch(/zoolab server: cannot start: .*ENOTDIR.*a-file/);
    } finally {
      taken.close();
    }
  });
});
