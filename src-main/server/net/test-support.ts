// Test doubles for the net layer's suites: a small ServerCore (sessions, pings, a trivial getData,
// requests it can hold back) and a raw client that speaks frames over a real socket.

import net from 'node:net';
import tls from 'node:tls';
import {
  ConnectRequestCodec, ConnectResponseCodec, JuteReader, JuteWriter, OpCode, PathWatchRequestCodec, ReplyHeaderCodec,
  RequestHeaderCodec, type ConnectRequest, type ConnectResponse, type ReplyHeader, type RequestHeader,
} from '../../protocol';
import { javaDouble } from './admin-json';
import { ClientPortServer } from './client-port';
import type { NetConfigInput } from './config';
import type { AdminCommandResult, ClientConnection, LogLevel, ServerCore } from './types';

interface HeldRequest { cnxn: ClientConnection; header: RequestHeader; receivedAt: number }

export class FakeCore implements ServerCore {
  net: ClientPortServer | null = null;
  /** When true, requests other than pings wait in `held` until release(). */
  hold = false;
  readonly held: HeldRequest[] = [];
  readonly disconnects: Array<{ id: number; reason: string }> = [];
  sessionTimeout = 30_000;
  /** When true, replies come later (random delays), still in order per connection. */
  asyncReplies = false;
  private readonly chains = new Map<ClientConnection, Promise<void>>();
  private nextSession = 0x100n;
  private zxid = 0n;

  connect(cnxn: ClientConnection, req: ConnectRequest): ConnectResponse {
    if (req.sessionId !== 0n && req.sessionId < 0x100n) {
      return { protocolVersion: 0, timeOut: 0, sessionId: 0n, passwd: Buffer.alloc(16), readOnly: false };
    }
    const sessionId = req.sessionId !== 0n ? req.sessionId : this.nextSession++;
    return { protocolVersion: 0, timeOut: this.sessionTimeout, sessionId, passwd: Buffer.alloc(16, 7), readOnly: false };
  }

  request(cnxn: ClientConnection, header: RequestHeader, body: JuteReader, receivedAt: number): void {
    if (header.type === OpCode.getData) {
      const path = PathWatchRequestCodec.read(body).path;
      if (path === '/throw') throw new Error('boom');
      if (path.startsWith('/flood/')) {
        const bytes = Number(path.slice(7));
        cnxn.sendReply({ xid: header.xid, zxid: this.zxid, err: 0 }, (w) => w.writeBuffer(Buffer.alloc(bytes)));
        return;
      }
    }
    if (this.hold && header.type !== OpCode.ping) {
      this.held.push({ cnxn, header, receivedAt });
      return;
    }
    if (this.asyncReplies) {
      const delay = Math.random() < 0.5 ? Promise.resolve() : new Promise<void>((r) => setTimeout(r, Math.random() * 3));
      const chain = (this.chains.get(cnxn) ?? Promise.resolve()).then(() => delay).then(() => this.answer(cnxn, header, receivedAt));
      this.chains.set(cnxn, chain);
      return;
    }
    this.answer(cnxn, header, receivedAt);
  }

  /** Answer every held request, in order. */
  release(): void {
    for (const h of this.held.splice(0)) this.answer(h.cnxn, h.header, h.receivedAt);
  }

  private answer(cnxn: ClientConnection, header: RequestHeader, receivedAt: number): void {
    const zxid = header.type === OpCode.closeSession ? ++this.zxid : this.zxid;
    // The body echoes the xid, so a test can tell replies apart.
    cnxn.sendReply({ xid: header.xid, zxid, err: 0 }, header.type === OpCode.getData ? (w) => w.writeInt(header.xid) : undefined);
    cnxn.requestCompleted(header.type === OpCode.ping ? 'PING' : 'GETD', header.xid, zxid, receivedAt);
  }

  disconnected(cnxn: ClientConnection, reason: string): void {
    this.chains.delete(cnxn);
    this.disconnects.push({ id: cnxn.id, reason });
  }

  fourLetterWord(word: string, cnxn: ClientConnection, traceMask?: bigint): string {
    if (word === 'ruok') return 'imok';
    if (word === 'stmk') return String(traceMask);
    if (word === 'cons') return `${(this.net?.connections() ?? []).map((c) => c.dumpConnectionInfo(false)).join('\n')}\n\n`;
    if (word === 'dump') return 'x'.repeat(20_000);
    return `${word} for ${cnxn.remote.address}\n`;
  }

