// The client ports of one server node (ZooKeeper's NIOServerCnxnFactory, and the Netty one for the
// secure port): accepting with per-IP and total limits, the connection registry, session lookup,
// global throttling by outstanding requests, and the idle sweep.

import net from 'node:net';
import tls from 'node:tls';
import { resolveNetConfig, type NetConfig, type NetConfigInput } from './config';
import { Connection, type ConnectionHost } from './connection';
import { parseFourLetterWhitelist } from './four-letter';
import { elapsedMs, javaHostAddress, javaLongHex, plainAddress, ServerStats } from './stats';
import { loadTlsOptions } from './tls';
import type { NetLog, NetServer, ServerCore } from './types';

/** One listening port and who is connected to it (ZooKeeper counts limits per factory). */
class Listener {
  readonly perIp = new Map<string, number>();
  count = 0;
  constructor(readonly server: net.Server, readonly secure: boolean) {}

  get port(): number | null {
    const a = this.server.address();
    return a && typeof a === 'object' ? a.port : null;
  }
}

export class ClientPortServer implements NetServer, ConnectionHost {
  readonly config: NetConfig;
  readonly stats = new ServerStats();
  readonly fourLetterWhitelist: ReadonlySet<string>;
  /** Why the secure port is not served (its store could not be read, its port not bound), or null. */
  secureClientPortError: string | null = null;
  private readonly live = new Set<Connection>();
  private readonly bySession = new Map<bigint, Connection>();
  private readonly throttled = new Set<Connection>();
  /** Frees a plain connection's maxClientCnxns slot when it begins closing, as ZooKeeper's removeCnxn does. */
  private readonly slots = new Map<Connection, () => void>();
  private outstanding = 0;
  private plain: Listener | null = null;
  private secure: Listener | null = null;
  private sweeper: NodeJS.Timeout | null = null;

  constructor(readonly core: ServerCore, config: NetConfigInput = {}, readonly log: NetLog = () => {}) {
    this.config = resolveNetConfig(config);
    this.fourLetterWhitelist = parseFourLetterWhitelist(this.config.fourLetterWordWhitelist, this.config.readOnlyModeEnabled);
  }

  /** The bound plain port (useful when configured as 0), or null. */
  get clientPort(): number | null {
    return this.plain?.port ?? null;
  }

  get secureClientPort(): number | null {
    return this.secure?.port ?? null;
  }

  /** Listen. A plain port that cannot be bound fails start; a secure port only logs why it is off. */
  async start(): Promise<void> {
    const c = this.config;
    if (c.clientPort !== null) {
      const server = net.createServer({ allowHalfOpen: true });
      const listener = new Listener(server, false);
      server.on('connection', (raw) => {
        const release = this.admit(listener, raw);
        if (release) this.adopt(new Connection(raw, false, this), release);
      });
      await this.listen(server, c.clientPort, c.clientPortAddress);
      this.plain = listener;
      this.log('info', `binding to port ${this.addressText(c.clientPortAddress, listener.port)}`);
    }
    if (c.secureClientPort !== null) await this.startSecure(c.secureClientPort);
    const interval = Math.max(10, Math.min(1000, Math.floor(c.sessionlessCnxnTimeoutMs / 4)));
    this.sweeper = setInterval(() => this.sweep(), interval).unref();
  }

  private async startSecure(port: number): Promise<void> {
    const c = this.config;
    const setup = loadTlsOptions(c.ssl);
    if (!setup.ok) {
      this.disableSecure(port, setup.reason);
      return;
    }
    // The TLS server never listens: a plain server accepts (so limits apply before any handshake) and hands sockets over.
    const tlsServer = tls.createServer({ ...setup.options, handshakeTimeout: c.sessionlessCnxnTimeoutMs });
    // A TLS connection's slot is freed when its TCP socket closes.
    tlsServer.on('secureConnection', (socket) => this.adopt(new Connection(socket, true, this), null));
    tlsServer.on('tlsClientError', (e, socket) => {
      this.log('warn', `TLS handshake with ${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'} failed: ${e.message}`);
      // A client that gave up on the handshake must not keep its socket (and its slot) open.
      socket.destroy();
    });
    // No half-open TCP under TLS: a client that ends its side is gone.
    const server = net.createServer({ allowHalfOpen: false });
    const listener = new Listener(server, true);
    server.on('connection', (raw) => {
      if (this.admit(listener, raw)) tlsServer.emit('connection', raw);
    });
    try {
      await this.listen(server, port, c.secureClientPortAddress);
    } catch (e) {
      this.disableSecure(port, (e as Error).message);
      return;
    }
    this.secure = listener;
    this.log('info', `binding to secure port ${this.addressText(c.secureClientPortAddress, listener.port)}`);
  }

  private disableSecure(port: number, reason: string): void {
    this.secureClientPortError = reason;
    this.log('error', `secure client port ${port} is disabled: ${reason}`);
  }

