// The proxy against a scripted server: what it logs, what it injects and swallows, how it holds.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ZooKeeperClient } from '../../client';
import { FrameDecoder } from '../../protocol/frame';
import { JuteReader, JuteWriter } from '../../protocol/jute';
import { OpCode } from '../../protocol/opcodes';
import { ConnectResponseCodec, ReplyHeaderCodec, RequestHeaderCodec, StatCodec, WatcherEventCodec } from '../../protocol/records';
import { CONNECTION_CLOSED, SessionProxy } from './session-proxy';

const stat = { czxid: 1n, mzxid: 1n, ctime: 0, mtime: 0, version: 0, cversion: 0, aversion: 0, ephemeralOwner: 0n, dataLength: 0, numChildren: 0, pzxid: 1n };

/**
 * Accepts any session; answers exists with a NodeDataChanged notification first, then the Stat;
 * answers opcode 999 with UNIMPLEMENTED, and opcode 998 by closing the connection.
 */
async function scriptedServer(): Promise<{ server: net.Server; port: number; connects: () => number }> {
  let connects = 0;
  const server = net.createServer((sock) => {
    const decoder = new FrameDecoder(1 << 20);
    let first = true;
    sock.on('error', () => {});
    sock.on('data', (chunk) => {
      for (const body of decoder.push(chunk)) {
        if (first) {
          first = false;
          connects++;
          sock.write(JuteWriter.frame((w) => ConnectResponseCodec.write(w, { protocolVersion: 0, timeOut: 4000, sessionId: 1n, passwd: Buffer.alloc(16), readOnly: false })));
          continue;
        }
        const h = RequestHeaderCodec.read(new JuteReader(body));
        if (h.type === 998) sock.destroy();
        else if (h.type === OpCode.exists) {
          sock.write(JuteWriter.frame((w) => {
            ReplyHeaderCodec.write(w, { xid: -1, zxid: -1n, err: 0 });
            WatcherEventCodec.write(w, { type: 3, state: 3, path: '/x' });
          }));
          sock.write(JuteWriter.frame((w) => { ReplyHeaderCodec.write(w, { xid: h.xid, zxid: 7n, err: 0 }); StatCodec.write(w, stat); }));
        } else {
          sock.write(JuteWriter.frame((w) => ReplyHeaderCodec.write(w, { xid: h.xid, zxid: 7n, err: h.type === 999 ? -6 : 0 })));
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as net.AddressInfo).port, connects: () => connects };
}

const rawFrame = (xid: number, type: number) => JuteWriter.frame((w) => RequestHeaderCodec.write(w, { xid, type }));

describe('SessionProxy', () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  async function setUp() {
    const fake = await scriptedServer();
    cleanup.push(() => new Promise((r) => fake.server.close(r)));
    const proxy = await SessionProxy.start({ host: '127.0.0.1', port: fake.port }, (z) => z.toString());
    cleanup.push(() => proxy.close());
    const client = new ZooKeeperClient({ connectString: `127.0.0.1:${proxy.port}`, sessionTimeoutMs: 4000 });
    await client.connect();
    cleanup.push(() => client.close());
    return { fake, proxy, client };
  }

  it('logs replies and notifications in arrival order', async () => {
    const { proxy, client } = await setUp();
    await client.exists('/x');
    expect(proxy.take()).toEqual(['connect timeout=4000', 'event NodeDataChanged /x z=-1', 'exists OK z=7']);
    expect(proxy.take()).toEqual([]);
  });

  it('injects a request and keeps its reply from the client', async () => {
    const { proxy, client } = await setUp();
    const reply = await proxy.inject(0x40000000, rawFrame(0x40000000, 999));
    expect(reply).toMatchObject({ err: -6, zxid: 7n });
    expect(await client.exists('/x')).not.toBeNull();
    expect(proxy.take().slice(1)).toEqual(['injected unknown(999) UNIMPLEMENTED z=7', 'event NodeDataChanged /x z=-1', 'exists OK z=7']);
    expect(await proxy.inject(0x40000001, rawFrame(0x40000001, 998))).toBe(CONNECTION_CLOSED);
  });

  it('holds a session off the server until released', async () => {
    const { fake, proxy, client } = await setUp();
    proxy.hold();
    await expect.poll(() => client.state).toBe('disconnected');
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.connects()).toBe(1);
    proxy.release();
    await expect.poll(() => client.state).toBe('connected');
    expect(fake.connects()).toBe(2);
  });
});
