import { describe, expect, it } from 'vitest';
import { FastLeaderElection, type ElectionOutput, type PeerFacts } from './fast-leader-election';
import { decodeNotification, encodeNotification, type NotificationMessage } from './notification-codec';
import { QuorumMaj } from './quorum';
import { LONG_MIN, ServerState } from './vote';

const zxid = (epoch: number, counter: number) => (BigInt(epoch) << 32n) | BigInt(counter);
const facts = (epoch: number, counter: number): PeerFacts => ({ currentEpoch: BigInt(epoch), lastLoggedZxid: zxid(epoch, counter) });

/**
 * Servers joined by an in-order, lossless network whose messages take `delay` ms; `run` advances
 * the clock, delivering messages and firing timers in time order. Every message crosses the codec.
 */
class Cluster {
  now = 0;
  readonly machines = new Map<number, FastLeaderElection>();
  readonly outputs = new Map<number, ElectionOutput[]>();
  private inFlight: { at: number; from: number; to: number; bytes: Buffer }[] = [];
  /** Servers that have started; the others are down and drop what reaches them. */
  readonly up = new Set<number>();

  constructor(readonly quorum: QuorumMaj, readonly delay = 5, opts: { maxNotificationIntervalMs?: number } = {}) {
    for (const id of [...quorum.voters, ...quorum.observers]) {
      this.machines.set(id, new FastLeaderElection({ myId: id, quorum, configText: 'version=0', ...opts }));
      this.outputs.set(id, []);
    }
  }

  m(id: number): FastLeaderElection {
    return this.machines.get(id)!;
  }

  start(id: number, f: PeerFacts): void {
    this.up.add(id);
    this.absorb(id, this.m(id).lookForLeader(this.now, f));
  }

  /** Injects a raw notification as if `from` had sent it. */
  inject(from: number, to: number, message: Omit<NotificationMessage, 'version' | 'config'>): void {
    this.absorb(to, this.m(to).receive(this.now, from, { ...message, version: 2, config: 'version=0' }), from);
  }

  absorb(id: number, out: ElectionOutput, _from?: number): void {
    this.outputs.get(id)!.push(out);
    for (const s of out.send) {
      if (!this.up.has(s.to)) continue;
      this.inFlight.push({ at: this.now + this.delay, from: id, to: s.to, bytes: encodeNotification(s.message) });
    }
  }

  /** Runs until `until`, or until nothing is in flight and no timer is due before it. */
  run(until: number): void {
    for (;;) {
      const nextMsg = this.inFlight.reduce((t, m) => Math.min(t, m.at), Infinity);
      const nextWake = [...this.machines.values()].reduce((t, m) => Math.min(t, m.wakeAt ?? Infinity), Infinity);
      const next = Math.min(nextMsg, nextWake);
      if (next > until) break;
      this.now = next;
      if (nextMsg <= nextWake) {
        const i = this.inFlight.findIndex((m) => m.at === next);
        const [msg] = this.inFlight.splice(i, 1);
        this.absorb(msg.to, this.m(msg.to).receive(this.now, msg.from, decodeNotification(msg.bytes)));
      } else {
        for (const [id, m] of this.machines) if (m.wakeAt !== null && m.wakeAt <= next) this.absorb(id, m.tick(this.now));
      }
    }
    this.now = Math.max(this.now, until);
  }

  events(id: number, type?: string) {
    return this.outputs.get(id)!.flatMap((o) => o.events).filter((e) => !type || e.type === type);
  }

  decision(id: number) {
    return this.outputs.get(id)!.map((o) => o.decision).find((d) => d !== null) ?? null;
  }

  sentTo(from: number, to: number) {
    return this.outputs.get(from)!.flatMap((o) => o.send).filter((s) => s.to === to).map((s) => s.message);
  }
}

