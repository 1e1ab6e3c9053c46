// What the ZAB timeline draws: quorum packets as arrows from a send on one server to its receive
// on another, and the life of one zxid (proposal, acks, quorum, commit, apply on every server).
import { numberField, stringField, type ZooEvent } from './zoo-event';

export interface QuorumMessage {
  from: number;
  to: number;
  packet: string;
  zxid: string;
  epoch: number;
  size: number;
  sentAt: number;
  /** Null while in flight, and for good when the connection died with it. */
  receivedAt: number | null;
}

/**
 * Timestamps come from different processes' clocks, anchored to a millisecond wall clock, so a
 * receive can be logged slightly "before" its send. Within this much, order is not trusted.
 */
const DEFAULT_SKEW_TOLERANCE_US = 5_000;

interface PendingReceive {
  at: number;
  /** The receiver's latest connection boundary with the sender when it received. */
  boundary: number;
}

/**
 * A quorum connection starts afresh when either end changes role or restarts, and when a leader
 * (re)admits a learner; nothing sent before the receiver's latest boundary can arrive after it.
 */
function boundaryPeer(e: ZooEvent): number | 'all' | null {
  if (e.type === 'zab.state') return 'all';
  if (e.type === 'state' && e.state === 'started') return 'all';
  if (e.type === 'zab.learner.added' || e.type === 'zab.learner.removed') return numberField(e, 'peer');
  return null;
}

/**
 * Pairs each `zab.sent` on S (peer R) with the `zab.received` on R (peer S) of the same packet and
 * zxid, first unmatched send with the next receive: TCP keeps each connection in order. Events may
 * come in any number of batches as long as each server's own events keep their order.
 */
export class QuorumMessageMatcher {
  private readonly all: QuorumMessage[] = [];
  private readonly pendingSends = new Queues<QuorumMessage>();
  private readonly pendingReceives = new Queues<PendingReceive>();
  private readonly boundaries = new Map<string, number>();
  private orphans = 0;

  constructor(private readonly skewToleranceUs = DEFAULT_SKEW_TOLERANCE_US) {}

  /** Every send seen, in the order added. */
  messages(): readonly QuorumMessage[] {
    return this.all;
  }

  /** Receives whose send was never logged (lost from a killed server's unflushed log). */
  get orphanReceives(): number {
    return this.orphans;
  }

  /** Adds a batch; returns the messages it created or completed (the same objects `messages` holds). */
  add(events: readonly ZooEvent[]): QuorumMessage[] {
    const touched = new Set<QuorumMessage>();
    for (const e of events) {
      if (e.type === 'zab.sent') this.onSent(e, touched);
      else if (e.type === 'zab.received') this.onReceived(e, touched);
      else this.onBoundary(e);
    }
    return [...touched];
  }

  private onBoundary(e: ZooEvent): void {
    const peer = boundaryPeer(e);
    if (peer !== null) this.boundaries.set(`${e.node}>${peer}`, e.ts);
  }

  private boundaryOf(receiver: number, sender: number): number {
    const wide = this.boundaries.get(`${receiver}>all`) ?? -Infinity;
    return Math.max(wide, this.boundaries.get(`${receiver}>${sender}`) ?? -Infinity);
  }

  private onSent(e: ZooEvent, touched: Set<QuorumMessage>): void {
    const m = toMessage(e);
    if (!m) return;
    this.all.push(m);
    touched.add(m);
    const key = keyOf(m.from, m.to, m.packet, m.zxid);
    for (let head = this.pendingReceives.first(key); head; head = this.pendingReceives.first(key)) {
      if (m.sentAt > head.at + this.skewToleranceUs) {
        // Its send was logged nowhere; this send belongs to a later receive.
        this.pendingReceives.dropFirst(key);
        this.orphans++;
        continue;
      }
      // Sent on a connection the receiver had already replaced: never delivered.
      if (m.sentAt < head.boundary - this.skewToleranceUs) return;
      this.pendingReceives.dropFirst(key);
      m.receivedAt = head.at;
      return;
    }
    this.pendingSends.push(key, m);
  }

  private onReceived(e: ZooEvent, touched: Set<QuorumMessage>): void {
    const from = numberField(e, 'peer');
    const packet = stringField(e, 'packet');
    const zxid = stringField(e, 'zxid');
    if (from === null || packet === null || zxid === null) return;
    const key = keyOf(from, e.node, packet, zxid);
    const boundary = this.boundaryOf(e.node, from);
    let head = this.pendingSends.first(key);
    // Sends still pending from before the receiver's boundary died with their connection.
    while (head && head.sentAt < boundary - this.skewToleranceUs) {
      this.pendingSends.dropFirst(key);
      head = this.pendingSends.first(key);
    }
    if (!head) {
      this.pendingReceives.push(key, { at: e.ts, boundary });
    } else if (head.sentAt > e.ts + this.skewToleranceUs) {
      this.orphans++;
    } else {
      this.pendingSends.dropFirst(key);
      head.receivedAt = e.ts;
      touched.add(head);
    }
  }
}

