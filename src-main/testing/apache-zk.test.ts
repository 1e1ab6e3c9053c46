import { existsSync } from 'node:fs';
import net from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  AuthPacketCodec, ConnectRequestCodec, ConnectResponseCodec, CreateRequestCodec, ErrorCode, FrameDecoder, JuteReader, JuteWriter,
  OpCode, PathWatchRequestCodec, ReplyHeaderCodec, RequestHeaderCodec, Xid, digestId, type ACL,
} from '../protocol';
import { fourLetterWord, requireApacheZooKeeper, startEnsemble, startZooKeeper, type ApacheEnsemble } from './apache-zk';

const openAcl = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

/** Just enough of a client to show a server keeps its data: connect, then one request at a time. */
async function rawSession(port: number) {
  const sock = net.connect({ host: '127.0.0.1', port });
  const decoder = new FrameDecoder(1 << 20);
  const waiting: Array<(frame: Buffer) => void> = [];
  sock.on('data', (chunk) => {
    for (const f of decoder.push(chunk)) if (f.readInt32BE(0) !== -1) waiting.shift()?.(f);
  });
  const next = () => new Promise<Buffer>((resolve, reject) => { waiting.push(resolve); sock.once('error', reject); });
  await new Promise<void>((resolve, reject) => sock.once('connect', resolve).once('error', reject));
  sock.write(JuteWriter.frame((w) => ConnectRequestCodec.write(w, {
    protocolVersion: 0, lastZxidSeen: 0n, timeOut: 10_000, sessionId: 0n, passwd: Buffer.alloc(16), readOnly: false,
  })));
  const connected = ConnectResponseCodec.read(new JuteReader(await next()));
  let xid = 0;
  const call = async (type: number, body: (w: JuteWriter) => void): Promise<number> => {
    sock.write(JuteWriter.frame((w) => { RequestHeaderCodec.write(w, { xid: type === OpCode.auth ? Xid.auth : ++xid, type }); body(w); }));
    return ReplyHeaderCodec.read(new JuteReader(await next())).err;
  };
  return {
    sessionId: connected.sessionId,
    call,
    addAuth: (userPassword: string) =>
      call(OpCode.auth, (w) => AuthPacketCodec.write(w, { type: 0, scheme: 'digest', auth: Buffer.from(userPassword) })),
    close: () => sock.destroy(),
  };
}

async function create(port: number, path: string, acl: ACL[] = openAcl): Promise<number> {
  const s = await rawSession(port);
  try {
    return await s.call(OpCode.create, (w) => CreateRequestCodec.write(w, { path, data: Buffer.from('x'), acl, flags: 0 }));
  } finally {
    s.close();
  }
}

async function exists(port: number, path: string): Promise<boolean> {
  const s = await rawSession(port);
  try {
    const err = await s.call(OpCode.exists, (w) => PathWatchRequestCodec.write(w, { path, watch: false }));
    expect([ErrorCode.OK, ErrorCode.NONODE]).toContain(err);
    return err === ErrorCode.OK;
  } finally {
    s.close();
  }
}

/** getData's error code, after addauth digest `as` when given. */
async function read(port: number, path: string, as?: string): Promise<number> {
  const s = await rawSession(port);
  try {
    if (as) expect(await s.addAuth(as)).toBe(ErrorCode.OK);
    return await s.call(OpCode.getData, (w) => PathWatchRequestCodec.write(w, { path, watch: false }));
  } finally {
    s.close();
  }
}

async function modes(ens: ApacheEnsemble): Promise<Array<string | null>> {
  return Promise.all(ens.servers.map((s) => (s.running ? s.mode() : Promise.resolve(null))));
}