describe('FastLeaderElection: a fresh ensemble', () => {
  it('elects the server with the highest zxid; the others follow it after finalizeWait', () => {
    const c = new Cluster(new QuorumMaj([1, 2, 3]));
    c.start(1, facts(1, 5));
    c.start(2, facts(1, 9));
    c.start(3, facts(1, 7));
    c.run(10_000);
    expect(c.m(2).state).toBe(ServerState.LEADING);
    expect(c.m(1).state).toBe(ServerState.FOLLOWING);
    expect(c.m(3).state).toBe(ServerState.FOLLOWING);
    for (const id of [1, 2, 3]) {
      expect(c.decision(id)!.vote).toMatchObject({ leader: 2n, zxid: zxid(1, 9), peerEpoch: 1n, electionEpoch: 1n });
      const quorumAt = c.events(id, 'election.quorum').at(-1)!;
      expect(quorumAt.fields.waitMs).toBe(200);
    }
    // Decisions come 200 ms after the last vote change, not before.
    expect(c.events(2, 'election.decision')[0].fields.reason).toMatch(/finalizeWait 200 ms/);
  });

  it('orders votes by peerEpoch before zxid, then by sid', () => {
    const c = new Cluster(new QuorumMaj([1, 2, 3]));
    c.up.add(2).add(3);
    c.start(1, facts(2, 1)); // highest epoch, lowest zxid
    c.start(2, { currentEpoch: 1n, lastLoggedZxid: zxid(1, 99) });
    c.start(3, { currentEpoch: 1n, lastLoggedZxid: zxid(1, 99) });
    c.run(10_000);
    expect(c.m(1).state).toBe(ServerState.LEADING);

    const tie = new Cluster(new QuorumMaj([1, 2, 3]));
    for (const id of [1, 2, 3]) tie.start(id, facts(1, 4));
    tie.run(10_000);
    expect(tie.m(3).state).toBe(ServerState.LEADING);
  });

  it('reports every vote change with the reason, and every notification sent and received', () => {
    const c = new Cluster(new QuorumMaj([1, 2, 3]));
    for (const id of [1, 2, 3]) c.start(id, facts(1, id));
    c.run(10_000);
    const changes = c.events(1, 'election.vote');
    expect(changes.length).toBeGreaterThan(0);
    expect(changes[0].fields).toMatchObject({ leader: expect.any(Number), fromLeader: 1, reason: expect.stringMatching(/better vote from [23]/) });
    expect(c.events(1, 'election.notification.sent').every((e) => typeof e.fields.reason === 'string')).toBe(true);
    expect(c.events(1, 'election.notification.received').length).toBeGreaterThan(0);
    expect(c.events(1, 'election.looking')[0].fields).toMatchObject({ leader: 1, round: 1, reason: expect.stringMatching(/new election/) });
  });

  it('a quorum suffices: 3 of 5 elect while two stay down', () => {
    const c = new Cluster(new QuorumMaj([1, 2, 3, 4, 5]));
    for (const id of [1, 2, 3]) c.start(id, facts(1, 1));
    c.run(10_000);
    expect(c.m(3).state).toBe(ServerState.LEADING);
    expect(c.decision(1)!.supporters.sort()).toEqual([1, 2, 3]);
  });

  it('without a quorum it keeps looking, backing off from 200 ms to maxNotificationInterval', () => {
    const c = new Cluster(new QuorumMaj([1, 2, 3]), 5, { maxNotificationIntervalMs: 3200 });
    c.start(1, facts(1, 1));
    c.run(20_000);
    expect(c.m(1).state).toBe(ServerState.LOOKING);
    const waits = c.events(1, 'election.timeout').map((e) => e.fields.nextTimeoutMs);
    expect(waits.slice(0, 6)).toEqual([400, 800, 1600, 3200, 3200, 3200]);
    // Each timeout re-sends the vote to every other voter.
    expect(c.sentTo(1, 2).length).toBe(1 + waits.length);
  });
});

