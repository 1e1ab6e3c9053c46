import { describe, expect, it } from 'vitest';
import { QuorumMaj } from '../election/quorum';
import { ServerState } from '../election/vote';
import { encodeLearnerInfo } from './payloads';
import { ZabPeer } from './peer';
import { PacketType, packet } from './quorum-packet';
import { makeZxid } from './zxid';

const timing = { tickMs: 100, initLimit: 5, syncLimit: 2, election: { finalizeWaitMs: 200 } };
const empty = { acceptedEpoch: 0n, currentEpoch: 0n, recent: [], base: 0n };

describe('ZabPeer', () => {
  it('alone in its quorum: elects itself, establishes epoch 1 and commits what it proposes once on disk', () => {
    const peer = new ZabPeer({ myId: 1, quorum: new QuorumMaj([1]), ...timing }, empty);
    peer.start(0);
    expect(peer.role).toBe('looking');
    const out = peer.onTick(peer.wakeAt!);
    expect(peer.role).toBe('leading');
    expect(peer.serving).toBe(true);
    expect(out.actions).toEqual(expect.arrayContaining([
      { kind: 'setAcceptedEpoch', epoch: 1n }, { kind: 'setCurrentEpoch', epoch: 1n }, { kind: 'serving', serving: true },
    ]));
    const { zxid, actions } = peer.propose(300, () => Buffer.from('t'));
    expect(zxid).toBe(makeZxid(1n, 1n));
    expect(actions.map((a) => a.kind)).toEqual(['append', 'flush']);
    expect(peer.onLogSynced(301, zxid!).actions).toEqual([{ kind: 'deliver', entry: { zxid, txn: Buffer.from('t') } }]);
  });

  it('votes with its last logged zxid and currentEpoch, and refuses learners while not leading', () => {
    const peer = new ZabPeer({ myId: 2, quorum: new QuorumMaj([1, 2, 3]), ...timing },
      { acceptedEpoch: 3n, currentEpoch: 2n, recent: [{ zxid: makeZxid(2n, 7n), txn: Buffer.from('x') }], base: 0n });
    const { actions } = peer.start(0);
    const votes = actions.flatMap((a) => (a.kind === 'electionSend' ? [a.message] : []));
    expect(votes.map((v) => v.zxid)).toEqual([makeZxid(2n, 7n), makeZxid(2n, 7n)]);
    expect(votes[0]).toMatchObject({ state: ServerState.LOOKING, leader: 2n, peerEpoch: 2n });
    const info = packet(PacketType.FOLLOWERINFO, 0n, encodeLearnerInfo({ serverId: 1n, protocolVersion: 0x10000, configVersion: 0n }));
    expect(peer.onLearnerPacket(1, 1, info).actions).toEqual([{ kind: 'closeLearner', to: 1 }]);
  });

  it('follows the leader an election picks, and looks again, fast-forwarded, when it goes silent', () => {
    const peer = new ZabPeer({ myId: 1, quorum: new QuorumMaj([1, 2, 3]), ...timing }, empty);
    peer.start(0);
    // Servers 2 and 3 already follow 3, which leads: server 1 joins them.
    for (const sid of [2, 3]) {
      peer.onElectionMessage(5, sid, {
        state: sid === 3 ? ServerState.LEADING : ServerState.FOLLOWING, leader: 3n, zxid: 0n, electionEpoch: 1n, peerEpoch: 1n, version: 2, config: null,
      });
    }
    expect(peer.role).toBe('following');
    expect(peer.learner?.leaderId).toBe(3);
    const { actions, events } = peer.onTick(5 + 5 * 100);
    expect(peer.role).toBe('looking');
    expect(actions).toContainEqual({ kind: 'fastForward' });
    expect(events.find((e) => e.type === 'zab.state' && e.fields.state === 'LOOKING')?.fields.reason).toMatch(/nothing from leader 3/);
  });
});
