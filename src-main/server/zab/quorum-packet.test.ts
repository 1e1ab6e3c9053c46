import { describe, expect, it } from 'vitest';
import { IdCodec, JuteWriter } from '../../protocol';
import {
  PROTOCOL_VERSION, ackEpochData, decodeActivate, decodeInt, decodeLearnerInfo, decodeRequest, decodeRevalidateReply,
  decodeRevalidateRequest, decodeTouches, encodeActivate, encodeInt, encodeLearnerInfo, encodeRequest, encodeRevalidateReply,
  encodeRevalidateRequest, encodeTouches,
} from './payloads';
import {
  DEFAULT_MAX_BUFFER, PacketType, QuorumPacketReader, QuorumWireError, decodeQuorumPacket, decodeQuorumPacketAt, describePacket,
  encodeQuorumPacket, encodeQuorumPackets, encodedSize, packet, packetFields, packetTypeName, type QuorumPacket,
} from './quorum-packet';
import { counterOf, epochOf, hexZxid, makeZxid } from './zxid';

/** QuorumPacket as jute writes it: the record's fields in declaration order. */
function viaJute(p: QuorumPacket): Buffer {
  const w = new JuteWriter();
  w.writeInt(p.type).writeLong(p.zxid).writeBuffer(p.data).writeVector(p.authinfo, (ww, id) => IdCodec.write(ww, id));
  return Buffer.from(w.toBuffer());
}

describe('QuorumPacket', () => {
  it("uses ZooKeeper's packet type numbers", () => {
    expect(PacketType).toEqual({
      REQUEST: 1, PROPOSAL: 2, ACK: 3, COMMIT: 4, PING: 5, REVALIDATE: 6, SYNC: 7, INFORM: 8, COMMITANDACTIVATE: 9, NEWLEADER: 10,
      FOLLOWERINFO: 11, UPTODATE: 12, DIFF: 13, TRUNC: 14, SNAP: 15, OBSERVERINFO: 16, LEADERINFO: 17, ACKEPOCH: 18, INFORMANDACTIVATE: 19,
    });
    expect(packetTypeName(17)).toBe('LEADERINFO');
    expect(packetTypeName(99)).toBe('UNKNOWN');
  });

  it('is int type, long zxid, buffer data, vector<Id> authinfo, byte for byte', () => {
    const p = packet(PacketType.COMMIT, 0x100000002n);
    expect(encodeQuorumPacket(p).toString('hex')).toBe(
      '00000004' + '0000000100000002' + 'ffffffff' + 'ffffffff');
    const q = packet(PacketType.REQUEST, -1n, Buffer.from([1, 2, 3]), [{ scheme: 'digest', id: 'bob:x' }, { scheme: 'ip', id: '' }]);
    expect(encodeQuorumPacket(q).toString('hex')).toBe(
      '00000001' + 'ffffffffffffffff' + '00000003010203' + '00000002' +
      '00000006' + Buffer.from('digest').toString('hex') + '00000005' + Buffer.from('bob:x').toString('hex') +
      '00000002' + Buffer.from('ip').toString('hex') + '00000000');
  });

  it('matches the jute record codec and round-trips', () => {
    const samples: QuorumPacket[] = [
      packet(PacketType.PING, 0x500000007n),
      packet(PacketType.PROPOSAL, makeZxid(3n, 9n), Buffer.from('txn bytes')),
      packet(PacketType.ACKEPOCH, 0x2000000ffn, encodeInt(-1)),
      packet(PacketType.REQUEST, -1n, Buffer.alloc(0), []),
      packet(PacketType.REVALIDATE, -1n, null, [{ scheme: 'sasl', id: 'zk/host@REALM é' }]),
      packet(PacketType.UPTODATE, -1n),
    ];
    for (const p of samples) {
      const bytes = encodeQuorumPacket(p);
      expect(bytes).toEqual(viaJute(p));
      expect(encodedSize(p)).toBe(bytes.length);
      expect(decodeQuorumPacket(bytes)).toEqual(p);
    }
  });

  it('splits a stream into packets whatever the chunking', () => {
    const ps = [
      packet(PacketType.PROPOSAL, 0x100000001n, Buffer.from('a'.repeat(300))),
      packet(PacketType.COMMIT, 0x100000001n),
      packet(PacketType.REQUEST, -1n, Buffer.from('r'), [{ scheme: 'digest', id: 'u:p' }]),
    ];
    const stream = encodeQuorumPackets(ps);
    for (const size of [1, 3, 7, 64, stream.length]) {
      const reader = new QuorumPacketReader();
      const got: QuorumPacket[] = [];
      for (let at = 0; at < stream.length; at += size) got.push(...reader.push(stream.subarray(at, at + size)));
      expect(got).toEqual(ps);
      expect(reader.buffered).toBe(0);
    }
  });

  it('waits for the rest of a truncated packet and refuses a corrupt one', () => {
    const bytes = encodeQuorumPacket(packet(PacketType.PROPOSAL, 1n, Buffer.from('hello')));
    for (let n = 0; n < bytes.length; n++) expect(decodeQuorumPacketAt(bytes.subarray(0, n), 0)).toBeNull();
    expect(() => decodeQuorumPacket(bytes.subarray(0, 10))).toThrow(QuorumWireError);
    expect(() => decodeQuorumPacket(Buffer.concat([bytes, Buffer.from([0])]))).toThrow(/trailing/);
    const negative = Buffer.from(bytes);
    negative.writeInt32BE(-2, 12);
    expect(() => decodeQuorumPacket(negative)).toThrow(/Unreasonable length = -2/);
    const huge = Buffer.from(bytes);
    huge.writeInt32BE(DEFAULT_MAX_BUFFER + 1, 12);
    expect(() => new QuorumPacketReader().push(huge)).toThrow(/exceeds the limit/);
  });

  it('lets a snapshot in SNAP go past jute.maxbuffer, up to its own limit', () => {
    const snap = encodeQuorumPacket(packet(PacketType.SNAP, 5n, Buffer.alloc(DEFAULT_MAX_BUFFER + 10)));
    expect(decodeQuorumPacket(snap).data!.length).toBe(DEFAULT_MAX_BUFFER + 10);
    expect(() => decodeQuorumPacket(snap, { maxSnapshot: 1000 })).toThrow(/exceeds the limit of 1000/);
  });

  it('gives the event log its fields', () => {
    expect(packetFields(packet(PacketType.COMMIT, 0x300000005n))).toEqual({ packet: 'COMMIT', zxid: '0x300000005', epoch: 3, size: 20 });
  });

  it('describes a packet in one line', () => {
    expect(describePacket(packet(PacketType.PROPOSAL, 0x100000003n, Buffer.from('xyz')))).toBe('PROPOSAL 0x100000003 3B');
    expect(describePacket(packet(PacketType.UPTODATE, -1n))).toBe('UPTODATE -0x1');
  });
});

