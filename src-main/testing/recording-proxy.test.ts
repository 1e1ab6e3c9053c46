import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startRecordingProxy, type RecordingProxy } from './recording-proxy';

const frame = (text: string) => {
  const body = Buffer.from(text);
  const b = Buffer.alloc(4 + body.length);
  b.writeInt32BE(body.length, 0);
  body.copy(b, 4);
  return b;
};

/** A server that answers every chunk it receives with a fixed reply. */
async function replyingServer(reply: Buffer): Promise<net.Server> {
  const server = net.createServer((s) => s.on('data', () => s.write(reply)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

async function talk(port: number, writes: Buffer[], expectBytes: number): Promise<Buffer> {
  const sock = net.connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve) => sock.once('connect', resolve));
  const chunks: Buffer[] = [];
  const received = new Promise<Buffer>((resolve) => sock.on('data', (c) => {
    chunks.push(c);
    if (Buffer.concat(chunks).length >= expectBytes) resolve(Buffer.concat(chunks));
  }));
  for (const w of writes) {
    sock.write(w);
    await new Promise((r) => setTimeout(r, 20));
  }
  const all = await received;
  sock.destroy();
  return all;
}

describe('recording proxy', () => {
  let proxy: RecordingProxy | undefined;
  let server: net.Server | undefined;
  afterEach(async () => {
    await proxy?.close();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
  });

  it('forwards bytes both ways and records whole frames, however the stream is cut', async () => {
    server = await replyingServer(frame('pong'));
    proxy = await startRecordingProxy({ port: (server.address() as net.AddressInfo).port });
    const two = Buffer.concat([frame('one'), frame('two')]);
    const three = frame('three');
    const reply = await talk(proxy.port, [two, three.subarray(0, 6), three.subarray(6)], 2 * frame('pong').length);
    expect(reply.subarray(0, 16)).toEqual(Buffer.concat([frame('pong'), frame('pong')]));
    await expect.poll(() => proxy!.frames.length).toBeGreaterThanOrEqual(4);
    const requests = proxy.frames.filter((f) => f.dir === 'request');
    expect(requests.map((f) => [f.conn, f.seq, f.bytes.subarray(4).toString()])).toEqual([[1, 0, 'one'], [1, 1, 'two'], [1, 2, 'three']]);
    expect(requests[0].bytes).toEqual(frame('one'));
    expect(proxy.frames.find((f) => f.dir === 'reply')).toMatchObject({ conn: 1, seq: 0, bytes: frame('pong') });
  });

  it('forwards a stream that is not framed (a four-letter word) without recording it', async () => {
    server = await replyingServer(Buffer.from('imok'));
    proxy = await startRecordingProxy({ port: (server.address() as net.AddressInfo).port });
    expect((await talk(proxy.port, [Buffer.from('ruok')], 4)).toString()).toBe('imok');
    expect(proxy.frames).toEqual([]);
  });
});
