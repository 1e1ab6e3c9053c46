// Parsers against answers captured once from Apache ZooKeeper 3.8.0 (Debian): a standalone server,
// a 3-participant + 1-observer ensemble, the same follower without quorum and then read-only.

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FourLetterWordError } from './four-letter-errors';
import { parseMntr } from './four-letter-mntr';
import {
  parseConf,
  parseCons,
  parseEnvi,
  parseIsro,
  parseRuok,
  parseSrvr,
  parseStat,
  parseWchs,
} from './four-letter-parse';

function sample(name: string): string {
  return readFileSync(new URL(`./testdata/4lw-3.8/${name}.txt`, import.meta.url), 'utf8');
}

const VERSION = '3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC';

function failure(fn: () => unknown): FourLetterWordError {
  try {
    fn();
  } catch (error) {
    if (error instanceof FourLetterWordError) return error;
    throw error;
  }
  throw new Error('expected a FourLetterWordError');
}

describe('ruok', () => {
  it('is ok only for imok', () => {
    expect(parseRuok(sample('standalone-ruok'))).toBe(true);
    expect(parseRuok(sample('not-serving-ruok'))).toBe(true);
    expect(parseRuok('')).toBe(false);
  });
});

describe('srvr', () => {
  it('reads a standalone server, with a fractional average latency', () => {
    expect(parseSrvr(sample('standalone-srvr'))).toEqual({
      version: VERSION,
      readOnly: false,
      latency: { min: 0, avg: 2.75, max: 8 },
      received: 10,
      sent: 9,
      connections: 2,
      outstanding: 0,
      zxid: 4n,
      zxidHex: '0x4',
      mode: 'standalone',
      nodeCount: 8,
    });
  });

  it('reads a leader, whose zxid carries the epoch and who adds proposal sizes', () => {
    const stats = parseSrvr(sample('leader-srvr'));
    expect(stats.mode).toBe('leader');
    expect(stats.zxid).toBe(0x1_0000_0000n);
    expect(stats.zxidHex).toBe('0x100000000');
    expect(stats.proposalSizes).toEqual({ last: -1, min: -1, max: -1 });
  });

  it('reads follower and observer modes', () => {
    expect(parseSrvr(sample('follower-srvr')).mode).toBe('follower');
    expect(parseSrvr(sample('observer-srvr')).mode).toBe('observer');
    expect(parseSrvr(sample('follower-srvr')).proposalSizes).toBeUndefined();
  });

  it('reads a read-only server and its banner line', () => {
    const stats = parseSrvr(sample('read-only-srvr'));
    expect(stats.mode).toBe('read-only');
    expect(stats.readOnly).toBe(true);
    expect(stats.nodeCount).toBe(5);
  });

  it('turns the no-quorum answer into a not-serving error', () => {
    expect(failure(() => parseSrvr(sample('not-serving-srvr'))).kind).toBe('not-serving');
  });

  it('turns the whitelist refusal into a not-whitelisted error', () => {
    const error = failure(() => parseSrvr(sample('not-whitelisted-mntr')));
    expect(error.kind).toBe('not-whitelisted');
    expect(error.message).toContain('4lw.commands.whitelist');
  });

  it('names a missing line', () => {
    const text = sample('standalone-srvr').replace(/^Mode:.*$/m, '');
    const error = failure(() => parseSrvr(text));
    expect(error.kind).toBe('malformed');
    expect(error.message).toContain('"Mode"');
  });
});

describe('stat', () => {
  it('reads the client list and the srvr fields', () => {
    const report = parseStat(sample('standalone-stat'));
    expect(report.mode).toBe('standalone');
    expect(report.received).toBe(11);
    expect(report.clients).toEqual([
      { address: '127.0.0.1', port: 38352, interestOps: 0, queued: 0, recved: 1, sent: 0 },
      { address: '127.0.0.1', port: 35946, interestOps: 1, queued: 0, recved: 8, sent: 8 },
    ]);
  });

  it('reads IPv6 client addresses', () => {
    const report = parseStat(sample('standalone-stat-ipv6'));
    expect(report.clients[0]).toMatchObject({ address: '0:0:0:0:0:0:0:1', port: 57572 });
    expect(report.latency.avg).toBe(0.5833);
  });

  it('reads leader and read-only stat', () => {
    const leader = parseStat(sample('leader-stat'));
    expect(leader.mode).toBe('leader');
    expect(leader.proposalSizes).toEqual({ last: -1, min: -1, max: -1 });
    expect(leader.clients).toHaveLength(1);
    const readOnly = parseStat(sample('read-only-stat'));
    expect(readOnly.readOnly).toBe(true);
    expect(readOnly.clients).toHaveLength(1);
  });
});

