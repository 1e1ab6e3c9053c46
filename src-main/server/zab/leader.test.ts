import { describe, expect, it } from 'vitest';
import { QuorumMaj } from '../election/quorum';
import { Outbox, type LogEntry, type ZabAction } from './actions';
import { ZabLeader } from './leader';
import {
  PROTOCOL_VERSION, ackEpochData, decodeInt, decodeRevalidateReply, encodeLearnerInfo, encodeRequest, encodeRevalidateRequest, encodeTouches,
} from './payloads';
import { PacketType, packet, packetTypeName, type QuorumPacket } from './quorum-packet';
import { ZabStore } from './store';
import { makeZxid } from './zxid';

const T = 100;
const z = (epoch: number, counter: number) => makeZxid(BigInt(epoch), BigInt(counter));
const entry = (epoch: number, counter: number): LogEntry => ({ zxid: z(epoch, counter), txn: Buffer.from(`${epoch}.${counter}`) });

/** Leader 3 of voters 1, 2, 3 (and observer 4), with history 1.1..1.3. */
function setup(opts: { history?: LogEntry[]; acceptedEpoch?: bigint; currentEpoch?: bigint } = {}) {
  const out = new Outbox();
  const store = new ZabStore({
    acceptedEpoch: opts.acceptedEpoch ?? 1n, currentEpoch: opts.currentEpoch ?? 1n, recent: opts.history ?? [entry(1, 1), entry(1, 2), entry(1, 3)], base: 0n,
  }, out);
  const leader = new ZabLeader({ myId: 3, quorum: new QuorumMaj([1, 2, 3], [4]), tickMs: T, initLimit: 5, syncLimit: 2 }, store, out);
  return { leader, store, out };
}

const info = (sid: number, acceptedEpoch: number, type: number = PacketType.FOLLOWERINFO) =>
  packet(type, z(acceptedEpoch, 0), encodeLearnerInfo({ serverId: BigInt(sid), protocolVersion: PROTOCOL_VERSION, configVersion: 0n }));
const ackEpoch = (lastZxid: bigint, currentEpoch: bigint | -1) => packet(PacketType.ACKEPOCH, lastZxid, ackEpochData(currentEpoch));

/** What went to learner `to`, as "TYPE zxid" lines. */
function toLearner(actions: ZabAction[], to: number): string[] {
  return actions.flatMap((a) => {
    if (a.kind === 'sendLearner' && a.to === to) return [`${packetTypeName(a.packet.type)} ${a.packet.zxid.toString(16)}`];
    if (a.kind === 'sendSnapshot' && a.to === to) return [`SNAP ${a.zxid.toString(16)}`];
    return [];
  });
}
const packetsTo = (actions: ZabAction[], to: number): QuorumPacket[] =>
  actions.flatMap((a) => (a.kind === 'sendLearner' && a.to === to ? [a.packet] : []));

/** Runs discovery and sync with followers 1 and 2 up to an established epoch 2. */
function established() {
  const s = setup();
  s.leader.start(0);
  s.leader.onLearnerPacket(10, 1, info(1, 1));
  s.leader.onLearnerPacket(11, 2, info(2, 1));
  s.leader.onLearnerPacket(20, 1, ackEpoch(z(1, 3), 1n));
  s.leader.onLearnerPacket(21, 2, ackEpoch(z(1, 2), 1n));
  s.leader.onLearnerPacket(30, 1, packet(PacketType.ACK, z(2, 0)));
  s.leader.onLearnerPacket(31, 2, packet(PacketType.ACK, z(2, 0)));
  // The acks of UPTODATE.
  s.leader.onLearnerPacket(32, 1, packet(PacketType.ACK, z(2, 0)));
  s.leader.onLearnerPacket(33, 2, packet(PacketType.ACK, z(2, 0)));
  s.out.take();
  return s;
}

