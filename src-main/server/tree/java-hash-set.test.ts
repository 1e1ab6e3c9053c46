import { describe, expect, it } from 'vitest';
import { JavaStringSet, javaStringHash, tableSizeFor } from './java-hash-set';

// Expected orders were printed by java.util.HashSet on OpenJDK 17 (the JDK Debian's ZooKeeper 3.8 runs on).
describe('JavaStringSet', () => {
  it('hashes like java.lang.String', () => {
    expect(javaStringHash('')).toBe(0);
    expect(javaStringHash('zookeeper')).toBe(1600681804);
    expect(javaStringHash('Aa')).toBe(javaStringHash('BB'));
  });

  it('sizes tables like HashMap.tableSizeFor', () => {
    expect([0, 1, 2, 3, 8, 9, 17].map(tableSizeFor)).toEqual([1, 1, 2, 4, 8, 16, 32]);
  });

  it('iterates a HashSet(8) of children in JDK order, across growth and removal', () => {
    const s = new JavaStringSet(8);
    for (const n of ['zookeeper', 'a', 'b', 'c', 'node-0000000000', 'node-0000000001', 'x', 'yy', 'zzz', 'lock-', 'foo', 'bar', 'baz', 'qux', 'quux', 'hello', 'world', 'ünï', '日本']) s.add(n);
    expect(s.toArray()).toEqual(['node-0000000000', 'yy', 'a', 'b', 'c', 'zookeeper', 'node-0000000001', 'lock-', 'foo', '日本', 'bar', 'quux', 'world', 'qux', 'x', 'baz', 'zzz', 'hello', 'ünï']);
    s.delete('a');
    s.delete('foo');
    s.add('again');
    expect(s.toArray()).toEqual(['node-0000000000', 'yy', 'b', 'c', 'zookeeper', 'node-0000000001', 'lock-', 'again', '日本', 'bar', 'quux', 'world', 'qux', 'x', 'baz', 'zzz', 'hello', 'ünï']);
    expect(s.size).toBe(18);
    expect(s.has('again')).toBe(true);
    expect(s.has('a')).toBe(false);
  });

  it('orders sequential names as the JDK does', () => {
    const s = new JavaStringSet(8);
    for (let i = 0; i < 60; i++) s.add(`q-${String(i).padStart(10, '0')}`);
    expect(s.toArray().join(',')).toBe('q-0000000035,q-0000000036,q-0000000033,q-0000000034,q-0000000031,q-0000000032,q-0000000030,q-0000000028,q-0000000029,q-0000000026,q-0000000027,q-0000000024,q-0000000025,q-0000000022,q-0000000023,q-0000000020,q-0000000021,q-0000000019,q-0000000017,q-0000000018,q-0000000015,q-0000000059,q-0000000016,q-0000000013,q-0000000057,q-0000000014,q-0000000058,q-0000000011,q-0000000055,q-0000000012,q-0000000056,q-0000000053,q-0000000010,q-0000000054,q-0000000051,q-0000000052,q-0000000050,q-0000000008,q-0000000009,q-0000000006,q-0000000007,q-0000000004,q-0000000048,q-0000000005,q-0000000049,q-0000000002,q-0000000046,q-0000000003,q-0000000047,q-0000000000,q-0000000044,q-0000000001,q-0000000045,q-0000000042,q-0000000043,q-0000000040,q-0000000041,q-0000000039,q-0000000037,q-0000000038');
  });

  it('clones into a table sized for the count, which can reorder (HashSet.clone)', () => {
    const e = new JavaStringSet();
    for (let i = 0; i < 100; i++) e.add(`/s/eph${i}`);
    for (let i = 0; i < 100; i++) if (i % 20 !== 3) e.delete(`/s/eph${i}`);
    expect(e.toArray()).toEqual(['/s/eph43', '/s/eph63', '/s/eph3', '/s/eph83', '/s/eph23']);
    expect(e.clone().toArray()).toEqual(['/s/eph23', '/s/eph3', '/s/eph43', '/s/eph63', '/s/eph83']);
    const f = new JavaStringSet();
    for (let i = 0; i < 7; i++) f.add(`/p/e${i * 13}`);
    expect(f.clone().toArray()).toEqual(['/p/e0', '/p/e52', '/p/e65', '/p/e39', '/p/e78', '/p/e13', '/p/e26']);
  });
});
