// The TCP shell of the election port, as ZooKeeper's QuorumCnxManager: one connection per pair of
// servers, always the one opened by the higher sid. A lower sid still dials a higher one, but only
// to send its initial message and hang up, which makes the higher sid connect back at once.

import net from 'node:net';
import { InitialMessageReader, connectionVerdict, encodeInitialMessage, formatAddress } from './handshake';
import { ElectionWireError, FrameReader, decodeNotification, encodeFrame, encodeNotification, type NotificationMessage } from './notification-codec';

export interface ElectionPeerAddress {
  sid: number;
  host: string;
  port: number;
}

export interface ElectionTransportOptions {
  mySid: number;
  host: string;
  port: number;
  /** The other servers on the election port (their sids must differ from mySid). */
  peers: readonly ElectionPeerAddress[];
  /** First reconnect delay, doubled on every failure up to maxBackoffMs. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** QuorumCnxManager's cnxTimeout: how long an accepted connection may take to identify itself. */
  handshakeTimeoutMs?: number;
}

export type OutgoingMessage = Omit<NotificationMessage, 'version'>;
export type MessageHandler = (sid: number, message: NotificationMessage) => void;
export type LinkHandler = (sid: number, up: boolean, direction: 'inbound' | 'outbound') => void;

interface Link {
  socket: net.Socket;
  direction: 'inbound' | 'outbound';
}

interface PeerState {
  address: ElectionPeerAddress;
  link: Link | null;
  /** The capacity-1 queue: only the newest notification waits while the link is down. */
  pending: OutgoingMessage | null;
  /** Resent on a new link when nothing is pending, as SendWorker resends lastMessageSent. */
  lastSent: OutgoingMessage | null;
  backoffMs: number;
  dialTimer: NodeJS.Timeout | null;
  dialing: net.Socket | null;
}

export class ElectionTransport {
  private readonly server = net.createServer((s) => this.accept(s));
  private readonly peers = new Map<number, PeerState>();
  private readonly handshaking = new Set<net.Socket>();
  private readonly messageHandlers: MessageHandler[] = [];
  private readonly linkHandlers: LinkHandler[] = [];
  private readonly minBackoff: number;
  private readonly maxBackoff: number;
  private readonly handshakeTimeout: number;
  private readonly initialMessage: Buffer;
  private closed = false;

  constructor(private readonly opts: ElectionTransportOptions) {
    this.minBackoff = opts.minBackoffMs ?? 50;
    this.maxBackoff = opts.maxBackoffMs ?? 2000;
    this.handshakeTimeout = opts.handshakeTimeoutMs ?? 5000;
    this.initialMessage = encodeInitialMessage(opts.mySid, [formatAddress(opts.host, opts.port)]);
    for (const address of opts.peers) {
      if (address.sid === opts.mySid) throw new Error(`peer list contains our own sid ${opts.mySid}`);
      this.peers.set(address.sid, { address, link: null, pending: null, lastSent: null, backoffMs: this.minBackoff, dialTimer: null, dialing: null });
    }
  }

