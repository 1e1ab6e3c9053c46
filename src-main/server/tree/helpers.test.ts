import { describe, expect, it } from 'vitest';
import { CONTAINER_EPHEMERAL_OWNER, EphemeralKind, ephemeralKind, isValidTTL, MAX_TTL, ttlOfEphemeralOwner, ttlToEphemeralOwner } from './ephemeral-type';
import { formatSequence, javaParseInt, javaSplit } from './java-text';
import { QuotaPathTrie, StatsTrack } from './quota';
import { createStat, toClientStat } from './stat';

describe('EphemeralType', () => {
  it('decodes owners; TTL markers only with extended types on', () => {
    expect(ephemeralKind(0n, false)).toBe(EphemeralKind.VOID);
    expect(ephemeralKind(0x100n, false)).toBe(EphemeralKind.NORMAL);
    expect(ephemeralKind(CONTAINER_EPHEMERAL_OWNER, false)).toBe(EphemeralKind.CONTAINER);
    expect(ephemeralKind(CONTAINER_EPHEMERAL_OWNER, true)).toBe(EphemeralKind.CONTAINER);
    const ttl = ttlToEphemeralOwner(1);
    expect(BigInt.asUintN(64, ttl).toString(16)).toBe('ff00000000000001');
    expect(ephemeralKind(ttl, true)).toBe(EphemeralKind.TTL);
    expect(ephemeralKind(ttl, false)).toBe(EphemeralKind.NORMAL);
    expect(() => ephemeralKind(BigInt.asIntN(64, 0xff00010000000001n), true)).toThrow(/Invalid ephemeralOwner/);
    expect(ttlOfEphemeralOwner(ttlToEphemeralOwner(MAX_TTL))).toBe(MAX_TTL);
  });

  it('bounds TTLs to 40 bits', () => {
    expect(MAX_TTL).toBe(2 ** 40 - 1);
    expect([0, 1, MAX_TTL, MAX_TTL + 1, -1].map(isValidTTL)).toEqual([false, true, true, false, false]);
  });
});

describe('client stats (DataNode.copyStat)', () => {
  it('translates cversion and hides non-session owners', () => {
    const s = createStat(5n, 10, CONTAINER_EPHEMERAL_OWNER);
    s.cversion = 3;
    expect(toClientStat(s, 2, 1, false)).toMatchObject({ cversion: 5, ephemeralOwner: 0n, dataLength: 2, numChildren: 1, czxid: 5n, pzxid: 5n });
    expect(toClientStat(createStat(1n, 1, 77n), 0, 0, false).ephemeralOwner).toBe(77n);
    expect(toClientStat(createStat(1n, 1, ttlToEphemeralOwner(9)), 0, 0, true).ephemeralOwner).toBe(0n);
  });
});

describe('Java text helpers', () => {
  it('splits like String.split', () => {
    expect(javaSplit('a:b:', /:/)).toEqual(['a', 'b']);
    expect(javaSplit(':b', /:/)).toEqual(['', 'b']);
    expect(javaSplit('', /:/)).toEqual(['']);
    expect(javaSplit('a::', /:/)).toEqual(['a']);
  });

  it('parses ints like Integer.parseInt', () => {
    expect(['12', '+7', '-0', '007', '', '1e3', '2147483648', ' 1'].map(javaParseInt)).toEqual([12, 7, 0, 7, null, null, null, null]);
  });

  it('formats sequence numbers as %010d', () => {
    expect(formatSequence(0)).toBe('0000000000');
    expect(formatSequence(2147483647)).toBe('2147483647');
    expect(formatSequence(-2147483648)).toBe('-2147483648');
    expect(formatSequence(-1)).toBe('-000000001');
  });
});

describe('quota helpers', () => {
  it('finds the deepest marked prefix by whole components (PathTrie)', () => {
    const t = new QuotaPathTrie();
    t.add('/a');
    t.add('/a/b/c');
    expect(t.findMaxPrefix('/a/b')).toBe('/a');
    expect(t.findMaxPrefix('/a/b/c/d')).toBe('/a/b/c');
    expect(t.findMaxPrefix('/ab')).toBe('/');
    expect(t.findMaxPrefix('//a//')).toBe('/a');
    t.delete('/a');
    expect(t.findMaxPrefix('/a/b')).toBe('/');
  });

  it('reads and writes StatsTrack text, count and bytes first', () => {
    const s = new StatsTrack('count=1,bytes=2=;countHardLimit=5');
    expect([s.count, s.bytes, s.countHardLimit, s.byteHardLimit]).toEqual([1, 2, 5, -1]);
    expect(s.toString()).toBe('count=1,bytes=2=;countHardLimit=5');
    expect(new StatsTrack('bytes=4,count=').toString()).toBe('count=-1,bytes=4');
    expect(new StatsTrack('').toString()).toBe('count=-1,bytes=-1');
  });
});
