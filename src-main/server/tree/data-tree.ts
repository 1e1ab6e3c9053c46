// The in-memory znode tree of a ZooKeeper 3.8 server (DataTree): nodes, ACL cache, ephemerals by
// session, containers, TTL nodes, quota bookkeeping, the tree digest and the data/child watch
// managers. Mutations here are what applying a committed txn does; validation happened in prep.

import type { ACL, Stat } from '../../protocol';
import { ErrorCode, EventType, ZooKeeperError } from '../../protocol';
import { READ_ACL_UNSAFE } from '../acl/acl';
import { OPEN_UNSAFE_ACL_ID, ReferenceCountedACLCache } from '../acl/acl-cache';
import { notification, type WatchNotification } from '../watch/notification';
import { WatchManager, type WatcherModeValue } from '../watch/watch-manager';
import { DIGEST_VERSION } from './digest';
import { EphemeralKind, ephemeralKind, type EphemeralKindValue } from './ephemeral-type';
import { JavaStringSet } from './java-hash-set';
import { type DataNode, NodeTable } from './node-table';
import {
  LIMIT_NODE, PROC_ZOOKEEPER, QUOTA_ZOOKEEPER, QuotaPathTrie, recountQuota, STAT_NODE, trimQuotaPath, updateQuotaStat,
} from './quota';
import { createStat, emptyStat, type StatPersisted, toClientStat } from './stat';

export const CONFIG_NODE = '/zookeeper/config';

export interface DataTreeOptions {
  /** zookeeper.extendedTypesEnabled (TTL nodes); default false. */
  extendedTypesEnabled?: boolean;
  /** zookeeper.digest.enabled; default true. */
  digestEnabled?: boolean;
}

export interface ZxidDigest {
  zxid: bigint;
  digestVersion: number;
  digest: bigint;
}

/** Splits at the last '/'; the root's children have parent "" (ZooKeeper's alias for "/"). */
export function parentPathOf(path: string): { parent: string; child: string } {
  const i = path.lastIndexOf('/');
  // Prep never lets a slash-less path through; Java would fail on substring(0, -1).
  if (i < 0) throw new ZooKeeperError(ErrorCode.BADARGUMENTS, path);
  return { parent: path.slice(0, i), child: path.slice(i + 1) };
}

const nodeSize = (path: string, data: Uint8Array | null): number => path.length + (data ? data.length : 0);

export class DataTree<W = unknown> {
  readonly extendedTypesEnabled: boolean;
  readonly digestEnabled: boolean;
  readonly nodes: NodeTable;
  readonly aclCache = new ReferenceCountedACLCache();
  readonly dataWatches = new WatchManager<W>();
  readonly childWatches = new WatchManager<W>();
  readonly quotaTrie = new QuotaPathTrie();
  /** Ephemeral paths per owning session, each in a HashSet as ZooKeeper keeps them. */
  readonly ephemerals = new Map<bigint, JavaStringSet>();
  readonly containers = new Set<string>();
  readonly ttls = new Set<string>();
  lastProcessedZxid = 0n;
  lastProcessedZxidDigest: ZxidDigest | null = null;
  private nodeDataSize = 0;
  private pendingEvents: WatchNotification<W>[] = [];

  constructor(options: DataTreeOptions = {}) {
    this.extendedTypesEnabled = options.extendedTypesEnabled ?? false;
    this.digestEnabled = options.digestEnabled ?? true;
    this.nodes = new NodeTable(this.digestEnabled);
    this.createBuiltInNodes();
  }

  /** The tree of a fresh server: /, /zookeeper, /zookeeper/quota and /zookeeper/config. */
  private createBuiltInNodes(): void {
    const root = this.newNode(Buffer.alloc(0), OPEN_UNSAFE_ACL_ID, emptyStat());
    this.nodes.put('', root);
    this.addChild(root, 'zookeeper');
    const proc = this.newNode(Buffer.alloc(0), OPEN_UNSAFE_ACL_ID, emptyStat());
    this.nodes.put(PROC_ZOOKEEPER, proc);
    this.addChild(proc, 'quota');
    this.nodes.put(QUOTA_ZOOKEEPER, this.newNode(Buffer.alloc(0), OPEN_UNSAFE_ACL_ID, emptyStat()));
    this.addConfigNode();
    this.nodeDataSize = this.approximateDataSize();
  }

  /** DataTree.addConfigNode: /zookeeper/config is world-readable only, with aversion -1. */
  addConfigNode(): void {
    const proc = this.nodes.get(PROC_ZOOKEEPER);
    if (proc) this.addChild(proc, 'config');
    this.nodes.put(CONFIG_NODE, this.newNode(Buffer.alloc(0), OPEN_UNSAFE_ACL_ID, emptyStat()));
    this.setACL(CONFIG_NODE, READ_ACL_UNSAFE, -1);
  }

