// A TCP proxy that records the ZooKeeper frames passing through it, so the bytes a real client
// and a real server exchange can be captured and replayed in codec tests.

import net from 'node:net';
import { FrameDecoder } from '../protocol';

export interface RecordedFrame {
  /** Which accepted connection (1, 2, ...) carried the frame. */
  conn: number;
  /** Its index among the frames of its connection in that direction (the first one is the connect). */
  seq: number;
  dir: 'request' | 'reply';
  /** The whole frame, 4-byte length included. */
  bytes: Buffer;
}

export interface RecordingProxy {
  readonly port: number;
  readonly connectString: string;
  /** Every frame so far, in the order the proxy saw them. */
  readonly frames: RecordedFrame[];
  close(): Promise<void>;
}

// Larger than any frame a test sends (jute.maxbuffer is 1 MiB); a stream that does not parse as
// frames (a four-letter word) is forwarded unrecorded.
const maxFrame = 16 << 20;

export async function startRecordingProxy(target: { host?: string; port: number }): Promise<RecordingProxy> {
  const frames: RecordedFrame[] = [];
  const sockets = new Set<net.Socket>();
  let conns = 0;

  const server = net.createServer((client) => {
    const conn = ++conns;
    const upstream = net.connect({ host: target.host ?? '127.0.0.1', port: target.port });
    sockets.add(client).add(upstream);
    // Nagle off so frames keep the timing (and the packet boundaries) the client chose.
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    pipe(client, upstream, conn, 'request');
    pipe(upstream, client, conn, 'reply');
  });

  function pipe(from: net.Socket, to: net.Socket, conn: number, dir: RecordedFrame['dir']): void {
    let decoder: FrameDecoder | null = new FrameDecoder(maxFrame);
    let seq = 0;
    from.on('data', (chunk) => {
      to.write(chunk);
      try {
        for (const body of decoder?.push(chunk) ?? []) {
          const bytes = Buffer.alloc(4 + body.length);
          bytes.writeInt32BE(body.length, 0);
          body.copy(bytes, 4);
          frames.push({ conn, seq: seq++, dir, bytes });
        }
      } catch {
        decoder = null;
      }
    });
    from.on('end', () => to.end());
    from.on('close', () => { sockets.delete(from); to.destroy(); });
    from.on('error', () => to.destroy());
  }

  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    connectString: `127.0.0.1:${port}`,
    frames,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
