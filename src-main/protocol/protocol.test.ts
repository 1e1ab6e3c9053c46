import { describe, expect, it } from 'vitest';
import { JuteReader, JuteWriter, JuteError } from './jute';
import { FrameDecoder, FrameTooLargeError } from './frame';
import { validatePath, parentOf, joinPath } from './paths';
import { errorName, ErrorCode, ZooKeeperError } from './errors';
import { opName, OpCode } from './opcodes';
import { parsePerms, permsToString } from './constants';
import { digestId } from './digest';
import { decode, encode, StatCodec, ConnectRequestCodec, type Stat } from './records';
import { readMultiRequest, readMultiResponse, writeMultiRequest, writeMultiResponse } from './multi';

describe('jute', () => {
  it('encodes big-endian primitives, null buffers and strings as length -1', () => {
    const w = new JuteWriter(4);
    w.writeInt(-2).writeLong(0x0102030405060708n).writeBool(true).writeBuffer(null).writeString('é').writeString(null);
    expect(w.toBuffer().toString('hex')).toBe('fffffffe' + '0102030405060708' + '01' + 'ffffffff' + '00000002c3a9' + 'ffffffff');
    const r = new JuteReader(w.toBuffer());
    expect([r.readInt(), r.readLong(), r.readBool(), r.readBuffer(), r.readString(), r.readString()])
      .toEqual([-2, 0x0102030405060708n, true, null, 'é', null]);
    expect(r.remaining).toBe(0);
  });

  it('refuses truncated input and impossible vector counts', () => {
    expect(() => new JuteReader(Buffer.from([0, 0, 0, 5, 1])).readBuffer()).toThrow(JuteError);
    expect(() => new JuteReader(Buffer.from([0x7f, 0, 0, 0])).readVector((r) => r.readInt())).toThrow(/cannot fit/);
  });

  it('round-trips a Stat with 64-bit zxids and negative owners', () => {
    const stat: Stat = { czxid: 0x100000001n, mzxid: 0x7fffffffffffffffn, ctime: 1700000000123, mtime: 1700000000456, version: 3,
      cversion: -1, aversion: 0, ephemeralOwner: -0x8000000000000000n, dataLength: 5, numChildren: 2, pzxid: 7n };
    const bytes = encode(StatCodec, stat);
    expect(bytes.length).toBe(68);
    expect(decode(StatCodec, bytes)).toEqual(stat);
  });

  it('reads a ConnectRequest without the optional readOnly byte (pre-3.4 clients)', () => {
    const full = encode(ConnectRequestCodec, { protocolVersion: 0, lastZxidSeen: 0n, timeOut: 30000, sessionId: 0n, passwd: Buffer.alloc(16), readOnly: true });
    expect(decode(ConnectRequestCodec, full).readOnly).toBe(true);
    expect(decode(ConnectRequestCodec, full.subarray(0, full.length - 1)).readOnly).toBe(false);
  });

  it('round-trips multi requests and responses', () => {
    const acl = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
    const ops = [
      { type: OpCode.create, path: '/a', data: Buffer.from('x'), acl, flags: 0 },
      { type: OpCode.delete, path: '/b', version: 2 },
      { type: OpCode.check, path: '/c', version: 1 },
    ] as const;
    const w = new JuteWriter();
    writeMultiRequest(w, ops);
    expect(readMultiRequest(new JuteReader(w.toBuffer()))).toEqual(ops);
    const results = [{ type: OpCode.error, err: 0 }, { type: OpCode.error, err: ErrorCode.NONODE }] as const;
    const w2 = new JuteWriter();
    writeMultiResponse(w2, results);
    expect(readMultiResponse(new JuteReader(w2.toBuffer()))).toEqual(results);
  });
});

describe('frames', () => {
  it('reassembles frames split at any byte', () => {
    const frames = [Buffer.from('hello'), Buffer.alloc(0), Buffer.from('world!')];
    const wire = Buffer.concat(frames.map((f) => JuteWriter.frame((w) => w.writeBuffer(f))));
    for (let cut = 0; cut <= wire.length; cut++) {
      const d = new FrameDecoder(1024);
      const out = [...d.push(wire.subarray(0, cut)), ...d.push(wire.subarray(cut))];
      expect(out.map((b) => new JuteReader(b).readBuffer()!.toString())).toEqual(['hello', '', 'world!']);
      expect(d.pending).toBe(0);
    }
  });

  it('refuses a length over the limit before buffering it', () => {
    const d = new FrameDecoder(1024);
    expect(() => d.push(Buffer.from([0x7f, 0xff, 0xff, 0xff]))).toThrow(FrameTooLargeError);
    expect(() => new FrameDecoder(10).push(Buffer.from([0xff, 0xff, 0xff, 0xff]))).toThrow(/out of range/);
  });
});

describe('paths', () => {
  it.each([
    ['', 'Path length must be > 0'],
    ['a', 'Path must start with / character'],
    ['/a/', 'Path must not end with / character'],
    ['/a//b', 'empty node name specified @3'],
    ['/a/./b', 'relative paths not allowed @3'],
    ['/a/../b', 'relative paths not allowed @4'],
    ['/a\u0000', 'null character not allowed @2'],
    ['/a\u0001', 'invalid character @2'],
  ])('rejects %j with ZooKeeper\'s reason', (path, reason) => {
    expect(() => validatePath(path)).toThrow(reason);
  });

  it('accepts ordinary and sequential-prefix paths', () => {
    for (const p of ['/', '/a', '/a/b.c', '/a/..b', '/zk-é']) expect(() => validatePath(p)).not.toThrow();
    expect(() => validatePath('/queue/', true)).not.toThrow();
    expect(parentOf('/a/b')).toBe('/a');
    expect(parentOf('/a')).toBe('/');
    expect(joinPath('/', 'a')).toBe('/a');
  });
});

describe('names and digests', () => {
  it('names codes as ZooKeeper does', () => {
    expect(errorName(-101)).toBe('NONODE');
    expect(errorName(-999)).toBe('UNKNOWN(-999)');
    expect(opName(105)).toBe('setWatches2');
    expect(new ZooKeeperError(ErrorCode.BADVERSION, '/x').message).toBe('BADVERSION: the node was changed by someone else (version mismatch) (/x)');
  });

  it('prints and parses permissions in zkCli order', () => {
    expect(permsToString(31)).toBe('cdrwa');
    expect(permsToString(1 | 16)).toBe('ra');
    expect(parsePerms('rw')).toBe(3);
    expect(() => parsePerms('rx')).toThrow(/unknown permission letter 'x'/);
  });

  it('computes digest ids like DigestAuthenticationProvider.generateDigest', () => {
    // Expected value printed by Apache ZooKeeper 3.8's DigestAuthenticationProvider main (alice:pw).
    expect(digestId('alice:pw')).toBe('alice:V55/p2T0OpjQ+low3NVAH4aLvm0=');
  });
});
