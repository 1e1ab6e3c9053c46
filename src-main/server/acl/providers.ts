// Authentication providers as ZooKeeper registers them by default (ProviderRegistry): "ip" and
// "digest". A provider turns addAuth bytes into ids, validates ids in ACLs, and matches a
// connection's id against an ACL id.

import { createHash } from 'node:crypto';
import type { Id } from '../../protocol';
import { ErrorCode } from '../../protocol';
import { javaParseInt, javaSplit } from '../tree/java-text';

export interface AuthContext {
  /** The client's address as InetAddress.getHostAddress prints it. */
  remoteAddress: string;
  /** zookeeper.DigestAuthenticationProvider.superDigest ("super:base64sha1"), if set. */
  superDigest?: string;
}

export interface AuthenticationProvider {
  readonly scheme: string;
  /** May ids of this scheme stand in for the "auth" scheme in ACLs (fixupACL)? */
  readonly isAuthenticated: boolean;
  /** handleAuthentication: OK with the ids to add to the connection, or AUTHFAILED. */
  authenticate(authData: Buffer, ctx: AuthContext): { code: number; ids: Id[] };
  isValid(id: string): boolean;
  matches(id: string, aclExpr: string): boolean;
  userName(id: string): string;
}

/** DigestAuthenticationProvider.generateDigest: "user:" + base64(sha1("user:password")). */
export function generateDigest(idPassword: string): string {
  const user = idPassword.split(':', 1)[0];
  return `${user}:${createHash('sha1').update(idPassword, 'utf8').digest('base64')}`;
}

export const digestProvider: AuthenticationProvider = {
  scheme: 'digest',
  isAuthenticated: true,
  authenticate(authData, ctx) {
    const digest = generateDigest(authData.toString('utf8'));
    const ids: Id[] = [];
    if (ctx.superDigest !== undefined && digest === ctx.superDigest) ids.push({ scheme: 'super', id: '' });
    ids.push({ scheme: 'digest', id: digest });
    return { code: ErrorCode.OK, ids };
  },
  isValid: (id) => javaSplit(id, /:/).length === 2,
  matches: (id, aclExpr) => id === aclExpr,
  userName: (id) => javaSplit(id, /:/)[0] ?? '',
};

/** IPAuthenticationProvider.addr2Bytes: IPv4 only (IPv6 is a TODO in ZooKeeper too). */
function v4Bytes(addr: string): number[] | null {
  const parts = addr.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    const v = javaParseInt(p);
    if (v === null || v < 0 || v > 255) return null;
    out.push(v);
  }
  return out;
}

function mask(b: number[], bits: number): void {
  let start = Math.trunc(bits / 8);
  let startMask = ~((1 << (8 - (bits % 8))) - 1);
  while (start < b.length) {
    b[start] &= startMask & 0xff;
    startMask = 0;
    start++;
  }
}

/** "addr" or "addr/bits": the address bytes and prefix length, or null when malformed. */
function parseIpExpr(expr: string): { addr: number[]; bits: number } | null {
  const slash = expr.indexOf('/');
  const addr = v4Bytes(slash < 0 ? expr : expr.slice(0, slash));
  if (!addr) return null;
  let bits = addr.length * 8;
  if (slash >= 0) {
    const parsed = javaParseInt(expr.slice(slash + 1));
    if (parsed === null || parsed < 0 || parsed > addr.length * 8) return null;
    bits = parsed;
  }
  return { addr, bits };
}

export const ipProvider: AuthenticationProvider = {
  scheme: 'ip',
  isAuthenticated: false,
  authenticate(_authData, ctx) {
    return { code: ErrorCode.OK, ids: [{ scheme: 'ip', id: ctx.remoteAddress }] };
  },
  isValid: (id) => parseIpExpr(id) !== null,
  matches(id, aclExpr) {
    const acl = parseIpExpr(aclExpr);
    if (!acl) return false;
    mask(acl.addr, acl.bits);
    const remote = v4Bytes(id);
    if (!remote) return false;
    mask(remote, acl.bits);
    return remote.every((b, i) => b === acl.addr[i]);
  },
  userName: (id) => id,
};

export type ProviderRegistry = ReadonlyMap<string, AuthenticationProvider>;

/** The providers a 3.8 server has with no zookeeper.authProvider.* properties set. */
export function defaultProviders(digestEnabled = true): ProviderRegistry {
  const m = new Map<string, AuthenticationProvider>([['ip', ipProvider]]);
  if (digestEnabled) m.set('digest', digestProvider);
  return m;
}

/**
 * The auth packet (ZooKeeperServer.processPacket, OpCode.auth): AUTHFAILED for an unknown scheme
 * or a provider that throws; on failure ZooKeeper replies AUTHFAILED and closes the connection.
 */
export function authenticate(providers: ProviderRegistry, scheme: string, authData: Buffer, ctx: AuthContext): { code: number; ids: Id[] } {
  const ap = providers.get(scheme);
  if (!ap) return { code: ErrorCode.AUTHFAILED, ids: [] };
  try {
    return ap.authenticate(authData, ctx);
  } catch {
    return { code: ErrorCode.AUTHFAILED, ids: [] };
  }
}

/**
 * InetAddress.getHostAddress for a Node socket address: the "ip" id every connection gets.
 * IPv4-mapped IPv6 becomes IPv4 (Java does the same); IPv6 is written uncompressed, groups in
 * lowercase hex without leading zeros ("0:0:0:0:0:0:0:1").
 */
export function javaHostAddress(remoteAddress: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remoteAddress);
  if (mapped) return mapped[1];
  if (!remoteAddress.includes(':')) return remoteAddress;
  const pct = remoteAddress.indexOf('%');
  const addr = pct < 0 ? remoteAddress : remoteAddress.slice(0, pct);
  const scope = pct < 0 ? '' : remoteAddress.slice(pct);
  const [head, tail] = addr.includes('::') ? addr.split('::') : [addr, null];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === null ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.map((g) => Number.parseInt(g, 16).toString(16)).join(':') + scope;
}
