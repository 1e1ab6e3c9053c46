// The leader side of ZAB, as Apache ZooKeeper 3.8's Leader and LearnerHandler run it, as a pure
// state machine. Discovery: gather FOLLOWERINFO from a quorum, pick an epoch above every accepted
// one, send LEADERINFO, gather ACKEPOCH from a quorum. Synchronization: bring each learner to the
// leader's history (DIFF, TRUNC or SNAP), then NEWLEADER; a quorum of NEWLEADER ACKs establishes
// the epoch and each learner gets UPTODATE. Broadcast: propose, collect ACKs, commit in zxid
// order, ping, and step down when a quorum stops answering.

import type { QuorumMaj } from '../election/quorum';
import type { LogEntry, Outbox } from './actions';
import { LeaderLearners, type Handler } from './learner-handler';
import { PROTOCOL_VERSION, decodeInt, decodeLearnerInfo, encodeInt } from './payloads';
import { PacketType, QuorumWireError, packet, packetTypeName, type QuorumPacket } from './quorum-packet';
import type { ZabStore } from './store';
import { planSync } from './sync-plan';
import { COUNTER_LIMIT, counterOf, hexZxid, makeZxid } from './zxid';

export interface LeaderConfig {
  myId: number;
  quorum: QuorumMaj;
  tickMs: number;
  initLimit: number;
  syncLimit: number;
  /** NEWLEADER's data: the quorum verifier's text, as ZooKeeper sends it. */
  configData?: Buffer | null;
  /** Our quorum config version; a learner with a later one is refused. */
  configVersion?: bigint;
}

export type LeaderPhase = 'discovery' | 'epochAck' | 'sync' | 'broadcast' | 'stopped';

interface Proposal extends LogEntry {
  acks: Set<number>;
}

export class ZabLeader {
  phase: LeaderPhase = 'discovery';
  /** The epoch being established (-1 until a quorum has reported its accepted epochs). */
  epoch = -1n;
  /** The last committed zxid: the whole history until the epoch is established. */
  lastCommitted: bigint;
  lastProposed: bigint;
  stopReason: string | null = null;
  readonly learners: LeaderLearners;
  private readonly connecting = new Set<number>();
  private readonly electing = new Set<number>();
  private readonly newLeaderAcks = new Set<number>();
  private readonly summary: { currentEpoch: bigint; lastZxid: bigint };
  private phaseDeadline: number;
  private outstanding: Proposal[] = [];
  private selfAckedUpTo: bigint;
  /** The history to be durable before the leader counts its own NEWLEADER ack. */
  private selfAckTarget: bigint | null = null;
  private readonly pendingSyncs = new Map<bigint, number[]>();
  private nextPingAt = 0;
  private nextCheckAt = 0;

  constructor(private readonly cfg: LeaderConfig, private readonly store: ZabStore, private readonly out: Outbox) {
    this.learners = new LeaderLearners(cfg, out);
    this.summary = { currentEpoch: store.currentEpoch, lastZxid: store.lastZxid };
    this.lastCommitted = store.lastZxid;
    this.lastProposed = store.lastZxid;
    this.selfAckedUpTo = store.lastZxid;
    this.phaseDeadline = 0;
  }

  private get initMs(): number {
    return this.cfg.initLimit * this.cfg.tickMs;
  }

  private get newLeaderZxid(): bigint {
    return makeZxid(this.epoch, 0n);
  }

  /** Learners' sync requests waiting for a proposal to commit (mntr's pending_syncs). */
  get pendingSyncCount(): number {
    let n = 0;
    for (const sids of this.pendingSyncs.values()) n += sids.length;
    return n;
  }

  get outstandingCount(): number {
    return this.outstanding.length;
  }

  start(now: number): void {
    this.phaseDeadline = now + this.initMs;
    this.setPhase('discovery');
    this.offerEpoch(now, this.cfg.myId, this.store.acceptedEpoch);
  }

  // --- discovery ------------------------------------------------------------------------------

