import net from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { FOUR_LETTER_WORDS, fourLetterWordAt, parseFourLetterWhitelist } from './four-letter';
import type { ClientPortServer } from './client-port';
import { RawClient, startFakeServer, withTimeout } from './test-support';

describe('the whitelist', () => {
  test('ZooKeeper always adds srvr, and isro in read-only mode', () => {
    expect([...parseFourLetterWhitelist(null)]).toEqual(['srvr']);
    expect([...parseFourLetterWhitelist(' ruok , stat,,')].sort()).toEqual(['ruok', 'srvr', 'stat']);
    expect([...parseFourLetterWhitelist('ruok', true)].sort()).toEqual(['isro', 'ruok', 'srvr']);
    expect(parseFourLetterWhitelist('ruok, *').size).toBe(FOUR_LETTER_WORDS.length);
  });

  test('words are recognised from the first 4 bytes only', () => {
    expect(fourLetterWordAt(Buffer.from('ruok'))).toBe('ruok');
    expect(fourLetterWordAt(Buffer.from('mntrxyz'))).toBe('mntr');
    expect(fourLetterWordAt(Buffer.from('RUOK'))).toBeNull();
    expect(fourLetterWordAt(Buffer.from('ru'))).toBeNull();
    expect(fourLetterWordAt(Buffer.from([0, 0, 0, 45]))).toBeNull();
    expect(fourLetterWordAt(Buffer.from([0xff, 0xf4, 0xff, 0xfd]))).toBe('telnet close');
  });
});

describe('four-letter words over the client port', () => {
  let server: ClientPortServer | undefined;
  afterEach(async () => server?.close());

  async function ask(bytes: Array<Buffer | string>): Promise<string> {
    const c = await RawClient.connect(server!.clientPort!);
    for (const b of bytes) {
      c.write(b);
      await new Promise((r) => setTimeout(r, 20));
    }
    return (await c.readToClose()).toString('utf8');
  }

  test('by default only srvr runs; the others answer the whitelist sentence and close', async () => {
    ({ server } = await startFakeServer());
    expect(await ask(['ruok'])).toBe('ruok is not executed because it is not in the whitelist.\n');
    expect(await ask(['mntr'])).toBe('mntr is not executed because it is not in the whitelist.\n');
    expect(await ask(['srvr'])).toBe('srvr for 127.0.0.1\n');
    expect(await ask([Buffer.from([0xff, 0xf4, 0xff, 0xfd])])).toBe('telnet close is not executed because it is not in the whitelist.\n');
  });

  test("'*' enables every word; a word split over two packets or followed by more bytes still counts once", async () => {
    ({ server } = await startFakeServer({ fourLetterWordWhitelist: '*' }));
    expect(await ask(['ruok'])).toBe('imok');
    expect(await ask(['ru', 'ok'])).toBe('imok');
    expect(await ask(['ruokruok'])).toBe('imok');
    expect(await ask(['stmk', Buffer.from([0, 0, 0, 0, 0, 0, 1, 2])])).toBe(String(0x102));
    // Enabled, "telnet close" has no command in ZooKeeper 3.8: it fails the length check instead.
    expect(await ask([Buffer.from([0xff, 0xf4, 0xff, 0xfd])])).toBe('');
    // A big answer goes out whole, counted as ZooKeeper counts it: one packet per 8 KiB.
    const sentBefore = server.stats.packetsSent;
    expect(await ask(['dump'])).toHaveLength(20_000);
    expect(server.stats.packetsSent - sentBefore).toBe(3);
  });

  test('netcat style: the client half-closes right after the word and still gets the answer', async () => {
    ({ server } = await startFakeServer({ fourLetterWordWhitelist: 'ruok' }));
    const answer = await withTimeout(new Promise<string>((resolve, reject) => {
      const s = net.connect({ port: server!.clientPort!, host: '127.0.0.1', allowHalfOpen: true }, () => s.end('ruok'));
      const got: Buffer[] = [];
      s.on('data', (d) => got.push(d));
      s.on('error', reject);
      s.on('close', () => resolve(Buffer.concat(got).toString()));
    }), 5000, 'no answer');
    expect(answer).toBe('imok');
  });

  test('cons lists the asking connection itself, as ZooKeeper does, and counts its packet', async () => {
    ({ server } = await startFakeServer({ fourLetterWordWhitelist: 'cons' }));
    const client = await RawClient.connect(server.clientPort!);
    await client.handshake();
    expect(await client.getData(7)).toBe(7);
    const lines = (await ask(['cons'])).split('\n');
    expect(lines[0]).toMatch(/^ \/127\.0\.0\.1:\d+\[1\]\(queued=0,recved=2,sent=2,sid=0x100,lop=GETD,est=\d{13},to=30000,lcxid=0x7,lzxid=0x0,lresp=\d+,llat=\d+,minlat=0,avglat=\d+,maxlat=\d+\)$/);
    expect(lines[1]).toMatch(/^ \/127\.0\.0\.1:\d+\[0\]\(queued=0,recved=1,sent=0\)$/);
    expect(lines.slice(2)).toEqual(['', '']);
    client.destroy();
  });
});