describe('zxids', () => {
  it('put the epoch in the high 32 bits and a counter in the low 32', () => {
    const z = makeZxid(0x12345n, 0xfffffffen);
    expect(hexZxid(z)).toBe('0x12345fffffffe');
    expect(epochOf(z)).toBe(0x12345n);
    expect(counterOf(z)).toBe(0xfffffffen);
  });
});

describe('payloads', () => {
  it('LearnerInfo is long sid, int protocol version, long config version', () => {
    const bytes = encodeLearnerInfo({ serverId: 3n, protocolVersion: PROTOCOL_VERSION, configVersion: 0x100000000n });
    expect(bytes.toString('hex')).toBe('0000000000000003' + '00010000' + '0000000100000000');
    expect(decodeLearnerInfo(bytes)).toEqual({ serverId: 3n, protocolVersion: 0x10000, configVersion: 0x100000000n });
    // An old learner's shorter LearnerInfo still names it.
    expect(decodeLearnerInfo(bytes.subarray(0, 8))).toEqual({ serverId: 3n, protocolVersion: 0, configVersion: -1n });
    expect(decodeLearnerInfo(null)).toBeNull();
  });

  it('LEADERINFO and ACKEPOCH carry a Java int', () => {
    expect(encodeInt(PROTOCOL_VERSION).toString('hex')).toBe('00010000');
    expect(ackEpochData(-1).toString('hex')).toBe('ffffffff');
    expect(decodeInt(ackEpochData(7n), 'ACKEPOCH')).toBe(7);
    expect(() => decodeInt(Buffer.alloc(2), 'ACKEPOCH')).toThrow(QuorumWireError);
  });

  it('PING carries the touched sessions as (long, int) pairs', () => {
    const touches = [{ sessionId: 0x1000abcdn, timeout: 30000 }, { sessionId: -5n, timeout: 4000 }];
    const bytes = encodeTouches(touches);
    expect(bytes.length).toBe(24);
    expect(decodeTouches(bytes)).toEqual(touches);
    expect(decodeTouches(null)).toEqual([]);
    expect(() => decodeTouches(Buffer.alloc(13))).toThrow(QuorumWireError);
  });

  it('REQUEST is session, cxid, type and the request bytes', () => {
    const r = { sessionId: 0x7fn, cxid: 12, type: 1, body: Buffer.from('create') };
    const bytes = encodeRequest(r);
    expect(bytes.subarray(0, 16).toString('hex')).toBe('000000000000007f' + '0000000c' + '00000001');
    expect(decodeRequest(bytes)).toEqual(r);
    expect(() => decodeRequest(Buffer.alloc(15))).toThrow(QuorumWireError);
  });

  it('REVALIDATE asks with (session, timeout) and is answered with (session, valid)', () => {
    expect(decodeRevalidateRequest(encodeRevalidateRequest(9n, 5000))).toEqual({ sessionId: 9n, timeout: 5000 });
    expect(encodeRevalidateReply(9n, true).toString('hex')).toBe('000000000000000901');
    expect(decodeRevalidateReply(encodeRevalidateReply(9n, false))).toEqual({ sessionId: 9n, valid: false });
  });

  it('...ANDACTIVATE packets lead with the designated leader', () => {
    expect(decodeActivate(encodeActivate(2n))).toEqual({ designatedLeader: 2n, txn: Buffer.alloc(0) });
    expect(decodeActivate(encodeActivate(2n, Buffer.from('t')))).toEqual({ designatedLeader: 2n, txn: Buffer.from('t') });
  });
});
