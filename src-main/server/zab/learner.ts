// The learner side of ZAB (Learner, Follower, Observer in Apache ZooKeeper 3.8) as a pure state
// machine. It registers with FOLLOWERINFO or OBSERVERINFO, accepts the new epoch (acceptedEpoch
// on disk before ACKEPOCH), applies DIFF/TRUNC/SNAP, makes the synced log durable and writes
// currentEpoch before acking NEWLEADER, then follows: a proposal is acked only once it is on disk,
// commits are delivered in order, and silence from the leader for syncLimit ticks ends it all.

import type { LogEntry, Outbox } from './actions';
import {
  PROTOCOL_VERSION, ackEpochData, decodeInt, decodeRevalidateReply, encodeLearnerInfo, encodeRequest, encodeRevalidateRequest,
  type ForwardedRequest,
} from './payloads';
import { PacketType, QuorumWireError, packet, packetTypeName, type QuorumPacket } from './quorum-packet';
import type { ZabStore } from './store';
import { epochOf, hexZxid, makeZxid } from './zxid';

export interface LearnerConfig {
  myId: number;
  leaderId: number;
  observer: boolean;
  tickMs: number;
  initLimit: number;
  syncLimit: number;
  /** Learner.leaderConnectDelayDuringRetryMs: the pause before connecting again. */
  connectRetryMs?: number;
  configVersion?: bigint;
  /** Sessions touched since the last ping, for the PING reply (ZooKeeperServer.getTouchSnapshot). */
  touches?: () => Buffer | null;
}

export type LearnerPhase = 'connecting' | 'discovery' | 'sync' | 'broadcast' | 'stopped';

export class ZabLearner {
  phase: LearnerPhase = 'connecting';
  /** The epoch the leader announced in LEADERINFO. */
  newEpoch = -1n;
  stopReason: string | null = null;
  private heardAt = 0;
  private connectDeadline = 0;
  private retryAt: number | null = null;
  private receivedAny = false;
  private connected = false;
  private syncMode: 'DIFF' | 'TRUNC' | 'SNAP' | null = null;
  private newLeaderZxid: bigint | null = null;
  /** The log that must be durable before NEWLEADER is acked; null once acked. */
  private newLeaderTarget: bigint | null = null;
  private newLeaderAcked = false;
  /** Logged proposals waiting for their COMMIT, oldest first. */
  private pending: LogEntry[] = [];
  /** Logged proposals not acked yet, oldest first (followers only). */
  private toAck: bigint[] = [];

  constructor(private readonly cfg: LearnerConfig, private readonly store: ZabStore, private readonly out: Outbox) {}

  private get role(): string {
    return this.cfg.observer ? 'observer' : 'follower';
  }

  get leaderId(): number {
    return this.cfg.leaderId;
  }

  start(now: number): void {
    this.connectDeadline = now + this.cfg.initLimit * this.cfg.tickMs;
    this.out.emit('zab.phase', { role: this.role, phase: 'discovery', leader: this.cfg.leaderId });
    this.connect(now);
  }

  /** Learner.connectToLeader + registerWithLeader's first packet. */
  private connect(now: number): void {
    this.retryAt = null;
    this.heardAt = now;
    this.connected = true;
    this.phase = 'discovery';
    this.out.act({ kind: 'connectLeader', to: this.cfg.leaderId });
    const info = encodeLearnerInfo({ serverId: BigInt(this.cfg.myId), protocolVersion: PROTOCOL_VERSION, configVersion: this.cfg.configVersion ?? 0n });
    this.send(packet(this.cfg.observer ? PacketType.OBSERVERINFO : PacketType.FOLLOWERINFO, makeZxid(this.store.acceptedEpoch, 0n), info));
  }

  private send(p: QuorumPacket): void {
    this.out.act({ kind: 'sendLeader', packet: p });
  }

  onLeaderPacket(now: number, p: QuorumPacket): void {
    if (this.phase === 'stopped' || this.phase === 'connecting') return;
    this.heardAt = now;
    this.receivedAny = true;
    try {
      if (this.phase === 'discovery') this.onLeaderInfo(p);
      else if (this.phase === 'sync') this.onSyncPacket(p);
      else this.onBroadcastPacket(p);
    } catch (e) {
      if (!(e instanceof QuorumWireError)) throw e;
      this.stop(`malformed ${packetTypeName(p.type)} from the leader: ${e.message}`);
    }
  }