describe('ZabLeader discovery and synchronization', () => {
  it('proposes an epoch above every accepted one once a quorum has connected, and writes it first', () => {
    const { leader, out } = setup({ acceptedEpoch: 2n });
    leader.start(0);
    expect(out.take().actions).toEqual([]);
    leader.onLearnerPacket(5, 1, info(1, 6));
    const { actions } = out.take();
    expect(leader.epoch).toBe(7n);
    expect(actions[0]).toEqual({ kind: 'setAcceptedEpoch', epoch: 7n });
    const li = packetsTo(actions, 1)[0];
    expect(li.type).toBe(PacketType.LEADERINFO);
    expect(li.zxid).toBe(z(7, 0));
    expect(decodeInt(li.data, 'LEADERINFO')).toBe(PROTOCOL_VERSION);
  });

  it('syncs each learner once a quorum acked the epoch: DIFF of committed txns, then NEWLEADER', () => {
    const { leader, out } = setup();
    leader.start(0);
    leader.onLearnerPacket(1, 1, info(1, 1));
    out.take();
    leader.onLearnerPacket(2, 1, ackEpoch(z(1, 1), 1n));
    const { actions } = out.take();
    expect(actions.find((a) => a.kind === 'setCurrentEpoch')).toEqual({ kind: 'setCurrentEpoch', epoch: 2n });
    expect(actions.findIndex((a) => a.kind === 'setCurrentEpoch')).toBeLessThan(actions.findIndex((a) => a.kind === 'sendLearner' && a.packet.type === PacketType.DIFF));
    expect(toLearner(actions, 1)).toEqual(['DIFF 100000003', 'PROPOSAL 100000002', 'COMMIT 100000002', 'PROPOSAL 100000003', 'COMMIT 100000003', 'NEWLEADER 200000000']);
    expect(leader.phase).toBe('sync');
  });

  it('is established by a quorum of NEWLEADER acks, then sends UPTODATE and serves', () => {
    const { leader, out } = setup();
    leader.start(0);
    leader.onLearnerPacket(1, 1, info(1, 1));
    leader.onLearnerPacket(2, 1, ackEpoch(z(1, 3), 1n));
    out.take();
    leader.onLearnerPacket(3, 1, packet(PacketType.ACK, z(2, 0)));
    const { actions, events } = out.take();
    expect(leader.phase).toBe('broadcast');
    expect(actions).toContainEqual({ kind: 'serving', serving: true });
    expect(toLearner(actions, 1)).toEqual(['UPTODATE -1']);
    expect(events.find((e) => e.type === 'zab.leader.established')?.fields).toMatchObject({ epoch: 2, supporters: '1,3' });
  });

  it('cuts back a learner that has txns the leader never had, and snapshots one behind the kept log', () => {
    const { leader, out } = setup();
    leader.start(0);
    leader.onLearnerPacket(1, 1, info(1, 1));
    leader.onLearnerPacket(2, 2, info(2, 1));
    leader.onLearnerPacket(3, 1, ackEpoch(z(1, 2), 1n));
    out.take();
    // An old leader of epoch 1 that proposed 1.4 alone: its currentEpoch is still 1.
    leader.onLearnerPacket(4, 2, ackEpoch(z(1, 4), 0n));
    expect(toLearner(out.take().actions, 2)).toEqual(['TRUNC 100000003', 'NEWLEADER 200000000']);
    const small = setup({ history: [entry(1, 1), entry(1, 2), entry(1, 3)] });
    const tiny = new ZabLeader({ myId: 3, quorum: new QuorumMaj([1, 2, 3]), tickMs: T, initLimit: 5, syncLimit: 2 },
      new ZabStore({ acceptedEpoch: 1n, currentEpoch: 1n, recent: [entry(1, 1), entry(1, 2), entry(1, 3)], base: 0n }, small.out, 1), small.out);
    tiny.start(0);
    tiny.onLearnerPacket(1, 1, info(1, 1));
    small.out.take();
    tiny.onLearnerPacket(2, 1, ackEpoch(z(1, 1), 1n));
    expect(toLearner(small.out.take().actions, 1)).toEqual(['SNAP 100000003', 'NEWLEADER 200000000']);
  });

  it('refuses a follower ahead of it, and anything but FOLLOWERINFO/OBSERVERINFO first', () => {
    const { leader, out } = setup();
    leader.start(0);
    leader.onLearnerPacket(1, 1, info(1, 1));
    leader.onLearnerPacket(2, 1, ackEpoch(z(1, 9), 1n));
    expect(out.take().actions).toContainEqual({ kind: 'closeLearner', to: 1 });
    expect(leader.phase).toBe('epochAck');
    leader.onLearnerPacket(3, 2, packet(PacketType.PING, 0n));
    expect(out.take().actions).toEqual([{ kind: 'closeLearner', to: 2 }]);
  });

  it('lets a late learner through the whole handshake at once', () => {
    const { leader, out } = established();
    leader.onLearnerPacket(40, 4, info(4, 1, PacketType.OBSERVERINFO));
    leader.onLearnerPacket(41, 4, ackEpoch(z(1, 3), -1));
    leader.onLearnerPacket(42, 4, packet(PacketType.ACK, z(2, 0)));
    expect(toLearner(out.take().actions, 4)).toEqual(['LEADERINFO 200000000', 'DIFF 100000003', 'NEWLEADER 200000000', 'UPTODATE -1']);
  });

  it('gives up when no quorum connects within initLimit ticks', () => {
    const { leader, out } = setup();
    leader.start(0);
    leader.onTick(5 * T);
    expect(leader.phase).toBe('stopped');
    expect(leader.stopReason).toMatch(/epoch from quorum/);
    expect(out.take().events.at(-1)?.type).toBe('zab.lost');
  });
});