  /** ZKDatabase.initConfigInZKDatabase: the quorum config as data, version -1, mzxid = config version. */
  initConfigNode(config: Buffer, configVersion: bigint, time: number): void {
    if (!this.nodes.has(CONFIG_NODE)) this.addConfigNode();
    this.setData(CONFIG_NODE, config, -1, configVersion, time);
  }

  isSpecialPath(path: string): boolean {
    return path === '/' || path === PROC_ZOOKEEPER || path === QUOTA_ZOOKEEPER || path === CONFIG_NODE;
  }

  getNode(path: string): DataNode | undefined {
    return this.nodes.get(path);
  }

  aclOf(node: DataNode): readonly ACL[] {
    return this.aclCache.convertLong(node.acl);
  }

  clientStat(node: DataNode): Stat {
    return toClientStat(node.stat, node.data ? node.data.length : 0, node.children ? node.children.size : 0, this.extendedTypesEnabled);
  }

  /** EphemeralType.get; an owner Java would reject is treated as a plain ephemeral here. */
  kindOf(owner: bigint): EphemeralKindValue {
    try {
      return ephemeralKind(owner, this.extendedTypesEnabled);
    } catch {
      return EphemeralKind.NORMAL;
    }
  }

  // --- mutations (DataTree.createNode/deleteNode/setData/setACL) ------------------------------

  createNode(path: string, data: Buffer | null, acl: readonly ACL[], ephemeralOwner: bigint, parentCVersion: number, zxid: bigint, time: number): Stat {
    const { parent: parentName, child: childName } = parentPathOf(path);
    const stat = createStat(zxid, time, ephemeralOwner);
    const parent = this.nodes.get(parentName);
    if (!parent) throw new ZooKeeperError(ErrorCode.NONODE, path);
    const parentAcl = this.aclOf(parent);
    // ZooKeeper counts the ACL usage before the existence check, so a failed create leaks one.
    const aclKey = this.aclCache.convertAcls(acl);
    if (parent.children?.has(childName)) throw new ZooKeeperError(ErrorCode.NODEEXISTS, path);
    this.nodes.preChange(parentName, parent);
    if (parentCVersion === -1) parentCVersion = parent.stat.cversion + 1;
    // Replaying a fuzzy snapshot can see a create again; never move cversion/pzxid backwards.
    if (parentCVersion > parent.stat.cversion) {
      parent.stat.cversion = parentCVersion;
      parent.stat.pzxid = zxid;
    }
    const child = this.newNode(data, aclKey, stat);
    this.addChild(parent, childName);
    this.nodes.postChange(parentName, parent);
    this.nodeDataSize += nodeSize(path, data);
    this.nodes.put(path, child);
    const kind = this.kindOf(ephemeralOwner);
    if (kind === EphemeralKind.CONTAINER) this.containers.add(path);
    else if (kind === EphemeralKind.TTL) this.ttls.add(path);
    else if (ephemeralOwner !== 0n) {
      let set = this.ephemerals.get(ephemeralOwner);
      if (!set) this.ephemerals.set(ephemeralOwner, (set = new JavaStringSet()));
      set.add(path);
    }
    const out = this.clientStat(child);
    if (parentName.startsWith(QUOTA_ZOOKEEPER)) {
      if (childName === LIMIT_NODE) this.quotaTrie.add(trimQuotaPath(parentName));
      if (childName === STAT_NODE) this.updateQuotaForPath(trimQuotaPath(parentName));
    }
    const lastPrefix = this.getMaxPrefixWithQuota(path);
    if (lastPrefix !== null) updateQuotaStat(this.nodes, lastPrefix, data ? data.length : 0, 1);
    this.trigger(this.dataWatches, path, EventType.NodeCreated, acl);
    this.trigger(this.childWatches, parentName === '' ? '/' : parentName, EventType.NodeChildrenChanged, parentAcl);
    return out;
  }