  /** Learner.registerWithLeader after FOLLOWERINFO: accept the epoch, durably, then ACKEPOCH. */
  private onLeaderInfo(p: QuorumPacket): void {
    if (p.type !== PacketType.LEADERINFO) return this.fail(`first packet should have been LEADERINFO, got ${packetTypeName(p.type)}`);
    decodeInt(p.data, 'LEADERINFO');
    const epoch = epochOf(p.zxid);
    let ackData: Buffer;
    if (epoch > this.store.acceptedEpoch) {
      ackData = ackEpochData(this.store.currentEpoch);
      this.store.setAcceptedEpoch(epoch);
    } else if (epoch === this.store.acceptedEpoch) {
      // Already acked this epoch once: the leader must not count us again, but needs our zxid to sync us.
      ackData = ackEpochData(-1);
    } else {
      return this.stop(`leader's epoch ${epoch} is less than our accepted epoch ${this.store.acceptedEpoch}`);
    }
    this.newEpoch = epoch;
    this.send(packet(PacketType.ACKEPOCH, this.store.lastZxid, ackData));
    this.phase = 'sync';
    this.out.emit('zab.phase', { role: this.role, phase: 'sync', leader: this.cfg.leaderId, epoch: Number(epoch) });
  }

  /** Learner.syncWithLeader: one of DIFF/TRUNC/SNAP, txns, NEWLEADER, then UPTODATE. */
  private onSyncPacket(p: QuorumPacket): void {
    if (this.syncMode === null) {
      switch (p.type) {
        case PacketType.DIFF:
          break;
        case PacketType.TRUNC:
          this.store.truncate(p.zxid);
          break;
        case PacketType.SNAP:
          this.store.installSnapshot(p.zxid, p.data ?? Buffer.alloc(0));
          break;
        default:
          return this.fail(`expected DIFF, TRUNC or SNAP, got ${packetTypeName(p.type)}`);
      }
      this.syncMode = p.type === PacketType.DIFF ? 'DIFF' : p.type === PacketType.TRUNC ? 'TRUNC' : 'SNAP';
      this.out.emit('zab.learner.syncing', { mode: this.syncMode, zxid: hexZxid(p.zxid), leader: this.cfg.leaderId });
      return;
    }
    switch (p.type) {
      case PacketType.PROPOSAL:
        return this.logProposal(p);
      case PacketType.COMMIT:
        return this.commit(p.zxid);
      case PacketType.INFORM:
        return this.inform(p);
      case PacketType.NEWLEADER:
        if (epochOf(p.zxid) !== this.newEpoch) return this.fail(`NEWLEADER ${hexZxid(p.zxid)} is not of epoch ${this.newEpoch}`);
        this.newLeaderZxid = p.zxid;
        // ZOOKEEPER-3911: the synced txns are on disk before NEWLEADER is acked.
        this.newLeaderTarget = this.store.lastZxid;
        this.store.flush();
        this.maybeAckNewLeader();
        return;
      case PacketType.UPTODATE:
        if (!this.newLeaderAcked) return this.fail('UPTODATE before NEWLEADER was acked');
        return this.upToDate();
      case PacketType.PING:
        return;
      default:
        this.out.emit('zab.packet.unexpected', { type: packetTypeName(p.type), zxid: hexZxid(p.zxid), phase: 'sync' });
    }
  }

  private maybeAckNewLeader(): void {
    if (this.newLeaderTarget === null || this.store.durableZxid < this.newLeaderTarget) return;
    this.newLeaderTarget = null;
    this.store.setCurrentEpoch(this.newEpoch);
    this.send(packet(PacketType.ACK, this.newLeaderZxid!));
    this.newLeaderAcked = true;
  }

  private upToDate(): void {
    this.send(packet(PacketType.ACK, makeZxid(this.newEpoch, 0n)));
    this.phase = 'broadcast';
    this.out.act({ kind: 'serving', serving: true });
    this.out.emit('zab.learner.synced', {
      role: this.role, leader: this.cfg.leaderId, epoch: Number(this.newEpoch), mode: this.syncMode, zxid: hexZxid(this.store.lastZxid),
    }, { epoch: this.newEpoch, leader: this.cfg.leaderId });
    this.ackDurable();
  }

  private onBroadcastPacket(p: QuorumPacket): void {
    switch (p.type) {
      case PacketType.PROPOSAL:
        if (this.cfg.observer) return;
        return this.logProposal(p);
      case PacketType.COMMIT:
        if (this.cfg.observer) return;
        return this.commit(p.zxid);
      case PacketType.INFORM:
        return this.inform(p);
      case PacketType.PING:
        this.send(packet(PacketType.PING, p.zxid, this.cfg.touches?.() ?? null, p.authinfo));
        return;
      case PacketType.SYNC:
        this.out.act({ kind: 'syncDone' });
        return;
      case PacketType.REVALIDATE: {
        const { sessionId, valid } = decodeRevalidateReply(p.data);
        this.out.act({ kind: 'sessionRevalidated', sessionId, valid });
        return;
      }
      default:
        this.out.emit('zab.packet.unexpected', { type: packetTypeName(p.type), zxid: hexZxid(p.zxid), phase: 'broadcast' });
    }
  }

