import { describe, expect, it } from 'vitest';
import type { ACL, Id } from '../../protocol';
import { ErrorCode, Perms } from '../../protocol';
import {
  AuthInfo, checkACL, clientInfos, CREATOR_ALL_ACL, defaultAclPolicy, fixupACL, maskDigestAcls, OPEN_ACL_UNSAFE, READ_ACL_UNSAFE,
  removeDuplicateAcls,
} from './acl';
import { authenticate, defaultProviders, digestProvider, generateDigest, ipProvider, javaHostAddress } from './providers';

const policy = defaultAclPolicy();
const USER = 'user:2Om+GBbT2q/tS6pdvACZbbm7/1A='; // generateDigest('user:pw') on a real 3.8.0 server
const ip = (id: string): Id => ({ scheme: 'ip', id });
const digest = (id: string): Id => ({ scheme: 'digest', id });
const acl = (perms: number, scheme: string, id: string): ACL => ({ perms, id: { scheme, id } });

describe('digest provider (DigestAuthenticationProvider)', () => {
  it('hashes user:password as ZooKeeper does', () => {
    expect(generateDigest('user:pw')).toBe(USER);
    expect(generateDigest('nocolon')).toMatch(/^nocolon:/);
  });

  it('authenticates to the digest id, plus super when it matches superDigest', () => {
    expect(digestProvider.authenticate(Buffer.from('user:pw'), { remoteAddress: '127.0.0.1' })).toEqual({ code: 0, ids: [digest(USER)] });
    const su = digestProvider.authenticate(Buffer.from('user:pw'), { remoteAddress: '127.0.0.1', superDigest: USER });
    expect(su.ids).toEqual([{ scheme: 'super', id: '' }, digest(USER)]);
  });

  it('accepts ids with exactly two parts after Java split(":")', () => {
    expect(digestProvider.isValid('a:b')).toBe(true);
    expect(digestProvider.isValid(':b')).toBe(true);
    expect(digestProvider.isValid('a:')).toBe(false); // trailing empty part dropped
    expect(digestProvider.isValid('a:b:c')).toBe(false);
    expect(digestProvider.isValid('ab')).toBe(false);
    expect(digestProvider.userName(USER)).toBe('user');
  });
});

describe('ip provider (IPAuthenticationProvider)', () => {
  it('matches exact addresses and masked ranges', () => {
    expect(ipProvider.matches('10.1.2.3', '10.1.2.3')).toBe(true);
    expect(ipProvider.matches('10.1.2.3', '10.1.2.4')).toBe(false);
    expect(ipProvider.matches('10.1.2.3', '10.1.0.0/16')).toBe(true);
    expect(ipProvider.matches('10.2.2.3', '10.1.0.0/16')).toBe(false);
    expect(ipProvider.matches('10.1.2.3', '10.1.2.0/30')).toBe(true);
    expect(ipProvider.matches('10.1.2.7', '10.1.2.0/30')).toBe(false);
    expect(ipProvider.matches('1.2.3.4', '0.0.0.0/0')).toBe(true);
    expect(ipProvider.matches('10.1.2.3', '10.1.2.3/33')).toBe(false);
    expect(ipProvider.matches('::1', '10.0.0.0/8')).toBe(false); // IPv6 never matches in 3.8
  });

  it('validates like isValid', () => {
    expect(ipProvider.isValid('10.0.0.1')).toBe(true);
    expect(ipProvider.isValid('10.0.0.1/32')).toBe(true);
    expect(ipProvider.isValid('10.0.0.1/33')).toBe(false);
    expect(ipProvider.isValid('10.0.0.256')).toBe(false);
    expect(ipProvider.isValid('10.0.0')).toBe(false);
    expect(ipProvider.isValid('10.0.0.1/x')).toBe(false);
    expect(ipProvider.isValid('::1')).toBe(false);
  });

  it('is not an authenticated scheme and authenticates from the socket address', () => {
    expect(ipProvider.isAuthenticated).toBe(false);
    expect(ipProvider.authenticate(Buffer.alloc(0), { remoteAddress: '192.168.0.9' }).ids).toEqual([ip('192.168.0.9')]);
  });

  it('is the only provider besides digest by default', () => {
    expect([...defaultProviders().keys()].sort()).toEqual(['digest', 'ip']);
    expect([...defaultProviders(false).keys()]).toEqual(['ip']);
  });
});

describe('checkACL (ZooKeeperServer.checkACL)', () => {
  it('lets anyone through an empty ACL and world:anyone', () => {
    expect(checkACL(policy, [], Perms.ADMIN, [])).toBe(true);
    expect(checkACL(policy, null, Perms.ADMIN, [])).toBe(true);
    expect(checkACL(policy, OPEN_ACL_UNSAFE, Perms.WRITE, [])).toBe(true);
    expect(checkACL(policy, READ_ACL_UNSAFE, Perms.WRITE, [])).toBe(false);
  });

  it('needs an entry granting one of the bits asked for, matched by scheme and provider', () => {
    const a = [acl(Perms.READ | Perms.WRITE, 'digest', USER), acl(Perms.ADMIN, 'ip', '127.0.0.0/8')];
    expect(checkACL(policy, a, Perms.WRITE, [digest(USER)])).toBe(true);
    expect(checkACL(policy, a, Perms.ADMIN, [digest(USER)])).toBe(false);
    expect(checkACL(policy, a, Perms.ADMIN, [ip('127.0.0.1')])).toBe(true);
    expect(checkACL(policy, a, Perms.READ | Perms.ADMIN, [ip('127.0.0.1')])).toBe(true); // any bit
    expect(checkACL(policy, a, Perms.DELETE, [digest(USER), ip('127.0.0.1')])).toBe(false);
  });

  it('lets a super id do anything, and skipACL skips everything', () => {
    expect(checkACL(policy, READ_ACL_UNSAFE, Perms.ADMIN, [{ scheme: 'super', id: '' }])).toBe(true);
    expect(checkACL({ ...policy, skipACL: true }, READ_ACL_UNSAFE, Perms.ADMIN, [])).toBe(true);
  });

  it('ignores entries of schemes with no provider', () => {
    expect(checkACL(policy, [acl(Perms.ALL, 'sasl', 'bob')], Perms.READ, [{ scheme: 'sasl', id: 'bob' }])).toBe(false);
  });
});

