import { describe, expect, it } from 'vitest';
import type { PeerFacts } from '../../election/fast-leader-election';
import { QuorumMaj } from '../../election/quorum';
import { ServerState, makeVote } from '../../election/vote';
import type { DecisionData } from './election-node';
import { ElectionInvariants } from './invariants';

const same: PeerFacts = { currentEpoch: 1n, lastLoggedZxid: 0x100000001n };

function checker(participants: number[], observers: number[] = [], facts = new Map<number, PeerFacts>()) {
  const quorum = new QuorumMaj(participants, observers);
  for (const id of [...participants, ...observers]) if (!facts.has(id)) facts.set(id, same);
  const inv = new ElectionInvariants(quorum, facts);
  for (const id of [...participants, ...observers]) inv.onStart(0, id);
  const decide = (sid: number, state: ServerState, leader: number, round: number) => {
    const f = facts.get(leader)!;
    const data: DecisionData = {
      decision: { state: state as DecisionData['decision']['state'], vote: makeVote(BigInt(leader), f.lastLoggedZxid, BigInt(round), f.currentEpoch), reason: 'test', supporters: [] },
      facts: facts.get(sid)!,
    };
    inv.onEvent(0, sid, { type: 'election.decision', fields: {}, data });
  };
  const looking = (sid: number, round: number) => inv.onEvent(0, sid, { type: 'election.looking', fields: { round } });
  return { inv, decide, looking };
}

const { LEADING, FOLLOWING, OBSERVING } = ServerState;

describe('election invariants', () => {
  it('accept one established leader per round', () => {
    const { inv, decide } = checker([1, 2, 3]);
    decide(3, LEADING, 3, 1);
    decide(1, FOLLOWING, 3, 1);
    decide(2, FOLLOWING, 3, 1);
    expect(inv.finish()).toMatchObject({ decisions: 3, leaderDecisions: 1, established: 1, roundReuse: 0 });
    expect(inv.violations).toEqual([]);
  });

  it('catch two leaders established in one round by a server that supported both in one era', () => {
    const { inv, decide } = checker([1, 2, 3, 4, 5]);
    decide(5, LEADING, 5, 2);
    decide(1, FOLLOWING, 5, 2);
    decide(3, FOLLOWING, 5, 2);
    decide(4, LEADING, 4, 2);
    decide(2, FOLLOWING, 4, 2);
    decide(3, FOLLOWING, 4, 2);
    inv.finish();
    expect(inv.violations).toEqual([
      'server 3 decided FOLLOWING for 4 in round 2: it already decided in this round without its round going back',
      'round 2: leaders 5 and 4 both established; server 3 supported both in the same era',
    ]);
  });

  it('allow a round to be reused once the shared supporter restarted', () => {
    const { inv, decide } = checker([1, 2, 3, 4, 5]);
    decide(5, LEADING, 5, 2);
    decide(1, FOLLOWING, 5, 2);
    decide(3, FOLLOWING, 5, 2);
    inv.onStart(0, 3);
    decide(4, LEADING, 4, 2);
    decide(2, FOLLOWING, 4, 2);
    decide(3, FOLLOWING, 4, 2);
    expect(inv.finish().roundReuse).toBe(1);
    expect(inv.violations).toEqual([]);
  });

  it('treat a round going back (joining an older round) as a new era', () => {
    const { inv, decide, looking } = checker([1, 2, 3]);
    decide(1, FOLLOWING, 3, 4);
    looking(1, 5);
    decide(1, FOLLOWING, 3, 4);
    expect(inv.violations).toEqual([]);
  });

  it('keep observers observing and participants out of OBSERVING', () => {
    const { inv, decide } = checker([1, 2, 3], [4]);
    decide(4, FOLLOWING, 3, 1);
    decide(1, OBSERVING, 3, 1);
    decide(2, FOLLOWING, 4, 1);
    expect(inv.violations).toEqual([
      'server 4 decided FOLLOWING for 3 in round 1: an observer must only observe',
      'server 1 decided OBSERVING for 3 in round 1: a participant observes',
      'server 2 decided FOLLOWING for 4 in round 1: the leader is not a participant',
    ]);
  });

  it('check that a leader has the highest (peerEpoch, zxid, sid) of some quorum', () => {
    const facts = new Map<number, PeerFacts>([
      [1, { currentEpoch: 2n, lastLoggedZxid: 0x200000000n }],
      [2, { currentEpoch: 1n, lastLoggedZxid: 0x100000009n }],
      [3, { currentEpoch: 1n, lastLoggedZxid: 0x100000009n }],
    ]);
    const ok = checker([1, 2, 3], [], facts);
    ok.decide(3, LEADING, 3, 1);
    expect(ok.inv.violations).toEqual([]);
    const bad = checker([1, 2, 3], [], facts);
    bad.decide(2, LEADING, 2, 1);
    expect(bad.inv.violations).toEqual([
      'server 2 decided LEADING for 2 in round 1: only 2 have (peerEpoch, zxid, sid) at most (1, 0x100000009, 2), not a quorum',
    ]);
  });
});
