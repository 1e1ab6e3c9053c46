// One server under the simulator: the real FastLeaderElection machine, its notifications going
// through the real wire codec, plus a minimal stand-in for what ZAB does after an election (until
// the ZAB machines plug in here): followers ping their leader every tick; a leader that has no
// quorum of followers within initLimit ticks, or loses it for syncLimit ticks, and a follower that
// hears nothing from its leader for that long, go back to LOOKING, as QuorumPeer does. Stepping
// down closes the quorum connections, which the other side sees at once unless the network eats it.

import { ElectionWireError, decodeNotification, encodeNotification } from '../../election/notification-codec';
import { FastLeaderElection, type ElectionDecision, type ElectionOutput, type PeerFacts } from '../../election/fast-leader-election';
import type { QuorumMaj } from '../../election/quorum';
import { ServerState, hex, stateName } from '../../election/vote';
import type { Outbound, SimEvent, SimNode, Step } from '../simulator';

export type ElectionSimMessage =
  | { kind: 'fle'; bytes: Buffer }
  | { kind: 'ping'; leader: number }
  | { kind: 'pong' }
  /** The quorum connection closed: the peer stepped down (a TCP FIN, as far as the other side can tell). */
  | { kind: 'bye' };

export interface ElectionNodeConfig {
  quorum: QuorumMaj;
  configText: string;
  finalizeWaitMs: number;
  minNotificationIntervalMs: number;
  maxNotificationIntervalMs: number;
  tickMs: number;
  initLimit: number;
  syncLimit: number;
}

/** What a checker learns from a decision event. */
export interface DecisionData {
  decision: ElectionDecision;
  facts: PeerFacts;
}

export type Role = 'looking' | 'following' | 'leading';

export class ElectionSimNode implements SimNode<ElectionSimMessage, PeerFacts> {
  readonly fle: FastLeaderElection;
  role: Role = 'looking';
  leader: number | null = null;
  /** Leader: a quorum of participants (itself included) pinged it within syncLimit ticks. */
  established = false;
  establishedAt = 0;
  /** Follower: the last time its leader answered. */
  lastPong = 0;
  private decidedAt = 0;
  private readonly pings = new Map<number, number>();
  private nextTick: number | null = null;
  private send: Outbound<ElectionSimMessage>[] = [];
  private events: SimEvent[] = [];

  constructor(readonly id: number, readonly facts: PeerFacts, private readonly cfg: ElectionNodeConfig) {
    this.fle = new FastLeaderElection({
      myId: id, quorum: cfg.quorum, configText: cfg.configText, finalizeWaitMs: cfg.finalizeWaitMs,
      minNotificationIntervalMs: cfg.minNotificationIntervalMs, maxNotificationIntervalMs: cfg.maxNotificationIntervalMs,
    });
  }

  start(now: number): Step<ElectionSimMessage> {
    this.absorb(now, this.fle.lookForLeader(now, this.facts));
    return this.step();
  }

  onMessage(now: number, from: number, msg: ElectionSimMessage): Step<ElectionSimMessage> {
    switch (msg.kind) {
      case 'fle':
        try {
          this.absorb(now, this.fle.receive(now, from, decodeNotification(msg.bytes)));
        } catch (e) {
          if (!(e instanceof ElectionWireError)) throw e;
          this.events.push({ type: 'election.malformed', fields: { from, reason: e.message } });
        }
        break;
      case 'ping':
        if (this.role === 'leading' && msg.leader === this.id) {
          this.pings.set(from, now);
          this.send.push({ to: from, msg: { kind: 'pong' } });
        }
        break;
      case 'pong':
        if (this.role === 'following' && from === this.leader) this.lastPong = now;
        break;
      case 'bye':
        if (this.role === 'following' && from === this.leader) this.backToLooking(now, `leader ${from} closed the connection`);
        else if (this.role === 'leading') this.pings.delete(from);
        break;
    }
    return this.step();
  }

