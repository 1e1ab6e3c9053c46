// ZooKeeper's safety properties, checked while a simulation runs, from the nodes' events and
// their applied txns. The reference is the committed sequence: what established leaders had as
// their history plus every txn a leader committed since, in order.
//   - at most one leader establishes each epoch, and a later epoch's leader starts from
//     everything committed before (a txn committed by any server is never lost);
//   - each commit extends the committed sequence right after its predecessor in the leader's log;
//   - a synced server's applied txns are a prefix of the committed sequence: in order, no gaps,
//     no duplicates, nothing a dead leader alone proposed;
//   - a leader elected in a round has an (epoch, zxid) at least that of every voter that elected it.

import type { QuorumMaj } from '../../election/quorum';
import type { SimEvent, SimObserver } from '../../sim/simulator';
import type { LogEntry } from '../actions';
import { hexZxid } from '../zxid';
import type { DeliverData, StateAt, ZabSimMessage, ZabSimNode } from './zab-node';

export interface ZabStats {
  established: number;
  committed: number;
  syncs: Record<'DIFF' | 'TRUNC' | 'SNAP', number>;
  leaderDecisions: number;
  /** LEADING decisions on a vote that is not the leader's current (epoch, zxid). */
  staleLeaderVotes: number;
}

type Facts = readonly [epoch: bigint, zxid: bigint];

const sameEntry = (a: LogEntry, b: LogEntry) => a.zxid === b.zxid && a.txn.equals(b.txn);
const show = (e: LogEntry | undefined) => (e ? `${hexZxid(e.zxid)}(${e.txn.toString()})` : 'none');

/** A long from an event field: numbers as they are, zxids in ZooKeeper's (signed) hex. */
function long(v: unknown): bigint {
  if (typeof v === 'number') return BigInt(v);
  const s = String(v);
  return s.startsWith('-') ? -BigInt(s.slice(1)) : BigInt(s);
}

/** The position of zxid in a zxid-ordered log, or -1. */
function indexOf(log: readonly LogEntry[], zxid: bigint): number {
  let lo = 0;
  let hi = log.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (log[mid].zxid < zxid) lo = mid + 1;
    else hi = mid;
  }
  return lo < log.length && log[lo].zxid === zxid ? lo : -1;
}

export class ZabInvariants implements SimObserver<ZabSimMessage> {
  /** The committed sequence. */
  readonly committed: LogEntry[] = [];
  private readonly position = new Map<bigint, number>();
  private readonly leaders = new Map<bigint, number>();
  private lastEpoch = -1n;
  /** Per server: how much of its applied list is checked against the committed sequence, or null while not synced. */
  private readonly verified = new Map<number, number | null>();
  private readonly ownFacts = new Map<number, Facts>();
  private readonly roundFacts = new Map<number, Map<number, Facts[]>>();
  readonly stats: ZabStats = { established: 0, committed: 0, syncs: { DIFF: 0, TRUNC: 0, SNAP: 0 }, leaderDecisions: 0, staleLeaderVotes: 0 };

  constructor(private readonly node: (id: number) => ZabSimNode | null, private readonly quorum: QuorumMaj,
    private readonly fail: (reason: string) => never) {}

  onStart(_now: number, node: number): void {
    this.verified.set(node, null);
  }

  onCrash(_now: number, node: number): void {
    this.verified.set(node, null);
  }

  onEvent(_now: number, node: number, ev: SimEvent): void {
    switch (ev.type) {
      case 'zab.leader.established': return this.established(node, ev.data as { epoch: bigint } & StateAt);
      case 'zab.commit': return this.commit(node, ev.data as LogEntry);
      case 'zab.learner.synced': return this.synced(node, (ev.data as StateAt).applied, `server ${node} synced with leader ${ev.fields.leader}`);
      case 'sim.deliver': return this.delivered(node, ev.data as DeliverData);
      case 'zab.state':
        if (ev.fields.state === 'LOOKING') this.verified.set(node, null);
        return;
      case 'zab.error': return this.fail(`server ${node}: protocol error: ${ev.fields.reason}`);
      case 'zab.learner.sync': this.stats.syncs[ev.fields.mode as 'DIFF' | 'TRUNC' | 'SNAP']++; return;
      case 'election.looking': return this.looked(node, ev, true);
      case 'election.vote': return this.looked(node, ev, false);
      case 'election.decision':
        if (ev.fields.decided === 'LEADING') this.elected(node, ev);
        return;
    }
  }

  private live(id: number): ZabSimNode {
    const n = this.node(id);
    if (!n) throw new Error(`server ${id} reported an event while down`);
    return n;
  }

