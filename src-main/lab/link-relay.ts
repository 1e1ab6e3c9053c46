// A TCP relay for one direction of dialling between two lab servers: A connects to the relay, the
// relay connects on to B's real port. The lab cuts and slows links here. ZooKeeper's streams are
// framed, so a stream the relay keeps delivering never loses or reorders a byte; a fault that would
// have to drop bytes from a live stream destroys the stream instead, and the peers reconnect.

import net from 'node:net';
import { performance } from 'node:perf_hooks';

/** forward: bytes from the connecting side (A) to the target (B); backward: B's replies to A. */
export type RelayDirection = 'forward' | 'backward';
export type CutDirection = RelayDirection | 'both';
export type FlowState = 'open' | 'cut';

export interface LinkRelayOptions {
  listenHost?: string;
  /** 0: a free port chosen by the kernel. */
  listenPort: number;
  targetHost: string;
  targetPort: number;
}

export interface LinkRelayStats {
  connections: number;
  bytesForward: number;
  bytesBackward: number;
  state: Record<RelayDirection, FlowState>;
  delayMs: number;
}

export type LinkRelayEvent =
  | { type: 'cut'; direction: CutDirection; destroyedConnections: number }
  | { type: 'heal'; destroyedConnections: number }
  | { type: 'delay'; delayMs: number };

/** Bytes one direction may hold back for a delay before its source is paused: bounds memory. */
const MAX_QUEUED_BYTES = 1024 * 1024;

/** What a pump asks its relay, read anew for every chunk so a changed setting applies at once. */
interface FlowPolicy {
  isOpen(direction: RelayDirection): boolean;
  delayMs(): number;
  delivered(direction: RelayDirection, bytes: number): void;
}

