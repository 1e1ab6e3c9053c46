// The two recovery rules of the seed documents, as scripted scenarios on three servers running the
// real election and ZAB machines in the simulator, each replayed over many seeds (different
// timings, fsync delays and leaders):
//   1. a txn committed by any server is never lost: the leader crashes after one follower got the
//      COMMIT and the other did not (did not even get the PROPOSAL, or got only the PROPOSAL);
//      An ACK means the txn is on the follower's disk: a follower that dies losing its unsynced
//      log right after acking still has the txn when it comes back;
//   2. a proposal only a dead leader had is never seen again: the leader crashes right after
//      proposing, before anyone acked; after recovery the txn is gone everywhere, including on the
//      old leader when it returns (it is cut back with TRUNC), whether or not the new leader wrote
//      anything meanwhile.

import { describe, expect, it } from 'vitest';
import { runSeeds, seedPlan } from '../sim/seeds';
import type { SimEvent } from '../sim/simulator';
import { PacketType, decodeQuorumPacket } from './quorum-packet';
import type { Ensemble } from './sim/ensemble';
import { find, runUntil, scriptedEnsemble, settle, write } from './sim/scripted';
import type { ZabSimMessage } from './sim/zab-node';
import { epochOf } from './zxid';

const FILE = 'src-main/server/zab/recovery.sim.test.ts';
const SEEDS = 400;

/** Starts three servers, waits for a leader, and writes a little history through it and a follower. */
function prepared(ens: Ensemble): { leader: number; followers: [number, number] } {
  for (const id of ens.servers) ens.sim.start(id);
  const leader = settle(ens).id;
  const followers = ens.servers.filter((id) => id !== leader) as [number, number];
  write(ens, leader, 'w1');
  write(ens, followers[0], 'w2');
  write(ens, leader, 'w3');
  return { leader, followers };
}

const isCommit = (msg: ZabSimMessage, zxid: bigint | null) =>
  msg.kind === 'q' && msg.dir === 'down' && zxid !== null && (() => {
    const p = decodeQuorumPacket(msg.packet);
    return p.type === PacketType.COMMIT && p.zxid === zxid;
  })();

const isProposal = (msg: ZabSimMessage, zxid: bigint | null) =>
  msg.kind === 'q' && msg.dir === 'down' && zxid !== null && (() => {
    const p = decodeQuorumPacket(msg.packet);
    return p.type === PacketType.PROPOSAL && p.zxid === zxid;
  })();

/**
 * Rule 1. `otherSees` says what the follower that misses the COMMIT gets first: nothing at all,
 * or the PROPOSAL (which it logs and acks) and then nothing more.
 */
