// DataTree.serialize/deserialize: the tree part of a snapshot file. The ACL map comes first, then
// every node in pre-order as (path, data, acl key, StatPersisted), the root under path "", and a
// "/" path marks the end. File headers and the session list belong to the storage layer.

import type { JuteReader, JuteWriter } from '../../protocol';
import type { DataTree, ZxidDigest } from './data-tree';
import { JavaStringSet } from './java-hash-set';
import { LIMIT_NODE, QUOTA_ZOOKEEPER } from './quota';
import { type StatPersisted, StatPersistedCodec } from './stat';

export function serializeTree(tree: DataTree<unknown>, w: JuteWriter): void {
  tree.aclCache.serialize(w);
  const visit = (path: string): void => {
    const node = tree.getNode(path);
    if (!node) return;
    w.writeString(path);
    w.writeBuffer(node.data);
    w.writeLong(node.acl);
    StatPersistedCodec.write(w, node.stat);
    for (const child of node.children ?? []) visit(`${path}/${child}`);
  };
  visit('');
  w.writeString('/');
}

export class SnapshotFormatError extends Error {}

/** Replaces the tree's content; watches are kept (they belong to live connections). */
export function deserializeTree(tree: DataTree<unknown>, r: JuteReader): void {
  tree.aclCache.deserialize(r);
  tree.nodes.clear();
  tree.ephemerals.clear();
  tree.containers.clear();
  tree.ttls.clear();
  tree.quotaTrie.clear();
  let path = r.readString();
  while (path !== '/') {
    if (path === null) throw new SnapshotFormatError('null path in snapshot');
    const data = r.readBuffer();
    const acl = r.readLong();
    const stat: StatPersisted = StatPersistedCodec.read(r);
    const node = tree.newNode(data, acl, stat);
    tree.nodes.put(path, node);
    tree.aclCache.addUsage(acl);
    const slash = path.lastIndexOf('/');
    if (slash !== -1) {
      const parentPath = path.slice(0, slash);
      const parent = tree.getNode(parentPath);
      if (!parent) throw new SnapshotFormatError(`Invalid Datatree, unable to find parent ${parentPath} of path ${path}`);
      tree.addChild(parent, path.slice(slash + 1));
      const owner = stat.ephemeralOwner;
      const kind = tree.kindOf(owner);
      if (kind === 'CONTAINER') tree.containers.add(path);
      else if (kind === 'TTL') tree.ttls.add(path);
      else if (owner !== 0n) {
        let set = tree.ephemerals.get(owner);
        if (!set) tree.ephemerals.set(owner, (set = new JavaStringSet()));
        set.add(path);
      }
    }
    path = r.readString();
  }
  tree.resetDataSize();
  setupQuota(tree);
  tree.aclCache.purgeUnused();
}

/** DataTree.setupQuota: every zookeeper_limits leaf under /zookeeper/quota marks its path. */
function setupQuota(tree: DataTree<unknown>): void {
  const walk = (path: string): void => {
    const node = tree.getNode(path);
    if (!node) return;
    const children = node.children ? node.children.toArray() : [];
    if (children.length === 0) {
      const end = '/' + LIMIT_NODE;
      if (path.endsWith(end)) {
        const realPath = path.slice(QUOTA_ZOOKEEPER.length, path.indexOf(end));
        tree.updateQuotaForPath(realPath);
        tree.quotaTrie.add(realPath);
      }
      return;
    }
    for (const c of children) walk(`${path}/${c}`);
  };
  walk(QUOTA_ZOOKEEPER);
}

/** The digest trailer of a snapshot (DataTree.serializeZxidDigest): zxid, version, digest. */
export function serializeZxidDigest(tree: DataTree<unknown>, w: JuteWriter): boolean {
  if (!tree.digestEnabled) return false;
  const d: ZxidDigest = tree.lastProcessedZxidDigest ?? { zxid: 0n, digestVersion: 2, digest: 0n };
  w.writeLong(d.zxid).writeInt(d.digestVersion).writeLong(d.digest);
  return true;
}

/** Reads the trailer; versions before 2 stored the digest as a hex string. */
export function deserializeZxidDigest(r: JuteReader): ZxidDigest | null {
  if (r.remaining === 0) return null;
  const zxid = r.readLong();
  const digestVersion = r.readInt();
  if (digestVersion < 2) {
    const hex = r.readString();
    return { zxid, digestVersion, digest: hex ? BigInt.asIntN(64, BigInt('0x' + hex)) : 0n };
  }
  return { zxid, digestVersion, digest: r.readLong() };
}