  private established(sid: number, data: { epoch: bigint } & StateAt): void {
    const { epoch } = data;
    const other = this.leaders.get(epoch);
    if (other !== undefined) this.fail(`epoch ${epoch} established twice: by ${other} and by ${sid}`);
    this.leaders.set(epoch, sid);
    this.stats.established++;
    const history = this.live(sid).disk.log.slice(0, data.history);
    const g = this.committed;
    const common = Math.min(g.length, history.length);
    for (let i = 0; i < common; i++) {
      if (!sameEntry(g[i], history[i])) {
        this.fail(`leader ${sid} of epoch ${epoch}: its history has ${show(history[i])} where ${show(g[i])} was committed (position ${i})`);
      }
    }
    if (epoch > this.lastEpoch) {
      // The newest epoch's initial history holds everything committed so far; a late (already
      // superseded) establishment only has to agree with it.
      if (history.length < g.length) {
        this.fail(`leader ${sid} of epoch ${epoch} lacks committed ${show(g[history.length])}: its history ends at ${show(history[history.length - 1])}`);
      }
      for (let i = g.length; i < history.length; i++) this.push(history[i]);
      this.lastEpoch = epoch;
    } else if (history.length > g.length) {
      this.fail(`leader ${sid} of superseded epoch ${epoch} (latest ${this.lastEpoch}) has ${show(history[g.length])} beyond the committed sequence`);
    }
    this.synced(sid, data.applied, `leader ${sid} of epoch ${epoch}`);
  }

  private push(e: LogEntry): void {
    this.position.set(e.zxid, this.committed.length);
    this.committed.push(e);
    this.stats.committed = this.committed.length;
  }

  private commit(sid: number, entry: LogEntry): void {
    const log = this.live(sid).disk.log;
    const at = indexOf(log, entry.zxid);
    if (at < 0 || !sameEntry(log[at], entry)) this.fail(`leader ${sid} committed ${show(entry)}, which is not in its log`);
    const before = at > 0 ? log[at - 1] : undefined;
    const known = this.position.get(entry.zxid);
    if (known !== undefined) {
      if (!sameEntry(this.committed[known], entry)) this.fail(`leader ${sid} committed ${show(entry)}, but ${show(this.committed[known])} was committed`);
      const prev = known > 0 ? this.committed[known - 1] : undefined;
      if ((prev === undefined) !== (before === undefined) || (prev && before && !sameEntry(prev, before))) {
        this.fail(`leader ${sid} committed ${show(entry)} after ${show(before)}, but it was committed after ${show(prev)}`);
      }
      return;
    }
    const last = this.committed[this.committed.length - 1];
    if ((last === undefined) !== (before === undefined) || (last && before && !sameEntry(last, before))) {
      this.fail(`leader ${sid} committed ${show(entry)} after ${show(before)} in its log, but the last committed txn is ${show(last)}`);
    }
    this.push(entry);
  }

  /** A server starts serving: all it has applied must be a prefix of the committed sequence. */
  private synced(sid: number, count: number, what: string): void {
    const applied = this.live(sid).applied.slice(0, count);
    if (applied.length > this.committed.length) {
      this.fail(`${what}: it applied ${applied.length} txns, only ${this.committed.length} are committed (first extra ${show(applied[this.committed.length])})`);
    }
    for (let i = 0; i < applied.length; i++) {
      if (!sameEntry(applied[i], this.committed[i])) this.fail(`${what}: applied ${show(applied[i])} where ${show(this.committed[i])} is committed`);
    }
    this.verified.set(sid, applied.length);
  }

  private delivered(sid: number, { index, entry }: DeliverData): void {
    const done = this.verified.get(sid);
    if (done === null || done === undefined || index < done) return;
    if (index !== done) this.fail(`server ${sid} applied position ${index} before ${done}`);
    const expected = this.committed[index];
    if (!expected || !sameEntry(expected, entry)) this.fail(`server ${sid} applied ${show(entry)} at position ${index}; committed there: ${show(expected)}`);
    this.verified.set(sid, index + 1);
  }

  private looked(sid: number, ev: SimEvent, fresh: boolean): void {
    if (!this.quorum.isVoter(sid)) return;
    if (fresh) this.ownFacts.set(sid, [long(ev.fields.peerEpoch), long(ev.fields.zxid)]);
    const facts = this.ownFacts.get(sid);
    if (!facts) return;
    const round = Number(ev.fields.round);
    const rounds = this.roundFacts.get(sid) ?? new Map<number, Facts[]>();
    this.roundFacts.set(sid, rounds);
    const list = rounds.get(round) ?? [];
    list.push(facts);
    rounds.set(round, list);
  }

  /**
   * A leader elected by LOOKING votes in one round: every supporter looked in that round with an
   * (epoch, zxid) at most the winning vote's. (A server may also lead by joining FOLLOWING or
   * LEADING votes that name it, or with a stale vote for itself from before a restart; then it is
   * ZAB's ACKEPOCH check, "follower is ahead of the leader", that keeps a shorter history out.)
   */
  private elected(sid: number, ev: SimEvent): void {
    this.stats.leaderDecisions++;
    const vote: Facts = [long(ev.fields.peerEpoch), long(ev.fields.zxid)];
    const own = this.ownFacts.get(sid);
    if (own && (own[0] !== vote[0] || own[1] !== vote[1])) this.stats.staleLeaderVotes++;
    if (!String(ev.fields.reason).startsWith('quorum of votes')) return;
    const round = Number(ev.fields.round);
    const atMost = ([e, z]: Facts) => e < vote[0] || (e === vote[0] && z <= vote[1]);
    for (const s of String(ev.fields.supporters).split(',').map(Number)) {
      const seen = this.roundFacts.get(s)?.get(round);
      if (seen && !seen.some(atMost)) {
        const [e, z] = seen[0];
        this.fail(`server ${sid} elected in round ${round} with (${vote[0]}, ${hexZxid(vote[1])}), but supporter ${s} looked with (${e}, ${hexZxid(z)})`);
      }
    }
  }
}
