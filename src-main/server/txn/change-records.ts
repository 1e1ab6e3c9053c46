// Outstanding changes (ZooKeeperServer.outstandingChanges / ChangeRecord): prep validates each
// write against the tree *plus* every change it has already turned into a txn that is not applied
// yet, so pipelined requests see each other. Records go away once their zxid is applied.

import type { ACL } from '../../protocol';
import { ErrorCode } from '../../protocol';
import type { DataTree } from '../tree/data-tree';
import { addDigest, nodeDigest, removeDigest } from '../tree/digest';
import { copyStatPersisted, type StatPersisted } from '../tree/stat';
import { PrepFailure } from './prep-failure';

export interface PrecalculatedDigest {
  nodeDigest: bigint;
  treeDigest: bigint;
}

export interface ChangeRecord {
  /** -1 for a record read straight from the tree. */
  zxid: bigint;
  path: string;
  /** null when the change deletes the node. */
  stat: StatPersisted | null;
  childCount: number;
  acl: readonly ACL[] | null;
  data: Buffer | null;
  digest: PrecalculatedDigest | null;
}

/** A record of a node that exists (or will, once outstanding changes apply). */
export type LiveRecord = ChangeRecord & { stat: StatPersisted };

/** ChangeRecord.duplicate: a copy (fresh stat) tagged with the new zxid. */
export function duplicate(c: ChangeRecord, zxid: bigint): LiveRecord {
  return {
    zxid, path: c.path, stat: c.stat ? copyStatPersisted(c.stat) : emptyPersisted(), childCount: c.childCount,
    acl: c.acl ? [...c.acl] : [], data: c.data, digest: c.digest,
  };
}

function emptyPersisted(): StatPersisted {
  return { czxid: 0n, mzxid: 0n, ctime: 0, mtime: 0, version: 0, cversion: 0, aversion: 0, ephemeralOwner: 0n, pzxid: 0n };
}

export const DigestOp = { ADD: 'ADD', REMOVE: 'REMOVE', UPDATE: 'UPDATE' } as const;
export type DigestOpValue = (typeof DigestOp)[keyof typeof DigestOp];

export class OutstandingChanges {
  private readonly list: ChangeRecord[] = [];
  private readonly byPath = new Map<string, ChangeRecord>();

  constructor(private readonly tree: DataTree<unknown>) {}

  get size(): number {
    return this.list.length;
  }

  /** In the order they were added (for closeSession's scan of pending ephemerals). */
  records(): readonly ChangeRecord[] {
    return this.list;
  }

  get(path: string): ChangeRecord | undefined {
    return this.byPath.get(path);
  }

  /** PrepRequestProcessor.getRecordForPath: NONODE when absent or pending deletion. */
  getRecordForPath(path: string): LiveRecord {
    let last = this.byPath.get(path);
    if (!last) {
      const n = this.tree.getNode(path);
      if (n) {
        last = {
          zxid: -1n, path, stat: n.stat, childCount: n.children ? n.children.size : 0, acl: this.tree.aclOf(n), data: n.data,
          digest: this.tree.digestEnabled ? { nodeDigest: this.tree.nodes.nodeDigest(path, n), treeDigest: 0n } : null,
        };
      }
    }
    if (!last || !last.stat) throw new PrepFailure(ErrorCode.NONODE, path);
    return last as LiveRecord;
  }

  add(c: ChangeRecord): void {
    this.list.push(c);
    this.byPath.set(c.path, c);
  }

  /** The tree digest as it will be once every outstanding change is applied. */
  currentTreeDigest(): bigint {
    const last = this.list[this.list.length - 1];
    return last ? (last.digest?.treeDigest ?? 0n) : this.tree.treeDigest;
  }

  /** PrepRequestProcessor.precalculateDigest; null when digests are off. */
  precalculate(op: DigestOpValue, path: string, data: Buffer | null = null, stat: StatPersisted | null = null): PrecalculatedDigest | null {
    if (!this.tree.digestEnabled) return null;
    const prev = op === DigestOp.ADD ? 0n : (this.getRecordForPath(path).digest?.nodeDigest ?? 0n);
    const next = op === DigestOp.REMOVE || !stat ? 0n : nodeDigest(path, data, stat);
    return { nodeDigest: next, treeDigest: addDigest(removeDigest(this.currentTreeDigest(), prev), next) };
  }

  /**
   * getPendingChanges: the records a failed multi may need to put back — for each op's path and
   * its parent (ZOOKEEPER-1624, so sequential names stay right).
   */
  pendingFor(paths: readonly string[]): Map<string, ChangeRecord> {
    const out = new Map<string, ChangeRecord>();
    for (const path of paths) {
      const cr = this.byPath.get(path);
      if (cr) out.set(path, cr);
      const slash = path.lastIndexOf('/');
      if (slash === -1 || path.includes('\0')) continue;
      const parent = path.slice(0, slash);
      const pcr = this.byPath.get(parent);
      if (pcr) out.set(parent, pcr);
    }
    return out;
  }

  /** rollbackPendingChanges: drop this zxid's records, restore the saved ones still current. */
  rollback(zxid: bigint, pending: ReadonlyMap<string, ChangeRecord>): void {
    while (this.list.length > 0 && this.list[this.list.length - 1].zxid === zxid) {
      const c = this.list.pop() as ChangeRecord;
      this.byPath.delete(c.path);
    }
    if (this.list.length === 0) return;
    const firstZxid = this.list[0].zxid;
    for (const c of pending.values()) {
      if (c.zxid < firstZxid) continue;
      this.byPath.set(c.path, c);
    }
  }

  /** After the txn with this zxid is applied to the tree (ZooKeeperServer.processTxn). */
  applied(zxid: bigint): void {
    let drop = 0;
    while (drop < this.list.length && this.list[drop].zxid <= zxid) {
      const cr = this.list[drop++];
      if (this.byPath.get(cr.path) === cr) this.byPath.delete(cr.path);
    }
    if (drop > 0) this.list.splice(0, drop);
  }

  clear(): void {
    this.list.length = 0;
    this.byPath.clear();
  }
}
