import { describe, expect, test } from 'vitest';
import { ConnectionStats, LatencyCounter, BufferStats, dumpConnectionInfo, jacksonSocketAddress, javaHostAddress, javaLongHex, javaSocketAddress, plainAddress } from './stats';

describe('addresses as Java prints them', () => {
  test('IPv4, IPv6 uncompressed, IPv4-mapped', () => {
    expect(javaSocketAddress('127.0.0.1', 5)).toBe('/127.0.0.1:5');
    expect(javaSocketAddress('::1', 57558)).toBe('/[0:0:0:0:0:0:0:1]:57558');
    expect(jacksonSocketAddress('::1', 57558)).toBe('[0:0:0:0:0:0:0:1]:57558');
    expect(javaHostAddress('fe80::a:0bc%eth0')).toBe('fe80:0:0:0:0:0:a:bc%eth0');
    expect(javaHostAddress('64:ff9b::10.0.0.1')).toBe('64:ff9b:0:0:0:0:a00:1');
    expect(plainAddress('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(plainAddress('::1')).toBe('::1');
    expect(javaLongHex(-1n)).toBe('ffffffffffffffff');
  });
});

describe('counters with ZooKeeper semantics', () => {
  test('a fresh connection keeps minlat 0 (its field starts at 0); after crst it tracks the minimum', () => {
    const s = new ConnectionStats();
    s.update(1, 4n, 'GETD', 100, 105);
    s.update(-2, 4n, 'PING', 200, 203);
    expect([s.min, s.avg, s.max, s.lastCxid, s.lastOp]).toEqual([0, 4, 5, 1, 'PING']);
    s.reset();
    expect([s.min, s.lastCxid, s.lastZxid, s.lastOp]).toEqual([0, -1, -1n, 'NA']);
    s.update(2, 5n, 'GETD', 0, 7);
    s.update(3, 5n, 'GETD', 0, 3);
    expect([s.min, s.avg, s.max]).toEqual([3, 5, 7]);
  });

  test('server latency: average rounded half-up to 4 decimals', () => {
    const l = new LatencyCounter();
    expect([l.min, l.avg, l.max]).toEqual([0, 0, 0]);
    for (const v of [0, 0, 1, 2, 0, 0, 0, 1, 0, 0, 2, 1]) l.add(v);
    expect([l.min, l.avg, l.max]).toEqual([0, 0.5833, 2]);
  });

  test('response sizes are -1 until the first', () => {
    const b = new BufferStats();
    expect([b.last, b.min, b.max]).toEqual([-1, -1, -1]);
    b.set(16);
    b.set(89);
    expect([b.last, b.min, b.max]).toEqual([89, 16, 89]);
  });

  test('a cons line matches real ZooKeeper 3.8 output', () => {
    const stats = new ConnectionStats();
    stats.packetsReceived = 8;
    stats.packetsSent = 8;
    stats.update(7, 4n, 'GETD', 325249, 325257);
    const line = dumpConnectionInfo({
      remote: { address: '127.0.0.1', port: 35946 }, interestOps: 1, outstanding: 0, stats, sessionId: 0x1000004d0850000n,
      established: 1795305436892, sessionTimeout: 30000,
    }, false);
    expect(line).toBe(' /127.0.0.1:35946[1](queued=0,recved=8,sent=8,sid=0x1000004d0850000,lop=GETD,est=1795305436892,to=30000,lcxid=0x7,lzxid=0x4,lresp=325257,llat=8,minlat=0,avglat=8,maxlat=8)');
    const probe = dumpConnectionInfo({ remote: { address: '::1', port: 57558 }, interestOps: 0, outstanding: 0, stats: Object.assign(new ConnectionStats(), { packetsReceived: 1 }), sessionId: 0n, established: 0, sessionTimeout: 10000 }, false);
    expect(probe).toBe(' /[0:0:0:0:0:0:0:1]:57558[0](queued=0,recved=1,sent=0)');
  });
});