  /** Listens on the election port and dials every peer. */
  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port, this.opts.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    for (const p of this.peers.values()) this.dial(p);
  }

  onMessage(handler: MessageHandler): void {
    this.messageHandlers.push(handler);
  }

  onLink(handler: LinkHandler): void {
    this.linkHandlers.push(handler);
  }

  /** Sends now if the link is up; otherwise it replaces whatever was waiting for that peer. */
  send(sid: number, message: OutgoingMessage): void {
    const p = this.peers.get(sid);
    if (!p || this.closed) return;
    if (p.link) {
      this.write(p, p.link, message);
      return;
    }
    p.pending = message;
    // A lower sid stops poking once it has nothing to say; news starts it again.
    if (!p.dialing && !p.dialTimer) this.dial(p);
  }

  /** The live links by peer sid, with who opened each. */
  links(): Map<number, 'inbound' | 'outbound'> {
    const out = new Map<number, 'inbound' | 'outbound'>();
    for (const [sid, p] of this.peers) if (p.link) out.set(sid, p.link.direction);
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
    const done = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.handshaking) s.destroy();
    for (const p of this.peers.values()) {
      if (p.dialTimer) clearTimeout(p.dialTimer);
      p.dialing?.destroy();
      p.link?.socket.destroy();
    }
    await done;
  }

  private write(p: PeerState, link: Link, message: OutgoingMessage): void {
    p.lastSent = message;
    link.socket.write(encodeFrame(encodeNotification(message)));
  }

  private dial(p: PeerState): void {
    if (this.closed || p.link || p.dialing) return;
    const socket = net.connect({ host: p.address.host, port: p.address.port });
    p.dialing = socket;
    socket.setNoDelay(true);
    socket.once('connect', () => {
      p.dialing = null;
      socket.write(this.initialMessage);
      if (connectionVerdict(this.opts.mySid, p.address.sid, true) === 'keep') {
        this.establish(p, socket, 'outbound', Buffer.alloc(0));
      } else {
        // We are the lower sid: the peer reads our id, hangs up and connects back.
        socket.end();
        this.retryLater(p);
      }
    });
    socket.on('error', () => socket.destroy());
    socket.once('close', () => {
      if (p.dialing !== socket) return;
      p.dialing = null;
      this.retryLater(p);
    });
  }

  /** Keeps dialing a lower sid while the link is down; pokes a higher sid only while we have news for it. */
  private retryLater(p: PeerState): void {
    if (this.closed || p.link || p.dialTimer) return;
    const lowerPeer = p.address.sid < this.opts.mySid;
    if (!lowerPeer && !p.pending) return;
    const delay = p.backoffMs;
    p.backoffMs = Math.min(p.backoffMs * 2, this.maxBackoff);
    p.dialTimer = setTimeout(() => {
      p.dialTimer = null;
      this.dial(p);
    }, delay);
  }

  private accept(socket: net.Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    this.handshaking.add(socket);
    const reader = new InitialMessageReader();
    const timer = setTimeout(() => socket.destroy(), this.handshakeTimeout);
    const finish = () => {
      clearTimeout(timer);
      this.handshaking.delete(socket);
      socket.off('data', onData);
    };
    const onData = (chunk: Buffer) => {
      let got;
      try {
        got = reader.push(chunk);
      } catch {
        finish();
        socket.destroy();
        return;
      }
      if (!got) return;
      finish();
      const sid = got.message.sid;
      const p = sid <= BigInt(Number.MAX_SAFE_INTEGER) ? this.peers.get(Number(sid)) : undefined;
      const verdict = connectionVerdict(this.opts.mySid, sid, false);
      if (!p || verdict !== 'keep') {
        socket.destroy();
        if (p && verdict === 'close-and-connect-back') {
          if (p.dialTimer) clearTimeout(p.dialTimer);
          p.dialTimer = null;
          p.backoffMs = this.minBackoff;
          this.dial(p);
        }
        return;
      }
      // A higher sid that reconnects supersedes its old connection (it restarted, or that one died unseen).
      p.link?.socket.destroy();
      this.establish(p, socket, 'inbound', got.rest);
    };
    socket.on('data', onData);
    socket.on('error', () => socket.destroy());
    socket.once('close', finish);
  }

  private establish(p: PeerState, socket: net.Socket, direction: 'inbound' | 'outbound', rest: Buffer): void {
    const link: Link = { socket, direction };
    p.link = link;
    p.backoffMs = this.minBackoff;
    socket.removeAllListeners('close');
    socket.once('close', () => {
      if (p.link !== link) return;
      p.link = null;
      for (const h of this.linkHandlers) h(p.address.sid, false, direction);
      this.retryLater(p);
    });
    const frames = new FrameReader();
    const onData = (chunk: Buffer) => {
      let payloads: Buffer[];
      try {
        payloads = frames.push(chunk);
      } catch (e) {
        if (!(e instanceof ElectionWireError)) throw e;
        socket.destroy();
        return;
      }
      for (const payload of payloads) {
        let message: NotificationMessage;
        try {
          message = decodeNotification(payload);
        } catch (e) {
          // WorkerReceiver skips a notification it cannot read and keeps the connection.
          if (e instanceof ElectionWireError) continue;
          throw e;
        }
        for (const h of this.messageHandlers) h(p.address.sid, message);
        if (p.link !== link) return;
      }
    };
    socket.on('data', onData);
    for (const h of this.linkHandlers) h(p.address.sid, true, direction);
    const queued = p.pending ?? p.lastSent;
    p.pending = null;
    if (queued && p.link === link) this.write(p, link, queued);
    if (rest.length > 0) onData(rest);
  }
}