describe('ZabLeader broadcast', () => {
  it('logs a proposal, sends it to participants only, and commits once a quorum acked', () => {
    const { leader, out } = established();
    leader.onLearnerPacket(40, 4, info(4, 1, PacketType.OBSERVERINFO));
    leader.onLearnerPacket(41, 4, ackEpoch(z(1, 3), 1n));
    leader.onLearnerPacket(42, 4, packet(PacketType.ACK, z(2, 0)));
    out.take();
    const zxid = leader.propose((zx) => Buffer.from(`txn ${zx}`));
    expect(zxid).toBe(z(2, 1));
    let { actions } = out.take();
    expect(actions.slice(0, 2)).toEqual([{ kind: 'append', entry: { zxid, txn: Buffer.from(`txn ${zxid}`) } }, { kind: 'flush' }]);
    expect(toLearner(actions, 1)).toEqual(['PROPOSAL 200000001']);
    expect(toLearner(actions, 4)).toEqual([]);
    leader.onLearnerPacket(51, 4, packet(PacketType.ACK, zxid!));
    leader.onLearnerPacket(52, 1, packet(PacketType.ACK, zxid!));
    expect(out.take().actions).toEqual([]);
    // The leader's own ack comes with its fsync.
    leader.onLogSynced(53, zxid!);
    ({ actions } = out.take());
    expect(toLearner(actions, 1)).toEqual(['COMMIT 200000001']);
    expect(toLearner(actions, 2)).toEqual(['COMMIT 200000001']);
    expect(toLearner(actions, 4)).toEqual(['INFORM 200000001']);
    expect(actions).toContainEqual({ kind: 'deliver', entry: { zxid, txn: Buffer.from(`txn ${zxid}`) } });
  });

  it('commits strictly in zxid order, many proposals in flight', () => {
    const { leader, out } = established();
    const zxids = [1, 2, 3].map(() => leader.propose(() => Buffer.from('t'))!);
    out.take();
    leader.onLearnerPacket(51, 2, packet(PacketType.ACK, zxids[2]));
    leader.onLearnerPacket(51, 1, packet(PacketType.ACK, zxids[2]));
    leader.onLearnerPacket(52, 1, packet(PacketType.ACK, zxids[1]));
    expect(out.take().actions.filter((a) => a.kind === 'deliver')).toEqual([]);
    leader.onLearnerPacket(53, 2, packet(PacketType.ACK, zxids[0]));
    expect(out.take().actions).toEqual([]);
    leader.onLearnerPacket(54, 1, packet(PacketType.ACK, zxids[0]));
    const delivered = out.take().actions.flatMap((a) => (a.kind === 'deliver' ? [a.entry.zxid] : []));
    // 1 and 3 have a quorum; 2 has only one ack: commits stop there.
    expect(delivered).toEqual([zxids[0]]);
    leader.onLogSynced(55, zxids[2]);
    expect(out.take().actions.flatMap((a) => (a.kind === 'deliver' ? [a.entry.zxid] : []))).toEqual([zxids[1], zxids[2]]);
    expect(leader.outstandingCount).toBe(0);
  });

  it('pings every half tick and steps down when a quorum stops answering', () => {
    const { leader, out } = established();
    leader.onTick(31 + T / 2);
    expect(toLearner(out.take().actions, 1)).toEqual(['PING 200000000']);
    // Learner 2 goes silent; learner 1 answers once more, then silence too.
    leader.onLearnerPacket(90, 1, packet(PacketType.PING, z(2, 0)));
    leader.onTick(31 + 2 * T);
    expect(leader.phase).toBe('broadcast');
    leader.onTick(31 + 3 * T);
    expect(leader.phase).toBe('stopped');
    expect(leader.stopReason).toMatch(/not sufficient followers synced/);
    const { actions } = out.take();
    expect(actions).toContainEqual({ kind: 'serving', serving: false });
    expect(actions.filter((a) => a.kind === 'closeLearner').length).toBeGreaterThan(0);
  });

  it('hands forwarded requests, session touches and revalidations to the shell', () => {
    const { leader, out } = established();
    const request = { sessionId: 5n, cxid: 1, type: 1, body: Buffer.from('req') };
    leader.onLearnerPacket(40, 1, packet(PacketType.REQUEST, -1n, encodeRequest(request), [{ scheme: 'digest', id: 'a:b' }]));
    leader.onLearnerPacket(41, 1, packet(PacketType.PING, z(2, 0), encodeTouches([{ sessionId: 5n, timeout: 3000 }])));
    leader.onLearnerPacket(42, 2, packet(PacketType.REVALIDATE, -1n, encodeRevalidateRequest(6n, 4000)));
    expect(out.take().actions).toEqual([
      { kind: 'learnerRequest', from: 1, request, authinfo: [{ scheme: 'digest', id: 'a:b' }] },
      { kind: 'touchSessions', from: 1, touches: [{ sessionId: 5n, timeout: 3000 }] },
      { kind: 'revalidateSession', from: 2, sessionId: 6n, timeout: 4000 },
    ]);
    leader.revalidateReply(2, 6n, true);
    expect(decodeRevalidateReply(packetsTo(out.take().actions, 2)[0].data)).toEqual({ sessionId: 6n, valid: true });
    // A malformed REQUEST closes that learner only.
    leader.onLearnerPacket(43, 1, packet(PacketType.REQUEST, -1n, Buffer.alloc(3)));
    expect(out.take().actions).toEqual([{ kind: 'closeLearner', to: 1 }]);
  });

  it('answers a sync once everything proposed before it is committed', () => {
    const { leader, out } = established();
    leader.processSync(1);
    expect(toLearner(out.take().actions, 1)).toEqual(['SYNC 0']);
    const zxid = leader.propose(() => Buffer.from('t'))!;
    leader.processSync(1);
    out.take();
    leader.onLearnerPacket(41, 2, packet(PacketType.ACK, zxid));
    leader.onLogSynced(42, zxid);
    expect(toLearner(out.take().actions, 1)).toEqual(['COMMIT 200000001', 'SYNC 0']);
  });

  it('steps down rather than let the zxid counter roll over', () => {
    const { leader } = established();
    leader.lastProposed = z(2, 0xfffffffe);
    expect(leader.propose(() => Buffer.from('t'))).toBeNull();
    expect(leader.phase).toBe('stopped');
  });
});
