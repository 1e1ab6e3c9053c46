// Fast Leader Election as Apache ZooKeeper 3.8's FastLeaderElection runs it, as a pure state
// machine: notifications and clock readings in; notifications to send, the decision and events out.
// It covers both of ZooKeeper's threads: WorkerReceiver (answers peers, in every state) and
// lookForLeader (the LOOKING loop). No I/O and no timers: the caller asks wakeAt and calls tick.

import type { ElectionEvent, ElectionEventType } from './election-events';
import { notificationFields, voteFields } from './election-events';
import type { NotificationMessage } from './notification-codec';
import type { QuorumMaj } from './quorum';
import { LONG_MIN, ServerState, beats, makeVote, sameVote, stateName, type Vote } from './vote';
import type { EventFields } from '../events';

export interface ElectionOptions {
  myId: number;
  quorum: QuorumMaj;
  /** QuorumVerifier.toString(), carried by every notification (see quorumConfigText). */
  configText?: string;
  /** FastLeaderElection.finalizeWait. */
  finalizeWaitMs?: number;
  /** zookeeper.fastleader.minNotificationInterval (default finalizeWait). */
  minNotificationIntervalMs?: number;
  /** zookeeper.fastleader.maxNotificationInterval. */
  maxNotificationIntervalMs?: number;
}

/** What a server knows about itself when it starts looking: its last logged zxid and currentEpoch file. */
export interface PeerFacts {
  lastLoggedZxid: bigint;
  currentEpoch: bigint;
}

export interface OutgoingNotification {
  to: number;
  message: Omit<NotificationMessage, 'version'>;
}

export interface ElectionDecision {
  state: ServerState.LEADING | ServerState.FOLLOWING | ServerState.OBSERVING;
  /** The vote ended on, as lookForLeader returns it (QuorumPeer's currentVote from now on). */
  vote: Vote;
  reason: string;
  /** The voters whose votes made the quorum. */
  supporters: number[];
}

export interface ElectionOutput {
  send: OutgoingNotification[];
  decision: ElectionDecision | null;
  events: ElectionEvent[];
}

type Incoming = Omit<NotificationMessage, 'config'> & { sid: number };

const MAX_SID = BigInt(Number.MAX_SAFE_INTEGER);

export class FastLeaderElection {
  readonly myId: number;
  readonly quorum: QuorumMaj;
  readonly isParticipant: boolean;
  private readonly me: bigint;
  private readonly configText: string;
  private readonly finalizeWait: number;
  private readonly minInterval: number;
  private readonly maxInterval: number;

  private peerState = ServerState.LOOKING;
  private logicalclock = 0n;
  private proposedLeader = -1n;
  private proposedZxid = -1n;
  private proposedEpoch = -1n;
  /** QuorumPeer.currentVote: the last decision (or the initial self vote); what non-LOOKING answers carry. */
  private current: Vote | null = null;
  private facts: PeerFacts = { lastLoggedZxid: -1n, currentEpoch: -1n };
  private recvset = new Map<number, Vote>();
  private outofelection = new Map<number, Vote>();
  private notTimeout: number;
  private pollDeadline: number | null = null;
  private finalizeDeadline: number | null = null;
  private finalizeSupporters: number[] = [];
  private lookingSince = 0;
  /** Notifications to ourselves: QuorumCnxManager loops them back straight into the receive queue. */
  private loopback: Incoming[] = [];
  private out: ElectionOutput = FastLeaderElection.emptyOutput();

  constructor(opts: ElectionOptions) {
    this.myId = opts.myId;
    this.me = BigInt(opts.myId);
    this.quorum = opts.quorum;
    this.isParticipant = opts.quorum.isVoter(opts.myId);
    this.configText = opts.configText ?? '';
    this.finalizeWait = opts.finalizeWaitMs ?? 200;
    this.minInterval = opts.minNotificationIntervalMs ?? this.finalizeWait;
    this.maxInterval = opts.maxNotificationIntervalMs ?? 60_000;
    this.notTimeout = this.minInterval;
  }

  private static emptyOutput(): ElectionOutput {
    return { send: [], decision: null, events: [] };
  }

  get state(): ServerState {
    return this.peerState;
  }

  /** The logical clock: the election round this server is in (or last decided in). */
  get round(): bigint {
    return this.logicalclock;
  }

