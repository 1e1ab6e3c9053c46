// Fast Leader Election's safety properties, checked from the outside on every decision of a run.
//
// Rounds (logicalclock) are not durable in ZooKeeper and a late joiner takes the round of the
// leader it joins, so a server may legitimately see a round number twice. An "era" of a server
// ends whenever its round goes backwards (a restart, or joining an older round); within an era a
// server decides at most once per round, and that is what quorum intersection rests on.

import type { PeerFacts } from '../../election/fast-leader-election';
import type { QuorumMaj } from '../../election/quorum';
import { ServerState, hex, stateName } from '../../election/vote';
import type { SimEvent, SimObserver } from '../simulator';
import type { DecisionData, ElectionSimMessage } from './election-node';

interface DecisionRecord {
  time: number;
  sid: number;
  era: number;
  round: bigint;
  leader: bigint;
  state: ServerState;
}

export interface ElectionStats {
  decisions: number;
  leaderDecisions: number;
  /** (round, leader) pairs that a quorum decided for, the leader included. */
  established: number;
  /** Rounds in which two different leaders were each established, by servers in different eras. */
  roundReuse: number;
  finalizeAborts: number;
  notificationTimeouts: number;
}

export class ElectionInvariants implements SimObserver<ElectionSimMessage> {
  readonly violations: string[] = [];
  readonly decisions: DecisionRecord[] = [];
  private readonly era = new Map<number, number>();
  private readonly lastRound = new Map<number, bigint>();
  private readonly decidedIn = new Map<number, Set<string>>();
  private finalizeAborts = 0;
  private timeouts = 0;

  constructor(private readonly quorum: QuorumMaj, private readonly facts: ReadonlyMap<number, PeerFacts>,
    private readonly onViolation: (message: string) => void = () => {}) {}

  /** A strict majority of participants, counted here rather than trusted to the code under test. */
  private isMajority(sids: Iterable<number>): boolean {
    const distinct = new Set([...sids].filter((s) => this.quorum.voters.has(s)));
    return 2 * distinct.size > this.quorum.voters.size;
  }

  onStart(_now: number, node: number): void {
    this.era.set(node, (this.era.get(node) ?? 0) + 1);
    this.lastRound.set(node, 0n);
  }

  onEvent(now: number, node: number, ev: SimEvent): void {
    switch (ev.type) {
      case 'election.looking':
      case 'election.vote':
        this.seeRound(node, BigInt(ev.fields.round as number));
        break;
      case 'election.finalize.abort':
        this.finalizeAborts++;
        break;
      case 'election.timeout':
        this.timeouts++;
        break;
      case 'election.decision':
        this.onDecision(now, node, ev.data as DecisionData);
        break;
    }
  }

  private seeRound(node: number, round: bigint): void {
    if (round < (this.lastRound.get(node) ?? 0n)) this.era.set(node, (this.era.get(node) ?? 0) + 1);
    this.lastRound.set(node, round);
  }

  private violate(message: string): void {
    this.violations.push(message);
    this.onViolation(message);
  }

  private onDecision(time: number, sid: number, { decision }: DecisionData): void {
    const v = decision.vote;
    const round = v.electionEpoch;
    this.seeRound(sid, round);
    const era = this.era.get(sid) ?? 0;
    const what = `server ${sid} decided ${stateName(decision.state)} for ${v.leader} in round ${round}`;

    const participant = this.quorum.isVoter(sid);
    if (participant && decision.state === ServerState.OBSERVING) this.violate(`${what}: a participant observes`);
    if (!participant && decision.state !== ServerState.OBSERVING) this.violate(`${what}: an observer must only observe`);
    if (!this.quorum.isVoter(Number(v.leader))) this.violate(`${what}: the leader is not a participant`);

    // Within one era a server decides at most once per round.
    const key = `${era}:${round}`;
    const seen = this.decidedIn.get(sid) ?? new Set<string>();
    if (seen.has(key)) this.violate(`${what}: it already decided in this round without its round going back`);
    seen.add(key);
    this.decidedIn.set(sid, seen);
    this.decisions.push({ time, sid, era, round, leader: v.leader, state: decision.state });

    if (decision.state === ServerState.LEADING) this.checkLeaderIsBestOfAQuorum(what, sid, decision.vote);
  }

  /** The leader's (peerEpoch, zxid, sid) is its own, and at least that of every server in some quorum. */
  private checkLeaderIsBestOfAQuorum(what: string, sid: number, v: DecisionData['decision']['vote']): void {
    const own = this.facts.get(sid)!;
    if (own.lastLoggedZxid !== v.zxid || own.currentEpoch !== v.peerEpoch) {
      this.violate(`${what}: its vote (${hex(v.zxid)}, epoch ${v.peerEpoch}) is not its own state (${hex(own.lastLoggedZxid)}, epoch ${own.currentEpoch})`);
    }
    const dominated: number[] = [];
    for (const q of this.quorum.voters) {
      const f = this.facts.get(q)!;
      const le = f.currentEpoch !== v.peerEpoch ? f.currentEpoch < v.peerEpoch
        : f.lastLoggedZxid !== v.zxid ? f.lastLoggedZxid < v.zxid : BigInt(q) <= v.leader;
      if (le) dominated.push(q);
    }
    if (!this.isMajority(dominated)) {
      this.violate(`${what}: only ${dominated.join(',') || 'none'} have (peerEpoch, zxid, sid) at most (${v.peerEpoch}, ${hex(v.zxid)}, ${v.leader}), not a quorum`);
    }
  }

  /**
   * After the run: every round with two different established leaders must owe it to servers
   * whose round was reset in between (so each supported both in different eras).
   */
  finish(): ElectionStats {
    const byRound = new Map<bigint, Map<bigint, DecisionRecord[]>>();
    for (const d of this.decisions) {
      const leaders = byRound.get(d.round) ?? new Map<bigint, DecisionRecord[]>();
      leaders.set(d.leader, [...(leaders.get(d.leader) ?? []), d]);
      byRound.set(d.round, leaders);
    }
    let established = 0;
    let roundReuse = 0;
    for (const [round, leaders] of byRound) {
      const winners = [...leaders].filter(([leader, ds]) =>
        ds.some((d) => d.state === ServerState.LEADING && d.sid === Number(leader)) && this.isMajority(ds.map((d) => d.sid)));
      established += winners.length;
      for (let i = 0; i < winners.length; i++) {
        for (let j = i + 1; j < winners.length; j++) {
          roundReuse++;
          const [l1, d1] = winners[i];
          const [l2, d2] = winners[j];
          for (const a of d1) {
            const clash = d2.find((b) => b.sid === a.sid && b.era === a.era);
            if (clash) this.violate(`round ${round}: leaders ${l1} and ${l2} both established; server ${a.sid} supported both in the same era`);
          }
        }
      }
    }
    return {
      decisions: this.decisions.length,
      leaderDecisions: this.decisions.filter((d) => d.state === ServerState.LEADING).length,
      established, roundReuse, finalizeAborts: this.finalizeAborts, notificationTimeouts: this.timeouts,
    };
  }
}
