// The JSON boundary: bigint → decimal string, Buffer ↔ base64, numeric enums ↔ names.
import { CreateMode, type ACL, type Stat } from '../protocol';
import { badArguments } from './errors';
import type { AclView, CreateModeName, StatView } from './types';

export function statView(s: Stat): StatView {
  return {
    czxid: s.czxid.toString(),
    mzxid: s.mzxid.toString(),
    pzxid: s.pzxid.toString(),
    ctime: s.ctime,
    mtime: s.mtime,
    version: s.version,
    cversion: s.cversion,
    aversion: s.aversion,
    ephemeralOwner: s.ephemeralOwner.toString(),
    dataLength: s.dataLength,
    numChildren: s.numChildren,
  };
}

export function aclView(acl: ACL[]): AclView[] {
  return acl.map((a) => ({ perms: a.perms, scheme: a.id.scheme, id: a.id.id }));
}

export function toBase64(data: Buffer | null): string | null {
  return data === null ? null : data.toString('base64');
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function fromBase64(data: unknown): Buffer | null {
  if (data === null) return null;
  if (typeof data !== 'string' || !BASE64.test(data)) throw badArguments('node data must be base64 text or null');
  return Buffer.from(data, 'base64');
}

export function createModeValue(name: unknown): number {
  if (typeof name !== 'string' || !Object.hasOwn(CreateMode, name)) {
    throw badArguments(`unknown create mode ${JSON.stringify(name)} (one of ${Object.keys(CreateMode).join(', ')})`);
  }
  return CreateMode[name as CreateModeName];
}

export function sessionIdHex(id: bigint): string {
  return `0x${id.toString(16)}`;
}