  /** Leader.getEpochToPropose: the epoch rises above every accepted epoch reported. */
  private offerEpoch(now: number, sid: number, acceptedEpoch: bigint): void {
    if (acceptedEpoch >= this.epoch) this.epoch = acceptedEpoch + 1n;
    if (this.cfg.quorum.isVoter(sid)) this.connecting.add(sid);
    if (this.connecting.has(this.cfg.myId) && this.cfg.quorum.containsQuorum(this.connecting)) this.epochDecided(now);
  }

  private epochDecided(now: number): void {
    this.store.setAcceptedEpoch(this.epoch);
    this.phaseDeadline = now + this.initMs;
    this.setPhase('epochAck');
    this.out.emit('zab.leader.epoch', { epoch: Number(this.epoch), connected: [...this.connecting].join(',') });
    for (const h of this.learners.inStage('epoch')) this.sendLeaderInfo(h);
    this.ackEpoch(now, this.cfg.myId, this.summary.currentEpoch, this.summary.lastZxid);
  }

  private sendLeaderInfo(h: Handler): void {
    this.learners.send(h, packet(PacketType.LEADERINFO, this.newLeaderZxid, encodeInt(PROTOCOL_VERSION)));
    h.stage = 'ackepoch';
  }

  /** Leader.waitForEpochAck: a learner ahead of the leader is refused. */
  private ackEpoch(now: number, sid: number, currentEpoch: bigint, lastZxid: bigint): void {
    if (currentEpoch !== -1n) {
      const { currentEpoch: ce, lastZxid: lz } = this.summary;
      if (currentEpoch > ce || (currentEpoch === ce && lastZxid > lz)) {
        const h = this.learners.get(sid);
        if (h) this.learners.close(h, `follower is ahead of the leader: epoch ${currentEpoch}, zxid ${hexZxid(lastZxid)}`);
        return;
      }
      if (lastZxid !== -1n && this.cfg.quorum.isVoter(sid)) this.electing.add(sid);
    }
    if (this.electing.has(this.cfg.myId) && this.cfg.quorum.containsQuorum(this.electing)) this.electionFinished(now);
  }

  private electionFinished(now: number): void {
    this.store.setCurrentEpoch(this.epoch);
    this.phaseDeadline = now + this.initMs;
    this.setPhase('sync');
    // The leader's own NEWLEADER ack, like a follower's, waits until its history is on disk.
    if (this.store.unsynced) {
      this.selfAckTarget = this.store.lastZxid;
      this.store.flush();
    } else {
      this.newLeaderAcks.add(this.cfg.myId);
    }
    for (const h of this.learners.inStage('waitSync')) this.syncLearner(h);
    this.checkNewLeaderQuorum(now);
  }

  // --- synchronization ------------------------------------------------------------------------

  /** LearnerHandler.syncFollower, startForwarding and NEWLEADER. */
  private syncLearner(h: Handler): void {
    const committed = this.lastCommitted;
    const plan = planSync(this.store, committed, h.peerLastZxid);
    this.out.emit('zab.learner.sync', {
      peer: h.sid, mode: plan.mode, peerZxid: hexZxid(h.peerLastZxid), zxid: hexZxid(plan.zxid), committed: hexZxid(committed),
    });
    if (plan.mode === 'SNAP') {
      this.out.act({ kind: 'sendSnapshot', to: h.sid, zxid: plan.zxid });
    } else {
      this.learners.send(h, packet(plan.mode === 'DIFF' ? PacketType.DIFF : PacketType.TRUNC, plan.zxid));
      for (const e of this.store.range(plan.mode === 'DIFF' ? plan.after : plan.zxid, committed)) {
        this.learners.send(h, packet(PacketType.PROPOSAL, e.zxid, e.txn));
        this.learners.send(h, packet(PacketType.COMMIT, e.zxid));
      }
    }
    // Proposals still in flight go to participants only; observers learn them once committed.
    if (!h.observer) for (const p of this.outstanding) this.learners.send(h, packet(PacketType.PROPOSAL, p.zxid, p.txn));
    h.forwarding = true;
    this.learners.send(h, packet(PacketType.NEWLEADER, this.newLeaderZxid, this.cfg.configData ?? null));
    h.stage = 'newleader';
  }