  /** The vote this server is proposing in the current round. */
  get proposal(): Vote {
    return makeVote(this.proposedLeader, this.proposedZxid, this.logicalclock, this.proposedEpoch);
  }

  get currentVote(): Vote | null {
    return this.current;
  }

  /** The earliest time tick() has something to do, or null when no timer runs. */
  get wakeAt(): number | null {
    if (this.peerState !== ServerState.LOOKING) return null;
    return this.finalizeDeadline ?? this.pollDeadline;
  }

  /** The recvset: the last vote of each voter in this round. */
  get ballotBox(): ReadonlyMap<number, Vote> {
    return this.recvset;
  }

  /** Enters LOOKING (QuorumPeer after a start or a lost leader): a new round, voting for ourselves. */
  lookForLeader(now: number, facts: PeerFacts): ElectionOutput {
    this.facts = facts;
    this.peerState = ServerState.LOOKING;
    // QuorumPeer.startLeaderElection: before any decision, answers carry the server's own vote.
    this.current ??= makeVote(this.me, facts.lastLoggedZxid, -1n, facts.currentEpoch);
    this.recvset = new Map();
    this.outofelection = new Map();
    this.notTimeout = this.minInterval;
    this.finalizeDeadline = null;
    this.lookingSince = now;
    this.logicalclock++;
    this.updateProposal(this.initId(), this.initZxid(), this.initEpoch());
    this.emit('election.looking', { ...voteFields(this.proposal), reason: 'new election: voting for ourselves' });
    this.sendNotifications('new election');
    this.pollDeadline = now + this.notTimeout;
    this.drainLoopback(now);
    return this.flush();
  }

  /** A notification from peer `from` (already decoded). */
  receive(now: number, from: number, message: NotificationMessage): ElectionOutput {
    this.handle(now, { ...message, sid: from });
    this.drainLoopback(now);
    return this.flush();
  }

  /** The clock moved: finishes a finalize wait or re-sends after a notification timeout. */
  tick(now: number): ElectionOutput {
    if (this.peerState === ServerState.LOOKING) {
      if (this.finalizeDeadline !== null) {
        if (now >= this.finalizeDeadline) {
          this.decide(now, this.proposedLeader, this.proposal, this.finalizeSupporters,
            `quorum of votes in round ${this.logicalclock} and no better vote within finalizeWait ${this.finalizeWait} ms`);
        }
      } else if (this.pollDeadline !== null && now >= this.pollDeadline) {
        // ZooKeeper re-sends (or reconnects, when nothing was delivered) and backs off exponentially.
        this.sendNotifications(`no notification for ${this.notTimeout} ms`);
        this.notTimeout = Math.min(this.notTimeout * 2, this.maxInterval);
        this.emit('election.timeout', { round: Number(this.logicalclock), nextTimeoutMs: this.notTimeout });
        this.pollDeadline = now + this.notTimeout;
        this.drainLoopback(now);
      }
    }
    return this.flush();
  }

  /** QuorumPeer.updateElectionVote: ZAB settled a new epoch, which answers to LOOKING peers now carry. */
  updateElectionVote(newEpoch: bigint): void {
    if (!this.current) return;
    const c = this.current;
    this.current = makeVote(c.leader, c.zxid, c.electionEpoch, newEpoch, c.state, c.version);
    this.emit('election.vote.epoch', { peerEpoch: Number(newEpoch) });
  }

  // --- WorkerReceiver -------------------------------------------------------------------------

  private handle(now: number, n: Incoming): void {
    if (n.sid !== this.myId) this.emit('election.notification.received', { from: n.sid, ...notificationFields(n), version: n.version });
    if (!this.quorum.isVoter(n.sid)) {
      // A non-voter (an observer) learns our view at once; its notification goes no further.
      const v = this.current ?? this.proposal;
      this.sendTo(n.sid, this.peerState, v.leader, v.zxid, this.logicalclock, v.peerEpoch, 'answer to a non-voter');
      return;
    }
    if (this.peerState === ServerState.LOOKING) {
      if (n.state === ServerState.LOOKING && n.electionEpoch < this.logicalclock) {
        this.sendTo(n.sid, ServerState.LOOKING, this.proposedLeader, this.proposedZxid, this.logicalclock, this.proposedEpoch,
          `answer to a peer in older round ${n.electionEpoch}`);
      }
      this.process(now, n);
    } else if (n.state === ServerState.LOOKING && this.current) {
      const v = this.current;
      this.sendTo(n.sid, this.peerState, v.leader, v.zxid, v.electionEpoch, v.peerEpoch, `answer to a LOOKING peer while ${stateName(this.peerState)}`);
    }
  }

