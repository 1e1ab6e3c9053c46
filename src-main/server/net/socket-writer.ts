// The outgoing side of a connection: frames queued in one tick leave in one socket write. While
// the socket pushes back or a batch grows past CONGESTED_BYTES the writer is congested and the
// owner stops taking requests; past a hard byte bound (pushes the client never asked for, like
// watch events, to a client that does not read) the owner is told to drop the client.

import type { Socket } from 'node:net';

export interface SocketWriterOwner {
  /** n packets (replies, or chunks of a 4lw answer) went to the socket. */
  packetsWritten(n: number): void;
  /** The writer became congested (true) or can take more (false). */
  backpressure(congested: boolean): void;
  /** More than the bound waits to be sent; the writer has dropped its queue. */
  overflow(unsent: number, limit: number): void;
}

// After our FIN, how long a peer that never closes its side keeps the socket.
const LINGER_MS = 2000;
// A batch this big is written before more requests are taken.
const CONGESTED_BYTES = 1024 * 1024;

export class SocketWriter {
  /** Socket writes issued; frames queued in one tick share one. */
  writes = 0;
  private queue: Buffer[] = [];
  private queuedBytes = 0;
  private queuedPackets = 0;
  private scheduled = false;
  private blocked = false;
  private toldCongested = false;
  private ending = false;
  private ended = false;
  private lingerTimer: NodeJS.Timeout | null = null;

  constructor(private readonly socket: Socket, private readonly maxUnsent: number, private readonly owner: SocketWriterOwner) {}

  /** False once the socket is ending: later frames are dropped. */
  get open(): boolean {
    return !this.ending && !this.socket.destroyed;
  }

  /** Bytes are waiting, here or in the socket. */
  get pending(): boolean {
    return this.queue.length > 0 || this.blocked;
  }

  /** The socket pushes back, or enough waits here: take no more requests until the owner hears otherwise. */
  get congested(): boolean {
    return this.blocked || this.queuedBytes >= CONGESTED_BYTES;
  }

  enqueue(bytes: Buffer, packets: number): void {
    if (!this.open) return;
    this.queue.push(bytes);
    this.queuedBytes += bytes.length;
    this.queuedPackets += packets;
    const unsent = this.queuedBytes + this.socket.writableLength;
    if (unsent > this.maxUnsent) {
      this.discard();
      this.owner.overflow(unsent, this.maxUnsent);
      return;
    }
    if (!this.scheduled && !this.blocked) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
    if (!this.toldCongested && this.congested) {
      this.toldCongested = true;
      this.owner.backpressure(true);
    }
  }

  /** Send what is queued (now, not next tick), then FIN; a peer that never closes is cut after a grace period. */
  endWhenFlushed(): void {
    this.ending = true;
    this.flush();
  }

  discard(): void {
    this.queue = [];
    this.queuedBytes = 0;
    this.queuedPackets = 0;
  }

  readonly flush = (): void => {
    this.scheduled = false;
    if (this.ended || this.socket.destroyed) return;
    if (!this.blocked && this.queue.length > 0) {
      const bytes = this.queue.length === 1 ? this.queue[0] : Buffer.concat(this.queue, this.queuedBytes);
      const packets = this.queuedPackets;
      this.discard();
      this.writes++;
      this.owner.packetsWritten(packets);
      if (!this.socket.write(bytes)) {
        this.blocked = true;
        this.socket.once('drain', this.onDrain);
      }
    }
    if (this.ending && this.queue.length === 0) this.end();
    this.tellCongestion();
  };

  private readonly onDrain = (): void => {
    this.blocked = false;
    if (this.queue.length > 0) this.flush();
    else this.tellCongestion();
  };

  private tellCongestion(): void {
    const congested = this.congested;
    if (congested === this.toldCongested) return;
    this.toldCongested = congested;
    this.owner.backpressure(congested);
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.socket.end();
    this.lingerTimer = setTimeout(() => this.socket.destroy(), LINGER_MS).unref();
  }

  /** The socket closed: stop the grace timer. */
  closed(): void {
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
  }
}
