// Each server's side of leader election, round by round (FLE's logicalclock), from its own
// election.* events: what it sent and heard, how its vote moved, and how the round ended.
import { idListField, numberField, stringField, type ZooEvent } from './zoo-event';
import type { ZabRole } from './node-spans';

export interface Notification {
  at: number;
  /** The server that logged it. */
  node: number;
  /** The receiver of a sent notification, the sender of a received one. */
  peer: number;
  state: string;
  leader: number;
  zxid: string;
  peerEpoch: number;
  round: number;
  /** Why it was sent, or why it was ignored. */
  reason: string | null;
}

export interface VoteChange {
  at: number;
  leader: number;
  zxid: string;
  peerEpoch: number;
  round: number;
  fromLeader: number;
  fromZxid: string;
  fromRound: number;
  reason: string;
}

export interface QuorumMoment {
  at: number;
  leader: number;
  supporters: number[];
  /** finalizeWait: how long the server then waits for a better vote. */
  waitMs: number | null;
}

export interface ElectionDecision {
  at: number;
  state: ZabRole;
  leader: number | null;
  supporters: number[];
  reason: string | null;
}

/** How a round ended: a decision, a newer round, the server stopping or dying, or not yet. */
export type RoundOutcome = 'decided' | 'newer-round' | 'stopped' | 'open';

export interface NodeRound {
  node: number;
  round: number;
  /** The `election.looking` that began the LOOKING period this round belongs to. */
  lookingAt: number;
  start: number;
  end: number | null;
  outcome: RoundOutcome;
  sent: Notification[];
  received: Notification[];
  ignored: Notification[];
  voteChanges: VoteChange[];
  timeouts: number[];
  finalizeAborts: number[];
  quorum: QuorumMoment | null;
  decision: ElectionDecision | null;
  /** From `election.looking` to the decision, for the round that decided. */
  durationUs: number | null;
}

/** Events a server logs about its own vote; a higher `round` on one of them means it moved on. */
const OWN_ROUND_TYPES = new Set(['election.notification.sent', 'election.vote', 'election.quorum', 'election.timeout']);

/** Every server's rounds, in the order they began. */
export function nodeRounds(events: readonly ZooEvent[]): NodeRound[] {
  const rounds: NodeRound[] = [];
  const open = new Map<number, NodeRound>();
  const lastSeen = new Map<number, number>();
  const close = (r: NodeRound, at: number, outcome: RoundOutcome): void => {
    r.end = at;
    r.outcome = outcome;
    open.delete(r.node);
  };
  const begin = (e: ZooEvent, round: number, lookingAt: number): NodeRound => {
    const r = emptyRound(e.node, round, lookingAt, e.ts);
    rounds.push(r);
    open.set(e.node, r);
    return r;
  };

  for (const e of events) {
    let current = open.get(e.node);
    const round = numberField(e, 'round');
    if (e.type === 'election.looking') {
      if (current) close(current, e.ts, 'newer-round');
      begin(e, round ?? 0, e.ts);
    } else if (current && e.type === 'state' && (e.state === 'stopped' || e.state === 'started')) {
      // A start with a round still open means the server died without a word: it ended at its last event.
      close(current, e.state === 'stopped' ? e.ts : (lastSeen.get(e.node) ?? current.start), 'stopped');
    } else if (current) {
      if (OWN_ROUND_TYPES.has(e.type) && round !== null && round > current.round) {
        close(current, e.ts, 'newer-round');
        current = begin(e, round, current.lookingAt);
      }
      record(current, e);
      if (current.decision) close(current, current.decision.at, 'decided');
    }
    lastSeen.set(e.node, e.ts);
  }
  return rounds;
}

function emptyRound(node: number, round: number, lookingAt: number, start: number): NodeRound {
  return {
    node, round, lookingAt, start, end: null, outcome: 'open',
    sent: [], received: [], ignored: [], voteChanges: [], timeouts: [], finalizeAborts: [],
    quorum: null, decision: null, durationUs: null,
  };
}

/** Files one event into the round it happened in; a decision (or leaving LOOKING) ends the round. */
function record(r: NodeRound, e: ZooEvent): void {
  switch (e.type) {
    case 'election.notification.sent':
      r.sent.push(toNotification(e, 'to'));
      break;
    case 'election.notification.received':
      r.received.push(toNotification(e, 'from'));
      break;
    case 'election.ignored':
      r.ignored.push(toNotification(e, 'from'));
      break;
    case 'election.vote':
      r.voteChanges.push(toVoteChange(e));
      break;
    case 'election.timeout':
      r.timeouts.push(e.ts);
      break;
    case 'election.finalize.abort':
      r.finalizeAborts.push(e.ts);
      break;
    case 'election.quorum':
      r.quorum = { at: e.ts, leader: numberField(e, 'leader') ?? -1, supporters: idListField(e, 'supporters'), waitMs: numberField(e, 'waitMs') };
      break;
    case 'election.decision':
      decide(r, e, stringField(e, 'decided'), stringField(e, 'reason'));
      break;
    case 'zab.state':
      // The decision's own line may be missing; leaving LOOKING ends the round all the same.
      if (e.state !== 'LOOKING') decide(r, e, stringField(e, 'state'), null);
      break;
  }
}

function decide(r: NodeRound, e: ZooEvent, state: string | null, reason: string | null): void {
  const role = (state ?? 'LOOKING') as ZabRole;
  const leader = numberField(e, 'leader') ?? (role === 'LEADING' ? e.node : null);
  r.decision = { at: e.ts, state: role, leader, supporters: idListField(e, 'supporters'), reason };
  r.durationUs = e.ts - r.lookingAt;
}

export function toNotification(e: ZooEvent, peerField: 'to' | 'from'): Notification {
  return {
    at: e.ts,
    node: e.node,
    peer: numberField(e, peerField) ?? -1,
    state: stringField(e, 'state') ?? '',
    leader: numberField(e, 'leader') ?? -1,
    zxid: stringField(e, 'zxid') ?? '',
    peerEpoch: numberField(e, 'peerEpoch') ?? -1,
    round: numberField(e, 'round') ?? -1,
    reason: stringField(e, 'reason'),
  };
}

function toVoteChange(e: ZooEvent): VoteChange {
  return {
    at: e.ts,
    leader: numberField(e, 'leader') ?? -1,
    zxid: stringField(e, 'zxid') ?? '',
    peerEpoch: numberField(e, 'peerEpoch') ?? -1,
    round: numberField(e, 'round') ?? -1,
    fromLeader: numberField(e, 'fromLeader') ?? -1,
    fromZxid: stringField(e, 'fromZxid') ?? '',
    fromRound: numberField(e, 'fromRound') ?? -1,
    reason: stringField(e, 'reason') ?? '',
  };
}
