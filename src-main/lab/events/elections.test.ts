import { describe, expect, it } from 'vitest';
import { nodeRounds } from './election-rounds';
import { elections, type Election } from './elections';
import { fixtureEvents } from './fixture-events';

const events = fixtureEvents();
const killedAt = Math.min(...events.filter((e) => e.type === 'zab.lost').map((e) => e.ts));

/** What the servers did right after an election, read from their own `zab.state` lines. */
function rolesTakenAfter(election: Election): { leaders: number[]; followed: number[] } {
  const until = election.end! + 1_000;
  const states = events.filter((e) => e.type === 'zab.state' && e.ts >= election.start && e.ts <= until);
  return {
    leaders: states.filter((e) => e.state === 'LEADING').map((e) => e.node),
    followed: states.filter((e) => e.state === 'FOLLOWING').map((e) => e.leader as number),
  };
}

describe('elections of the real run', () => {
  const found = elections(events);

  it('finds the start-up election of three servers and the one of the two left after the kill', () => {
    expect(found.map((e) => e.participants)).toEqual([[1, 2, 3], [1, 2], [3]]);
    const [startup, afterKill] = found;
    expect(startup.end).toBeLessThan(killedAt);
    expect(afterKill.start).toBeGreaterThanOrEqual(killedAt);
    for (const election of [startup, afterKill]) {
      const { leaders, followed } = rolesTakenAfter(election);
      expect(leaders).toEqual([election.winner]);
      expect(followed).toHaveLength(election.participants.length - 1);
      expect(new Set(followed)).toEqual(new Set([election.winner]));
      expect(election.leaderElected).toBe(true);
      expect(election.durationUs).toBe(election.end! - election.start);
    }
    // The killed leader cannot win again.
    expect(afterKill.winner).not.toBe(startup.winner);
  });

  it('tells each participant\'s round: notifications, vote changes, quorum, decision', () => {
    for (const election of found.slice(0, 2)) {
      const decided = election.rounds.filter((r) => r.outcome === 'decided');
      expect(decided.map((r) => r.node).sort()).toEqual(election.participants);
      for (const r of decided) {
        expect(r.decision!.leader).toBe(election.winner);
        expect(r.decision!.state).toBe(r.node === election.winner ? 'LEADING' : 'FOLLOWING');
        expect(r.quorum!.leader).toBe(election.winner);
        // Everyone waited out finalizeWait after seeing a quorum before deciding.
        expect(r.decision!.at - r.quorum!.at).toBeGreaterThanOrEqual(r.quorum!.waitMs! * 1000);
        expect(r.durationUs).toBe(r.decision!.at - r.lookingAt);
        expect(r.sent.length).toBeGreaterThan(0);
        expect(r.received.every((n) => n.peer !== r.node && n.at >= r.start && n.at <= r.end!)).toBe(true);
        expect(r.sent.map((n) => n.at)).toEqual([...r.sent.map((n) => n.at)].sort((a, b) => a - b));
      }
      // Someone moved its vote to the winner along the way.
      const changes = election.rounds.flatMap((r) => r.voteChanges);
      expect(changes.some((v) => v.leader === election.winner && v.fromLeader !== election.winner && v.reason !== '')).toBe(true);
      expect(election.end).toBe(Math.max(...decided.map((r) => r.decision!.at)));
    }
  });

  it('shows the restarted leader joining the leader the others had elected', () => {
    const rejoin = found[2];
    const { followed } = rolesTakenAfter(rejoin);
    expect(rejoin.winner).toBe(found[1].winner);
    expect(followed).toEqual([rejoin.winner]);
    expect(rejoin.leaderElected).toBe(false);
    // It started in round 1, was pulled into the others' round, and decided there.
    expect(rejoin.rounds.map((r) => [r.round, r.outcome])).toEqual([[1, 'newer-round'], [2, 'decided']]);
    expect(rejoin.rounds[1].voteChanges[0]).toMatchObject({ fromRound: 1, round: 2 });
    // The two serving servers answered it with who leads.
    const answers = rejoin.answers.filter((a) => a.peer === 3);
    expect(new Set(answers.map((a) => `${a.node} ${a.state} ${a.leader}`))).toEqual(
      new Set([`1 FOLLOWING ${rejoin.winner}`, `2 LEADING ${rejoin.winner}`]),
    );
  });
});

describe('an election still running', () => {
  it('has no end and no winner until its servers decide', () => {
    const firstDecision = events.find((e) => e.type === 'election.decision')!.ts;
    const [running] = elections(events.filter((e) => e.ts < firstDecision));
    expect(running.participants).toEqual([1, 2, 3]);
    expect(running.end).toBeNull();
    expect(running.durationUs).toBeNull();
    expect(running.winner).toBeNull();
    expect(running.rounds.every((r) => r.outcome === 'open' && r.end === null)).toBe(true);
  });

  it('ends a round when its server leaves LOOKING even if the decision line is missing', () => {
    const [round] = nodeRounds(events.filter((e) => e.node === 1 && e.type !== 'election.decision'));
    const followingAt = events.find((e) => e.node === 1 && e.type === 'zab.state' && e.state === 'FOLLOWING')!;
    expect(round.outcome).toBe('decided');
    expect(round.decision).toMatchObject({ at: followingAt.ts, state: 'FOLLOWING', leader: followingAt.leader });
    expect(round.end).toBe(followingAt.ts);
  });
});