describe('fixupACL (PrepRequestProcessor.fixupACL)', () => {
  it('rejects empty and unknown-scheme ACLs', () => {
    expect(fixupACL(policy, [], [])).toBe(ErrorCode.INVALIDACL);
    expect(fixupACL(policy, [], null)).toBe(ErrorCode.INVALIDACL);
    expect(fixupACL(policy, [], [acl(1, 'world', 'nobody')])).toBe(ErrorCode.INVALIDACL);
    expect(fixupACL(policy, [], [acl(1, 'super', '')])).toBe(ErrorCode.INVALIDACL);
    expect(fixupACL(policy, [], [acl(1, 'ip', '10.0.0.1/33')])).toBe(ErrorCode.INVALIDACL);
    expect(fixupACL(policy, [], [acl(1, 'digest', 'nopassword')])).toBe(ErrorCode.INVALIDACL);
  });

  it('drops duplicates, keeping the first', () => {
    const a = [acl(1, 'world', 'anyone'), acl(1, 'world', 'anyone'), acl(3, 'world', 'anyone')];
    expect(removeDuplicateAcls(a)).toEqual([a[0], a[2]]);
    expect(fixupACL(policy, [], a)).toEqual([a[0], a[2]]);
  });

  it('expands auth to every authenticated id (not ip), or fails with none', () => {
    expect(fixupACL(policy, [ip('127.0.0.1')], [...CREATOR_ALL_ACL])).toBe(ErrorCode.INVALIDACL);
    expect(fixupACL(policy, [ip('127.0.0.1'), digest(USER), digest('b:x')], [...CREATOR_ALL_ACL])).toEqual([
      acl(Perms.ALL, 'digest', USER), acl(Perms.ALL, 'digest', 'b:x'),
    ]);
  });

  it('reports a null id string as a marshalling error (Java NPE)', () => {
    expect(fixupACL(policy, [], [{ perms: 1, id: { scheme: 'world', id: null as unknown as string } }])).toBe(ErrorCode.MARSHALLINGERROR);
    expect(fixupACL(policy, [], [{ perms: 1, id: { scheme: 'digest', id: null as unknown as string } }])).toBe(ErrorCode.MARSHALLINGERROR);
  });
});

describe('getACL masking and whoAmI', () => {
  it('hides digest hashes from callers without ADMIN', () => {
    expect(maskDigestAcls([acl(31, 'digest', USER), acl(1, 'world', 'anyone')])).toEqual([acl(31, 'digest', 'user:x'), acl(1, 'world', 'anyone')]);
  });

  it('names users per provider; schemes without one report ""', () => {
    expect(clientInfos(policy, [ip('127.0.0.1'), digest(USER), { scheme: 'super', id: '' }])).toEqual([
      { authScheme: 'ip', user: '127.0.0.1' }, { authScheme: 'digest', user: 'user' }, { authScheme: 'super', user: '' },
    ]);
  });

  it('keeps a connection\'s ids as a set', () => {
    const a = new AuthInfo([ip('127.0.0.1')]);
    expect(a.add(digest(USER))).toBe(true);
    expect(a.add(digest(USER))).toBe(false);
    expect(a.list).toEqual([ip('127.0.0.1'), digest(USER)]);
    expect(a.remove(ip('127.0.0.1'))).toBe(true);
    expect(a.list).toEqual([digest(USER)]);
  });
});

describe('auth packets and connection ids', () => {
  it('dispatches addAuth to the scheme\'s provider, AUTHFAILED otherwise', () => {
    const p = defaultProviders();
    expect(authenticate(p, 'digest', Buffer.from('user:pw'), { remoteAddress: '127.0.0.1' })).toEqual({ code: 0, ids: [digest(USER)] });
    expect(authenticate(p, 'sasl', Buffer.alloc(0), { remoteAddress: '127.0.0.1' }).code).toBe(ErrorCode.AUTHFAILED);
  });

  it('formats socket addresses as Java\'s getHostAddress', () => {
    expect(javaHostAddress('127.0.0.1')).toBe('127.0.0.1');
    expect(javaHostAddress('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(javaHostAddress('::1')).toBe('0:0:0:0:0:0:0:1');
    expect(javaHostAddress('fe80::1:AB%eth0')).toBe('fe80:0:0:0:0:0:1:ab%eth0');
    expect(javaHostAddress('2001:db8:0:0:1:0:0:1')).toBe('2001:db8:0:0:1:0:0:1');
  });
});
