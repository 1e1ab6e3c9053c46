import { describe, expect, it } from 'vitest';
import { Outbox, type LogEntry, type ZabAction } from './actions';
import { ZabLearner } from './learner';
import { PROTOCOL_VERSION, decodeInt, decodeLearnerInfo, decodeRequest, encodeInt, encodeRevalidateReply, encodeTouches } from './payloads';
import { PacketType, packet, packetTypeName } from './quorum-packet';
import { ZabStore } from './store';
import { makeZxid } from './zxid';

const T = 100;
const z = (epoch: number, counter: number) => makeZxid(BigInt(epoch), BigInt(counter));
const entry = (epoch: number, counter: number): LogEntry => ({ zxid: z(epoch, counter), txn: Buffer.from(`${epoch}.${counter}`) });

function setup(opts: { observer?: boolean; acceptedEpoch?: bigint; currentEpoch?: bigint; history?: LogEntry[] } = {}) {
  const out = new Outbox();
  const store = new ZabStore({
    acceptedEpoch: opts.acceptedEpoch ?? 1n, currentEpoch: opts.currentEpoch ?? 1n, recent: opts.history ?? [entry(1, 1), entry(1, 2)], base: 0n,
  }, out);
  const learner = new ZabLearner({
    myId: 2, leaderId: 3, observer: opts.observer ?? false, tickMs: T, initLimit: 5, syncLimit: 2, connectRetryMs: 100,
    touches: () => encodeTouches([{ sessionId: 7n, timeout: 9000 }]),
  }, store, out);
  return { learner, store, out };
}

/** The leader-bound actions, as "TYPE zxid" lines, and the disk and state actions by kind. */
function summary(actions: ZabAction[]): string[] {
  return actions.map((a) => {
    switch (a.kind) {
      case 'sendLeader': return `> ${packetTypeName(a.packet.type)} ${a.packet.zxid.toString(16)}`;
      case 'append': case 'deliver': return `${a.kind} ${a.entry.zxid.toString(16)}`;
      case 'setAcceptedEpoch': case 'setCurrentEpoch': return `${a.kind} ${a.epoch}`;
      case 'truncate': case 'installSnapshot': return `${a.kind} ${a.zxid.toString(16)}`;
      case 'connectLeader': return `connect ${a.to}`;
      case 'serving': return `serving ${a.serving}`;
      default: return a.kind;
    }
  });
}

const leaderInfo = (epoch: number) => packet(PacketType.LEADERINFO, z(epoch, 0), encodeInt(PROTOCOL_VERSION));

/** A follower at epoch 2 after an empty DIFF, NEWLEADER and UPTODATE. */
function following() {
  const s = setup();
  s.learner.start(0);
  s.learner.onLeaderPacket(1, leaderInfo(2));
  s.learner.onLeaderPacket(2, packet(PacketType.DIFF, z(1, 2)));
  s.learner.onLeaderPacket(3, packet(PacketType.NEWLEADER, z(2, 0)));
  s.learner.onLeaderPacket(4, packet(PacketType.UPTODATE, -1n));
  s.out.take();
  return s;
}

describe('ZabLearner registration', () => {
  it('connects and sends FOLLOWERINFO with its accepted epoch and LearnerInfo', () => {
    const { learner, out } = setup({ acceptedEpoch: 4n });
    learner.start(0);
    const { actions } = out.take();
    expect(summary(actions)).toEqual(['connect 3', '> FOLLOWERINFO 400000000']);
    const sent = actions[1].kind === 'sendLeader' ? actions[1].packet : null;
    expect(decodeLearnerInfo(sent!.data)).toEqual({ serverId: 2n, protocolVersion: PROTOCOL_VERSION, configVersion: 0n });
  });

  it('writes a newer epoch to disk before acking it with its currentEpoch and last zxid', () => {
    const { learner, out } = setup();
    learner.start(0);
    out.take();
    learner.onLeaderPacket(1, leaderInfo(5));
    const { actions } = out.take();
    expect(summary(actions)).toEqual(['setAcceptedEpoch 5', '> ACKEPOCH 100000002']);
    expect(actions[1].kind === 'sendLeader' && decodeInt(actions[1].packet.data, 'ACKEPOCH')).toBe(1);
  });

  it('acks an epoch it already accepted with -1, and refuses an older one', () => {
    const same = setup({ acceptedEpoch: 5n });
    same.learner.start(0);
    same.learner.onLeaderPacket(1, leaderInfo(5));
    const ack = same.out.take().actions.at(-1)!;
    expect(ack.kind === 'sendLeader' && decodeInt(ack.packet.data, 'ACKEPOCH')).toBe(-1);
    const older = setup({ acceptedEpoch: 5n });
    older.learner.start(0);
    older.out.take();
    older.learner.onLeaderPacket(1, leaderInfo(4));
    expect(older.learner.phase).toBe('stopped');
    expect(older.out.take().actions).toEqual([{ kind: 'closeLeader' }]);
  });

  it('retries a refused connection within initLimit, then gives up', () => {
    const { learner, out } = setup();
    learner.start(0);
    learner.onLeaderClosed(10);
    expect(learner.phase).toBe('connecting');
    expect(learner.wakeAt).toBe(110);
    out.take();
    learner.onTick(110);
    expect(summary(out.take().actions)).toEqual(['connect 3', '> FOLLOWERINFO 100000000']);
    learner.onLeaderClosed(450);
    expect(learner.phase).toBe('stopped');
  });
});