  private checkNewLeaderQuorum(now: number): void {
    if (this.phase === 'sync' && this.newLeaderAcks.has(this.cfg.myId) && this.cfg.quorum.containsQuorum(this.newLeaderAcks)) {
      this.establish(now);
    }
  }

  private establish(now: number): void {
    this.lastProposed = this.newLeaderZxid;
    this.setPhase('broadcast');
    const supporters = [...this.newLeaderAcks].sort((a, b) => a - b);
    this.out.emit('zab.leader.established', {
      epoch: Number(this.epoch), zxid: hexZxid(this.lastCommitted), supporters: supporters.join(','),
    }, { epoch: this.epoch, lastZxid: this.lastCommitted, supporters });
    this.out.act({ kind: 'serving', serving: true });
    for (const h of this.learners.inStage('uptodateWait')) this.sendUpToDate(h);
    this.nextPingAt = now + this.cfg.tickMs / 2;
    this.nextCheckAt = now + this.cfg.tickMs;
  }

  private sendUpToDate(h: Handler): void {
    this.learners.send(h, packet(PacketType.UPTODATE, -1n));
    h.stage = 'broadcast';
  }

  // --- packets from learners ------------------------------------------------------------------

  onLearnerPacket(now: number, sid: number, p: QuorumPacket): void {
    if (this.phase === 'stopped') return;
    const h = this.learners.get(sid);
    if (!h) return this.onNewLearner(now, sid, p);
    this.learners.heard(h, now);
    try {
      this.dispatch(now, h, p);
    } catch (e) {
      // A malformed packet closes that one learner's connection, as LearnerHandler's IOException does.
      if (!(e instanceof QuorumWireError)) throw e;
      this.learners.close(h, e.message);
    }
  }

  private dispatch(now: number, h: Handler, p: QuorumPacket): void {
    const sid = h.sid;
    switch (h.stage) {
      case 'ackepoch':
        if (p.type !== PacketType.ACKEPOCH) return this.learners.close(h, `${packetTypeName(p.type)} is not ACKEPOCH`);
        h.peerLastZxid = p.zxid;
        if (this.phase !== 'epochAck') return this.syncLearner(h);
        // Waiting first: if this ACKEPOCH completes the quorum, the learner is synced with the rest.
        h.stage = 'waitSync';
        this.ackEpoch(now, sid, BigInt(decodeInt(p.data, 'ACKEPOCH')), p.zxid);
        return;
      case 'newleader':
        if (p.type !== PacketType.ACK) return this.learners.close(h, `next packet was supposed to be an ACK, got ${packetTypeName(p.type)}`);
        if (p.zxid !== this.newLeaderZxid) return this.learners.close(h, `NEWLEADER ACK ${hexZxid(p.zxid)} is from another epoch`);
        h.stage = 'uptodateWait';
        if (this.cfg.quorum.isVoter(sid) && !h.observer) this.newLeaderAcks.add(sid);
        if (this.phase === 'broadcast') this.sendUpToDate(h);
        else this.checkNewLeaderQuorum(now);
        return;
      case 'uptodateWait':
      case 'broadcast':
        return this.onBroadcastPacket(h, p);
      default:
        return this.learners.close(h, `unexpected ${packetTypeName(p.type)} while ${h.stage}`);
    }
  }