  onTick(now: number): Step<ElectionSimMessage> {
    const wake = this.fle.wakeAt;
    if (wake !== null && now >= wake) this.absorb(now, this.fle.tick(now));
    if (this.nextTick !== null && now >= this.nextTick) {
      this.nextTick = now + this.cfg.tickMs;
      if (this.role === 'following') this.followerTick(now);
      else if (this.role === 'leading') this.leaderTick(now);
    }
    return this.step();
  }

  durable(): PeerFacts {
    return this.facts;
  }

  private followerTick(now: number): void {
    const limit = (this.lastPong === this.decidedAt ? this.cfg.initLimit : this.cfg.syncLimit) * this.cfg.tickMs;
    if (now - this.lastPong > limit) return this.backToLooking(now, `no word from leader ${this.leader} for ${now - this.lastPong} ms`);
    this.send.push({ to: this.leader!, msg: { kind: 'ping', leader: this.leader! } });
  }

  private leaderTick(now: number): void {
    const window = this.cfg.syncLimit * this.cfg.tickMs;
    const synced = [this.id];
    for (const [sid, at] of this.pings) if (now - at <= window) synced.push(sid);
    const quorate = this.cfg.quorum.containsQuorum(synced);
    if (!this.established) {
      if (quorate) {
        this.established = true;
        this.establishedAt = now;
        this.events.push({ type: 'stub.established', fields: { leader: this.id, round: Number(this.fle.round), followers: synced.join(',') } });
      } else if (now - this.decidedAt > this.cfg.initLimit * this.cfg.tickMs) {
        this.backToLooking(now, `no quorum of followers within initLimit (${synced.join(',')})`);
      }
    } else if (!quorate) {
      this.backToLooking(now, `lost the quorum of followers (${synced.join(',')})`);
    }
  }

  private backToLooking(now: number, reason: string): void {
    this.events.push({ type: 'stub.lost', fields: { role: this.role, leader: this.leader, reason } });
    const peers = this.role === 'leading' ? [...this.pings.keys()] : this.leader !== null ? [this.leader] : [];
    for (const to of peers) this.send.push({ to, msg: { kind: 'bye' } });
    this.role = 'looking';
    this.leader = null;
    this.established = false;
    this.nextTick = null;
    this.absorb(now, this.fle.lookForLeader(now, this.facts));
  }

  private absorb(now: number, out: ElectionOutput): void {
    for (const { to, message } of out.send) this.send.push({ to, msg: { kind: 'fle', bytes: encodeNotification(message) } });
    for (const e of out.events) {
      const data: DecisionData | undefined = e.type === 'election.decision' && out.decision ? { decision: out.decision, facts: this.facts } : undefined;
      this.events.push({ type: e.type, fields: e.fields, data });
    }
    if (out.decision) this.onDecision(now, out.decision);
  }

  private onDecision(now: number, d: ElectionDecision): void {
    this.leader = Number(d.vote.leader);
    this.decidedAt = now;
    this.lastPong = now;
    this.pings.clear();
    this.established = false;
    this.nextTick = now + this.cfg.tickMs;
    if (d.state === ServerState.LEADING) {
      this.role = 'leading';
    } else {
      this.role = 'following';
      this.send.push({ to: this.leader, msg: { kind: 'ping', leader: this.leader } });
    }
  }

  private step(): Step<ElectionSimMessage> {
    const fleWake = this.fle.wakeAt;
    const wakeAt = fleWake === null ? this.nextTick : this.nextTick === null ? fleWake : Math.min(fleWake, this.nextTick);
    const step = { send: this.send, wakeAt, events: this.events };
    this.send = [];
    this.events = [];
    return step;
  }
}

/** A message in one line, for traces. */
export function describeElectionMessage(msg: ElectionSimMessage): string {
  if (msg.kind !== 'fle') return msg.kind === 'ping' ? `ping leader ${msg.leader}` : msg.kind;
  try {
    const n = decodeNotification(msg.bytes);
    return `FLE ${stateName(n.state)} leader=${n.leader} zxid=${hex(n.zxid)} round=${n.electionEpoch} peerEpoch=${n.peerEpoch}`;
  } catch (e) {
    return `FLE malformed (${(e as Error).message})`;
  }
}
