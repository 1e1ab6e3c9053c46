// The same raw probes against real Apache ZooKeeper 3.8 and against this net layer (with a fake
// core): what the net layer owns — closing, framing limits, UNIMPLEMENTED, old-client responses,
// whitelist text, the admin shell's shapes — must come out the same.

import net from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { OpCode } from '../../protocol';
import { requireApacheZooKeeper, startZooKeeper, type ApacheZooKeeper } from '../../testing/apache-zk';
import { AdminHttpServer } from './admin-server';
import type { ClientPortServer } from './client-port';
import { resolveNetConfig } from './config';
import { FakeCore, connectRequest, getDataFrame, requestFrame, startFakeServer } from './test-support';

interface Outcome { closed: boolean; hex: string }

/** Write the chunks (20 ms apart) and report what came back and whether the server closed within waitMs. */
function probe(port: number, chunks: Buffer[], waitMs = 1500): Promise<Outcome> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    const got: Buffer[] = [];
    let done = false;
    const finish = (closed: boolean): void => {
      if (done) return;
      done = true;
      resolve({ closed, hex: Buffer.concat(got).toString('hex') });
      s.destroy();
    };
    s.on('data', (d) => got.push(d));
    s.on('error', () => {});
    s.on('close', () => finish(true));
    s.on('connect', async () => {
      for (const c of chunks) {
        s.write(c);
        await new Promise((r) => setTimeout(r, 20));
      }
    });
    setTimeout(() => finish(false), waitMs);
  });
}

const oldClientConnect = (): Buffer => {
  const full = connectRequest();
  const old = Buffer.from(full.subarray(0, full.length - 1));
  old.writeInt32BE(old.length - 4, 0);
  return old;
};

describe.skipIf(!requireApacheZooKeeper())('the net layer against Apache ZooKeeper 3.8', () => {
  let zk: ApacheZooKeeper;
  let ours: ClientPortServer;
  let admin: AdminHttpServer;
  let oursAdmin: string;

  beforeAll(async () => {
    zk = await startZooKeeper({ fourLetterWords: 'ruok', adminServer: true });
    ({ server: ours } = await startFakeServer({ fourLetterWordWhitelist: 'ruok' }));
    admin = new AdminHttpServer(new FakeCore(), resolveNetConfig({ admin: { serverAddress: '127.0.0.1', serverPort: 0 } }).admin);
    oursAdmin = `http://127.0.0.1:${await admin.start()}`;
  });
  afterAll(async () => {
    await admin?.close();
    await ours?.close();
    await zk?.stop();
  });

  async function both(chunks: Buffer[], waitMs?: number): Promise<[Outcome, Outcome]> {
    return Promise.all([probe(zk.clientPort, chunks, waitMs), probe(ours.clientPort!, chunks, waitMs)]);
  }

  test('bad first bytes: closed at once, nothing sent', async () => {
    const cases = [
      Buffer.from('hello world, this is garbage'),
      Buffer.from([0x7f, 0xff, 0xff, 0xff, 1, 2, 3]),
      Buffer.from([0x00, 0x10, 0x00, 0x00]),
      Buffer.from([0xff, 0xff, 0xff, 0xf0]),
      requestFrame(-2, OpCode.ping),
      getDataFrame(1),
      Buffer.from([0, 0, 0, 0]),
    ];
    for (const c of cases) {
      const [real, mine] = await both([c]);
      expect(real, c.toString('hex')).toEqual({ closed: true, hex: '' });
      expect(mine, c.toString('hex')).toEqual(real);
    }
  });

  test('a length of exactly jute.maxbuffer is accepted (no extra allowance, no less)', async () => {
    const [real, mine] = await both([Buffer.from([0x00, 0x0f, 0xff, 0xff, 0])], 800);
    expect(real).toEqual({ closed: false, hex: '' });
    expect(mine).toEqual(real);
  });

  test('unknown op codes after the handshake: an UNIMPLEMENTED reply header, then close', async () => {
    for (const type of [77, OpCode.notification, OpCode.error]) {
      const [real, mine] = await both([connectRequest(), requestFrame(5, type)]);
      // Skip the connect responses (their session ids and passwords differ); the rest must be identical.
      const tail = (o: Outcome): string => o.hex.slice(2 * (4 + 37));
      expect(real.closed).toBe(true);
      expect(tail(real)).toBe('0000001000000005ffffffffffffffff' + 'fffffffa');
      expect(mine.closed).toBe(true);
      expect(tail(mine)).toBe(tail(real));
    }
  });

  test('a client without the readOnly flag gets a 36-byte response; closeSession closes after its reply', async () => {
    const [real, mine] = await both([oldClientConnect()], 600);
    expect(real.hex.slice(0, 8)).toBe('00000024');
    expect(mine.hex.slice(0, 8)).toBe(real.hex.slice(0, 8));
    expect(mine.hex.length).toBe(real.hex.length);
    const [realClose, mineClose] = await both([connectRequest(), requestFrame(1, OpCode.closeSession)]);
    expect(realClose.closed).toBe(true);
    expect(mineClose.closed).toBe(true);
    expect(mineClose.hex.slice(2 * 41, 2 * 49)).toBe(realClose.hex.slice(2 * 41, 2 * 49));
  });

  test('a word outside the whitelist gets the same sentence', async () => {
    const [real, mine] = await both([Buffer.from('mntr')]);
    expect(real.closed).toBe(true);
    expect(Buffer.from(real.hex, 'hex').toString()).toBe('mntr is not executed because it is not in the whitelist.\n');
    expect(mine).toEqual(real);
    const [realTelnet, mineTelnet] = await both([Buffer.from([0xff, 0xf4, 0xff, 0xfd])]);
    expect(Buffer.from(realTelnet.hex, 'hex').toString()).toBe('telnet close is not executed because it is not in the whitelist.\n');
    expect(mineTelnet).toEqual(realTelnet);
  });

  test('admin shell: unknown command, methods, other paths and the listing format', async () => {
    const realBase = `http://127.0.0.1:${zk.adminPort}`;
    for (const [path, method] of [
      ['/commands/ruok', 'GET'], ['/commands/nosuch', 'GET'], ['/commands/ruok/extra', 'GET'], ['/commands/ruok', 'POST'], ['/', 'GET'], ['/commands/ruok', 'HEAD'],
    ]) {
      const [real, mine] = await Promise.all([fetch(`${realBase}${path}`, { method }), fetch(`${oursAdmin}${path}`, { method })]);
      expect(mine.status, `${method} ${path}`).toBe(real.status);
      expect(mine.headers.get('content-type'), `${method} ${path}`).toBe(real.headers.get('content-type'));
      if (real.headers.get('content-type') === 'application/json') expect(await mine.text()).toBe(await real.text());
    }
    const listing = await (await fetch(`${realBase}/commands`)).text();
    expect(listing).toContain('<a href="/commands/ruok">ruok</a>\n<br/>\n');
    expect(await (await fetch(`${oursAdmin}/commands`)).text()).toContain('<a href="/commands/ruok">ruok</a>\n<br/>\n');
    expect((await fetch(`${oursAdmin}/commands`)).headers.get('content-type')).toBe((await fetch(`${realBase}/commands`)).headers.get('content-type'));
  });
});
