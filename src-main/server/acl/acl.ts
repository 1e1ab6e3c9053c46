// ACL rules of a ZooKeeper 3.8 server: checkACL (ZooKeeperServer.checkACL), fixupACL
// (PrepRequestProcessor.fixupACL), the digest masking of getACL (FinalRequestProcessor) and
// whoAmI's client infos (AuthUtil.getClientInfos).

import type { ACL, ClientInfo, Id } from '../../protocol';
import { ErrorCode, Perms } from '../../protocol';
import { defaultProviders, type ProviderRegistry } from './providers';

export const ANYONE_ID_UNSAFE: Id = { scheme: 'world', id: 'anyone' };
export const AUTH_IDS: Id = { scheme: 'auth', id: '' };
export const OPEN_ACL_UNSAFE: readonly ACL[] = Object.freeze([{ perms: Perms.ALL, id: ANYONE_ID_UNSAFE }]);
export const CREATOR_ALL_ACL: readonly ACL[] = Object.freeze([{ perms: Perms.ALL, id: AUTH_IDS }]);
export const READ_ACL_UNSAFE: readonly ACL[] = Object.freeze([{ perms: Perms.READ, id: ANYONE_ID_UNSAFE }]);

export interface AclPolicy {
  /** zookeeper.skipACL=yes: every check passes. */
  skipACL: boolean;
  providers: ProviderRegistry;
}

export function defaultAclPolicy(): AclPolicy {
  return { skipACL: false, providers: defaultProviders() };
}

export function sameId(a: Id, b: Id): boolean {
  return a.scheme === b.scheme && a.id === b.id;
}

export function sameAcl(a: ACL, b: ACL): boolean {
  return a.perms === b.perms && sameId(a.id, b.id);
}

/**
 * ZooKeeperServer.checkACL: an empty ACL allows everything, a "super" id allows everything,
 * otherwise some entry granting one of `perm`'s bits must match one of the caller's ids.
 */
export function checkACL(policy: AclPolicy, acl: readonly ACL[] | null, perm: number, authInfo: readonly Id[]): boolean {
  if (policy.skipACL) return true;
  if (acl == null || acl.length === 0) return true;
  if (authInfo.some((id) => id.scheme === 'super')) return true;
  for (const a of acl) {
    if ((a.perms & perm) === 0) continue;
    if (a.id.scheme === 'world' && a.id.id === 'anyone') return true;
    const ap = policy.providers.get(a.id.scheme);
    if (!ap) continue;
    for (const authId of authInfo) {
      if (authId.scheme === a.id.scheme && ap.matches(authId.id, a.id.id)) return true;
    }
  }
  return false;
}

/** PrepRequestProcessor.removeDuplicates: first occurrence wins, order kept. */
export function removeDuplicateAcls(acls: readonly ACL[] | null): ACL[] {
  const out: ACL[] = [];
  for (const a of acls ?? []) if (!out.some((b) => sameAcl(a, b))) out.push(a);
  return out;
}

/**
 * PrepRequestProcessor.fixupACL: the ACL a create or setACL stores, or INVALIDACL. "auth" expands
 * to every id of the caller whose scheme is an authenticating provider (not "ip").
 */
export function fixupACL(
  policy: AclPolicy, authInfo: readonly Id[], acls: readonly ACL[] | null,
): ACL[] | typeof ErrorCode.INVALIDACL | typeof ErrorCode.MARSHALLINGERROR {
  const unique = removeDuplicateAcls(acls);
  if (unique.length === 0) return ErrorCode.INVALIDACL;
  const out: ACL[] = [];
  for (const a of unique) {
    const { scheme, id } = a.id;
    if (scheme == null) return ErrorCode.INVALIDACL;
    // A null id string makes Java throw a NullPointerException, which the server reports as a
    // marshalling error.
    if (scheme === 'world' && id == null) return ErrorCode.MARSHALLINGERROR;
    if (scheme === 'world' && id === 'anyone') {
      out.push(a);
    } else if (scheme === 'auth') {
      let valid = false;
      for (const cid of authInfo) {
        const ap = policy.providers.get(cid.scheme);
        if (ap?.isAuthenticated) {
          valid = true;
          out.push({ perms: a.perms, id: cid });
        }
      }
      if (!valid) return ErrorCode.INVALIDACL;
    } else {
      const ap = policy.providers.get(scheme);
      if (!ap) return ErrorCode.INVALIDACL;
      if (id == null) return ErrorCode.MARSHALLINGERROR;
      if (!ap.isValid(id)) return ErrorCode.INVALIDACL;
      out.push(a);
    }
  }
  return out;
}

/** getACL without ADMIN permission: digest ids lose their hash ("user:x"). */
export function maskDigestAcls(acl: readonly ACL[]): ACL[] {
  return acl.map((a) => (a.id.scheme === 'digest' ? { perms: a.perms, id: { scheme: a.id.scheme, id: a.id.id.replace(/:[^\n\r\u2028\u2029\u0085]*/g, ':x') } } : a));
}

/** whoAmI: scheme and user name per id; schemes without a provider (e.g. "super") give "". */
export function clientInfos(policy: AclPolicy, authInfo: readonly Id[]): ClientInfo[] {
  return authInfo.map((id) => ({ authScheme: id.scheme, user: policy.providers.get(id.scheme)?.userName(id.id) ?? '' }));
}

/**
 * A connection's authenticated ids (ServerCnxn.authInfo). ZooKeeper keeps them in a concurrent
 * set, so a repeated addAuth adds nothing; here they keep insertion order.
 */
export class AuthInfo {
  private readonly ids: Id[] = [];

  constructor(initial: readonly Id[] = []) {
    for (const id of initial) this.add(id);
  }

  add(id: Id): boolean {
    if (this.ids.some((x) => sameId(x, id))) return false;
    this.ids.push({ scheme: id.scheme, id: id.id });
    return true;
  }

  remove(id: Id): boolean {
    const i = this.ids.findIndex((x) => sameId(x, id));
    if (i < 0) return false;
    this.ids.splice(i, 1);
    return true;
  }

  get list(): readonly Id[] {
    return this.ids;
  }
}
