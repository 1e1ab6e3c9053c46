// The session: one logical ZooKeeper session over a succession of connections. It owns the
// request queues, the state machine, pings, reconnects to the next server with the same session
// id and password, and re-registers watches there (setWatches/setWatches2 from the last zxid seen).

import { EventEmitter } from 'node:events';
import { KeeperState } from '../protocol/constants';
import { ErrorCode, ZooKeeperError } from '../protocol/errors';
import { JuteReader, JuteWriter } from '../protocol/jute';
import { OpCode, Xid } from '../protocol/opcodes';
import {
  AuthPacketCodec, ReplyHeaderCodec, RequestHeaderCodec, WatcherEventCodec, type WatcherEvent,
} from '../protocol/records';
import { Connection } from './connection';
import { formatHost, type HostAddress } from './connect-string';
import { setWatchesFrames } from './set-watches';
import { tlsErrorIn, type ClientTlsOptions, type TlsError } from './tls-options';
import { WatchRegistry, type Watcher } from './watch-registry';

export type ClientState = 'connecting' | 'connected' | 'disconnected' | 'expired' | 'authFailed' | 'closed';

export interface SessionOptions {
  hosts: HostAddress[];
  chroot: string;
  sessionTimeoutMs: number;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  maxPacketBytes: number;
  /** Connect with TLS (to secure client ports). */
  tls?: ClientTlsOptions;
}

/** What to do with a watcher once the reply to the request that set it arrives. */
export interface WatchIntent {
  kind: 'data' | 'exist' | 'child';
  path: string;
  watcher: Watcher;
}

interface Request {
  xid: number;
  type: number;
  frame: Buffer;
  path?: string;
  read?: (r: JuteReader) => unknown;
  /** Errors that are an answer, not a failure (exists → NONODE). */
  acceptErrors?: number[];
  watch?: WatchIntent;
  resolve: (v: { err: number; value: unknown }) => void;
  reject: (e: Error) => void;
  timer?: NodeJS.Timeout;
  abandoned?: boolean;
}

interface AuthEntry {
  scheme: string;
  auth: Buffer;
}

export class Session extends EventEmitter<{ state: [ClientState] }> {
  state: ClientState = 'connecting';
  sessionId = 0n;
  password: Buffer = Buffer.alloc(16);
  negotiatedTimeoutMs = 0;
  lastZxid = 0n;
  readonly watches = new WatchRegistry();

  private conn: Connection | null = null;
  private hostIndex: number;
  private nextXid = 1;
  private outgoing: Request[] = [];
  private inflight: Request[] = [];
  private auths: AuthEntry[] = [];
  private authWaiters: Array<(err: number) => void> = [];
  private tickTimer: NodeJS.Timeout | null = null;
  private reconnecting = false;
  private eventQueue: Array<() => void> = [];
  private currentHost: string | null = null;

  constructor(private readonly opts: SessionOptions) {
    super();
    this.hostIndex = Math.floor(Math.random() * opts.hosts.length);
  }

  get currentServer(): string | null {
    return this.conn ? this.currentHost : null;
  }

