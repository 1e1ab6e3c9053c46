// ReferenceCountedACLCache: znodes store a long that names their ACL list; identical lists share
// one entry, counted by how many nodes use it. Snapshots store this map, then the nodes' longs.
// -1 is the implicit OPEN_ACL_UNSAFE that the built-in nodes use.

import type { ACL, JuteReader, JuteWriter } from '../../protocol';
import { ACLCodec } from '../../protocol';
import { OPEN_ACL_UNSAFE } from './acl';

export const OPEN_UNSAFE_ACL_ID = -1n;

function keyOf(acls: readonly ACL[]): string {
  return JSON.stringify(acls.map((a) => [a.perms, a.id.scheme, a.id.id]));
}

export class ReferenceCountedACLCache {
  private readonly longKeyMap = new Map<bigint, readonly ACL[]>();
  private readonly aclKeyMap = new Map<string, bigint>();
  private readonly referenceCounter = new Map<bigint, number>();
  private aclIndex = 0n;

  /** convertAcls: the long for a list (allocating one if new), with one more usage counted. */
  convertAcls(acls: readonly ACL[] | null): bigint {
    if (acls == null) return OPEN_UNSAFE_ACL_ID;
    const key = keyOf(acls);
    let ret = this.aclKeyMap.get(key);
    if (ret === undefined) {
      ret = ++this.aclIndex;
      this.longKeyMap.set(ret, acls.map((a) => ({ perms: a.perms, id: { ...a.id } })));
      this.aclKeyMap.set(key, ret);
    }
    this.addUsage(ret);
    return ret;
  }

  /** convertLong: throws for an unknown long, as ZooKeeper does ("Failed to fetch acls"). */
  convertLong(v: bigint): readonly ACL[] {
    if (v === OPEN_UNSAFE_ACL_ID) return OPEN_ACL_UNSAFE;
    const acls = this.longKeyMap.get(v);
    if (!acls) throw new Error(`Failed to fetch acls for ${v}`);
    return acls;
  }

  addUsage(v: bigint): void {
    if (v === OPEN_UNSAFE_ACL_ID || !this.longKeyMap.has(v)) return;
    this.referenceCounter.set(v, (this.referenceCounter.get(v) ?? 0) + 1);
  }

  removeUsage(v: bigint): void {
    if (v === OPEN_UNSAFE_ACL_ID || !this.longKeyMap.has(v)) return;
    const n = (this.referenceCounter.get(v) ?? 0) - 1;
    if (n <= 0) this.drop(v);
    else this.referenceCounter.set(v, n);
  }

  /** Drops lists no node uses (after a snapshot load). */
  purgeUnused(): void {
    for (const [v, n] of [...this.referenceCounter]) if (n <= 0) this.drop(v);
  }

  get size(): number {
    return this.aclKeyMap.size;
  }

  /** The snapshot form: count, then (long, vector<ACL>) per entry. */
  serialize(w: JuteWriter): void {
    w.writeInt(this.longKeyMap.size);
    for (const [v, acls] of this.longKeyMap) {
      w.writeLong(v);
      w.writeVector(acls, (ww, a) => ACLCodec.write(ww, a));
    }
  }

  deserialize(r: JuteReader): void {
    this.longKeyMap.clear();
    this.aclKeyMap.clear();
    this.referenceCounter.clear();
    let n = r.readInt();
    while (n-- > 0) {
      const v = r.readLong();
      const acls = r.readVector((rr) => ACLCodec.read(rr));
      if (acls === null) throw new Error('Incorrect format of snapshot: missing acls');
      if (this.aclIndex < v) this.aclIndex = v;
      this.longKeyMap.set(v, acls);
      this.aclKeyMap.set(keyOf(acls), v);
      this.referenceCounter.set(v, 0);
    }
  }

  private drop(v: bigint): void {
    const acls = this.longKeyMap.get(v);
    if (acls) this.aclKeyMap.delete(keyOf(acls));
    this.longKeyMap.delete(v);
    this.referenceCounter.delete(v);
  }
}
