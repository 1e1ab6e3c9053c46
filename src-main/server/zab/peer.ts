// One ensemble server's protocol core, as QuorumPeer.run loops it: LOOKING runs Fast Leader
// Election; its decision starts a leader, follower or observer; when that ends (lost quorum,
// silent leader, protocol error) the server fast-forwards its state over its log and looks again.
// Still pure: the shell feeds it election notifications, quorum packets, fsync reports and clock
// readings, and performs the actions it returns (see actions.ts).

import { FastLeaderElection, type ElectionOutput, type PeerFacts } from '../election/fast-leader-election';
import type { NotificationMessage } from '../election/notification-codec';
import type { QuorumMaj } from '../election/quorum';
import { ServerState } from '../election/vote';
import { Outbox, type ZabOutput } from './actions';
import { ZabLeader } from './leader';
import { ZabLearner } from './learner';
import type { ForwardedRequest } from './payloads';
import type { QuorumPacket } from './quorum-packet';
import { ZabStore, type DiskState } from './store';

export interface PeerConfig {
  myId: number;
  quorum: QuorumMaj;
  tickMs: number;
  initLimit: number;
  syncLimit: number;
  /** FastLeaderElection's timing and the config text its notifications carry. */
  election?: { configText?: string; finalizeWaitMs?: number; minNotificationIntervalMs?: number; maxNotificationIntervalMs?: number };
  /** zookeeper.commitLogCount: how many log entries a leader keeps for DIFFs. */
  commitLogCount?: number;
  connectRetryMs?: number;
  configData?: Buffer | null;
  configVersion?: bigint;
  touches?: () => Buffer | null;
}

export type PeerRole = 'looking' | 'leading' | 'following' | 'observing';

export class ZabPeer {
  readonly store: ZabStore;
  readonly election: FastLeaderElection;
  role: PeerRole = 'looking';
  leader: ZabLeader | null = null;
  learner: ZabLearner | null = null;
  private readonly out = new Outbox();
  /** The role whose settled epoch the election's answers already carry. */
  private voteUpdated: ZabLeader | ZabLearner | null = null;

  constructor(private readonly cfg: PeerConfig, disk: DiskState) {
    this.store = new ZabStore(disk, this.out, cfg.commitLogCount);
    this.election = new FastLeaderElection({ myId: cfg.myId, quorum: cfg.quorum, ...cfg.election });
  }

  /** What the election votes with: the last logged zxid and the currentEpoch file. */
  facts(): PeerFacts {
    return { lastLoggedZxid: this.store.lastZxid, currentEpoch: this.store.currentEpoch };
  }

  /** The ZAB phase of the current role, or 'election' while looking. */
  get phase(): string {
    return this.leader?.phase ?? this.learner?.phase ?? 'election';
  }

  /** Serving clients: an established leader, or a learner past UPTODATE. */
  get serving(): boolean {
    return this.phase === 'broadcast';
  }

  start(now: number): ZabOutput {
    this.out.emit('zab.state', { state: 'LOOKING', reason: 'start' });
    this.absorb(now, this.election.lookForLeader(now, this.facts()));
    return this.out.take();
  }

  onElectionMessage(now: number, from: number, message: NotificationMessage): ZabOutput {
    this.absorb(now, this.election.receive(now, from, message));
    return this.out.take();
  }

  /** A packet on the connection learner `sid` opened to us. */
  onLearnerPacket(now: number, sid: number, p: QuorumPacket): ZabOutput {
    // Only a leader listens on the quorum port: anyone else refuses the connection.
    if (this.leader) this.leader.onLearnerPacket(now, sid, p);
    else this.out.act({ kind: 'closeLearner', to: sid });
    return this.settle(now);
  }

  onLearnerClosed(now: number, sid: number): ZabOutput {
    this.leader?.onLearnerClosed(sid);
    return this.settle(now);
  }

  /** A packet on our connection to our leader. */
  onLeaderPacket(now: number, p: QuorumPacket): ZabOutput {
    this.learner?.onLeaderPacket(now, p);
    return this.settle(now);
  }

  onLeaderClosed(now: number): ZabOutput {
    this.learner?.onLeaderClosed(now);
    return this.settle(now);
  }