  /** Establishes the first session; rejects when no server accepts within the connect budget. */
  async start(deadlineMs: number): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    const errors: string[] = [];
    // Certificate problems do not go away by retrying: stop once every server has had one in a row.
    let tlsRefusals = 0;
    let lastTlsError: TlsError | null = null;
    while (Date.now() < deadline && this.state === 'connecting') {
      const err = await this.tryNextHost();
      if (err === null) return;
      errors.push(err.message);
      lastTlsError = tlsErrorIn(err.cause);
      tlsRefusals = lastTlsError?.permanent ? tlsRefusals + 1 : 0;
      if (tlsRefusals >= this.opts.hosts.length) break;
      if (this.hostIndex % this.opts.hosts.length === 0) await delay(Math.min(1000, Math.max(0, deadline - Date.now())));
    }
    const ended = this.state as ClientState;
    if (ended === 'connected') return;
    if (ended === 'connecting') this.setState('closed');
    const reason = errors.length ? ` (${[...new Set(errors)].slice(-3).join('; ')})` : '';
    const failure = new ZooKeeperError(ended === 'expired' ? ErrorCode.SESSIONEXPIRED : ErrorCode.CONNECTIONLOSS, undefined,
      `could not connect to ${this.opts.hosts.map(formatHost).join(',')}${reason}`);
    if (lastTlsError) failure.cause = lastTlsError;
    throw failure;
  }

  /** One attempt on the next server of the list; null on success, else the reason (its cause, the failure). */
  private async tryNextHost(): Promise<Error | null> {
    const host = this.opts.hosts[this.hostIndex];
    this.hostIndex = (this.hostIndex + 1) % this.opts.hosts.length;
    try {
      const { connection, response } = await Connection.open(host, {
        protocolVersion: 0,
        lastZxidSeen: this.lastZxid,
        timeOut: this.opts.sessionTimeoutMs,
        sessionId: this.sessionId,
        passwd: this.password,
        readOnly: false,
      }, { timeoutMs: this.opts.connectTimeoutMs, maxPacket: this.opts.maxPacketBytes, tls: this.opts.tls });
      if (this.state === 'closed') {
        connection.close();
        return new Error('closed');
      }
      if (response.timeOut <= 0) {
        connection.close();
        this.expire();
        return new Error('the session expired');
      }
      this.sessionId = response.sessionId;
      this.password = response.passwd;
      this.negotiatedTimeoutMs = response.timeOut;
      this.currentHost = formatHost(host);
      this.attach(connection);
      return null;
    } catch (err) {
      return new Error(`${formatHost(host)}: ${(err as Error).message}`, { cause: err });
    }
  }

  private attach(conn: Connection): void {
    this.conn = conn;
    conn.on('frame', (body) => this.onFrame(body));
    conn.on('close', (err) => this.onConnectionLost(conn, err));
    for (const a of this.auths) this.sendAuth(a);
    this.sendSetWatches();
    const queued = this.outgoing;
    this.outgoing = [];
    for (const req of queued) this.transmit(req);
    this.startTicking();
    this.setState('connected');
  }

  private startTicking(): void {
    this.stopTicking();
    const readTimeout = (this.negotiatedTimeoutMs * 2) / 3;
    const pingEvery = this.negotiatedTimeoutMs / 3;
    this.tickTimer = setInterval(() => {
      const conn = this.conn;
      if (!conn) return;
      const now = Date.now();
      if (now - conn.lastReceiveAt > readTimeout) {
        conn.close();
        return;
      }
      if (now - conn.lastSendAt >= pingEvery) {
        conn.send(JuteWriter.frame((w) => RequestHeaderCodec.write(w, { xid: Xid.ping, type: OpCode.ping }), 16));
      }
    }, Math.max(20, Math.min(1000, this.negotiatedTimeoutMs / 10)));
    this.tickTimer.unref();
  }

  private stopTicking(): void {
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.tickTimer = null;
  }

  private onConnectionLost(conn: Connection, _err: Error | null): void {
    if (this.conn !== conn) return;
    this.conn = null;
    this.stopTicking();
    this.failAll(ErrorCode.CONNECTIONLOSS);
    if (this.state !== 'connected') return;
    this.setState('disconnected');
    this.deliverStateEvent(KeeperState.Disconnected);
    void this.reconnect();
  }

  private async reconnect(): Promise<void> {
    if (this.reconnecting) return;
    this.reconnecting = true;
    try {
      let attempts = 0;
      while (this.state === 'disconnected') {
        const err = await this.tryNextHost();
        if (err === null) {
          this.deliverStateEvent(KeeperState.SyncConnected);
          return;
        }
        attempts++;
        // As ClientCnxn's cleanup after a failed connect: what was asked while disconnected fails now.
        this.failQueued(ErrorCode.CONNECTIONLOSS);
        // After a full round of the server list, back off a little before the next one.
        if (attempts % this.opts.hosts.length === 0) await delay(200 + Math.random() * 800);
      }
    } finally {
      this.reconnecting = false;
    }
  }

  private expire(): void {
    this.stopTicking();
    this.failAll(ErrorCode.SESSIONEXPIRED);
    this.failQueued(ErrorCode.SESSIONEXPIRED);
    this.setState('expired');
    this.deliverStateEvent(KeeperState.Expired);
    this.watches.clear();
  }

  private setState(state: ClientState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit('state', state);
  }

  // --- requests ------------------------------------------------------------------------------

  /** Sends one request; resolves with the error code and the decoded body. */
  submit(type: number, body: ((w: JuteWriter) => void) | null, options: {
    path?: string; read?: (r: JuteReader) => unknown; acceptErrors?: number[]; watch?: WatchIntent; sizeHint?: number;
  } = {}): Promise<{ err: number; value: unknown }> {
    if (this.state === 'closed' || this.state === 'expired' || this.state === 'authFailed') {
      const code = this.state === 'expired' ? ErrorCode.SESSIONEXPIRED : this.state === 'authFailed' ? ErrorCode.AUTHFAILED : ErrorCode.CONNECTIONLOSS;
      return Promise.reject(new ZooKeeperError(code, options.path, this.state === 'closed' ? 'the client is closed' : undefined));
    }
    const xid = this.nextXid++;
    if (this.nextXid > 0x7fffffff) this.nextXid = 1;
    const frame = JuteWriter.frame((w) => {
      RequestHeaderCodec.write(w, { xid, type });
      body?.(w);
    }, options.sizeHint ?? 128);
    if (frame.length - 4 > this.opts.maxPacketBytes) {
      return Promise.reject(new ZooKeeperError(ErrorCode.MARSHALLINGERROR, options.path,
        `the request is ${frame.length - 4} bytes, over the ${this.opts.maxPacketBytes}-byte packet limit (jute.maxbuffer)`));
    }
    return new Promise((resolve, reject) => {
      const req: Request = { xid, type, frame, path: options.path, read: options.read, acceptErrors: options.acceptErrors, watch: options.watch, resolve, reject };
      if (this.opts.requestTimeoutMs > 0) {
        req.timer = setTimeout(() => this.timeOut(req), this.opts.requestTimeoutMs);
        req.timer.unref();
      }
      if (this.conn && this.state === 'connected') this.transmit(req);
      else this.outgoing.push(req);
    });
  }

  private transmit(req: Request): void {
    this.inflight.push(req);
    this.conn!.send(req.frame);
  }

  private timeOut(req: Request): void {
    const queuedAt = this.outgoing.indexOf(req);
    if (queuedAt >= 0) this.outgoing.splice(queuedAt, 1);
    // A sent request stays in the FIFO so later replies still match; its reply is dropped.
    else req.abandoned = true;
    req.reject(new ZooKeeperError(ErrorCode.REQUESTTIMEOUT, req.path, `no reply within ${this.opts.requestTimeoutMs} ms`));
  }

  private failAll(code: number): void {
    const failed = this.inflight;
    this.inflight = [];
    for (const req of failed) this.settleError(req, code);
    for (const w of this.authWaiters.splice(0)) w(code);
  }

  private failQueued(code: number): void {
    const failed = this.outgoing;
    this.outgoing = [];
    for (const req of failed) this.settleError(req, code);
  }

  private settleError(req: Request, code: number): void {
    if (req.timer) clearTimeout(req.timer);
    if (!req.abandoned) req.reject(new ZooKeeperError(code, req.path));
  }

  private onFrame(body: Buffer): void {
    const r = new JuteReader(body);
    let header;
    try {
      header = ReplyHeaderCodec.read(r);
      switch (header.xid) {
        case Xid.ping:
          return;
        case Xid.notification:
          this.onWatchEvent(WatcherEventCodec.read(r));
          return;
        case Xid.auth:
          this.onAuthReply(header.err);
          return;
        case Xid.setWatches:
          return;
      }
    } catch (err) {
      this.conn?.close();
      return;
    }
    const req = this.inflight.shift();
    if (!req || req.xid !== header.xid) {
      // Replies come in request order; anything else means the stream is not what we think it is.
      if (req) this.inflight.unshift(req);
      this.conn?.close();
      return;
    }
    if (header.zxid > 0n) this.lastZxid = header.zxid;
    if (req.timer) clearTimeout(req.timer);
    if (req.abandoned) return;
    const err = header.err;
    if (err !== 0 && !req.acceptErrors?.includes(err)) {
      req.reject(new ZooKeeperError(err, req.path));
      return;
    }
    let value: unknown;
    try {
      value = err === 0 && req.read ? req.read(r) : undefined;
    } catch (e) {
      req.reject(new ZooKeeperError(ErrorCode.MARSHALLINGERROR, req.path, `bad reply: ${(e as Error).message}`));
      this.conn?.close();
      return;
    }
    if (req.watch) this.registerWatch(req.watch, err);
    req.resolve({ err, value });
  }

  private registerWatch(w: WatchIntent, err: number): void {
    if (w.kind === 'exist') {
      if (err === 0) this.watches.addData(w.path, w.watcher);
      else if (err === ErrorCode.NONODE) this.watches.addExist(w.path, w.watcher);
    } else if (err === 0) {
      if (w.kind === 'data') this.watches.addData(w.path, w.watcher);
      else this.watches.addChild(w.path, w.watcher);
    }
  }

  private onWatchEvent(event: WatcherEvent): void {
    const path = this.stripChroot(event.path);
    const watchers = this.watches.materialize(event.type, path);
    const clientEvent = { ...event, path };
    for (const w of watchers) this.enqueueEvent(() => w(clientEvent));
  }

  private deliverStateEvent(state: number): void {
    const event = { type: -1, state, path: '' };
    for (const w of this.watches.all()) this.enqueueEvent(() => w(event));
  }

  // Watchers run after the reply callbacks of the same bytes, in arrival order, as the Java
  // client's event thread delivers them; one throwing watcher does not stop the others.
  private enqueueEvent(fn: () => void): void {
    this.eventQueue.push(fn);
    if (this.eventQueue.length === 1) {
      setImmediate(() => {
        const batch = this.eventQueue;
        this.eventQueue = [];
        for (const f of batch) {
          try {
            f();
          } catch (err) {
            process.emitWarning(`a ZooKeeper watcher threw: ${(err as Error).message}`);
          }
        }
      });
    }
  }

  stripChroot(serverPath: string): string {
    const chroot = this.opts.chroot;
    if (!chroot || !serverPath.startsWith(chroot)) return serverPath;
    const rest = serverPath.slice(chroot.length);
    return rest === '' ? '/' : rest;
  }

  // --- auth and watch re-registration --------------------------------------------------------

  addAuth(scheme: string, auth: Buffer): Promise<void> {
    const entry = { scheme, auth };
    this.auths.push(entry);
    if (!this.conn || this.state !== 'connected') return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.authWaiters.push((err) => (err === 0 ? resolve() : reject(new ZooKeeperError(err))));
      this.sendAuth(entry);
    });
  }

  private sendAuth(a: AuthEntry): void {
    this.conn!.send(JuteWriter.frame((w) => {
      RequestHeaderCodec.write(w, { xid: Xid.auth, type: OpCode.auth });
      AuthPacketCodec.write(w, { type: 0, scheme: a.scheme, auth: a.auth });
    }));
  }

  private onAuthReply(err: number): void {
    this.authWaiters.shift()?.(err);
    if (err === ErrorCode.AUTHFAILED) {
      this.setState('authFailed');
      this.deliverStateEvent(KeeperState.AuthFailed);
      this.failQueued(ErrorCode.AUTHFAILED);
      this.conn?.close();
    }
  }

  private sendSetWatches(): void {
    for (const frame of setWatchesFrames(this.watches, this.lastZxid, (p) => this.prependChroot(p))) this.conn!.send(frame);
  }

  prependChroot(clientPath: string): string {
    const chroot = this.opts.chroot;
    if (!chroot) return clientPath;
    return clientPath === '/' ? chroot : chroot + clientPath;
  }

  /** Asks the server to close the session, then drops the connection. */
  async close(timeoutMs = 2000): Promise<void> {
    if (this.state === 'closed') return;
    const wasUsable = this.conn && this.state === 'connected';
    if (wasUsable) {
      const reply = this.submit(OpCode.closeSession, null).catch(() => undefined);
      await Promise.race([reply, delay(timeoutMs)]);
    }
    this.stopTicking();
    this.setState('closed');
    this.conn?.close();
    this.conn = null;
    this.failAll(ErrorCode.CONNECTIONLOSS);
    this.failQueued(ErrorCode.CONNECTIONLOSS);
    this.deliverStateEvent(KeeperState.Closed);
  }

  /** Drops the current connection as if the network failed (tests, and the UI's "reconnect"). */
  dropConnection(): void {
    this.conn?.close();
  }
}

// Kept referenced: a process whose only work is reaching a server must not exit while it waits.
function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