  deleteNode(path: string, zxid: bigint): void {
    const { parent: parentName, child: childName } = parentPathOf(path);
    const parent = this.nodes.get(parentName);
    if (!parent) throw new ZooKeeperError(ErrorCode.NONODE, path);
    // pzxid moves even when the child is already gone (fuzzy snapshot replay).
    this.nodes.preChange(parentName, parent);
    parent.children?.delete(childName);
    if (zxid > parent.stat.pzxid) parent.stat.pzxid = zxid;
    this.nodes.postChange(parentName, parent);
    const node = this.nodes.get(path);
    if (!node) throw new ZooKeeperError(ErrorCode.NONODE, path);
    this.nodes.remove(path);
    const acl = this.aclOf(node);
    this.aclCache.removeUsage(node.acl);
    this.nodeDataSize -= nodeSize(path, node.data);
    const parentAcl = this.aclOf(parent);
    const owner = node.stat.ephemeralOwner;
    const kind = this.kindOf(owner);
    if (kind === EphemeralKind.CONTAINER) this.containers.delete(path);
    else if (kind === EphemeralKind.TTL) this.ttls.delete(path);
    else if (owner !== 0n) this.ephemerals.get(owner)?.delete(path);
    if (parentName.startsWith(PROC_ZOOKEEPER) && childName === LIMIT_NODE) this.quotaTrie.delete(trimQuotaPath(parentName));
    const lastPrefix = this.getMaxPrefixWithQuota(path);
    if (lastPrefix !== null) updateQuotaStat(this.nodes, lastPrefix, node.data ? -node.data.length : 0, -1);
    const processed = this.trigger(this.dataWatches, path, EventType.NodeDeleted, acl);
    this.trigger(this.childWatches, path, EventType.NodeDeleted, acl, processed);
    this.trigger(this.childWatches, parentName === '' ? '/' : parentName, EventType.NodeChildrenChanged, parentAcl);
  }

  setData(path: string, data: Buffer | null, version: number, zxid: bigint, time: number): Stat {
    const n = this.nodes.get(path);
    if (!n) throw new ZooKeeperError(ErrorCode.NONODE, path);
    const acl = this.aclOf(n);
    const lastData = n.data;
    this.nodes.preChange(path, n);
    n.data = data;
    n.stat.mtime = time;
    n.stat.mzxid = zxid;
    n.stat.version = version;
    const out = this.clientStat(n);
    this.nodes.postChange(path, n);
    const lastPrefix = this.getMaxPrefixWithQuota(path);
    if (lastPrefix !== null) updateQuotaStat(this.nodes, lastPrefix, (data ? data.length : 0) - (lastData ? lastData.length : 0), 0);
    this.nodeDataSize += nodeSize(path, data) - nodeSize(path, lastData);
    this.trigger(this.dataWatches, path, EventType.NodeDataChanged, acl);
    return out;
  }

  setACL(path: string, acl: readonly ACL[], version: number): Stat {
    const n = this.nodes.get(path);
    if (!n) throw new ZooKeeperError(ErrorCode.NONODE, path);
    // Released before re-converting: setting the same ACL again allocates a fresh cache entry.
    this.aclCache.removeUsage(n.acl);
    this.nodes.preChange(path, n);
    n.stat.aversion = version;
    n.acl = this.aclCache.convertAcls(acl);
    const out = this.clientStat(n);
    this.nodes.postChange(path, n);
    return out;
  }

  /** Used when replaying a create that finds its node present (NODEEXISTS at apply time). */
  setCversionPzxid(path: string, newCversion: number, zxid: bigint): void {
    if (path.endsWith('/')) path = path.slice(0, -1);
    const node = this.nodes.get(path);
    if (!node) throw new ZooKeeperError(ErrorCode.NONODE, path);
    if (newCversion === -1) newCversion = node.stat.cversion + 1;
    if (newCversion > node.stat.cversion) {
      this.nodes.preChange(path, node);
      node.stat.cversion = newCversion;
      node.stat.pzxid = zxid;
      this.nodes.postChange(path, node);
    }
  }

  /**
   * DataTree.killSession: deletes the paths the closeSession txn lists (ignoring ones already
   * gone), then any other ephemeral the session still owns here.
   */
  killSession(sessionId: bigint, zxid: bigint, pathsInTxn: readonly string[] | null): void {
    const local = this.ephemerals.get(sessionId);
    this.ephemerals.delete(sessionId);
    if (pathsInTxn) this.deleteNodesIgnoringMissing(pathsInTxn, zxid);
    if (!local) return;
    if (pathsInTxn) for (const p of pathsInTxn) local.delete(p);
    this.deleteNodesIgnoringMissing(local.toArray(), zxid);
  }

  private deleteNodesIgnoringMissing(paths: readonly string[], zxid: bigint): void {
    for (const p of paths) {
      try {
        this.deleteNode(p, zxid);
      } catch (e) {
        if (!(e instanceof ZooKeeperError && e.code === ErrorCode.NONODE)) throw e;
      }
    }
  }

  // --- quotas ---------------------------------------------------------------------------------

