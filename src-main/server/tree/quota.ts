// Quotas as the data tree keeps them: /zookeeper/quota/<path>/zookeeper_limits marks <path> as
// quota-tracked (PathTrie), and /zookeeper/quota/<path>/zookeeper_stats holds the live counts in
// StatsTrack text ("count=3,bytes=10"), rewritten in place by the tree on every change below <path>.

import { javaSplit } from './java-text';
import type { NodeTable } from './node-table';

export const QUOTA_ZOOKEEPER = '/zookeeper/quota';
export const PROC_ZOOKEEPER = '/zookeeper';
export const LIMIT_NODE = 'zookeeper_limits';
export const STAT_NODE = 'zookeeper_stats';

export const statPath = (path: string): string => `${QUOTA_ZOOKEEPER}${path}/${STAT_NODE}`;
export const limitPath = (path: string): string => `${QUOTA_ZOOKEEPER}${path}/${LIMIT_NODE}`;
export const trimQuotaPath = (quotaPath: string): string => quotaPath.slice(QUOTA_ZOOKEEPER.length);

/** PathTrie.split: components, dropping the empty and the whitespace-only (String.trim) ones. */
function components(path: string): string[] {
  return path.split('/').filter((t) => t.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '') !== '');
}

/** PathTrie reduced to what it answers: the deepest marked prefix of a path. */
export class QuotaPathTrie {
  private readonly marked = new Set<string>();

  add(path: string): void {
    if (path.length === 0) return;
    this.marked.add(components(path).join('/'));
  }

  delete(path: string): void {
    if (path.length === 0) return;
    this.marked.delete(components(path).join('/'));
  }

  clear(): void {
    this.marked.clear();
  }

  /** PathTrie.findMaxPrefix: "/" when no marked prefix. */
  findMaxPrefix(path: string): string {
    const parts = components(path);
    let best = -1;
    for (let i = 1; i <= parts.length; i++) if (this.marked.has(parts.slice(0, i).join('/'))) best = i;
    return best < 0 ? '/' : '/' + parts.slice(0, best).join('/');
  }
}

/** StatsTrack: key=value pairs separated by , or ; with count and bytes first. */
export class StatsTrack {
  private readonly stats = new Map<string, number>();

  constructor(text = '') {
    if (text.length === 0) return;
    for (const pair of javaSplit(text, /[,;]+/)) {
      const kv = javaSplit(pair, /=/);
      // Java's Long.parseLong would throw on garbage; a malformed stat node counts as unset.
      const value = kv[1] === undefined || kv[1] === '' ? -1 : Number.parseInt(kv[1], 10);
      this.stats.set(kv[0], Number.isNaN(value) ? -1 : value);
    }
  }

  static fromBytes(data: Uint8Array | null): StatsTrack {
    return new StatsTrack(data ? Buffer.from(data).toString('utf8') : '');
  }

  get(key: string): number {
    return this.stats.get(key) ?? -1;
  }

  set(key: string, value: number): void {
    this.stats.set(key, value);
  }

  get count(): number { return this.get('count'); }
  set count(v: number) { this.set('count', v); }
  get bytes(): number { return this.get('bytes'); }
  set bytes(v: number) { this.set('bytes', v); }
  get countHardLimit(): number { return this.get('countHardLimit'); }
  get byteHardLimit(): number { return this.get('byteHardLimit'); }

  toString(): string {
    const rest = [...this.stats.keys()].filter((k) => k !== 'count' && k !== 'bytes').sort();
    let out = `count=${this.count},bytes=${this.bytes}`;
    // The extra '=' keeps pre-3.7 parsers, which split on ',' only, reading count and bytes.
    if (rest.length > 0) out += '=' + rest.map((k) => `;${k}=${this.stats.get(k)}`).join('');
    return out;
  }

  toBytes(): Buffer {
    return Buffer.from(this.toString(), 'utf8');
  }
}

/** DataTree.updateQuotaStat: rewrites the stat node's data in place, with no version or mzxid change. */
export function updateQuotaStat(nodes: NodeTable, lastPrefix: string, bytesDiff: number, countDiff: number): void {
  const node = nodes.get(statPath(lastPrefix));
  if (!node) return;
  const st = StatsTrack.fromBytes(node.data);
  st.count = st.count + countDiff;
  st.bytes = st.bytes + bytesDiff;
  node.data = st.toBytes();
}

/** DataTree.updateQuotaForPath: counts a quota root's subtree (itself included) into its stat node. */
export function recountQuota(nodes: NodeTable, path: string): void {
  let count = 0;
  let bytes = 0;
  const walk = (p: string): void => {
    const node = nodes.get(p);
    if (!node) return;
    count += 1;
    bytes += node.data ? node.data.length : 0;
    for (const c of node.children ?? []) walk(`${p}/${c}`);
  };
  walk(path);
  const st = new StatsTrack();
  st.bytes = bytes;
  st.count = count;
  const sp = statPath(path);
  const node = nodes.get(sp);
  if (!node) return;
  nodes.preChange(sp, node);
  node.data = st.toBytes();
  nodes.postChange(sp, node);
}
