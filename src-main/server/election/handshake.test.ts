import { describe, expect, it } from 'vitest';
import { ElectionWireError } from './notification-codec';
import {
  InitialMessageReader, OBSERVER_ID, PROTOCOL_VERSION_V1, PROTOCOL_VERSION_V2, connectionVerdict, encodeInitialMessage, formatAddress,
} from './handshake';

describe('the initial message of an election connection', () => {
  it('is the protocol version, the sid, then the address text with its length', () => {
    const b = encodeInitialMessage(3, ['127.0.0.1:3888']);
    expect(b.readBigInt64BE(0)).toBe(-65536n);
    expect(b.readBigInt64BE(8)).toBe(3n);
    expect(b.readInt32BE(16)).toBe(14);
    expect(b.toString('utf8', 20)).toBe('127.0.0.1:3888');
    const v2 = encodeInitialMessage(5, ['10.0.0.1:3888', '[::1]:3888'], PROTOCOL_VERSION_V2);
    expect(v2.readBigInt64BE(0)).toBe(-65535n);
    expect(v2.toString('utf8', 20)).toBe('10.0.0.1:3888|[::1]:3888');
    expect(() => encodeInitialMessage(1, ['a:1', 'b:2'], PROTOCOL_VERSION_V1)).toThrow(/exactly one/);
    expect(formatAddress('::1', 3888)).toBe('[::1]:3888');
  });

  it('is read from any split of the stream, handing back the frames after it', () => {
    const stream = Buffer.concat([encodeInitialMessage(2, ['127.0.0.1:3888', '0.0.0.0:3999'], PROTOCOL_VERSION_V2), Buffer.from([0, 0, 0, 1, 9])]);
    for (let cut = 0; cut <= stream.length; cut++) {
      const r = new InitialMessageReader();
      const early = r.push(stream.subarray(0, cut));
      // Once the message is read, later bytes are the frame reader's.
      const got = early ? { ...early, rest: Buffer.concat([early.rest, stream.subarray(cut)]) } : r.push(stream.subarray(cut));
      expect(got).not.toBeNull();
      expect(got!.message).toEqual({ protocolVersion: PROTOCOL_VERSION_V2, sid: 2n, addresses: ['127.0.0.1:3888'] });
      expect(got!.rest).toEqual(Buffer.from([0, 0, 0, 1, 9]));
    }
  });

  it('accepts a pre-3.5 peer that sends only its sid, and the observer id', () => {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(OBSERVER_ID);
    expect(new InitialMessageReader().push(b)!.message).toEqual({ protocolVersion: null, sid: OBSERVER_ID, addresses: [] });
  });

  it('rejects an unknown version, an unreasonable length and badly formed addresses', () => {
    const bad = Buffer.alloc(20);
    bad.writeBigInt64BE(-1n);
    expect(() => new InitialMessageReader().push(bad)).toThrow(/unrecognized protocol version -1/);
    const long = encodeInitialMessage(1, ['x:1']);
    long.writeInt32BE(2049, 16);
    expect(() => new InitialMessageReader().push(long)).toThrow(/Unreasonable buffer length: 2049/);
    long.writeInt32BE(0, 16);
    expect(() => new InitialMessageReader().push(long)).toThrow(ElectionWireError);
    expect(() => new InitialMessageReader().push(encodeInitialMessage(1, ['nohost']))).toThrow(/Badly formed/);
    expect(() => new InitialMessageReader().push(encodeInitialMessage(1, ['h:1:2']))).toThrow(/Badly formed/);
    expect(() => new InitialMessageReader().push(encodeInitialMessage(1, ['h:port']))).toThrow(/Bad port number/);
  });
});

describe('which connection survives', () => {
  it('only the one opened by the higher sid', () => {
    expect(connectionVerdict(3, 1, true)).toBe('keep');
    expect(connectionVerdict(1, 3, true)).toBe('close');
    expect(connectionVerdict(3, 1, false)).toBe('close-and-connect-back');
    expect(connectionVerdict(1, 3, false)).toBe('keep');
    expect(connectionVerdict(2, 2, false)).toBe('reject-own-id');
  });
});