  /** The deepest quota-tracked prefix of a path, or null ("/" never has a quota). */
  getMaxPrefixWithQuota(path: string): string | null {
    const p = this.quotaTrie.findMaxPrefix(path);
    return p === '/' || p === '' ? null : p;
  }

  /** Recounts a quota root's subtree into its stat node (when the stat node is created or loaded). */
  updateQuotaForPath(path: string): void {
    recountQuota(this.nodes, path);
  }

  // --- watches --------------------------------------------------------------------------------

  /** Watch events produced since the last call (processTxn returns its own directly). */
  takeEvents(): WatchNotification<W>[] {
    const out = this.pendingEvents;
    this.pendingEvents = [];
    return out;
  }

  private trigger(m: WatchManager<W>, path: string, type: number, acl: readonly ACL[], suppress?: ReadonlySet<W>): ReadonlySet<W> {
    const { matched, notify } = m.triggerWatch(path, type, suppress);
    for (const w of notify) this.pendingEvents.push(notification(w, type, path, acl));
    return matched;
  }

  /** addWatch: a persistent watch lives in both managers. */
  addWatch(path: string, watcher: W, mode: WatcherModeValue): void {
    this.dataWatches.addWatch(path, watcher, mode);
    this.childWatches.addWatch(path, watcher, mode);
  }

  /** Watcher.WatcherType: 1 children, 2 data, 3 any. */
  containsWatcher(path: string, type: number, watcher: W): boolean {
    const c = (type === 1 || type === 3) && this.childWatches.containsWatcher(path, watcher);
    const d = (type === 2 || type === 3) && this.dataWatches.containsWatcher(path, watcher);
    return c || d;
  }

  removeWatch(path: string, type: number, watcher: W): boolean {
    const c = (type === 1 || type === 3) && this.childWatches.removeWatch(path, watcher);
    const d = (type === 2 || type === 3) && this.dataWatches.removeWatch(path, watcher);
    return c || d;
  }

  /** The connection is gone (DataTree.removeCnxn). */
  removeWatcher(watcher: W): void {
    this.dataWatches.removeWatcher(watcher);
    this.childWatches.removeWatcher(watcher);
  }

  // --- monitoring -----------------------------------------------------------------------------

  /** zk_znode_count: ZooKeeper's node map holds the root twice ("" and "/"). */
  get nodeCount(): number {
    return this.nodes.size + 1;
  }

  get watchCount(): number {
    return this.dataWatches.size + this.childWatches.size;
  }

  get ephemeralsCount(): number {
    let n = 0;
    for (const s of this.ephemerals.values()) n += s.size;
    return n;
  }

  /** DataTree.approximateDataSize: path lengths plus data lengths, the root counted twice. */
  approximateDataSize(): number {
    let total = 0;
    for (const [path, node] of this.nodes.entries()) total += nodeSize(path, node.data);
    const root = this.nodes.get('/');
    return total + (root?.data ? root.data.length : 0);
  }

  /** zk_approximate_data_size: the running total kept on create/delete/setData. */
  get cachedApproximateDataSize(): number {
    return this.nodeDataSize;
  }

  get treeDigest(): bigint {
    return this.nodes.digest;
  }

  /** getAllChildrenNumber: every descendant, not just children. */
  getAllChildrenNumber(path: string): number {
    if (path === '/') return this.nodes.size - 1;
    const prefix = path + '/';
    let n = 0;
    for (const p of this.nodes.keys()) if (p.startsWith(prefix)) n++;
    return n;
  }

  /** A copy of a session's ephemeral paths, in the order HashSet.clone gives. */
  getEphemerals(sessionId: bigint): JavaStringSet {
    return this.ephemerals.get(sessionId)?.clone() ?? new JavaStringSet();
  }

  /** After a txn is applied, for snapshots and follower digest checks (logZxidDigest). */
  recordProcessedZxid(zxid: bigint): void {
    if (zxid > this.lastProcessedZxid) this.lastProcessedZxid = zxid;
    if (this.digestEnabled) this.lastProcessedZxidDigest = { zxid, digestVersion: DIGEST_VERSION, digest: this.treeDigest };
  }

  newNode(data: Buffer | null, acl: bigint, stat: StatPersisted): DataNode {
    return { data, acl, stat, children: null, digest: null };
  }

  addChild(node: DataNode, name: string): void {
    if (!node.children) node.children = new JavaStringSet(8);
    node.children.add(name);
  }

  /** Snapshot loading replaces the running total after rebuilding the tree. */
  resetDataSize(): void {
    this.nodeDataSize = this.approximateDataSize();
  }
}