function committedOnOneFollower(seed: number, otherSees: 'nothing' | 'proposal'): { newLeaderHadCommit: boolean } {
  let leader = -1;
  let lucky = -1;
  let other = -1;
  let armed = false;
  let zxid: bigint | null = null;
  let crashed = false;
  let otherDone = otherSees === 'nothing';
  let luckyCommitted = false;
  const ens: Ensemble = scriptedEnsemble(seed, {
    observers: [{
      onEvent(_now: number, node: number, ev: SimEvent) {
        if (!armed || node !== leader || ev.type !== 'zab.propose' || zxid !== null) return;
        zxid = BigInt(String(ev.fields.zxid));
        if (otherSees === 'nothing') ens.sim.net.cutLink(leader, other, false);
      },
      onDeliver(_now: number, from: number, to: number, msg: ZabSimMessage) {
        if (from !== leader || crashed) return;
        if (to === other && isProposal(msg, zxid)) {
          // Its PROPOSAL gets through; nothing after it will (a COMMIT in flight included).
          ens.sim.net.cutLink(leader, other, false);
          otherDone = true;
        }
        if (to === lucky && isCommit(msg, zxid)) luckyCommitted = true;
        if (otherDone && luckyCommitted) {
          // The leader dies now: one follower has (or is just getting) the COMMIT, the other never will.
          crashed = true;
          ens.sim.crash(leader);
        }
      },
    }],
  });
  const roles = prepared(ens);
  leader = roles.leader;
  // Ties between the survivors go to the higher sid, so alternate which one gets the COMMIT.
  [lucky, other] = seed % 2 === 0 ? roles.followers : [roles.followers[1], roles.followers[0]];
  armed = true;
  ens.client.queue.push({ to: leader, id: 'x' });
  runUntil(ens, 'the leader crashes once the COMMIT reaches one follower', () => crashed);
  runUntil(ens, 'the lucky follower applies the txn', () => find(ens.node(lucky)!.applied, 'x') !== null, 1000);
  const otherLog = ens.node(other)!.disk.log;
  expect(find(otherLog, 'x')).toBe(otherSees === 'nothing' ? null : zxid);
  expect(find(ens.node(other)!.applied, 'x')).toBeNull();

  ens.sim.net.heal();
  const next = settle(ens, 'a new leader of the two survivors');
  expect(next.peer.leader!.epoch).toBeGreaterThan(epochOf(zxid!));
  // Whoever has the txn wins: without it the other follower cannot be elected.
  if (otherSees === 'nothing') expect(next.id).toBe(lucky);
  for (const id of roles.followers) expect(find(ens.node(id)!.applied, 'x')).toBe(zxid);
  write(ens, next.id, 'y');

  ens.sim.start(leader);
  settle(ens, 'the old leader back as a follower');
  runUntil(ens, 'all three agree', () => ens.quiet());
  for (const id of ens.servers) expect(find(ens.node(id)!.applied, 'x')).toBe(zxid);
  expect(find(ens.invariants.committed, 'x')).toBe(zxid);
  ens.checkConverged();
  return { newLeaderHadCommit: next.id === lucky };
}

/**
 * Rule 1, the durability half: x is committed by the leader and one follower only; that follower
 * crashes the moment its ACK arrives, losing whatever it had not fsynced, and the leader dies as
 * soon as it commits. The follower comes back, and with the third server (which never saw x)
 * elects a new leader: x must be there.
 */
function ackedMeansDurable(seed: number): void {
  let leader = -1;
  let acker = -1;
  let other = -1;
  let armed = false;
  let zxid: bigint | null = null;
  let leaderDown = false;
  const ens: Ensemble = scriptedEnsemble(seed, {
    observers: [{
      onEvent(_now: number, node: number, ev: SimEvent) {
        if (!armed || node !== leader) return;
        if (ev.type === 'zab.propose' && zxid === null) {
          zxid = BigInt(String(ev.fields.zxid));
          ens.sim.net.cutLink(leader, other, false);
        } else if (ev.type === 'zab.commit' && zxid !== null && BigInt(String(ev.fields.zxid)) === zxid && !leaderDown) {
          leaderDown = true;
          ens.sim.crash(leader);
        }
      },
      onDeliver(_now: number, from: number, to: number, msg: ZabSimMessage) {
        if (!armed || from !== acker || to !== leader || msg.kind !== 'q' || zxid === null) return;
        const p = decodeQuorumPacket(msg.packet);
        if (p.type === PacketType.ACK && p.zxid === zxid) ens.sim.crash(acker, true);
      },
    }],
  });
  const roles = prepared(ens);
  leader = roles.leader;
  [acker, other] = seed % 2 === 0 ? roles.followers : [roles.followers[1], roles.followers[0]];
  armed = true;
  ens.client.queue.push({ to: leader, id: 'x' });
  runUntil(ens, 'the leader commits x and dies', () => leaderDown);
  expect(ens.sim.isUp(acker)).toBe(false);
  ens.sim.net.heal();
  ens.sim.start(acker);
  const next = settle(ens, 'a new leader of the acker and the server that never saw x');
  expect(next.id).toBe(acker);
  for (const id of roles.followers) expect(find(ens.node(id)!.applied, 'x')).toBe(zxid);
  ens.sim.start(leader);
  settle(ens, 'the old leader back as a follower');
  runUntil(ens, 'all three agree', () => ens.quiet());
  for (const id of ens.servers) expect(find(ens.node(id)!.applied, 'x')).toBe(zxid);
  ens.checkConverged();
}