function keyOf(from: number, to: number, packet: string, zxid: string): string {
  return `${from}>${to} ${packet} ${zxid}`;
}

/** FIFO queues by key; an emptied queue is dropped, so settled keys cost nothing in a long run. */
class Queues<T> {
  private readonly byKey = new Map<string, T[]>();

  first(key: string): T | undefined {
    return this.byKey.get(key)?.[0];
  }

  push(key: string, item: T): void {
    const queue = this.byKey.get(key);
    if (queue) queue.push(item);
    else this.byKey.set(key, [item]);
  }

  dropFirst(key: string): void {
    const queue = this.byKey.get(key);
    if (!queue) return;
    queue.shift();
    if (queue.length === 0) this.byKey.delete(key);
  }
}

function toMessage(e: ZooEvent): QuorumMessage | null {
  const to = numberField(e, 'peer');
  const packet = stringField(e, 'packet');
  const zxid = stringField(e, 'zxid');
  if (to === null || packet === null || zxid === null) return null;
  const epoch = numberField(e, 'epoch') ?? -1;
  return { from: e.node, to, packet, zxid, epoch, size: numberField(e, 'size') ?? 0, sentAt: e.ts, receivedAt: null };
}

export interface TxnApplied {
  node: number;
  at: number;
  op: string | null;
  err: number | null;
}

export interface ZxidTrace {
  zxid: string;
  /** The server that proposed it (its `zab.propose`, else the sender of its first PROPOSAL). */
  leader: number | null;
  proposedAt: number | null;
  proposals: QuorumMessage[];
  /** Followers' ACKs to the leader. */
  acks: QuorumMessage[];
  /** The leader acks its own proposal once logged, with no packet; its `zab.propose` marks it. */
  selfAckAt: number | null;
  /** When the leader held acks from a majority of voters (on the leader's clock). */
  quorumAt: number | null;
  committedAt: number | null;
  /** COMMITs to followers and INFORMs to observers. */
  commits: QuorumMessage[];
  applied: TxnApplied[];
}

/** The life of one zxid across the ensemble; `voterCount` is the number of voting servers. */
export function zxidTrace(events: readonly ZooEvent[], zxid: string, voterCount: number): ZxidTrace {
  const matcher = new QuorumMessageMatcher();
  matcher.add(events.filter((e) => e.zxid === zxid || boundaryPeer(e) !== null));
  const messages = matcher.messages();
  const proposed = events.find((e) => e.type === 'zab.propose' && e.zxid === zxid);
  const proposals = messages.filter((m) => m.packet === 'PROPOSAL');
  const leader = proposed?.node ?? proposals[0]?.from ?? null;
  const acks = messages.filter((m) => m.packet === 'ACK' && m.to === leader);
  const selfAckAt = proposed?.ts ?? null;
  const committed = events.find((e) => e.type === 'zab.commit' && e.zxid === zxid && e.node === leader);
  return {
    zxid,
    leader,
    proposedAt: proposed?.ts ?? null,
    proposals,
    acks,
    selfAckAt,
    quorumAt: quorumMoment(acks, selfAckAt, voterCount),
    committedAt: committed?.ts ?? null,
    commits: messages.filter((m) => m.packet === 'COMMIT' || m.packet === 'INFORM'),
    applied: events
      .filter((e) => e.type === 'txn' && e.zxid === zxid)
      .map((e) => ({ node: e.node, at: e.ts, op: stringField(e, 'op'), err: numberField(e, 'err') })),
  };
}

/** The time the majority-th distinct voter's ack reached the leader. */
function quorumMoment(acks: readonly QuorumMessage[], selfAckAt: number | null, voterCount: number): number | null {
  const firstAckBy = new Map<number, number>();
  for (const a of acks) {
    if (a.receivedAt !== null) firstAckBy.set(a.from, Math.min(a.receivedAt, firstAckBy.get(a.from) ?? Infinity));
  }
  const times = [...firstAckBy.values()];
  if (selfAckAt !== null) times.push(selfAckAt);
  times.sort((a, b) => a - b);
  return times[Math.floor(voterCount / 2)] ?? null;
}