  // --- lookForLeader's loop -------------------------------------------------------------------

  private process(now: number, n: Incoming): void {
    this.pollDeadline = now + this.notTimeout;
    if (this.finalizeDeadline !== null) {
      if (!beats(n.leader, n.zxid, n.peerEpoch, this.proposedLeader, this.proposedZxid, this.proposedEpoch)) {
        // The finalize loop swallows anything that does not beat our vote and waits afresh.
        this.finalizeDeadline = now + this.finalizeWait;
        this.ignore(n, 'finalize wait: not better than our vote');
        return;
      }
      this.finalizeDeadline = null;
      this.emit('election.finalize.abort', { from: n.sid, ...voteFields(n), reason: 'a better vote arrived during finalizeWait' });
    }
    if (!this.quorum.isVoter(n.sid) || !this.isVoterId(n.leader)) {
      this.ignore(n, `vote for ${n.leader} from ${n.sid}: not both voters`);
      return;
    }
    switch (n.state) {
      case ServerState.LOOKING: this.onLooking(now, n); break;
      case ServerState.OBSERVING: this.ignore(n, 'from an observer'); break;
      case ServerState.FOLLOWING:
      case ServerState.LEADING: this.onOutOfElection(now, n); break;
    }
  }

  private onLooking(now: number, n: Incoming): void {
    if (this.initZxid() === -1n) return this.ignore(n, 'our zxid is -1');
    if (n.zxid === -1n) return this.ignore(n, 'its zxid is -1');
    if (n.electionEpoch > this.logicalclock) {
      const from = this.proposal;
      this.logicalclock = n.electionEpoch;
      this.recvset.clear();
      if (beats(n.leader, n.zxid, n.peerEpoch, this.initId(), this.initZxid(), this.initEpoch())) {
        this.changeVote(from, n.leader, n.zxid, n.peerEpoch, `round ${n.electionEpoch} from ${n.sid} is newer; its vote beats our own`);
      } else {
        this.changeVote(from, this.initId(), this.initZxid(), this.initEpoch(), `round ${n.electionEpoch} from ${n.sid} is newer; our own vote is better`);
      }
      this.sendNotifications('joined a newer round');
    } else if (n.electionEpoch < this.logicalclock) {
      return this.ignore(n, `older round ${n.electionEpoch} < ${this.logicalclock}`);
    } else if (beats(n.leader, n.zxid, n.peerEpoch, this.proposedLeader, this.proposedZxid, this.proposedEpoch)) {
      this.changeVote(this.proposal, n.leader, n.zxid, n.peerEpoch, `better vote from ${n.sid}`);
      this.sendNotifications('vote changed');
    }
    this.recvset.set(n.sid, makeVote(n.leader, n.zxid, n.electionEpoch, n.peerEpoch));
    const supporters = this.agreeing(this.recvset, this.proposal);
    if (this.quorum.containsQuorum(supporters)) {
      this.finalizeDeadline = now + this.finalizeWait;
      this.finalizeSupporters = supporters;
      this.emit('election.quorum', { ...voteFields(this.proposal), supporters: supporters.join(','), waitMs: this.finalizeWait });
    }
  }

  /** receivedFollowingNotification / receivedLeadingNotification (no oracle with QuorumMaj). */
  private onOutOfElection(now: number, n: Incoming): void {
    const ref = makeVote(n.leader, n.zxid, n.electionEpoch, n.peerEpoch, n.state, n.version);
    const endVote = makeVote(n.leader, n.zxid, n.electionEpoch, n.peerEpoch);
    if (n.electionEpoch === this.logicalclock) {
      this.recvset.set(n.sid, makeVote(n.leader, n.zxid, n.electionEpoch, n.peerEpoch, n.state));
      const supporters = this.agreeing(this.recvset, ref);
      if (this.quorum.containsQuorum(supporters) && this.checkLeader(this.recvset, n.leader, n.electionEpoch)) {
        return this.decide(now, n.leader, endVote, supporters, `quorum for ${n.leader} in our round ${n.electionEpoch}, leader confirmed`);
      }
    }
    // A late joiner: a quorum already follows a leader that says it leads (ZOOKEEPER-1732).
    this.outofelection.set(n.sid, ref);
    const supporters = this.agreeing(this.outofelection, ref);
    if (this.quorum.containsQuorum(supporters) && this.checkLeader(this.outofelection, n.leader, n.electionEpoch)) {
      const from = this.logicalclock;
      this.logicalclock = n.electionEpoch;
      this.decide(now, n.leader, endVote, supporters,
        `joined the established leader ${n.leader} of round ${n.electionEpoch} (our round was ${from})`);
    }
  }