describe('requireApacheZooKeeper without java on the PATH', () => {
  const saved = { PATH: process.env.PATH, CI: process.env.CI };
  afterEach(() => {
    // process.env turns undefined into the string 'undefined', so unset variables are deleted.
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('throws in CI, where no suite may be skipped', () => {
    Object.assign(process.env, { PATH: '/nonexistent', CI: 'true' });
    expect(() => requireApacheZooKeeper()).toThrow(/missing java/);
  });

  it('returns false elsewhere, so a suite can skip itself', () => {
    Object.assign(process.env, { PATH: '/nonexistent', CI: 'false' });
    expect(requireApacheZooKeeper()).toBe(false);
  });
});

describe.skipIf(!requireApacheZooKeeper())('real Apache ZooKeeper', () => {
  it('starts a standalone server, keeps its data across kill and start, and deletes it on stop', async () => {
    const zk = await startZooKeeper({
      adminServer: true, fourLetterWords: 'ruok,conf', superDigest: digestId('super:secret'), extraConfig: { maxSessionTimeout: '12345' },
    });
    try {
      expect(zk.connectString).toBe(`127.0.0.1:${zk.clientPort}`);
      expect(await zk.mode()).toBe('standalone');
      expect(await fourLetterWord(zk.clientPort, 'ruok')).toBe('imok');
      expect(await fourLetterWord(zk.clientPort, 'conf')).toMatch(/^maxSessionTimeout=12345$/m);
      // Only the listed words (and srvr, which readiness needs) are allowed.
      expect(await fourLetterWord(zk.clientPort, 'mntr')).toMatch(/not in the whitelist/);
      const admin = await fetch(`http://127.0.0.1:${zk.adminPort}/commands/ruok`);
      expect(await admin.json()).toMatchObject({ command: 'ruok', error: null });

      const aliceOnly = [{ perms: 31, id: { scheme: 'digest', id: digestId('alice:pw') } }];
      expect(await create(zk.clientPort, '/locked', aliceOnly)).toBe(ErrorCode.OK);
      expect(await read(zk.clientPort, '/locked')).toBe(ErrorCode.NOAUTH);
      expect(await read(zk.clientPort, '/locked', 'super:secret')).toBe(ErrorCode.OK);

      expect(await create(zk.clientPort, '/kept')).toBe(ErrorCode.OK);
      zk.kill();
      expect(zk.running).toBe(false);
      await zk.start();
      expect(await exists(zk.clientPort, '/kept')).toBe(true);
    } finally {
      await zk.stop();
    }
    expect(zk.running).toBe(false);
    expect(existsSync(zk.dataDir)).toBe(false);
    await expect(fourLetterWord(zk.clientPort, 'srvr')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('reports the end of the log when a server cannot start, and leaves nothing behind', async () => {
    const err: Error = await startZooKeeper({ extraConfig: { tickTime: 'soon' } }).then(() => { throw new Error('started'); }, (e) => e);
    expect(err.message).toMatch(/exited during start; last log lines \((.+)\):\n[^]*NumberFormatException[^]*soon/);
    expect(existsSync(/\((\/[^)]+)\)/.exec(err.message)![1])).toBe(false);
  });

  describe('an ensemble of three', () => {
    let ens: ApacheEnsemble;
    afterAll(async () => {
      await ens?.stop();
      if (ens) expect(existsSync(ens.servers[0].dataDir)).toBe(false);
    });

    it('elects one leader and two followers', async () => {
      const started = Date.now();
      ens = await startEnsemble(3);
      console.log(`ensemble of 3 serving after ${Date.now() - started} ms`);
      expect((await modes(ens)).sort()).toEqual(['follower', 'follower', 'leader']);
      expect(ens.connectString.split(',')).toEqual(ens.servers.map((s) => s.connectString));
      expect(new Set(ens.servers.map((s) => s.clientPort)).size).toBe(3);
    });

    it('keeps serving when a follower is killed, and the follower rejoins with the data on start', async () => {
      const follower = ens.servers[(await modes(ens)).indexOf('follower')];
      const other = ens.servers.find((s) => s !== follower)!;
      follower.kill();
      expect(follower.running).toBe(false);
      expect(await create(other.clientPort, '/while-down')).toBe(ErrorCode.OK);
      await follower.start();
      expect(await follower.mode()).toBe('follower');
      expect(await exists(follower.clientPort, '/while-down')).toBe(true);
    });

    it('elects a new leader when the leader is stopped, and the old leader comes back as a follower', async () => {
      const leader = ens.servers[(await modes(ens)).indexOf('leader')];
      await leader.stop();
      const rest = ens.servers.filter((s) => s !== leader);
      await expect.poll(async () => (await Promise.all(rest.map((s) => s.mode()))).sort(), { timeout: 30_000, interval: 200 })
        .toEqual(['follower', 'leader']);
      await leader.start();
      expect(await leader.mode()).toBe('follower');
      expect(await exists(leader.clientPort, '/while-down')).toBe(true);
    });
  });
});