  /** FollowerZooKeeperServer.logRequest: logged (not yet durable), acked once the fsync says so. */
  private logProposal(p: QuorumPacket): void {
    if (p.zxid <= this.store.lastZxid) return this.fail(`PROPOSAL ${hexZxid(p.zxid)} is not after our last zxid ${hexZxid(this.store.lastZxid)}`);
    const entry: LogEntry = { zxid: p.zxid, txn: p.data ?? Buffer.alloc(0) };
    this.store.append(entry);
    this.pending.push(entry);
    if (!this.cfg.observer) this.toAck.push(p.zxid);
    if (this.phase === 'broadcast') this.store.flush();
  }

  /** FollowerZooKeeperServer.commit: the COMMIT must name the oldest pending proposal. */
  private commit(zxid: bigint): void {
    const head = this.pending[0];
    if (!head) return this.fail(`COMMIT ${hexZxid(zxid)} without seeing its txn`);
    if (head.zxid !== zxid) return this.fail(`COMMIT ${hexZxid(zxid)}, but the next pending txn is ${hexZxid(head.zxid)}`);
    this.pending.shift();
    this.out.act({ kind: 'deliver', entry: head });
  }

  /** Observer: INFORM carries a committed txn: log it and deliver it. */
  private inform(p: QuorumPacket): void {
    if (!this.cfg.observer) return;
    if (p.zxid <= this.store.lastZxid) return this.fail(`INFORM ${hexZxid(p.zxid)} is not after our last zxid ${hexZxid(this.store.lastZxid)}`);
    const entry: LogEntry = { zxid: p.zxid, txn: p.data ?? Buffer.alloc(0) };
    this.store.append(entry);
    if (this.phase === 'broadcast') this.store.flush();
    this.out.act({ kind: 'deliver', entry });
  }

  /** The log is durable up to zxid: ack NEWLEADER or proposals that were waiting for it. */
  onLogSynced(zxid: bigint): void {
    this.store.synced(zxid);
    if (this.phase === 'sync') this.maybeAckNewLeader();
    else if (this.phase === 'broadcast') this.ackDurable();
  }

  private ackDurable(): void {
    const durable = this.store.durableZxid;
    let n = 0;
    while (n < this.toAck.length && this.toAck[n] <= durable) this.send(packet(PacketType.ACK, this.toAck[n++]));
    if (n > 0) this.toAck.splice(0, n);
  }

  /** Learner.request: a client write goes to the leader. False while not following. */
  forward(request: ForwardedRequest, authinfo: QuorumPacket['authinfo'] = null): boolean {
    if (this.phase !== 'broadcast') return false;
    this.send(packet(PacketType.REQUEST, -1n, encodeRequest(request), authinfo));
    return true;
  }

  /** Learner.validateSession: ask the leader whether a session moving here is still alive. */
  revalidate(sessionId: bigint, timeout: number): boolean {
    if (this.phase !== 'broadcast') return false;
    this.send(packet(PacketType.REVALIDATE, -1n, encodeRevalidateRequest(sessionId, timeout)));
    return true;
  }

  onLeaderClosed(now: number): void {
    if (this.phase === 'stopped' || !this.connected) return;
    this.connected = false;
    // Refused before the leader said anything: it may still be finishing its election; try again.
    if (this.phase === 'discovery' && !this.receivedAny) {
      const retryMs = this.cfg.connectRetryMs ?? 100;
      if (now + retryMs < this.connectDeadline) {
        this.phase = 'connecting';
        this.retryAt = now + retryMs;
        return;
      }
    }
    this.stop('the leader closed the connection');
  }

  onTick(now: number): void {
    if (this.phase === 'stopped') return;
    if (this.phase === 'connecting') {
      if (this.retryAt !== null && now >= this.retryAt) this.connect(now);
      return;
    }
    const limit = this.newLeaderZxid === null ? this.cfg.initLimit : this.cfg.syncLimit;
    if (now - this.heardAt >= limit * this.cfg.tickMs) this.stop(`nothing from leader ${this.cfg.leaderId} for ${now - this.heardAt} ms`);
  }

  get wakeAt(): number | null {
    if (this.phase === 'stopped') return null;
    if (this.phase === 'connecting') return this.retryAt;
    const limit = this.newLeaderZxid === null ? this.cfg.initLimit : this.cfg.syncLimit;
    return this.heardAt + limit * this.cfg.tickMs;
  }

  /** A protocol violation: logged as an error, then the learner gives up like any other failure. */
  private fail(reason: string): void {
    this.out.emit('zab.error', { role: this.role, leader: this.cfg.leaderId, reason });
    this.stop(reason);
  }

  stop(reason: string): void {
    if (this.phase === 'stopped') return;
    const wasServing = this.phase === 'broadcast';
    this.phase = 'stopped';
    this.stopReason = reason;
    if (this.connected) this.out.act({ kind: 'closeLeader' });
    this.connected = false;
    if (wasServing) this.out.act({ kind: 'serving', serving: false });
    this.out.emit('zab.lost', { role: this.role, leader: this.cfg.leaderId, reason });
  }
}