describe('ZabLearner synchronization', () => {
  it('applies a DIFF, makes it durable and writes currentEpoch before acking NEWLEADER', () => {
    const { learner, out } = setup();
    learner.start(0);
    learner.onLeaderPacket(1, leaderInfo(2));
    out.take();
    learner.onLeaderPacket(2, packet(PacketType.DIFF, z(1, 4)));
    learner.onLeaderPacket(3, packet(PacketType.PROPOSAL, z(1, 3), Buffer.from('1.3')));
    learner.onLeaderPacket(4, packet(PacketType.COMMIT, z(1, 3)));
    learner.onLeaderPacket(5, packet(PacketType.PROPOSAL, z(1, 4), Buffer.from('1.4')));
    learner.onLeaderPacket(6, packet(PacketType.COMMIT, z(1, 4)));
    // A proposal still in flight at the leader comes without its COMMIT.
    learner.onLeaderPacket(7, packet(PacketType.PROPOSAL, z(2, 1), Buffer.from('2.1')));
    learner.onLeaderPacket(8, packet(PacketType.NEWLEADER, z(2, 0)));
    expect(summary(out.take().actions)).toEqual(['append 100000003', 'deliver 100000003', 'append 100000004', 'deliver 100000004', 'append 200000001', 'flush']);
    learner.onLogSynced(z(1, 4));
    expect(out.take().actions).toEqual([]);
    learner.onLogSynced(z(2, 1));
    expect(summary(out.take().actions)).toEqual(['setCurrentEpoch 2', '> ACK 200000000']);
    learner.onLeaderPacket(11, packet(PacketType.UPTODATE, -1n));
    // UPTODATE's ack, then the acks of the logged proposals.
    expect(summary(out.take().actions)).toEqual(['> ACK 200000000', 'serving true', '> ACK 100000003', '> ACK 100000004', '> ACK 200000001']);
    expect(learner.phase).toBe('broadcast');
  });

  it('cuts its log back on TRUNC and replaces its state on SNAP', () => {
    const trunc = setup({ history: [entry(1, 1), entry(1, 2), entry(1, 3)] });
    trunc.learner.start(0);
    trunc.learner.onLeaderPacket(1, leaderInfo(2));
    trunc.out.take();
    trunc.learner.onLeaderPacket(2, packet(PacketType.TRUNC, z(1, 2)));
    expect(summary(trunc.out.take().actions)).toEqual(['truncate 100000002']);
    expect(trunc.store.lastZxid).toBe(z(1, 2));
    const snap = setup();
    snap.learner.start(0);
    snap.learner.onLeaderPacket(1, leaderInfo(2));
    snap.out.take();
    snap.learner.onLeaderPacket(2, packet(PacketType.SNAP, z(1, 9), Buffer.from('tree')));
    expect(snap.out.take().actions).toEqual([{ kind: 'installSnapshot', zxid: z(1, 9), snapshot: Buffer.from('tree') }]);
  });

  it('treats a first sync packet other than DIFF/TRUNC/SNAP as a protocol error', () => {
    const { learner, out } = setup();
    learner.start(0);
    learner.onLeaderPacket(1, leaderInfo(2));
    learner.onLeaderPacket(2, packet(PacketType.PROPOSAL, z(2, 1), Buffer.from('x')));
    expect(learner.phase).toBe('stopped');
    expect(out.take().events.find((e) => e.type === 'zab.error')?.fields.reason).toMatch(/expected DIFF, TRUNC or SNAP/);
  });
});

