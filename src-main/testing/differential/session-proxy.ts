// A TCP proxy in front of one session's connections. It logs, in arrival order, every frame the
// server sends (replies with their zxid and error, watch notifications), which is the ground
// truth a differential run compares: the client's own watch bookkeeping never filters it. It can
// also hold the session off the server (disconnect, expiry) and inject requests the client would
// never send, swallowing their replies so the client does not see them.

import net from 'node:net';
import { errorName } from '../../protocol/errors';
import { eventTypeName, KeeperState } from '../../protocol/constants';
import { FrameDecoder } from '../../protocol/frame';
import { JuteReader } from '../../protocol/jute';
import { opName, Xid } from '../../protocol/opcodes';
import { ConnectResponseCodec, ReplyHeaderCodec, RequestHeaderCodec, WatcherEventCodec } from '../../protocol/records';

export interface InjectedReply {
  err: number;
  zxid: bigint;
  body: Buffer;
}

/** A request injected by the proxy that got no reply: the server closed the connection first. */
export const CONNECTION_CLOSED = 'connection closed' as const;

interface Pair {
  client: net.Socket;
  upstream: net.Socket | null;
  /** Frames from the client waiting for the upstream connection (held, or still connecting). */
  queued: Buffer[];
  /** The server answered the connect request: requests may be injected. */
  established: boolean;
  /** Request types by xid, to name the replies. */
  types: Map<number, number>;
}

const MAX_FRAME = 16 << 20;

function frameOf(body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(body.length + 4);
  out.writeInt32BE(body.length, 0);
  body.copy(out, 4);
  return out;
}

export class SessionProxy {
  private readonly pairs = new Set<Pair>();
  private entries: string[] = [];
  private holding = false;
  private readonly injected = new Map<number, (reply: InjectedReply | typeof CONNECTION_CLOSED) => void>();

  private constructor(
    private readonly server: net.Server,
    private readonly target: { host: string; port: number },
    private readonly formatZxid: (zxid: bigint) => string,
  ) {}

  static async start(target: { host: string; port: number }, formatZxid: (zxid: bigint) => string): Promise<SessionProxy> {
    let proxy: SessionProxy | null = null;
    const server = net.createServer((socket) => proxy?.accept(socket));
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
    proxy = new SessionProxy(server, target, formatZxid);
    return proxy;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** The log since the previous call: what the server sent, minus pings. */
  take(): string[] {
    const out = this.entries;
    this.entries = [];
    return out;
  }

  /** Cuts the current connection; new ones are accepted but not passed on until release(). */
  hold(): void {
    this.holding = true;
    for (const pair of this.pairs) this.drop(pair);
  }

  release(): void {
    this.holding = false;
    for (const pair of this.pairs) if (!pair.upstream) this.connectUpstream(pair);
  }

  /** Sends a whole request frame on the live connection; resolves with the server's reply to its xid. */
  inject(xid: number, frame: Buffer, timeoutMs = 10_000): Promise<InjectedReply | typeof CONNECTION_CLOSED> {
    const pair = [...this.pairs].find((p) => p.established && p.upstream);
    if (!pair?.upstream) return Promise.reject(new Error('no established connection to inject into'));
    const upstream = pair.upstream;
    pair.types.set(xid, frame.readInt32BE(8));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.injected.delete(xid);
        reject(new Error(`no reply to injected xid ${xid} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.injected.set(xid, (reply) => {
        clearTimeout(timer);
        this.injected.delete(xid);
        resolve(reply);
      });
      upstream.write(frame);
    });
  }

  async close(): Promise<void> {
    for (const pair of this.pairs) this.drop(pair);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    const pair: Pair = { client, upstream: null, queued: [], established: false, types: new Map() };
    this.pairs.add(pair);
    client.setNoDelay(true);
    const decoder = new FrameDecoder(MAX_FRAME);
    let first = true;
    client.on('data', (chunk) => {
      let bodies: Buffer[];
      try {
        bodies = decoder.push(chunk);
      } catch {
        this.drop(pair);
        return;
      }
      for (const body of bodies) {
        if (!first && body.length >= 8) {
          const h = RequestHeaderCodec.read(new JuteReader(body));
          if (h.xid !== Xid.ping) pair.types.set(h.xid, h.type);
        }
        first = false;
        const frame = frameOf(body);
        if (pair.upstream?.readyState === 'open') pair.upstream.write(frame);
        else pair.queued.push(frame);
      }
    });
    client.on('close', () => this.drop(pair));
    client.on('error', () => this.drop(pair));
    if (!this.holding) this.connectUpstream(pair);
  }

  private connectUpstream(pair: Pair): void {
    const upstream = net.connect(this.target);
    pair.upstream = upstream;
    upstream.setNoDelay(true);
    upstream.once('connect', () => {
      for (const f of pair.queued.splice(0)) upstream.write(f);
    });
    const decoder = new FrameDecoder(MAX_FRAME);
    upstream.on('data', (chunk) => {
      let bodies: Buffer[];
      try {
        bodies = decoder.push(chunk);
      } catch {
        this.drop(pair);
        return;
      }
      for (const body of bodies) {
        if (!pair.established) {
          pair.established = true;
          const res = ConnectResponseCodec.read(new JuteReader(body));
          this.entries.push(res.timeOut > 0 ? `connect timeout=${res.timeOut}` : 'connect session-expired');
          pair.client.write(frameOf(body));
        } else if (this.onReply(pair, body)) {
          pair.client.write(frameOf(body));
        }
      }
    });
    upstream.on('close', () => this.drop(pair));
    upstream.on('error', () => this.drop(pair));
  }

  /** Logs one reply; false when it answers an injected request and must not reach the client. */
  private onReply(pair: Pair, body: Buffer): boolean {
    const r = new JuteReader(body);
    const h = ReplyHeaderCodec.read(r);
    const z = this.formatZxid(h.zxid);
    if (h.xid === Xid.ping) return true;
    if (h.xid === Xid.notification) {
      const e = WatcherEventCodec.read(r);
      const state = e.state === KeeperState.SyncConnected ? '' : ` state=${e.state}`;
      this.entries.push(`event ${eventTypeName(e.type)} ${e.path}${state} z=${z}`);
      return true;
    }
    const type = h.xid === Xid.auth ? 'auth' : h.xid === Xid.setWatches ? 'setWatches' : opName(pair.types.get(h.xid) ?? NaN);
    pair.types.delete(h.xid);
    const resolve = this.injected.get(h.xid);
    this.entries.push(`${resolve ? 'injected ' : ''}${type} ${errorName(h.err)} z=${z}`);
    if (!resolve) return true;
    resolve({ err: h.err, zxid: h.zxid, body: body.subarray(r.pos) });
    return false;
  }

  private drop(pair: Pair): void {
    if (!this.pairs.delete(pair)) return;
    pair.client.destroy();
    pair.upstream?.destroy();
    if (pair.established && pair.upstream) {
      // Injected requests only ever go to the established connection, so they die with it.
      for (const resolve of [...this.injected.values()]) resolve(CONNECTION_CLOSED);
    }
  }
}