/** Rule 2. `meanwhile` writes go through the new leader before the old one returns. */
function proposedByDeadLeaderOnly(seed: number, meanwhile: number): { mode: string } {
  let leader = -1;
  let armed = false;
  let zxid: bigint | null = null;
  const syncs: string[] = [];
  const ens: Ensemble = scriptedEnsemble(seed, {
    observers: [{
      onEvent(_now: number, node: number, ev: SimEvent) {
        if (ev.type === 'zab.learner.sync' && ev.fields.peer === leader) syncs.push(String(ev.fields.mode));
        if (!armed || node !== leader || ev.type !== 'zab.propose' || zxid !== null) return;
        // Proposed and logged, and nobody will ever see it: the links go down and the leader dies.
        zxid = BigInt(String(ev.fields.zxid));
        for (const id of ens.servers) if (id !== leader) ens.sim.net.cutLink(leader, id, false);
        ens.sim.crash(leader);
      },
    }],
  });
  const roles = prepared(ens);
  leader = roles.leader;
  const old = ens.node(leader)!;
  armed = true;
  ens.client.queue.push({ to: leader, id: 'ghost' });
  runUntil(ens, 'the leader proposes and crashes', () => zxid !== null);
  expect(find(old.disk.log, 'ghost')).toBe(zxid);

  ens.sim.net.heal();
  const next = settle(ens, 'a new leader of the two survivors');
  for (let i = 0; i < meanwhile; i++) write(ens, roles.followers[i % 2], `after${i}`);

  ens.sim.start(leader);
  settle(ens, 'the old leader back as a follower');
  runUntil(ens, 'all three agree', () => ens.quiet());
  expect(next.peer.leader?.phase).toBe('broadcast');
  for (const id of ens.servers) {
    expect(find(ens.node(id)!.disk.log, 'ghost')).toBeNull();
    expect(find(ens.node(id)!.applied, 'ghost')).toBeNull();
  }
  expect(find(ens.invariants.committed, 'ghost')).toBeNull();
  expect(ens.client.acked.has('ghost')).toBe(false);
  ens.checkConverged();
  return { mode: syncs[syncs.length - 1] };
}

describe('a txn committed by any server is never lost', () => {
  it('the leader crashes after one follower got the COMMIT and the other not even the PROPOSAL', () => {
    const { results } = runSeeds(seedPlan(SEEDS), FILE, (seed) => committedOnOneFollower(seed, 'nothing'));
    expect(results.every((r) => r.newLeaderHadCommit)).toBe(true);
  });

  it('the leader crashes after one follower got the COMMIT and the other only the PROPOSAL', () => {
    const plan = seedPlan(SEEDS);
    const { results } = runSeeds(plan, FILE, (seed) => committedOnOneFollower(seed, 'proposal'));
    // Either survivor may win, both logged the txn; the one that never saw the COMMIT must commit it too.
    if (!plan.replay) expect(new Set(results.map((r) => r.newLeaderHadCommit))).toEqual(new Set([true, false]));
  });

  it('a follower dies losing its unsynced log right after acking, the leader right after committing', () => {
    runSeeds(seedPlan(SEEDS), FILE, (seed) => ackedMeansDurable(seed));
  });
});

describe('a proposal only a dead leader had is never seen again', () => {
  it('the leader crashes right after proposing; it returns to a new leader that wrote nothing since: TRUNC', () => {
    const { results } = runSeeds(seedPlan(SEEDS), FILE, (seed) => proposedByDeadLeaderOnly(seed, 0));
    expect(new Set(results.map((r) => r.mode))).toEqual(new Set(['TRUNC']));
  });

  it('the leader crashes right after proposing; it returns to a new leader that committed more: TRUNC, then the rest', () => {
    const { results } = runSeeds(seedPlan(SEEDS), FILE, (seed) => proposedByDeadLeaderOnly(seed, 3));
    expect(new Set(results.map((r) => r.mode))).toEqual(new Set(['TRUNC']));
  });
});
