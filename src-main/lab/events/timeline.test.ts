import { describe, expect, it } from 'vitest';
import { FIXTURE_NODES, fixtureEvents, fixtureEventsOf } from './fixture-events';
import { epochSpans, roleSpans } from './node-spans';
import { QuorumMessageMatcher, zxidTrace, type QuorumMessage } from './timeline';
import type { ZooEvent } from './zoo-event';

const events = fixtureEvents();
/** When the followers noticed leader 3 had gone (it was killed with -9). */
const leaderLostAt = Math.min(...events.filter((e) => e.type === 'zab.lost').map((e) => e.ts));

/** Each server's events cut in random slices, the slices of all servers shuffled: only per-server order survives. */
function shuffledBatches(seed: number): ZooEvent[][] {
  // Park-Miller: a seeded, repeatable sequence in [0, 1).
  let state = seed;
  const random = (): number => (state = (state * 48271) % 2147483647) / 2147483647;
  const queues = FIXTURE_NODES.map((n) => fixtureEventsOf(n));
  const batches: ZooEvent[][] = [];
  for (let live = queues; live.length > 0; live = live.filter((q) => q.length > 0)) {
    const queue = live[Math.floor(random() * live.length)];
    batches.push(queue.splice(0, 1 + Math.floor(random() * 40)));
  }
  return batches;
}

const summary = (m: QuorumMessage): string => `${m.from}>${m.to} ${m.packet} ${m.zxid} ${m.sentAt} ${m.receivedAt}`;

describe('quorum messages', () => {
  it('matches every PROPOSAL of the real run to its receive, except around the killed leader', () => {
    const matcher = new QuorumMessageMatcher();
    matcher.add(events);
    const messages = matcher.messages();
    const proposals = messages.filter((m) => m.packet === 'PROPOSAL');
    expect(proposals.length).toBeGreaterThanOrEqual(20);
    for (const p of proposals) {
      if (p.receivedAt === null) {
        expect(p.from).toBe(3);
        expect(p.sentAt).toBeGreaterThan(leaderLostAt - 1_000_000);
      } else {
        // Same machine: delivery takes well under 100 ms, and clocks disagree by far less than 5 ms.
        expect(p.receivedAt - p.sentAt).toBeGreaterThan(-5_000);
        expect(p.receivedAt - p.sentAt).toBeLessThan(100_000);
      }
    }
    expect(messages).toHaveLength(events.filter((e) => e.type === 'zab.sent').length);
    const received = events.filter((e) => e.type === 'zab.received').length;
    expect(messages.filter((m) => m.receivedAt !== null)).toHaveLength(received);
    expect(matcher.orphanReceives).toBe(0);
  });

  it('pairs the same way when servers\' events arrive in shuffled batches', () => {
    const whole = new QuorumMessageMatcher();
    whole.add(events);
    const expected = whole.messages().map(summary).sort();
    for (const seed of [1, 7, 42]) {
      const matcher = new QuorumMessageMatcher();
      let touched = 0;
      for (const batch of shuffledBatches(seed)) touched += matcher.add(batch).length;
      expect(matcher.messages().map(summary).sort()).toEqual(expected);
      expect(touched).toBeGreaterThanOrEqual(expected.length);
    }
  });

  it('leaves a send lost with its connection unmatched, whichever server is read first', () => {
    const ms = 1000;
    const leader: ZooEvent[] = [
      { ts: 10 * ms, node: 3, type: 'zab.sent', peer: 1, packet: 'PING', zxid: '0x100000000', epoch: 1, size: 20 },
      { ts: 20 * ms, node: 3, type: 'zab.sent', peer: 1, packet: 'PING', zxid: '0x100000000', epoch: 1, size: 20 },
      { ts: 60 * ms, node: 3, type: 'zab.learner.added', peer: 1, observer: false },
      { ts: 70 * ms, node: 3, type: 'zab.sent', peer: 1, packet: 'PING', zxid: '0x100000000', epoch: 1, size: 20 },
    ];
    const follower: ZooEvent[] = [
      { ts: 11 * ms, node: 1, type: 'zab.received', peer: 3, packet: 'PING', zxid: '0x100000000', epoch: 1, size: 20 },
      { ts: 25 * ms, node: 1, type: 'zab.state', state: 'LOOKING', reason: 'the leader closed the connection' },
      { ts: 50 * ms, node: 1, type: 'zab.state', state: 'FOLLOWING', leader: 3 },
      { ts: 71 * ms, node: 1, type: 'zab.received', peer: 3, packet: 'PING', zxid: '0x100000000', epoch: 1, size: 20 },
    ];
    for (const order of [[leader, follower], [follower, leader]]) {
      const matcher = new QuorumMessageMatcher();
      for (const batch of order) matcher.add(batch);
      expect(matcher.messages().map((m) => [m.sentAt, m.receivedAt])).toEqual([[10 * ms, 11 * ms], [20 * ms, null], [70 * ms, 71 * ms]]);
    }
  });

  it('counts a receive whose send was never logged and still pairs the next one', () => {
    const ping = { type: 'zab.sent', peer: 1, packet: 'PING', zxid: '0x1', epoch: 0, size: 20 };
    const sends: ZooEvent[] = [{ ts: 90_000, node: 3, ...ping }];
    const receives: ZooEvent[] = [
      { ts: 30_000, node: 1, ...ping, type: 'zab.received', peer: 3 },
      { ts: 90_500, node: 1, ...ping, type: 'zab.received', peer: 3 },
    ];
    for (const order of [[sends, receives], [receives, sends]]) {
      const matcher = new QuorumMessageMatcher();
      for (const batch of order) matcher.add(batch);
      expect(matcher.messages().map((m) => m.receivedAt)).toEqual([90_500]);
      expect(matcher.orphanReceives).toBe(1);
    }
  });
});