  /** getVoteTracker: the voters whose recorded vote equals `ref`. */
  private agreeing(votes: ReadonlyMap<number, Vote>, ref: Vote): number[] {
    const sids: number[] = [];
    for (const [sid, v] of votes) if (this.quorum.isVoter(sid) && sameVote(ref, v)) sids.push(sid);
    return sids;
  }

  /** A leader other than us must have told us itself that it leads; we lead only in our own round. */
  private checkLeader(votes: ReadonlyMap<number, Vote>, leader: bigint, electionEpoch: bigint): boolean {
    if (leader !== this.me) {
      const v = this.isVoterId(leader) ? votes.get(Number(leader)) : undefined;
      return v !== undefined && v.state === ServerState.LEADING;
    }
    return this.logicalclock === electionEpoch;
  }

  private decide(now: number, leader: bigint, vote: Vote, supporters: number[], reason: string): void {
    const state = leader === this.me ? ServerState.LEADING : this.isParticipant ? ServerState.FOLLOWING : ServerState.OBSERVING;
    this.peerState = state;
    this.current = vote;
    this.pollDeadline = null;
    this.finalizeDeadline = null;
    this.loopback = [];
    this.out.decision = { state, vote, reason, supporters };
    this.emit('election.decision', {
      decided: stateName(state), ...voteFields(vote), supporters: supporters.join(','), reason, electionMs: now - this.lookingSince,
    });
  }

  // --- helpers --------------------------------------------------------------------------------

  private initId(): bigint {
    return this.isParticipant ? this.me : LONG_MIN;
  }

  private initZxid(): bigint {
    return this.isParticipant ? this.facts.lastLoggedZxid : LONG_MIN;
  }

  private initEpoch(): bigint {
    return this.isParticipant ? this.facts.currentEpoch : LONG_MIN;
  }

  private isVoterId(id: bigint): boolean {
    return id >= 0n && id <= MAX_SID && this.quorum.isVoter(Number(id));
  }

  private updateProposal(leader: bigint, zxid: bigint, epoch: bigint): void {
    this.proposedLeader = leader;
    this.proposedZxid = zxid;
    this.proposedEpoch = epoch;
  }

  private changeVote(from: Vote, leader: bigint, zxid: bigint, epoch: bigint, reason: string): void {
    this.updateProposal(leader, zxid, epoch);
    this.emit('election.vote', {
      ...voteFields(this.proposal), fromLeader: Number(from.leader), fromZxid: voteFields(from).zxid, fromRound: Number(from.electionEpoch), reason,
    });
  }

  /** Our vote to every voter (ourselves included, by loopback); observers only answer. */
  private sendNotifications(reason: string): void {
    for (const sid of this.quorum.voters) {
      this.sendTo(sid, ServerState.LOOKING, this.proposedLeader, this.proposedZxid, this.logicalclock, this.proposedEpoch, reason);
    }
  }

  private sendTo(to: number, state: ServerState, leader: bigint, zxid: bigint, electionEpoch: bigint, peerEpoch: bigint, reason: string): void {
    if (to === this.myId) {
      this.loopback.push({ sid: to, state, leader, zxid, electionEpoch, peerEpoch, version: 2 });
      return;
    }
    const message = { state, leader, zxid, electionEpoch, peerEpoch, config: this.configText };
    this.out.send.push({ to, message });
    this.emit('election.notification.sent', { to, ...notificationFields(message), reason });
  }

  private drainLoopback(now: number): void {
    while (this.loopback.length > 0) this.handle(now, this.loopback.shift()!);
  }

  private ignore(n: Incoming, reason: string): void {
    this.emit('election.ignored', { from: n.sid, ...notificationFields(n), reason });
  }

  private emit(type: ElectionEventType, fields: EventFields): void {
    this.out.events.push({ type, fields });
  }

  private flush(): ElectionOutput {
    const out = this.out;
    this.out = FastLeaderElection.emptyOutput();
    return out;
  }
}