describe('FastLeaderElection: rounds', () => {
  it('a newer round clears the ballot box and compares against our own initial vote', () => {
    const c = new Cluster(new QuorumMaj([1, 2, 3]));
    c.start(1, facts(1, 5));
    // Server 2 is in round 3 and votes for 3 with a worse zxid than 1's own.
    c.inject(2, 1, { state: ServerState.LOOKING, leader: 3n, zxid: zxid(1, 1), electionEpoch: 3n, peerEpoch: 1n });
    expect(c.m(1).round).toBe(3n);
    expect(c.m(1).proposal).toMatchObject({ leader: 1n, zxid: zxid(1, 5) });
    expect(c.events(1, 'election.vote').at(-1)!.fields.reason).toMatch(/round 3 from 2 is newer; our own vote is better/);
    expect([...c.m(1).ballotBox.keys()].sort()).toEqual([1, 2]);
    // ... and adopts a newer round's better vote.
    c.inject(3, 1, { state: ServerState.LOOKING, leader: 3n, zxid: zxid(1, 8), electionEpoch: 4n, peerEpoch: 1n });
    expect(c.m(1).proposal).toMatchObject({ leader: 3n, zxid: zxid(1, 8), electionEpoch: 4n });
  });

  it('ignores an older round but answers a LOOKING sender that lags', () => {
    const c = new Cluster(new QuorumMaj([1, 2, 3]));
    c.start(1, facts(1, 5));
    c.inject(2, 1, { state: ServerState.LOOKING, leader: 3n, zxid: zxid(1, 1), electionEpoch: 5n, peerEpoch: 1n });
    const before = c.sentTo(1, 3).length;
    c.inject(3, 1, { state: ServerState.LOOKING, leader: 3n, zxid: zxid(9, 9), electionEpoch: 2n, peerEpoch: 9n });
    expect(c.m(1).proposal.leader).toBe(1n);
    expect(c.events(1, 'election.ignored').at(-1)!.fields.reason).toMatch(/older round 2 < 5/);
    const answer = c.sentTo(1, 3).slice(before);
    expect(answer).toEqual([expect.objectContaining({ state: ServerState.LOOKING, leader: 1n, electionEpoch: 5n })]);
  });

  it('a better vote arriving during finalizeWait restarts the count', () => {
    const c = new Cluster(new QuorumMaj([1, 2, 3]));
    c.start(1, facts(1, 5));
    c.inject(2, 1, { state: ServerState.LOOKING, leader: 1n, zxid: zxid(1, 5), electionEpoch: 1n, peerEpoch: 1n });
    expect(c.m(1).wakeAt).toBe(200);
    c.now = 100;
    c.inject(3, 1, { state: ServerState.LOOKING, leader: 3n, zxid: zxid(1, 6), electionEpoch: 1n, peerEpoch: 1n });
    expect(c.events(1, 'election.finalize.abort')).toHaveLength(1);
    expect(c.m(1).proposal.leader).toBe(3n);
    c.now = 200;
    c.absorb(1, c.m(1).tick(200));
    expect(c.m(1).state).toBe(ServerState.LOOKING);
  });

  it('a vote that is not better during finalizeWait is dropped and the wait starts over', () => {
    const c = new Cluster(new QuorumMaj([1, 2, 3]));
    c.start(1, facts(1, 5));
    c.inject(2, 1, { state: ServerState.LOOKING, leader: 1n, zxid: zxid(1, 5), electionEpoch: 1n, peerEpoch: 1n });
    c.now = 150;
    c.inject(3, 1, { state: ServerState.LOOKING, leader: 3n, zxid: zxid(1, 2), electionEpoch: 1n, peerEpoch: 1n });
    expect(c.m(1).wakeAt).toBe(350);
    expect(c.m(1).ballotBox.has(3)).toBe(false);
    c.now = 350;
    c.absorb(1, c.m(1).tick(350));
    expect(c.m(1).state).toBe(ServerState.LEADING);
    expect(c.decision(1)!.supporters.sort()).toEqual([1, 2]);
  });

  it('ignores LOOKING votes while its own zxid is -1, and votes carrying zxid -1', () => {
    const c = new Cluster(new QuorumMaj([1, 2, 3]));
    c.start(1, { currentEpoch: 0n, lastLoggedZxid: -1n });
    c.inject(2, 1, { state: ServerState.LOOKING, leader: 2n, zxid: 5n, electionEpoch: 1n, peerEpoch: 0n });
    expect(c.events(1, 'election.ignored').at(-1)!.fields.reason).toBe('our zxid is -1');
    c.start(3, facts(0, 1));
    c.inject(2, 3, { state: ServerState.LOOKING, leader: 2n, zxid: -1n, electionEpoch: 1n, peerEpoch: 0n });
    expect(c.events(3, 'election.ignored').at(-1)!.fields.reason).toBe('its zxid is -1');
  });
});

