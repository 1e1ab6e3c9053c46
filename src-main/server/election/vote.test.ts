import { describe, expect, it } from 'vitest';
import { LONG_MIN, ServerState, beats, hex, makeVote, sameVote } from './vote';

describe('votes', () => {
  it('totalOrderPredicate: peerEpoch, then zxid, then sid', () => {
    expect(beats(1n, 5n, 2n, 9n, 99n, 1n)).toBe(true);
    expect(beats(9n, 99n, 1n, 1n, 5n, 2n)).toBe(false);
    expect(beats(1n, 6n, 2n, 9n, 5n, 2n)).toBe(true);
    expect(beats(3n, 5n, 2n, 2n, 5n, 2n)).toBe(true);
    expect(beats(2n, 5n, 2n, 2n, 5n, 2n)).toBe(false);
    // Any participant's vote beats an observer's Long.MIN_VALUE vote.
    expect(beats(1n, 0n, 0n, LONG_MIN, LONG_MIN, LONG_MIN)).toBe(true);
  });

  it('Vote.equals: all fields against a LOOKING vote', () => {
    const v = makeVote(3n, 7n, 2n, 1n);
    expect(sameVote(v, makeVote(3n, 7n, 2n, 1n, ServerState.FOLLOWING, 2))).toBe(true);
    expect(sameVote(v, makeVote(3n, 7n, 3n, 1n))).toBe(false);
    expect(sameVote(v, makeVote(3n, 8n, 2n, 1n))).toBe(false);
  });

  it('Vote.equals out of election: leader and peerEpoch, or only the leader across format versions', () => {
    const following = makeVote(3n, 7n, 2n, 1n, ServerState.FOLLOWING, 2);
    expect(sameVote(following, makeVote(3n, 99n, 9n, 1n, ServerState.LEADING, 2))).toBe(true);
    expect(sameVote(following, makeVote(3n, 7n, 2n, 2n, ServerState.LEADING, 2))).toBe(false);
    expect(sameVote(following, makeVote(3n, 7n, 2n, 2n, ServerState.LEADING, 0))).toBe(true);
    expect(sameVote(following, makeVote(4n, 7n, 2n, 1n, ServerState.LEADING, 0))).toBe(false);
  });

  it('prints longs as ZooKeeper does', () => {
    expect(hex(0x100000002n)).toBe('0x100000002');
    expect(hex(-1n)).toBe('-0x1');
  });
});