export class LinkRelay {
  private readonly server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) => this.accept(socket));
  private readonly connections = new Set<RelayedConnection>();
  private readonly listeners = new Set<(event: LinkRelayEvent) => void>();
  private readonly flow: Record<RelayDirection, FlowState> = { forward: 'open', backward: 'open' };
  private readonly bytes: Record<RelayDirection, number> = { forward: 0, backward: 0 };
  private delay = 0;
  private readonly policy: FlowPolicy = {
    isOpen: (direction) => this.flow[direction] === 'open',
    delayMs: () => this.delay,
    delivered: (direction, bytes) => {
      this.bytes[direction] += bytes;
    },
  };

  constructor(private readonly options: LinkRelayOptions) {
    // Accept failures after listening (EMFILE and the like) cost one connection, not the lab.
    this.server.on('error', () => {});
  }

  /** Listens; resolves with the port, the one to write into the dialling server's zoo.cfg. */
  start(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.listenPort, this.options.listenHost ?? '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve(this.port);
      });
    });
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Destroys every live connection (their streams are broken either way) and cuts the direction(s). */
  cut(direction: CutDirection): void {
    const destroyedConnections = this.destroyConnections();
    if (direction !== 'backward') this.flow.forward = 'cut';
    if (direction !== 'forward') this.flow.backward = 'cut';
    this.emit({ type: 'cut', direction, destroyedConnections });
  }

  /** Open both ways again. Connections held or half-cut meanwhile go, so peers reconnect on clean streams. */
  heal(): void {
    const destroyedConnections = this.isFullyOpen() ? 0 : this.destroyConnections();
    this.flow.forward = 'open';
    this.flow.backward = 'open';
    this.emit({ type: 'heal', destroyedConnections });
  }

  /** Latency added to each chunk in both directions; 0 for none. */
  setDelay(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`a delay is a number of milliseconds >= 0, not ${ms}`);
    this.delay = ms;
    this.emit({ type: 'delay', delayMs: ms });
  }

  stats(): LinkRelayStats {
    return {
      connections: this.connections.size,
      bytesForward: this.bytes.forward,
      bytesBackward: this.bytes.backward,
      state: { ...this.flow },
      delayMs: this.delay,
    };
  }

  /** Calls back on every cut, heal and delay change; returns the unsubscribe. */
  onEvent(listener: (event: LinkRelayEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.destroyConnections();
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    const connection = new RelayedConnection(socket, () => this.connections.delete(connection));
    this.connections.add(connection);
    // Cut both ways: like a partition, nothing answers; the paused socket stays unread until heal.
    if (this.flow.forward === 'cut' && this.flow.backward === 'cut') return;
    connection.relayTo(this.options.targetHost, this.options.targetPort, this.policy);
  }

  private isFullyOpen(): boolean {
    return this.flow.forward === 'open' && this.flow.backward === 'open';
  }

  private destroyConnections(): number {
    const count = this.connections.size;
    for (const connection of [...this.connections]) connection.destroy();
    return count;
  }

  private emit(event: LinkRelayEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

/** One accepted connection: held unread, or relayed to the target by a pump per direction. */
class RelayedConnection {
  private upstream: net.Socket | null = null;
  private readonly pumps: DirectionPump[] = [];
  private gone = false;

  constructor(private readonly client: net.Socket, private readonly onGone: () => void) {
    client.setNoDelay(true);
    client.on('error', () => this.destroy());
    client.on('close', () => this.forgetOnceBothClosed());
  }

  relayTo(host: string, port: number, policy: FlowPolicy): void {
    const upstream = net.connect({ host, port, allowHalfOpen: true });
    this.upstream = upstream;
    upstream.setNoDelay(true);
    // A refused connect arrives here too: the client then sees its connection closed.
    upstream.on('error', () => this.destroy());
    upstream.on('close', () => this.forgetOnceBothClosed());
    this.pumps.push(new DirectionPump(this.client, upstream, 'forward', policy), new DirectionPump(upstream, this.client, 'backward', policy));
  }

  destroy(): void {
    this.client.destroy();
    this.upstream?.destroy();
    this.forget();
  }

  // An orderly close (both FINs relayed) ends the connection without destroying anything early.
  private forgetOnceBothClosed(): void {
    if (this.client.destroyed && (this.upstream === null || this.upstream.destroyed)) this.forget();
  }

  private forget(): void {
    if (this.gone) return;
    this.gone = true;
    for (const pump of this.pumps) pump.stop();
    this.onGone();
  }
}

/**
 * Copies one direction in order: every chunk (and the end of the stream) waits in a FIFO until its
 * delay is over, so none overtakes an earlier one. In a cut direction everything read is discarded.
 */
class DirectionPump {
  /** null marks the end of the source's stream, relayed as end() once what came before is written. */
  private readonly queue: { chunk: Buffer | null; dueAt: number }[] = [];
  private queuedBytes = 0;
  private waitingForDrain = false;
  private sourcePaused = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly source: net.Socket,
    private readonly destination: net.Socket,
    private readonly direction: RelayDirection,
    private readonly policy: FlowPolicy,
  ) {
    source.on('data', (chunk: Buffer) => this.enqueue(chunk));
    source.on('end', () => this.enqueue(null));
    source.resume();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue.length = 0;
  }

  private enqueue(chunk: Buffer | null): void {
    if (!this.policy.isOpen(this.direction)) return;
    this.queue.push({ chunk, dueAt: performance.now() + this.policy.delayMs() });
    this.queuedBytes += chunk?.length ?? 0;
    this.flush();
  }

  private flush(): void {
    while (this.queue.length > 0 && !this.waitingForDrain) {
      const head = this.queue[0];
      const wait = head.dueAt - performance.now();
      if (wait > 0) {
        this.timer ??= setTimeout(() => {
          this.timer = null;
          this.flush();
        }, Math.ceil(wait));
        break;
      }
      this.queue.shift();
      this.queuedBytes -= head.chunk?.length ?? 0;
      this.write(head.chunk);
    }
    this.pauseSourceWhileBacklogged();
  }

  private write(chunk: Buffer | null): void {
    if (this.destination.destroyed || this.destination.writableEnded) return;
    if (chunk === null) {
      this.destination.end();
      return;
    }
    this.policy.delivered(this.direction, chunk.length);
    if (!this.destination.write(chunk)) {
      this.waitingForDrain = true;
      this.destination.once('drain', () => {
        this.waitingForDrain = false;
        this.flush();
      });
    }
  }

  private pauseSourceWhileBacklogged(): void {
    const backlogged = this.waitingForDrain || this.queuedBytes > MAX_QUEUED_BYTES;
    if (backlogged === this.sourcePaused) return;
    this.sourcePaused = backlogged;
    if (backlogged) this.source.pause();
    else this.source.resume();
  }
}