  private onNewLearner(now: number, sid: number, p: QuorumPacket): void {
    const refuse = (reason: string) => {
      this.out.act({ kind: 'closeLearner', to: sid });
      this.out.emit('zab.learner.refused', { peer: sid, reason });
    };
    if (p.type !== PacketType.FOLLOWERINFO && p.type !== PacketType.OBSERVERINFO) {
      return refuse(`first packet ${packetTypeName(p.type)} is not FOLLOWERINFO or OBSERVERINFO`);
    }
    const info = decodeLearnerInfo(p.data);
    if (!info || info.protocolVersion < PROTOCOL_VERSION) return refuse('a pre-Zab-1.0 learner');
    if (info.serverId !== BigInt(sid)) return refuse(`LearnerInfo names server ${info.serverId}`);
    if (info.configVersion > (this.cfg.configVersion ?? 0n)) return refuse('follower is ahead of the leader (has a later activated configuration)');
    const h = this.learners.add(now, sid, p.type === PacketType.OBSERVERINFO);
    if (this.phase === 'discovery') this.offerEpoch(now, sid, p.zxid >> 32n);
    else this.sendLeaderInfo(h);
  }

  private onBroadcastPacket(h: Handler, p: QuorumPacket): void {
    switch (p.type) {
      case PacketType.ACK:
        this.processAck(h, p.zxid);
        return;
      case PacketType.PING:
        this.learners.touches(h, p.data);
        return;
      case PacketType.REVALIDATE:
        this.learners.revalidate(h, p.data);
        return;
      case PacketType.REQUEST:
        if (this.phase === 'broadcast') this.learners.request(h, p);
        return;
      default:
        this.out.emit('zab.packet.unexpected', { peer: h.sid, type: packetTypeName(p.type), zxid: hexZxid(p.zxid) });
    }
  }

  /** Leader.processAck: acks count from voters; commits go strictly in zxid order. */
  private processAck(h: Handler, zxid: bigint): void {
    if (counterOf(zxid) === 0n || zxid <= this.lastCommitted || this.outstanding.length === 0) return;
    const p = this.proposalAt(zxid);
    if (!p) {
      this.out.emit('zab.ack.unknown', { peer: h.sid, zxid: hexZxid(zxid) });
      return;
    }
    if (!h.observer && this.cfg.quorum.isVoter(h.sid)) p.acks.add(h.sid);
    this.tryCommit();
  }

  /** Outstanding proposals have consecutive counters in this epoch, so the index is arithmetic. */
  private proposalAt(zxid: bigint): Proposal | undefined {
    if (this.outstanding.length === 0) return undefined;
    const i = Number(zxid - this.outstanding[0].zxid);
    return i >= 0 && i < this.outstanding.length ? this.outstanding[i] : undefined;
  }

  private tryCommit(): void {
    while (this.outstanding.length > 0 && this.cfg.quorum.containsQuorum(this.outstanding[0].acks)) {
      this.commit(this.outstanding.shift()!);
    }
  }

  private commit(p: Proposal): void {
    this.lastCommitted = p.zxid;
    const entry: LogEntry = { zxid: p.zxid, txn: p.txn };
    for (const h of this.learners.forwarding()) {
      this.learners.send(h, h.observer ? packet(PacketType.INFORM, p.zxid, p.txn) : packet(PacketType.COMMIT, p.zxid));
    }
    this.out.act({ kind: 'deliver', entry });
    this.out.emit('zab.commit', { zxid: hexZxid(p.zxid), acks: [...p.acks].join(',') }, entry);
    const syncs = this.pendingSyncs.get(p.zxid);
    if (syncs) {
      this.pendingSyncs.delete(p.zxid);
      for (const sid of syncs) this.sendSync(sid);
    }
  }

  // --- what the shell asks ---------------------------------------------------------------------

  /**
   * Leader.propose: the next zxid of this epoch, its txn (built by the caller, who needs the zxid
   * for the TxnHeader) logged and sent to every participant. Null when not serving.
   */
  propose(makeTxn: (zxid: bigint) => Buffer): bigint | null {
    if (this.phase !== 'broadcast') return null;
    const counter = counterOf(this.lastProposed) + 1n;
    if (counter >= COUNTER_LIMIT) {
      this.stop('zxid lower 32 bits have rolled over, forcing re-election, and therefore new epoch start');
      return null;
    }
    const zxid = makeZxid(this.epoch, counter);
    const txn = makeTxn(zxid);
    this.store.append({ zxid, txn });
    this.store.flush();
    this.outstanding.push({ zxid, txn, acks: new Set() });
    this.lastProposed = zxid;
    for (const h of this.learners.forwarding()) if (!h.observer) this.learners.send(h, packet(PacketType.PROPOSAL, zxid, txn));
    this.out.emit('zab.propose', { zxid: hexZxid(zxid) });
    return zxid;
  }

