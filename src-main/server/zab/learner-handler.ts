// The leader's view of each connected learner (LearnerHandler): where it is in the handshake,
// whether it gets the broadcast yet, and its two deadlines: the socket read timeout (initLimit
// ticks until it acks NEWLEADER, syncLimit after) and the "synced" deadline the leader's quorum
// check uses (tickOfNextAckDeadline).

import type { Outbox } from './actions';
import type { LeaderConfig } from './leader';
import { decodeRequest, decodeRevalidateRequest, decodeTouches, encodeRevalidateReply } from './payloads';
import { PacketType, QuorumWireError, packet, type QuorumPacket } from './quorum-packet';

export type HandlerStage =
  /** FOLLOWERINFO in; waiting for a quorum to fix the epoch. */
  | 'epoch'
  /** LEADERINFO out; waiting for ACKEPOCH. */
  | 'ackepoch'
  /** ACKEPOCH in; waiting for a quorum of them before syncing. */
  | 'waitSync'
  /** DIFF/TRUNC/SNAP and NEWLEADER out; waiting for the NEWLEADER ACK. */
  | 'newleader'
  /** NEWLEADER acked; waiting for the epoch to be established. */
  | 'uptodateWait'
  /** UPTODATE out. */
  | 'broadcast';

export interface Handler {
  readonly sid: number;
  readonly observer: boolean;
  stage: HandlerStage;
  peerLastZxid: bigint;
  /** Gets PROPOSAL/COMMIT (participants) or INFORM (observers): set once its sync is queued. */
  forwarding: boolean;
  readDeadline: number;
  ackDeadline: number;
}

export class LeaderLearners {
  private readonly handlers = new Map<number, Handler>();

  constructor(private readonly cfg: Pick<LeaderConfig, 'tickMs' | 'initLimit' | 'syncLimit' | 'quorum'>, private readonly out: Outbox) {}

  get size(): number {
    return this.handlers.size;
  }

  get(sid: number): Handler | undefined {
    return this.handlers.get(sid);
  }

  all(): IterableIterator<Handler> {
    return this.handlers.values();
  }

  add(now: number, sid: number, observer: boolean): Handler {
    const { tickMs, initLimit, syncLimit } = this.cfg;
    const h: Handler = {
      sid, observer, stage: 'epoch', peerLastZxid: -1n, forwarding: false,
      readDeadline: now + initLimit * tickMs, ackDeadline: now + (initLimit + syncLimit) * tickMs,
    };
    this.handlers.set(sid, h);
    this.out.emit('zab.learner.added', { peer: sid, observer });
    return h;
  }

  /**
   * A packet from the learner pushes its read timeout out; once it acked NEWLEADER, also its synced
   * deadline, which from then on is syncLimit ticks after its last packet (not initLimit + syncLimit).
   */
  heard(h: Handler, now: number): void {
    const { tickMs, initLimit, syncLimit } = this.cfg;
    const acked = h.stage === 'uptodateWait' || h.stage === 'broadcast';
    h.readDeadline = now + (acked ? syncLimit : initLimit) * tickMs;
    if (acked) h.ackDeadline = now + syncLimit * tickMs;
  }

  send(h: Handler, p: QuorumPacket): void {
    this.out.act({ kind: 'sendLearner', to: h.sid, packet: p });
  }

  close(h: Handler, reason: string): void {
    if (this.handlers.get(h.sid) !== h) return;
    this.out.act({ kind: 'closeLearner', to: h.sid });
    this.remove(h.sid, reason);
  }

  remove(sid: number, reason: string): void {
    if (!this.handlers.delete(sid)) return;
    this.out.emit('zab.learner.removed', { peer: sid, reason });
  }

  closeAll(): void {
    for (const h of [...this.handlers.values()]) this.close(h, 'leader shutting down');
  }

  inStage(stage: HandlerStage): Handler[] {
    return [...this.handlers.values()].filter((h) => h.stage === stage);
  }

  *forwarding(): Generator<Handler> {
    for (const h of this.handlers.values()) if (h.forwarding) yield h;
  }

  /** Participants whose last packet is recent enough (LearnerHandler.synced). */
  syncedVoters(now: number): number[] {
    const out: number[] = [];
    for (const h of this.handlers.values()) if (!h.observer && this.cfg.quorum.isVoter(h.sid) && now <= h.ackDeadline) out.push(h.sid);
    return out;
  }

  /** Closes every learner whose socket read timed out. */
  expire(now: number): void {
    for (const h of [...this.handlers.values()]) if (now >= h.readDeadline) this.close(h, 'read timed out');
  }

  nextDeadline(): number | null {
    let at: number | null = null;
    for (const h of this.handlers.values()) if (at === null || h.readDeadline < at) at = h.readDeadline;
    return at;
  }

  /** LearnerHandler.ping: only learners whose packets have started flowing. */
  ping(lastProposed: bigint): void {
    for (const h of this.forwarding()) this.send(h, packet(PacketType.PING, lastProposed));
  }

  touches(h: Handler, data: Buffer | null): void {
    this.decoding(h, () => {
      const touches = decodeTouches(data);
      if (touches.length > 0) this.out.act({ kind: 'touchSessions', from: h.sid, touches });
    });
  }

  revalidate(h: Handler, data: Buffer | null): void {
    this.decoding(h, () => {
      const { sessionId, timeout } = decodeRevalidateRequest(data);
      this.out.act({ kind: 'revalidateSession', from: h.sid, sessionId, timeout });
    });
  }

  revalidated(h: Handler, sessionId: bigint, valid: boolean): void {
    this.send(h, packet(PacketType.REVALIDATE, -1n, encodeRevalidateReply(sessionId, valid)));
  }

  request(h: Handler, p: QuorumPacket): void {
    this.decoding(h, () => this.out.act({ kind: 'learnerRequest', from: h.sid, request: decodeRequest(p.data), authinfo: p.authinfo }));
  }

  /** A malformed payload closes that learner's connection and nothing else. */
  private decoding(h: Handler, run: () => void): void {
    try {
      run();
    } catch (e) {
      if (!(e instanceof QuorumWireError)) throw e;
      this.close(h, e.message);
    }
  }
}