  /** The shell's fsync finished: every log entry at or below zxid is durable. */
  onLogSynced(now: number, zxid: bigint): ZabOutput {
    if (this.leader) this.leader.onLogSynced(now, zxid);
    else if (this.learner) this.learner.onLogSynced(zxid);
    else this.store.synced(zxid);
    return this.settle(now);
  }

  onTick(now: number): ZabOutput {
    this.absorb(now, this.election.tick(now));
    this.leader?.onTick(now);
    this.learner?.onTick(now);
    return this.settle(now);
  }

  get wakeAt(): number | null {
    let at = this.election.wakeAt;
    const role = this.leader?.wakeAt ?? this.learner?.wakeAt ?? null;
    if (role !== null && (at === null || role < at)) at = role;
    return at;
  }

  /** A write prepared on the leader: zxid assigned, txn built by makeTxn, proposed. */
  propose(now: number, makeTxn: (zxid: bigint) => Buffer): ZabOutput & { zxid: bigint | null } {
    const zxid = this.leader ? this.leader.propose(makeTxn) : null;
    return { zxid, ...this.settle(now) };
  }

  /** A client write on a learner goes to the leader; false while not following. */
  forward(now: number, request: ForwardedRequest, authinfo: QuorumPacket['authinfo'] = null): ZabOutput & { forwarded: boolean } {
    const forwarded = this.learner?.forward(request, authinfo) ?? false;
    return { forwarded, ...this.settle(now) };
  }

  /** Learner: a client moved its session here; ask the leader whether it is still valid. */
  revalidate(now: number, sessionId: bigint, timeout: number): ZabOutput & { sent: boolean } {
    const sent = this.learner?.revalidate(sessionId, timeout) ?? false;
    return { sent, ...this.settle(now) };
  }

  /** Leader: a learner's sync request reached the front of the request pipeline. */
  processSync(now: number, sid: number): ZabOutput {
    this.leader?.processSync(sid);
    return this.settle(now);
  }

  revalidateReply(now: number, sid: number, sessionId: bigint, valid: boolean): ZabOutput {
    this.leader?.revalidateReply(sid, sessionId, valid);
    return this.settle(now);
  }

  private absorb(now: number, out: ElectionOutput): void {
    for (const { to, message } of out.send) this.out.act({ kind: 'electionSend', to, message });
    for (const e of out.events) this.out.events.push(e);
    if (!out.decision) return;
    const leaderId = Number(out.decision.vote.leader);
    const timing = { tickMs: this.cfg.tickMs, initLimit: this.cfg.initLimit, syncLimit: this.cfg.syncLimit };
    if (out.decision.state === ServerState.LEADING) {
      this.role = 'leading';
      this.leader = new ZabLeader({ myId: this.cfg.myId, quorum: this.cfg.quorum, configData: this.cfg.configData, configVersion: this.cfg.configVersion, ...timing },
        this.store, this.out);
      this.out.emit('zab.state', { state: 'LEADING' });
      this.leader.start(now);
    } else {
      const observer = out.decision.state === ServerState.OBSERVING;
      this.role = observer ? 'observing' : 'following';
      this.learner = new ZabLearner({
        myId: this.cfg.myId, leaderId, observer, connectRetryMs: this.cfg.connectRetryMs, configVersion: this.cfg.configVersion,
        touches: this.cfg.touches, ...timing,
      }, this.store, this.out);
      this.out.emit('zab.state', { state: observer ? 'OBSERVING' : 'FOLLOWING', leader: leaderId });
      this.learner.start(now);
    }
  }

  /** After every input: a role that settled its epoch updates the vote; one that ended goes LOOKING. */
  private settle(now: number): ZabOutput {
    const role = this.leader ?? this.learner;
    if (role && role !== this.voteUpdated && role.phase === 'broadcast') {
      this.voteUpdated = role;
      this.election.updateElectionVote(this.leader ? this.leader.epoch : this.learner!.newEpoch);
    }
    if (role && role.phase === 'stopped') {
      this.leader = null;
      this.learner = null;
      this.role = 'looking';
      this.out.act({ kind: 'fastForward' });
      this.out.emit('zab.state', { state: 'LOOKING', reason: role.stopReason ?? '' });
      this.absorb(now, this.election.lookForLeader(now, this.facts()));
    }
    return this.out.take();
  }
}