describe('zxidTrace', () => {
  // A create in leader 3's epoch, well before it was killed.
  const zxid = '0x100000005';

  it('follows a write before the crash from proposal to apply on all three servers', () => {
    const trace = zxidTrace(events, zxid, 3);
    expect(trace.leader).toBe(3);
    expect(trace.proposedAt).toBeLessThan(leaderLostAt);
    expect(trace.proposals.map((p) => p.to).sort()).toEqual([1, 2]);
    expect(trace.proposals.every((p) => p.receivedAt !== null)).toBe(true);

    expect(trace.acks.map((a) => a.from).sort()).toEqual([1, 2]);
    expect(trace.selfAckAt).toBe(trace.proposedAt);
    const firstFollowerAck = Math.min(...trace.acks.map((a) => a.receivedAt!));
    expect(trace.quorumAt).toBe(firstFollowerAck);
    expect(trace.quorumAt).toBeGreaterThan(trace.proposedAt!);
    expect(trace.committedAt).toBeGreaterThanOrEqual(trace.quorumAt!);

    expect(trace.commits.map((c) => c.to).sort()).toEqual([1, 2]);
    for (const c of trace.commits) expect(c.sentAt).toBeGreaterThanOrEqual(trace.quorumAt!);
    expect(trace.applied.map((a) => a.node).sort()).toEqual([1, 2, 3]);
    expect(trace.applied.every((a) => a.op === 'CREA' && a.err === 0)).toBe(true);
  });

  it('needs more acks for a quorum of more voters', () => {
    const trace = zxidTrace(events, zxid, 5);
    expect(trace.quorumAt).toBe(Math.max(...trace.acks.map((a) => a.receivedAt!)));
    expect(zxidTrace(events, zxid, 7).quorumAt).toBeNull();
  });

  it('shows a zxid the restarted server learned by DIFF sync, from the new leader', () => {
    const trace = zxidTrace(events, '0x200000001', 3);
    expect(trace.leader).toBe(2);
    // Proposed to 1 in broadcast, then replayed to 3 when it came back.
    expect(trace.proposals.map((p) => p.to)).toEqual([1, 3]);
    expect(trace.applied.map((a) => a.node).sort()).toEqual([1, 2, 3]);
  });
});

describe('node spans', () => {
  const byNode = <S extends { node: number }>(spans: S[], pick: (s: S) => unknown) =>
    Object.fromEntries(FIXTURE_NODES.map((n) => [n, spans.filter((s) => s.node === n).map(pick)]));

  it('gives each server its roles, the killed leader\'s ending at its last event', () => {
    const spans = roleSpans(events);
    expect(byNode(spans, (s) => s.role)).toEqual({
      1: ['LOOKING', 'FOLLOWING', 'LOOKING', 'FOLLOWING'],
      2: ['LOOKING', 'FOLLOWING', 'LOOKING', 'LEADING'],
      3: ['LOOKING', 'LEADING', 'LOOKING', 'FOLLOWING'],
    });
    const killed = spans.find((s) => s.node === 3 && s.role === 'LEADING')!;
    expect(killed.end).not.toBeNull();
    expect(killed.end).toBeLessThan(leaderLostAt);
    expect(killed.end).toBeGreaterThan(Math.max(...events.filter((e) => e.type === 'zab.commit' && e.node === 3).map((e) => e.ts)));
    // The run ends with every server stopped.
    expect(spans.every((s) => s.end !== null && s.end >= s.start)).toBe(true);
  });

  it('gives each server the epochs it worked in', () => {
    const spans = epochSpans(events);
    expect(byNode(spans, (s) => s.epoch)).toEqual({ 1: [1, 2], 2: [1, 2], 3: [1, 2] });
    const lostEpoch = spans.filter((s) => s.epoch === 1 && s.node !== 3);
    for (const s of lostEpoch) expect(s.end).toBeGreaterThanOrEqual(leaderLostAt);
  });
});
