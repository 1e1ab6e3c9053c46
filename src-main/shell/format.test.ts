import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../protocol/errors';
import type { Stat } from '../protocol/records';
import {
  cliErrorMessage, formatAcl, formatStat, formatWatchedEvent, javaDateString, javaHex, keeperMessage, parseAclString,
  pathProblem,
} from './format';

const stat: Stat = {
  czxid: 0x7n, mzxid: 0x1an, ctime: 1700000000000, mtime: 1700000061000, version: 3, cversion: 1, aversion: 2,
  ephemeralOwner: 0x100000a2b3c0001n, dataLength: 11, numChildren: 1, pzxid: 0x1bn,
};

describe('formatStat', () => {
  it("prints zkCli's StatPrinter layout", () => {
    expect(formatStat(stat, 'UTC')).toEqual([
      'cZxid = 0x7',
      'ctime = Tue Nov 14 22:13:20 UTC 2023',
      'mZxid = 0x1a',
      'mtime = Tue Nov 14 22:14:21 UTC 2023',
      'pZxid = 0x1b',
      'cversion = 1',
      'dataVersion = 3',
      'aclVersion = 2',
      'ephemeralOwner = 0x100000a2b3c0001',
      'dataLength = 11',
      'numChildren = 1',
    ]);
  });

  it('prints negative longs as Java does (unsigned hex)', () => {
    expect(javaHex(-(1n << 63n))).toBe('8000000000000000'); // a container's ephemeralOwner
    expect(javaHex(-1n)).toBe('ffffffffffffffff');
    expect(javaHex(0n)).toBe('0');
  });
});

describe('javaDateString (Java Date.toString)', () => {
  // Checked against `new java.util.Date(1700000000000L).toString()` with TZ set to each zone.
  it.each([
    ['UTC', 'Tue Nov 14 22:13:20 UTC 2023'],
    ['Europe/Berlin', 'Tue Nov 14 23:13:20 CET 2023'],
    ['Asia/Tokyo', 'Wed Nov 15 07:13:20 JST 2023'],
    ['America/New_York', 'Tue Nov 14 17:13:20 EST 2023'],
    ['Europe/London', 'Tue Nov 14 22:13:20 GMT 2023'],
    ['Asia/Kolkata', 'Wed Nov 15 03:43:20 IST 2023'],
    ['Australia/Sydney', 'Wed Nov 15 09:13:20 AEDT 2023'],
  ])('%s', (zone, expected) => {
    expect(javaDateString(1700000000000, zone)).toBe(expected);
  });

  it('pads the day and the time', () => {
    expect(javaDateString(0, 'UTC')).toBe('Thu Jan 01 00:00:00 UTC 1970');
    expect(javaDateString(Date.UTC(2024, 1, 3, 4, 5, 6), 'UTC')).toBe('Sat Feb 03 04:05:06 UTC 2024');
  });

  it('falls back to a GMT offset where no abbreviation is known', () => {
    expect(javaDateString(1700000000000, 'America/Sao_Paulo')).toBe('Tue Nov 14 19:13:20 GMT-03:00 2023');
  });
});