  /** Leader.processSync: answer a learner's sync once everything proposed before it is committed. */
  processSync(sid: number): void {
    if (this.outstanding.length === 0) return this.sendSync(sid);
    const waiting = this.pendingSyncs.get(this.lastProposed) ?? [];
    waiting.push(sid);
    this.pendingSyncs.set(this.lastProposed, waiting);
  }

  private sendSync(sid: number): void {
    const h = this.learners.get(sid);
    if (h) this.learners.send(h, packet(PacketType.SYNC, 0n));
  }

  revalidateReply(sid: number, sessionId: bigint, valid: boolean): void {
    const h = this.learners.get(sid);
    if (h) this.learners.revalidated(h, sessionId, valid);
  }

  /** The log is durable up to zxid: the leader's own acks. */
  onLogSynced(now: number, zxid: bigint): void {
    this.store.synced(zxid);
    const durable = this.store.durableZxid;
    if (this.selfAckTarget !== null && durable >= this.selfAckTarget) {
      this.selfAckTarget = null;
      this.newLeaderAcks.add(this.cfg.myId);
      this.checkNewLeaderQuorum(now);
    }
    if (this.phase !== 'broadcast' || durable <= this.selfAckedUpTo) return;
    for (const p of this.outstanding) {
      if (p.zxid > durable) break;
      if (p.zxid > this.selfAckedUpTo) p.acks.add(this.cfg.myId);
    }
    this.selfAckedUpTo = durable;
    this.tryCommit();
  }

  onLearnerClosed(sid: number): void {
    this.learners.remove(sid, 'connection closed');
  }

  onTick(now: number): void {
    if (this.phase === 'stopped') return;
    if (this.phase !== 'broadcast' && now >= this.phaseDeadline) {
      const what = { discovery: 'epoch from quorum', epochAck: 'epoch to be acked by quorum', sync: 'NEWLEADER to be acked by quorum' };
      return this.stop(`timeout while waiting for ${what[this.phase]}`);
    }
    this.learners.expire(now);
    if (this.phase !== 'broadcast') return;
    if (now >= this.nextCheckAt) {
      this.nextCheckAt = now + this.cfg.tickMs;
      const synced = [this.cfg.myId, ...this.learners.syncedVoters(now)];
      if (!this.cfg.quorum.containsQuorum(synced)) {
        return this.stop(`not sufficient followers synced, only synced with sids: [ ${synced.join(',')} ]`);
      }
    }
    if (now >= this.nextPingAt) {
      this.nextPingAt = now + this.cfg.tickMs / 2;
      this.learners.ping(this.lastProposed);
    }
  }

  get wakeAt(): number | null {
    if (this.phase === 'stopped') return null;
    let at = this.learners.nextDeadline();
    const mine = this.phase === 'broadcast' ? Math.min(this.nextPingAt, this.nextCheckAt) : this.phaseDeadline;
    if (at === null || mine < at) at = mine;
    return at;
  }

  /** Leader.shutdown: every learner connection closes; the server goes back to LOOKING. */
  stop(reason: string): void {
    if (this.phase === 'stopped') return;
    const wasServing = this.phase === 'broadcast';
    this.phase = 'stopped';
    this.stopReason = reason;
    this.learners.closeAll();
    if (wasServing) this.out.act({ kind: 'serving', serving: false });
    this.out.emit('zab.lost', { role: 'leader', epoch: Number(this.epoch), reason });
  }

  private setPhase(phase: LeaderPhase): void {
    this.phase = phase;
    this.out.emit('zab.phase', { role: 'leader', phase, epoch: Number(this.epoch) });
  }
}
