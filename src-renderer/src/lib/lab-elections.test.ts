import { describe, expect, it } from 'vitest';
import type { Election } from '../../../src-main/lab/events/elections';
import type { NodeRound, Notification } from '../../../src-main/lab/events/election-rounds';
import { sentVotes, voteSegments, voteText } from './lab-elections';

const note = (at: number, peer: number, leader: number, reason: string | null = 'new election'): Notification => ({
  at, node: 1, peer, state: 'LOOKING', leader, zxid: '0x0', peerEpoch: 0, round: 1, reason,
});

function round(node: number, sent: Notification[], changes: Array<[number, number]>, decidedAt: number | null): NodeRound {
  return {
    node, round: 1, lookingAt: 0, start: 0, end: decidedAt, outcome: decidedAt === null ? 'open' : 'decided', sent, received: [], ignored: [],
    voteChanges: changes.map(([at, leader]) => ({ at, leader, zxid: '0x0', peerEpoch: 0, round: 1, fromLeader: node, fromZxid: '0x0', fromRound: 1, reason: 'higher id' })),
    timeouts: [], finalizeAborts: [], quorum: null,
    decision: decidedAt === null ? null : { at: decidedAt, state: 'FOLLOWING', leader: 3, supporters: [], reason: null },
    durationUs: decidedAt,
  };
}

describe('election reading', () => {
  it('folds one vote sent to every peer into one entry', () => {
    const votes = sentVotes([note(1, 2, 1), note(2, 3, 1), note(5, 2, 3, 'vote changed'), note(6, 3, 3, 'vote changed'), note(9, 2, 3, 'vote changed')]);
    expect(votes.map((v) => [v.at, v.to, v.leader])).toEqual([[1, [2, 3], 1], [5, [2, 3], 3], [9, [2], 3]]);
    expect(voteText(votes[0])).toBe('(1, 0x0, 0)');
  });

  it('draws each server\'s vote from its first notification to its decision', () => {
    const election = {
      start: 0, end: 100, durationUs: 100, participants: [1, 2], winner: 3, leaderElected: true, answers: [],
      rounds: [round(1, [note(5, 2, 1)], [[40, 3]], 90), round(2, [note(8, 1, 2)], [], null)],
    } satisfies Election;
    expect(voteSegments(election, 120)).toEqual([
      { node: 1, leader: 1, from: 5, to: 40 },
      { node: 1, leader: 3, from: 40, to: 90 },
      { node: 2, leader: 2, from: 8, to: 120 },
    ]);
  });
});
