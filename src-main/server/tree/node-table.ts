// The path → node map (NodeHashMapImpl) with the running tree digest. Every change to a node's
// data or stat is bracketed by preChange/postChange so the digest subtracts the old node hash and
// adds the new one. ZooKeeper also maps "" to the root; get("") does the same here.

import { addDigest, isDigestExcluded, nodeDigest, removeDigest } from './digest';
import type { JavaStringSet } from './java-hash-set';
import type { StatPersisted } from './stat';

export interface DataNode {
  data: Buffer | null;
  /** Key into the ACL cache; -1 is OPEN_ACL_UNSAFE. */
  acl: bigint;
  stat: StatPersisted;
  /** Created on the first child, as DataNode does (HashSet of capacity 8). */
  children: JavaStringSet | null;
  /** Cached node digest; null when it must be recomputed. */
  digest: bigint | null;
}

export class NodeTable {
  private readonly nodes = new Map<string, DataNode>();
  private treeDigest = 0n;

  constructor(private readonly digestEnabled: boolean) {}

  get(path: string): DataNode | undefined {
    return this.nodes.get(path === '' ? '/' : path);
  }

  has(path: string): boolean {
    return this.nodes.has(path === '' ? '/' : path);
  }

  /** Real znodes (ZooKeeper's map also counts the "" alias: see DataTree.nodeCount). */
  get size(): number {
    return this.nodes.size;
  }

  put(path: string, node: DataNode): void {
    const key = path === '' ? '/' : path;
    const old = this.nodes.get(key);
    this.nodes.set(key, node);
    this.add(key, node);
    if (old) this.subtract(key, old);
  }

  remove(path: string): DataNode | undefined {
    const key = path === '' ? '/' : path;
    const old = this.nodes.get(key);
    if (old) {
      this.nodes.delete(key);
      this.subtract(key, old);
    }
    return old;
  }

  clear(): void {
    this.nodes.clear();
    this.treeDigest = 0n;
  }

  preChange(path: string, node: DataNode): void {
    this.subtract(path, node);
  }

  postChange(path: string, node: DataNode): void {
    node.digest = null;
    this.add(path, node);
  }

  entries(): IterableIterator<[string, DataNode]> {
    return this.nodes.entries();
  }

  keys(): IterableIterator<string> {
    return this.nodes.keys();
  }

  get digest(): bigint {
    return this.treeDigest;
  }

  /** DigestCalculator.calculateDigest(path, node), cached on the node like ZooKeeper does. */
  nodeDigest(path: string, node: DataNode): bigint {
    if (!this.digestEnabled) return 0n;
    if (node.digest === null) node.digest = nodeDigest(path, node.data, node.stat);
    return node.digest;
  }

  private add(path: string, node: DataNode): void {
    if (this.digestEnabled && !isDigestExcluded(path)) this.treeDigest = addDigest(this.treeDigest, this.nodeDigest(path, node));
  }

  private subtract(path: string, node: DataNode): void {
    if (this.digestEnabled && !isDigestExcluded(path)) this.treeDigest = removeDigest(this.treeDigest, this.nodeDigest(path, node));
  }
}