  admin(command: string): AdminCommandResult | null {
    if (command === 'ruok') return { command, data: {}, error: null };
    if (command === 'connections' || command === 'cons') {
      const all = this.net?.connections() ?? [];
      return {
        command: 'connections',
        data: { connections: all.filter((c) => !c.secure).map((c) => c.connectionInfo(false)), secure_connections: [] },
        error: null,
      };
    }
    if (command === 'server_stats') {
      return { command, data: { avg_latency: javaDouble(1), big: 72057614716174336n, nested: { a: [1, 2], e: {} } }, error: null };
    }
    if (command === 'fail') throw new Error('no server here');
    return null;
  }

  adminCommands(): string[] {
    return ['ruok', 'server_stats', 'connections'];
  }
}

export interface LogLine { level: LogLevel; message: string }

/** A started ClientPortServer with a FakeCore and a log it keeps. */
export async function startFakeServer(config: NetConfigInput = {}): Promise<{ server: ClientPortServer; core: FakeCore; logs: LogLine[] }> {
  const core = new FakeCore();
  const logs: LogLine[] = [];
  const server = new ClientPortServer(core, { clientPort: 0, clientPortAddress: '127.0.0.1', ...config }, (level, message) => logs.push({ level, message }));
  core.net = server;
  await server.start();
  return { server, core, logs };
}

export function connectRequest(overrides: Partial<ConnectRequest> = {}): Buffer {
  const req: ConnectRequest = { protocolVersion: 0, lastZxidSeen: 0n, timeOut: 30_000, sessionId: 0n, passwd: Buffer.alloc(16), readOnly: false, ...overrides };
  return JuteWriter.frame((w) => ConnectRequestCodec.write(w, req));
}

export function requestFrame(xid: number, type: number, body?: (w: JuteWriter) => void): Buffer {
  return JuteWriter.frame((w) => {
    RequestHeaderCodec.write(w, { xid, type });
    body?.(w);
  });
}

export const getDataFrame = (xid: number, path = '/'): Buffer =>
  requestFrame(xid, OpCode.getData, (w) => PathWatchRequestCodec.write(w, { path, watch: false }));

/** A client that writes raw bytes and reads frames, over TCP or TLS. */
export class RawClient {
  private buffered = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  isClosed = false;
  readonly closed: Promise<void>;
  /** Kept: the socket forgets it once closed. */
  readonly localPort: number;

  private constructor(readonly socket: net.Socket) {
    this.localPort = socket.localPort ?? 0;
    socket.on('data', (d: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, d]);
      this.wake();
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => socket.once('close', () => {
      this.isClosed = true;
      this.wake();
      resolve();
    }));
  }

  static connect(port: number, tlsOptions?: tls.ConnectionOptions): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = tlsOptions
        ? tls.connect({ port, host: '127.0.0.1', ...tlsOptions }, () => resolve(new RawClient(socket)))
        : net.connect({ port, host: '127.0.0.1' }, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  write(bytes: Buffer | string): void {
    this.socket.write(bytes);
  }

  /** Everything the server sends until it closes the connection. */
  async readToClose(timeoutMs = 5000): Promise<Buffer> {
    await withTimeout(this.closed, timeoutMs, 'the server did not close the connection');
    return this.buffered;
  }

  /** The next whole frame's body. */
  async readFrame(timeoutMs = 5000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.buffered.length >= 4) {
        const len = this.buffered.readInt32BE(0);
        if (this.buffered.length >= 4 + len) {
          const body = this.buffered.subarray(4, 4 + len);
          this.buffered = this.buffered.subarray(4 + len);
          return body;
        }
      }
      if (this.isClosed) throw new Error(`connection closed with ${this.buffered.length} bytes of an unfinished frame`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no frame in time');
      await withTimeout(new Promise<void>((r) => this.waiters.push(r)), left, 'no frame in time');
    }
  }

  async handshake(overrides: Partial<ConnectRequest> = {}): Promise<ConnectResponse> {
    this.write(connectRequest(overrides));
    return ConnectResponseCodec.read(new JuteReader(await this.readFrame()));
  }

  async reply(): Promise<{ header: ReplyHeader; body: JuteReader }> {
    const r = new JuteReader(await this.readFrame());
    return { header: ReplyHeaderCodec.read(r), body: r };
  }

  /** getData and its reply, whose body echoes the xid. */
  async getData(xid: number): Promise<number> {
    this.write(getDataFrame(xid));
    const { header, body } = await this.reply();
    if (header.xid !== xid) throw new Error(`reply for xid ${header.xid}, expected ${xid}`);
    return body.readInt();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => { timer = setTimeout(() => reject(new Error(what)), ms); }),
  ]);
}

export async function eventually(check: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