describe('ZabLearner broadcast', () => {
  it('acks a proposal only after the fsync covers it', () => {
    const { learner, out } = following();
    learner.onLeaderPacket(10, packet(PacketType.PROPOSAL, z(2, 1), Buffer.from('a')));
    learner.onLeaderPacket(11, packet(PacketType.PROPOSAL, z(2, 2), Buffer.from('b')));
    expect(summary(out.take().actions)).toEqual(['append 200000001', 'flush', 'append 200000002', 'flush']);
    learner.onLogSynced(z(2, 1));
    expect(summary(out.take().actions)).toEqual(['> ACK 200000001']);
    learner.onLeaderPacket(13, packet(PacketType.COMMIT, z(2, 1)));
    expect(summary(out.take().actions)).toEqual(['deliver 200000001']);
    learner.onLogSynced(z(2, 2));
    expect(summary(out.take().actions)).toEqual(['> ACK 200000002']);
  });

  it('stops on a COMMIT that is not for its oldest pending proposal', () => {
    const { learner, out } = following();
    learner.onLeaderPacket(10, packet(PacketType.PROPOSAL, z(2, 1), Buffer.from('a')));
    learner.onLeaderPacket(11, packet(PacketType.COMMIT, z(2, 2)));
    expect(learner.phase).toBe('stopped');
    const { actions, events } = out.take();
    expect(events.find((e) => e.type === 'zab.error')?.fields.reason).toMatch(/next pending txn is 0x200000001/);
    expect(actions).toContainEqual({ kind: 'serving', serving: false });
  });

  it('answers pings with the touched sessions and forwards requests', () => {
    const { learner, out } = following();
    learner.onLeaderPacket(10, packet(PacketType.PING, z(2, 0)));
    const ping = out.take().actions[0];
    expect(ping.kind === 'sendLeader' && ping.packet).toEqual(packet(PacketType.PING, z(2, 0), encodeTouches([{ sessionId: 7n, timeout: 9000 }])));
    const request = { sessionId: 7n, cxid: 3, type: 5, body: Buffer.from('set') };
    expect(learner.forward(request)).toBe(true);
    const sent = out.take().actions[0];
    expect(sent.kind === 'sendLeader' && decodeRequest(sent.packet.data)).toEqual(request);
    learner.onLeaderPacket(11, packet(PacketType.REVALIDATE, -1n, encodeRevalidateReply(7n, false)));
    learner.onLeaderPacket(12, packet(PacketType.SYNC, 0n));
    expect(out.take().actions).toEqual([{ kind: 'sessionRevalidated', sessionId: 7n, valid: false }, { kind: 'syncDone' }]);
  });

  it('goes back to looking after syncLimit ticks without a word from the leader', () => {
    const { learner } = following();
    expect(learner.wakeAt).toBe(4 + 2 * T);
    learner.onTick(4 + 2 * T - 1);
    expect(learner.phase).toBe('broadcast');
    learner.onTick(4 + 2 * T);
    expect(learner.phase).toBe('stopped');
    expect(learner.forward({ sessionId: 1n, cxid: 1, type: 1, body: Buffer.alloc(0) })).toBe(false);
  });

  it('as an observer: registers with OBSERVERINFO, logs and delivers INFORMs, never acks', () => {
    const { learner, out } = setup({ observer: true });
    learner.start(0);
    expect(summary(out.take().actions)).toEqual(['connect 3', '> OBSERVERINFO 100000000']);
    learner.onLeaderPacket(1, leaderInfo(2));
    learner.onLeaderPacket(2, packet(PacketType.DIFF, z(1, 2)));
    learner.onLeaderPacket(3, packet(PacketType.NEWLEADER, z(2, 0)));
    learner.onLeaderPacket(4, packet(PacketType.UPTODATE, -1n));
    out.take();
    learner.onLeaderPacket(5, packet(PacketType.INFORM, z(2, 1), Buffer.from('i')));
    learner.onLeaderPacket(6, packet(PacketType.PROPOSAL, z(2, 2), Buffer.from('p')));
    learner.onLogSynced(z(2, 1));
    expect(summary(out.take().actions)).toEqual(['append 200000001', 'flush', 'deliver 200000001']);
  });
});
