import { describe, expect, it } from 'vitest';
import { ElectionWireError, FrameReader, MAX_FRAME, decodeNotification, encodeFrame, encodeNotification } from './notification-codec';
import { LONG_MIN, ServerState } from './vote';

/** A notification laid out field by field, as Java's ByteBuffer writes it. */
function javaBytes(fields: Array<['int' | 'long', number | bigint]>, tail = Buffer.alloc(0)): Buffer {
  const parts = fields.map(([type, v]) => {
    const b = Buffer.alloc(type === 'int' ? 4 : 8);
    if (type === 'int') b.writeInt32BE(Number(v));
    else b.writeBigInt64BE(BigInt(v));
    return b;
  });
  return Buffer.concat([...parts, tail]);
}

describe('notification codec', () => {
  const config = 'server.1=127.0.0.1:2888:3888:participant\nversion=0';

  it('writes version 2: state, leader, zxid, electionEpoch, peerEpoch, version, config length and text', () => {
    const b = encodeNotification({ state: ServerState.LOOKING, leader: 3n, zxid: 0x200000005n, electionEpoch: 7n, peerEpoch: 2n, config });
    expect(b).toEqual(javaBytes([['int', 0], ['long', 3n], ['long', 0x200000005n], ['long', 7n], ['long', 2n], ['int', 2], ['int', config.length]], Buffer.from(config)));
    expect(decodeNotification(b)).toEqual({ state: ServerState.LOOKING, leader: 3n, zxid: 0x200000005n, electionEpoch: 7n, peerEpoch: 2n, version: 2, config });
  });

  it('round-trips an observer\'s Long.MIN_VALUE vote and every state', () => {
    for (const state of [ServerState.LOOKING, ServerState.FOLLOWING, ServerState.LEADING, ServerState.OBSERVING]) {
      const n = { state, leader: LONG_MIN, zxid: LONG_MIN, electionEpoch: 1n, peerEpoch: LONG_MIN, config: '' };
      expect(decodeNotification(encodeNotification(n))).toEqual({ ...n, version: 2 });
    }
  });

  it('reads the older formats: 28 bytes (epoch from the zxid), exactly 40 (version not read), version 1 (no config)', () => {
    const base: Array<['int' | 'long', number | bigint]> = [['int', 1], ['long', 2n], ['long', 0x300000004n], ['long', 5n]];
    expect(decodeNotification(javaBytes(base))).toMatchObject({ state: ServerState.FOLLOWING, peerEpoch: 3n, version: 0, config: null });
    // 3.8 reads a 40-byte message as unversioned even when it carries version 1 (buildMsg's test form).
    expect(decodeNotification(javaBytes([...base, ['long', 9n], ['int', 1]]))).toMatchObject({ peerEpoch: 9n, version: 0, config: null });
    expect(decodeNotification(javaBytes([...base, ['long', 9n], ['int', 1], ['int', 0]]))).toMatchObject({ peerEpoch: 9n, version: 1, config: null });
    // 36 bytes (peer epoch, no version) falls between the formats 3.8 knows: it underflows reading the version.
    expect(() => decodeNotification(javaBytes([...base, ['long', 9n]]))).toThrow(/truncated/);
  });

  it('rejects what ZooKeeper skips: short, truncated, bad config length, unknown state', () => {
    expect(() => decodeNotification(Buffer.alloc(27))).toThrow(ElectionWireError);
    expect(() => decodeNotification(Buffer.alloc(33))).toThrow(/truncated/);
    expect(() => decodeNotification(Buffer.alloc(38))).toThrow(/truncated/);
    const good = encodeNotification({ state: 0, leader: 1n, zxid: 1n, electionEpoch: 1n, peerEpoch: 1n, config });
    const badLength = Buffer.from(good);
    badLength.writeInt32BE(-1, 40);
    expect(() => decodeNotification(badLength)).toThrow(/config length -1/);
    badLength.writeInt32BE(good.length + 1, 40);
    expect(() => decodeNotification(badLength)).toThrow(/config length/);
    expect(() => decodeNotification(good.subarray(0, good.length - 1))).toThrow(/truncated/);
    const badState = Buffer.from(good);
    badState.writeInt32BE(4, 0);
    expect(() => decodeNotification(badState)).toThrow(/unknown server state 4/);
    // Trailing bytes are ignored, as ByteBuffer reads leave them.
    expect(decodeNotification(Buffer.concat([good, Buffer.from([1, 2, 3])])).config).toBe(config);
  });
});

describe('election frames', () => {
  it('prefixes each message with its length and splits a stream at any boundary', () => {
    const a = Buffer.from('first');
    const b = Buffer.alloc(300, 7);
    const stream = Buffer.concat([encodeFrame(a), encodeFrame(b)]);
    for (let cut = 0; cut <= stream.length; cut++) {
      const r = new FrameReader();
      const frames = [...r.push(stream.subarray(0, cut)), ...r.push(stream.subarray(cut))];
      expect(frames).toEqual([a, b]);
      expect(r.buffered).toBe(0);
    }
  });

  it('breaks the stream on a length of 0, a negative one or one over 512 KiB', () => {
    const len = (n: number) => { const b = Buffer.alloc(4); b.writeInt32BE(n); return b; };
    expect(() => new FrameReader().push(len(0))).toThrow(/length 0/);
    expect(() => new FrameReader().push(len(-5))).toThrow(ElectionWireError);
    expect(() => new FrameReader().push(len(MAX_FRAME + 1))).toThrow(/length/);
    expect(new FrameReader().push(len(MAX_FRAME))).toEqual([]);
  });
});
