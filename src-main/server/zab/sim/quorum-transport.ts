// TCP for quorum connections on top of the simulator's lossy network, so that ZAB sees what a
// socket gives it: per connection, packets arrive once and in order, or the connection stalls
// (a lost segment that never gets through) until a timeout closes it. Duplicates are dropped,
// overtaken packets wait for their turn, FIN arrives after the data sent before it. A learner
// opens a connection (its id grows with the learner's incarnation, so a newer one supersedes);
// the leader side keeps the newest connection per learner.

export type Direction = 'up' | 'down';

/** One quorum-port segment: `up` from learner to leader, `down` back, on connection `conn`. */
export type SegmentMessage =
  | { kind: 'q'; dir: Direction; conn: number; seq: number; packet: Buffer }
  | { kind: 'fin'; dir: Direction; conn: number; seq: number }
  /** A reset: the other side knows nothing of this connection (it restarted since). */
  | { kind: 'rst'; dir: Direction; conn: number };

interface Stream {
  conn: number;
  peer: number;
  sendSeq: number;
  recvSeq: number;
  early: Map<number, Buffer | null>;
}

/** What arrives, in order, for the ZAB peer: a packet, or the end of a connection. */
export type Delivery =
  | { side: 'leader'; packet: Buffer }
  | { side: 'leader'; closed: true }
  | { side: 'learner'; sid: number; packet: Buffer }
  | { side: 'learner'; sid: number; closed: true };

export interface Outgoing {
  to: number;
  msg: SegmentMessage;
}

/** Where segments to send go (any list of outgoing messages that can hold them). */
export interface Sink {
  push(o: Outgoing): unknown;
}

export class QuorumTransport {
  /** Our connection to our leader (we are the learner on it). */
  private toLeader: Stream | null = null;
  /** Connections learners opened to us, newest per learner. */
  private readonly fromLearners = new Map<number, Stream>();
  /** The newest connection per learner that is over: older or equal ones are dead. */
  private readonly closedUpTo = new Map<number, number>();
  private connCounter = 0;

  constructor(private readonly connBase: number) {}

  connectLeader(to: number, send: Sink): void {
    this.closeLeader(send);
    this.toLeader = { conn: this.connBase + ++this.connCounter, peer: to, sendSeq: 0, recvSeq: 0, early: new Map() };
  }

  closeLeader(send: Sink): void {
    const s = this.toLeader;
    if (!s) return;
    send.push({ to: s.peer, msg: { kind: 'fin', dir: 'up', conn: s.conn, seq: s.sendSeq++ } });
    this.toLeader = null;
  }

  sendLeader(packet: Buffer, send: Sink): void {
    const s = this.toLeader;
    if (s) send.push({ to: s.peer, msg: { kind: 'q', dir: 'up', conn: s.conn, seq: s.sendSeq++, packet } });
  }

  sendLearner(to: number, packet: Buffer, send: Sink): void {
    const s = this.fromLearners.get(to);
    if (s) send.push({ to, msg: { kind: 'q', dir: 'down', conn: s.conn, seq: s.sendSeq++, packet } });
  }

  closeLearner(to: number, send: Sink): void {
    const s = this.fromLearners.get(to);
    if (!s) return;
    send.push({ to, msg: { kind: 'fin', dir: 'down', conn: s.conn, seq: s.sendSeq++ } });
    this.fromLearners.delete(to);
    this.closedUpTo.set(to, Math.max(this.closedUpTo.get(to) ?? 0, s.conn));
  }

  /**
   * A segment from the network. What the ZAB peer sees goes to `deliver` one item at a time, in
   * order; the peer's reaction may close the stream, which stops the rest.
   */
  receive(from: number, msg: SegmentMessage, send: Sink, deliver: (d: Delivery) => void): void {
    if (msg.dir === 'down') {
      const s = this.toLeader;
      if (!s || s.conn !== msg.conn) {
        if (msg.kind !== 'rst') send.push({ to: from, msg: { kind: 'rst', dir: 'up', conn: msg.conn } });
        return;
      }
      if (msg.kind === 'rst') return this.endLeader(deliver);
      this.accept(s, msg, () => this.toLeader === s, (packet) => (packet ? deliver({ side: 'leader', packet }) : this.endLeader(deliver)));
      return;
    }
    if (msg.conn <= (this.closedUpTo.get(from) ?? 0)) return;
    let s = this.fromLearners.get(from);
    if (s && msg.conn < s.conn) return;
    if (msg.kind === 'rst') {
      if (s && s.conn === msg.conn) this.endLearner(from, s, deliver);
      return;
    }
    if (!s || msg.conn > s.conn) {
      // A newer connection from the same learner: the old one is dead.
      if (s) this.endLearner(from, s, deliver);
      s = { conn: msg.conn, peer: from, sendSeq: 0, recvSeq: 0, early: new Map() };
      this.fromLearners.set(from, s);
    }
    const stream = s;
    this.accept(stream, msg, () => this.fromLearners.get(from) === stream,
      (packet) => (packet ? deliver({ side: 'learner', sid: from, packet }) : this.endLearner(from, stream, deliver)));
  }

  private endLeader(deliver: (d: Delivery) => void): void {
    this.toLeader = null;
    deliver({ side: 'leader', closed: true });
  }

  private endLearner(sid: number, s: Stream, deliver: (d: Delivery) => void): void {
    this.fromLearners.delete(sid);
    this.closedUpTo.set(sid, Math.max(this.closedUpTo.get(sid) ?? 0, s.conn));
    deliver({ side: 'learner', sid, closed: true });
  }

  /** In-order delivery of data (a packet) or FIN (null) while the stream stays open. */
  private accept(s: Stream, msg: Exclude<SegmentMessage, { kind: 'rst' }>, open: () => boolean, take: (packet: Buffer | null) => void): void {
    if (msg.seq < s.recvSeq || s.early.has(msg.seq)) return;
    s.early.set(msg.seq, msg.kind === 'q' ? msg.packet : null);
    while (open() && s.early.has(s.recvSeq)) {
      const item = s.early.get(s.recvSeq)!;
      s.early.delete(s.recvSeq);
      s.recvSeq++;
      take(item);
    }
  }

  /** Whether a learner's connection to us is open (it may have been superseded or closed). */
  hasLearner(sid: number): boolean {
    return this.fromLearners.has(sid);
  }
}