describe('FastLeaderElection: joining an established ensemble', () => {
  it('a restarted server follows the leader a quorum follows, taking the leader\'s round', () => {
    const c = new Cluster(new QuorumMaj([1, 2, 3]));
    for (const id of [1, 2, 3]) c.start(id, facts(1, id));
    c.run(10_000);
    expect(c.m(3).state).toBe(ServerState.LEADING);
    // Server 1 comes back with a fresh machine (logicalclock is not durable) and a better zxid,
    // and has been looking for a while: its round (2) is past the ensemble's (1).
    const fresh = new FastLeaderElection({ myId: 1, quorum: c.quorum, configText: 'version=0' });
    c.machines.set(1, fresh);
    c.start(1, facts(1, 50));
    c.start(1, facts(1, 50));
    expect(fresh.round).toBe(2n);
    c.run(20_000);
    expect(fresh.state).toBe(ServerState.FOLLOWING);
    expect(fresh.currentVote).toMatchObject({ leader: 3n, electionEpoch: 1n });
    expect(fresh.round).toBe(1n);
    expect(c.events(1, 'election.decision').at(-1)!.fields.reason).toMatch(/joined the established leader 3 of round 1 \(our round was 2\)/);
    expect(c.m(2).state).toBe(ServerState.FOLLOWING);
  });

  it('does not follow a claimed leader that never said it leads (checkLeader)', () => {
    const c = new Cluster(new QuorumMaj([1, 2, 3]));
    c.start(1, facts(1, 1));
    // 2 and 3 say they follow 3, but 3's own LEADING notification never arrives.
    c.inject(2, 1, { state: ServerState.FOLLOWING, leader: 3n, zxid: zxid(1, 3), electionEpoch: 7n, peerEpoch: 1n });
    c.inject(3, 1, { state: ServerState.FOLLOWING, leader: 3n, zxid: zxid(1, 3), electionEpoch: 7n, peerEpoch: 1n });
    expect(c.m(1).state).toBe(ServerState.LOOKING);
    c.inject(3, 1, { state: ServerState.LEADING, leader: 3n, zxid: zxid(1, 3), electionEpoch: 7n, peerEpoch: 1n });
    expect(c.m(1).state).toBe(ServerState.FOLLOWING);
    expect(c.m(1).round).toBe(7n);
  });

  it('out of election, votes match on leader and peerEpoch only (ZOOKEEPER-1805)', () => {
    const c = new Cluster(new QuorumMaj([1, 2, 3]));
    c.start(1, facts(1, 1));
    c.inject(2, 1, { state: ServerState.FOLLOWING, leader: 3n, zxid: zxid(1, 3), electionEpoch: 4n, peerEpoch: 2n });
    c.inject(3, 1, { state: ServerState.LEADING, leader: 3n, zxid: zxid(2, 0), electionEpoch: 5n, peerEpoch: 2n });
    expect(c.m(1).state).toBe(ServerState.FOLLOWING);
    expect(c.m(1).round).toBe(5n);
  });

  it('a server that is not looking answers a LOOKING peer with its decision, and ZAB can update its epoch', () => {
    const c = new Cluster(new QuorumMaj([1, 2, 3]));
    for (const id of [1, 2, 3]) c.start(id, facts(1, id));
    c.run(10_000);
    c.m(2).updateElectionVote(2n);
    c.inject(1, 2, { state: ServerState.LOOKING, leader: 1n, zxid: zxid(1, 1), electionEpoch: 9n, peerEpoch: 1n });
    expect(c.sentTo(2, 1).at(-1)).toMatchObject({ state: ServerState.FOLLOWING, leader: 3n, electionEpoch: 1n, peerEpoch: 2n });
    // A non-LOOKING sender gets no answer.
    const before = c.sentTo(2, 1).length;
    c.inject(1, 2, { state: ServerState.FOLLOWING, leader: 3n, zxid: zxid(1, 3), electionEpoch: 1n, peerEpoch: 1n });
    expect(c.sentTo(2, 1).length).toBe(before);
  });
});

describe('FastLeaderElection: observers', () => {
  it('an observer votes Long.MIN_VALUE, is never counted, and ends OBSERVING the leader', () => {
    const q = new QuorumMaj([1, 2, 3], [4]);
    const c = new Cluster(q);
    for (const id of [1, 2, 3, 4]) c.start(id, facts(1, id));
    expect(c.m(4).proposal).toMatchObject({ leader: LONG_MIN, zxid: LONG_MIN, peerEpoch: LONG_MIN });
    // Observers send only to voters, and voters never send their own notifications to observers.
    expect(c.sentTo(4, 1)).toHaveLength(1);
    expect(c.sentTo(1, 4)).toHaveLength(0);
    c.run(20_000);
    expect(c.m(4).state).toBe(ServerState.OBSERVING);
    expect(c.m(4).currentVote!.leader).toBe(3n);
    expect(c.m(3).state).toBe(ServerState.LEADING);
    for (const id of [1, 2, 3]) {
      expect(c.m(id).ballotBox.has(4)).toBe(false);
      expect(c.decision(id)!.supporters).not.toContain(4);
    }
  });

  it('a voter answers every notification of a non-voter at once with its current vote', () => {
    const c = new Cluster(new QuorumMaj([1, 2, 3], [4]));
    c.start(1, facts(1, 1));
    c.inject(4, 1, { state: ServerState.OBSERVING, leader: 3n, zxid: 0n, electionEpoch: 1n, peerEpoch: 1n });
    expect(c.sentTo(1, 4)).toEqual([expect.objectContaining({ state: ServerState.LOOKING, leader: 1n, electionEpoch: 1n })]);
    expect(c.m(1).ballotBox.has(4)).toBe(false);
  });

  it('votes for a non-voter, or from one, never count', () => {
    const c = new Cluster(new QuorumMaj([1, 2, 3], [4]));
    c.start(1, facts(1, 1));
    c.inject(2, 1, { state: ServerState.LOOKING, leader: 4n, zxid: zxid(9, 9), electionEpoch: 1n, peerEpoch: 9n });
    expect(c.m(1).proposal.leader).toBe(1n);
    expect(c.events(1, 'election.ignored').at(-1)!.fields.reason).toMatch(/not both voters/);
  });
});
