// The TCP shell of the quorum port: QuorumPackets back to back on a socket, each delimited by its
// own jute lengths (as Apache ZooKeeper writes them, so no outer frame). Sends go through a FIFO
// queue drained in batches, one socket write per batch, as LearnerHandler's sender thread does.

import net from 'node:net';
import { QuorumPacketReader, QuorumWireError, encodeQuorumPackets, encodedSize, type DecodeLimits, type QuorumPacket } from './quorum-packet';

/** Bytes encoded into one socket write at most; the rest of the queue waits for the next turn. */
const MAX_BATCH_BYTES = 1 << 20;

export type PacketHandler = (packet: QuorumPacket) => void;
/** Why a connection ended: null for a normal close, else the socket or wire error. */
export type CloseHandler = (error: Error | null) => void;

/** One quorum connection, either end: packets in via onPacket, out in order via send. */
export class QuorumConnection {
  private readonly queue: QuorumPacket[] = [];
  private readonly reader: QuorumPacketReader;
  private readonly packetHandlers: PacketHandler[] = [];
  private readonly closeHandlers: CloseHandler[] = [];
  private flushScheduled = false;
  private waitingForDrain = false;
  private ending = false;
  private closeError: Error | null = null;
  private closedFlag = false;

  constructor(private readonly socket: net.Socket, limits: DecodeLimits = {}) {
    this.reader = new QuorumPacketReader(limits);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('drain', () => {
      this.waitingForDrain = false;
      this.flush();
    });
    socket.on('error', (e) => this.destroy(e));
    socket.on('close', () => {
      this.closedFlag = true;
      for (const h of this.closeHandlers) h(this.closeError);
    });
  }

  get remoteAddress(): string {
    return `${this.socket.remoteAddress}:${this.socket.remotePort}`;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Packets queued but not yet handed to the socket. */
  get queued(): number {
    return this.queue.length;
  }

  onPacket(handler: PacketHandler): void {
    this.packetHandlers.push(handler);
  }

  onClose(handler: CloseHandler): void {
    this.closeHandlers.push(handler);
  }

  /** Queues a packet; everything queued in the same tick goes out in one write. */
  send(packet: QuorumPacket): void {
    if (this.ending || this.closedFlag) return;
    this.queue.push(packet);
    this.schedule();
  }

  /** Ends the connection once everything queued has been written. */
  close(): void {
    if (this.ending) return;
    this.ending = true;
    this.schedule();
  }

  /** Drops the connection now, queued packets and all. */
  destroy(error: Error | null = null): void {
    this.closeError ??= error;
    this.queue.length = 0;
    this.socket.destroy();
  }

  private schedule(): void {
    if (this.flushScheduled || this.waitingForDrain) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.queue.length > 0 && !this.waitingForDrain && !this.socket.destroyed) {
      let bytes = 0;
      let n = 0;
      while (n < this.queue.length && (n === 0 || bytes < MAX_BATCH_BYTES)) bytes += encodedSize(this.queue[n++]);
      this.waitingForDrain = !this.socket.write(encodeQuorumPackets(this.queue.splice(0, n)));
    }
    if (this.ending && this.queue.length === 0 && !this.socket.destroyed) this.socket.end();
  }

  private receive(chunk: Buffer): void {
    let packets: QuorumPacket[];
    try {
      packets = this.reader.push(chunk);
    } catch (e) {
      if (!(e instanceof QuorumWireError)) throw e;
      this.destroy(e);
      return;
    }
    for (const p of packets) {
      if (this.socket.destroyed) return;
      for (const h of this.packetHandlers) h(p);
    }
  }
}

export interface QuorumServerOptions {
  host: string;
  port: number;
  limits?: DecodeLimits;
}

/** The leader's side: accepts learners and hands each connection to onConnection. */
export class QuorumServer {
  private readonly server: net.Server;
  private readonly connections = new Set<QuorumConnection>();
  private readonly connectionHandlers: Array<(c: QuorumConnection) => void> = [];

  constructor(private readonly opts: QuorumServerOptions) {
    this.server = net.createServer((socket) => {
      const c = new QuorumConnection(socket, opts.limits);
      this.connections.add(c);
      c.onClose(() => this.connections.delete(c));
      for (const h of this.connectionHandlers) h(c);
    });
  }

  onConnection(handler: (c: QuorumConnection) => void): void {
    this.connectionHandlers.push(handler);
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port, this.opts.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Stops listening and drops every learner connection. */
  async close(): Promise<void> {
    const done = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const c of this.connections) c.destroy();
    await done;
  }
}

export interface ConnectOptions {
  host: string;
  port: number;
  /** Learner.connectToLeader tries 5 times before giving up. */
  attempts?: number;
  /** Wait between attempts, doubled each time up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  limits?: DecodeLimits;
  signal?: AbortSignal;
}

/** The learner's side: connects to the leader's quorum port, retrying while it is not there yet. */
export async function connectQuorum(opts: ConnectOptions): Promise<QuorumConnection> {
  const attempts = opts.attempts ?? 5;
  let backoff = opts.backoffMs ?? 100;
  for (let attempt = 1; ; attempt++) {
    opts.signal?.throwIfAborted();
    try {
      const socket = await new Promise<net.Socket>((resolve, reject) => {
        const s = net.connect({ host: opts.host, port: opts.port });
        s.once('connect', () => {
          s.off('error', reject);
          resolve(s);
        });
        s.once('error', reject);
      });
      return new QuorumConnection(socket, opts.limits);
    } catch (e) {
      if (attempt >= attempts) throw e;
    }
    await new Promise((r) => setTimeout(r, backoff));
    backoff = Math.min(backoff * 2, opts.maxBackoffMs ?? 1000);
  }
}