  private listen(server: net.Server, port: number, host: string | null): Promise<void> {
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      const backlog = this.config.listenBacklog > 0 ? this.config.listenBacklog : undefined;
      server.listen({ port, host: host ?? undefined, backlog }, () => {
        server.off('error', reject);
        server.on('error', (e) => this.log('error', `client port ${port}: ${e.message}`));
        resolve();
      });
    });
  }

  private addressText(host: string | null, port: number | null): string {
    return `${host ?? '0.0.0.0'}:${port}`;
  }

  /**
   * maxCnxns and maxClientCnxns, checked at accept as ZooKeeper does: an excess connection is closed at
   * once. Returns what frees the slot (also done when the socket closes), or null when refused.
   */
  private admit(listener: Listener, raw: net.Socket): (() => void) | null {
    const ip = plainAddress(raw.remoteAddress ?? '');
    const perIp = listener.perIp.get(ip) ?? 0;
    let refusal: string | null = null;
    if (this.config.maxCnxns > 0 && listener.count >= this.config.maxCnxns) {
      refusal = `Too many connections max allowed is ${this.config.maxCnxns}`;
    } else if (this.config.maxClientCnxns > 0 && perIp >= this.config.maxClientCnxns) {
      refusal = `Too many connections from /${javaHostAddress(ip)} - max is ${this.config.maxClientCnxns}`;
    }
    if (refusal) {
      this.stats.connectionRejected++;
      this.log('warn', `Error accepting new connection: ${refusal}`);
      raw.on('error', () => {});
      raw.destroy();
      return null;
    }
    listener.count++;
    listener.perIp.set(ip, perIp + 1);
    let held = true;
    const release = (): void => {
      if (!held) return;
      held = false;
      listener.count--;
      const n = (listener.perIp.get(ip) ?? 1) - 1;
      if (n > 0) listener.perIp.set(ip, n);
      else listener.perIp.delete(ip);
    };
    raw.once('close', release);
    return release;
  }

  private adopt(cnxn: Connection, releaseSlot: (() => void) | null): void {
    this.live.add(cnxn);
    if (releaseSlot) this.slots.set(cnxn, releaseSlot);
  }

  private sweep(): void {
    const now = elapsedMs();
    for (const c of this.live) c.expireIfIdle(now);
  }

  // --- ConnectionHost ---------------------------------------------------------------------------

  requestReceived(cnxn: Connection): void {
    cnxn.outstanding++;
    this.outstanding++;
    if (this.outstanding > this.config.globalOutstandingLimit && !this.throttled.has(cnxn)) {
      if (this.throttled.size === 0) {
        this.log('info', `${this.outstanding} outstanding requests exceed globalOutstandingLimit=${this.config.globalOutstandingLimit}: pausing reads`);
      }
      this.throttled.add(cnxn);
      cnxn.setThrottled(true);
    }
  }

  replySent(cnxn: Connection): void {
    cnxn.outstanding--;
    this.outstanding--;
    this.unthrottleIfDue();
  }

  private unthrottleIfDue(): void {
    if (this.throttled.size === 0 || this.outstanding > this.config.globalOutstandingLimit) return;
    this.log('info', `outstanding requests down to ${this.outstanding}: reading again`);
    const paused = [...this.throttled];
    this.throttled.clear();
    for (const c of paused) c.setThrottled(false);
  }

  sessionEstablished(cnxn: Connection): void {
    // As ZooKeeper: a client that reattaches its session elsewhere leaves its old connection behind, closed.
    const previous = this.bySession.get(cnxn.sessionId);
    if (previous && previous !== cnxn) previous.close(`session 0x${javaLongHex(cnxn.sessionId)} reconnected from ${cnxn.peer}`);
    this.bySession.set(cnxn.sessionId, cnxn);
  }

  connectionClosing(cnxn: Connection): void {
    this.live.delete(cnxn);
    this.slots.get(cnxn)?.();
    this.slots.delete(cnxn);
    if (this.bySession.get(cnxn.sessionId) === cnxn) this.bySession.delete(cnxn.sessionId);
    // Replies to a closed connection are dropped, so its requests stop counting now.
    this.outstanding -= cnxn.outstanding;
    cnxn.outstanding = 0;
    this.throttled.delete(cnxn);
    this.unthrottleIfDue();
  }

  // --- NetServer --------------------------------------------------------------------------------

  connections(): Connection[] {
    return [...this.live];
  }

  connectionForSession(sessionId: bigint): Connection | undefined {
    return this.bySession.get(sessionId);
  }

  closeSession(sessionId: bigint, reason: string): boolean {
    const cnxn = this.bySession.get(sessionId);
    cnxn?.close(reason);
    return cnxn !== undefined;
  }

  get outstandingRequests(): number {
    return this.outstanding;
  }

  get numAliveConnections(): number {
    return this.live.size;
  }

  resetConnectionStats(): void {
    for (const c of this.live) c.stats.reset();
  }

  /** Stop listening and drop every connection. */
  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    const servers = [this.plain, this.secure].filter((l): l is Listener => l !== null).map((l) => l.server);
    this.plain = null;
    this.secure = null;
    const closed = Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    for (const c of [...this.live]) c.destroy('the server is shutting down', 'debug');
    await closed;
  }
}