describe('cons', () => {
  it('reads every field of a connection with a session', () => {
    const connections = parseCons(sample('standalone-cons'));
    expect(connections).toHaveLength(2);
    expect(connections[0]).toEqual({ address: '127.0.0.1', port: 38372, interestOps: 0, queued: 0, recved: 1, sent: 0 });
    expect(connections[1]).toEqual({
      address: '127.0.0.1',
      port: 35946,
      interestOps: 1,
      queued: 0,
      recved: 8,
      sent: 8,
      sid: 0x1000004d0850000n,
      lop: 'GETD',
      est: 1795305436892,
      to: 30000,
      lcxid: 7,
      lzxid: 4n,
      lresp: 325257,
      llat: 0,
      minlat: 0,
      avglat: 2,
      maxlat: 8,
    });
  });

  it('leaves out lcxid when the server does (after a PING), and reads IPv6 peers', () => {
    const [ipv6, session] = parseCons(sample('standalone-cons-ipv6'));
    expect(ipv6.address).toBe('0:0:0:0:0:0:0:1');
    expect(session.lop).toBe('PING');
    expect(session.lcxid).toBeUndefined();
    expect(session.lzxid).toBe(4n);
  });

  it('reads the sentinel zxid -1 as -1, and a resolved peer name', () => {
    const line = ' localhost/127.0.0.1:4000[1](queued=0,recved=1,sent=1,sid=0xff00000000000001,lop=NA,lzxid=0xffffffffffffffff)';
    const [info] = parseCons(line);
    expect(info.address).toBe('127.0.0.1');
    expect(info.lzxid).toBe(-1n);
    expect(info.sid).toBe(BigInt.asIntN(64, 0xff00000000000001n));
  });

  it('rejects a line that is not a connection', () => {
    expect(failure(() => parseCons('hello world\n')).kind).toBe('malformed');
  });
});

describe('conf', () => {
  it('reads a standalone configuration', () => {
    const conf = parseConf(sample('standalone-conf'));
    expect(conf.values.clientPort).toBe('21881');
    expect(conf.values.maxSessionTimeout).toBe('40000');
    expect(conf.values.serverId).toBe('0');
    expect(conf.servers).toEqual([]);
  });

  it('reads the membership lines of an ensemble (last line has no newline)', () => {
    const conf = parseConf(sample('follower-conf'));
    expect(conf.values['server.4']).toBe('127.0.0.1:32894:33894:observer');
    expect(conf.values.version).toBe('0');
    expect(conf.values.peerType).toBe('0');
    expect(conf.servers).toHaveLength(4);
    expect(conf.servers[0]).toEqual({
      id: 1,
      addresses: [{ host: '127.0.0.1', quorumPort: 32891, electionPort: 33891 }],
      role: 'participant',
    });
    expect(conf.servers[3].role).toBe('observer');
  });

  it('reads client addresses, several quorum addresses and IPv6 hosts', () => {
    const conf = parseConf('server.7=10.0.0.1:2888:3888|[::1]:2889:3889:participant;0.0.0.0:2181\n');
    expect(conf.servers).toEqual([
      {
        id: 7,
        addresses: [
          { host: '10.0.0.1', quorumPort: 2888, electionPort: 3888 },
          { host: '::1', quorumPort: 2889, electionPort: 3889 },
        ],
        role: 'participant',
        clientAddress: { host: '0.0.0.0', port: 2181 },
      },
    ]);
  });
});

describe('envi', () => {
  it('reads every property and skips the header', () => {
    const env = parseEnvi(sample('standalone-envi'));
    expect(env['zookeeper.version']).toBe(VERSION);
    expect(env['java.version']).toBe('17.0.15');
    expect(env['os.name']).toBe('Linux');
    expect(Object.keys(env)).not.toContain('Environment:');
  });
});

describe('wchs', () => {
  it('reads connections, paths and the total', () => {
    expect(parseWchs(sample('standalone-wchs'))).toEqual({ connections: 1, paths: 2, totalWatches: 2 });
    expect(parseWchs(sample('leader-wchs'))).toEqual({ connections: 0, paths: 0, totalWatches: 0 });
  });
});

describe('isro', () => {
  it('reads rw and ro', () => {
    expect(parseIsro(sample('standalone-isro'))).toBe('rw');
    expect(parseIsro(sample('observer-isro'))).toBe('rw');
    expect(parseIsro(sample('read-only-isro'))).toBe('ro');
  });

  it('reads "null" (no quorum, not read-only) as not serving', () => {
    expect(failure(() => parseIsro(sample('not-serving-isro'))).kind).toBe('not-serving');
  });
});

describe('every captured answer', () => {
  const parsers: Record<string, (text: string) => unknown> = {
    ruok: parseRuok, srvr: parseSrvr, stat: parseStat, mntr: parseMntr, cons: parseCons,
    conf: parseConf, envi: parseEnvi, wchs: parseWchs, isro: parseIsro,
  };
  const files = readdirSync(new URL('./testdata/4lw-3.8/', import.meta.url));

  it.each(files)('%s parses, or fails as that server did', (file) => {
    const match = /^(standalone|leader|follower|observer|read-only|not-serving|not-whitelisted)-([a-z]{4})(-ipv6)?\.txt$/.exec(file);
    expect(match, 'samples are named <role>-<word>[-ipv6].txt').not.toBeNull();
    const [, role, word] = match ?? [];
    const parse = () => parsers[word](sample(file.replace(/\.txt$/, '')));
    if ((role === 'not-serving' && word !== 'ruok') || role === 'not-whitelisted') {
      expect(failure(parse).kind).toBe(role);
    } else {
      expect(parse).not.toThrow();
    }
  });
});