describe('ACL text', () => {
  it("formats an entry as zkCli's two lines", () => {
    expect(formatAcl({ perms: 31, id: { scheme: 'world', id: 'anyone' } })).toEqual(["'world,'anyone", ': cdrwa']);
    expect(formatAcl({ perms: 1 | 16, id: { scheme: 'digest', id: 'u:x' } })).toEqual(["'digest,'u:x", ': ra']);
    expect(formatAcl({ perms: 0, id: { scheme: 'ip', id: '10.0.0.0/8' } })).toEqual(["'ip,'10.0.0.0/8", ': ']);
  });

  it('escapes as jute does', () => {
    expect(formatAcl({ perms: 1, id: { scheme: 'x', id: 'a,b}c%d\ne' } })[0]).toBe("'x,'a%2Cb%7Dc%25d%0Ae");
  });

  it('parses scheme:id:perms lists', () => {
    expect(parseAclString('digest:user:hash:cdrwa,world:anyone:r')).toEqual({
      acl: [{ perms: 31, id: { scheme: 'digest', id: 'user:hash' } }, { perms: 1, id: { scheme: 'world', id: 'anyone' } }],
      warnings: [],
    });
    expect(parseAclString('auth::cdrwa').acl).toEqual([{ perms: 31, id: { scheme: 'auth', id: '' } }]);
    expect(parseAclString('ip:127.0.0.1:r').acl).toEqual([{ perms: 1, id: { scheme: 'ip', id: '127.0.0.1' } }]);
  });

  it('reports and skips malformed entries and letters, as zkCli does', () => {
    expect(parseAclString('foo:bar')).toEqual({ acl: [], warnings: ['foo:bar does not have the form scheme:id:perm'] });
    expect(parseAclString('world:anyone:rxw')).toEqual({
      acl: [{ perms: 3, id: { scheme: 'world', id: 'anyone' } }], warnings: ['Unknown perm type: x'],
    });
    expect(parseAclString('world:anyone:r,,').acl).toHaveLength(1);
  });
});

describe('error text', () => {
  it("uses zkCli's sentences", () => {
    expect(cliErrorMessage(ErrorCode.NONODE, '/x')).toBe('Node does not exist: /x');
    expect(cliErrorMessage(ErrorCode.NODEEXISTS, '/x')).toBe('Node already exists: /x');
    expect(cliErrorMessage(ErrorCode.BADVERSION, '/x')).toBe('version No is not valid : /x');
    expect(cliErrorMessage(ErrorCode.NOTEMPTY, '/x')).toBe('Node not empty: /x');
    expect(cliErrorMessage(ErrorCode.NOAUTH, '/x')).toBe('Insufficient permission : /x');
    expect(cliErrorMessage(ErrorCode.NOCHILDRENFOREPHEMERALS, '/x/y')).toBe('Ephemerals cannot have children: /x/y');
    expect(cliErrorMessage(ErrorCode.INVALIDACL)).toBe('Acl is not valid : null');
  });

  it('falls back to KeeperException messages', () => {
    expect(cliErrorMessage(ErrorCode.AUTHFAILED, '/x')).toBe('KeeperErrorCode = AuthFailed for /x');
    expect(cliErrorMessage(ErrorCode.CONNECTIONLOSS, '/x')).toBe('KeeperErrorCode = ConnectionLoss for /x');
    expect(keeperMessage(ErrorCode.INVALIDACL)).toBe('KeeperErrorCode = InvalidACL');
    expect(keeperMessage(ErrorCode.REQUESTTIMEOUT, '/a')).toBe('KeeperErrorCode = Unknown error REQUESTTIMEOUT for /a');
  });

  it("reports bad paths as the Java client does", () => {
    expect(pathProblem('/a')).toBeNull();
    expect(pathProblem('a')).toBe('Path must start with / character');
    expect(pathProblem('/a/')).toBe('Path must not end with / character');
    expect(pathProblem('/a/', true)).toBeNull();
    expect(pathProblem('')).toBe('Path length must be > 0');
    expect(pathProblem('//a')).toBe('Invalid path string "//a" caused by empty node name specified @1');
    expect(pathProblem('/a/./b')).toBe('Invalid path string "/a/./b" caused by relative paths not allowed @3');
  });

  it('formats watch events as WatchedEvent.toString()', () => {
    expect(formatWatchedEvent({ type: 3, state: 3, path: '/p/w' })).toBe('WatchedEvent state:SyncConnected type:NodeDataChanged path:/p/w');
    expect(formatWatchedEvent({ type: -1, state: 0, path: '' })).toBe('WatchedEvent state:Disconnected type:None path:null');
  });
});
