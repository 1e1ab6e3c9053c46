// The client's record of its watches (ZKWatchManager): which watchers a server event reaches, and
// what to re-register with setWatches after a reconnect.

import { EventType, WatcherType } from '../protocol/constants';
import type { WatcherEvent } from '../protocol/records';

export type Watcher = (event: WatcherEvent) => void;

type Table = Map<string, Set<Watcher>>;

function add(table: Table, path: string, w: Watcher): void {
  let set = table.get(path);
  if (!set) table.set(path, (set = new Set()));
  set.add(w);
}

function take(table: Table, path: string, into: Set<Watcher>): void {
  const set = table.get(path);
  if (!set) return;
  for (const w of set) into.add(w);
  table.delete(path);
}

export class WatchRegistry {
  readonly data: Table = new Map();
  readonly exist: Table = new Map();
  readonly child: Table = new Map();
  readonly persistent: Table = new Map();
  readonly persistentRecursive: Table = new Map();

  addData(path: string, w: Watcher): void { add(this.data, path, w); }
  addExist(path: string, w: Watcher): void { add(this.exist, path, w); }
  addChild(path: string, w: Watcher): void { add(this.child, path, w); }
  addPersistent(path: string, w: Watcher, recursive: boolean): void {
    add(recursive ? this.persistentRecursive : this.persistent, path, w);
  }

  /** The watchers a node event reaches; one-shot watches are consumed. */
  materialize(type: number, path: string): Set<Watcher> {
    const out = new Set<Watcher>();
    switch (type) {
      case EventType.NodeCreated:
      case EventType.NodeDataChanged:
        take(this.data, path, out);
        take(this.exist, path, out);
        break;
      case EventType.NodeChildrenChanged:
        take(this.child, path, out);
        break;
      case EventType.NodeDeleted:
        take(this.data, path, out);
        take(this.exist, path, out);
        take(this.child, path, out);
        break;
    }
    this.persistent.get(path)?.forEach((w) => out.add(w));
    // Recursive watches see every change below them except child-list changes.
    if (type !== EventType.NodeChildrenChanged) {
      for (let p: string | null = path; p !== null; p = parentPath(p)) {
        this.persistentRecursive.get(p)?.forEach((w) => out.add(w));
      }
    }
    return out;
  }

  /** Every watcher, for session-state events (Disconnected, Expired, ...). */
  all(): Set<Watcher> {
    const out = new Set<Watcher>();
    for (const t of [this.data, this.exist, this.child, this.persistent, this.persistentRecursive]) {
      for (const set of t.values()) for (const w of set) out.add(w);
    }
    return out;
  }

  clear(): void {
    for (const t of [this.data, this.exist, this.child, this.persistent, this.persistentRecursive]) t.clear();
  }

  isEmpty(): boolean {
    return this.data.size + this.exist.size + this.child.size + this.persistent.size + this.persistentRecursive.size === 0;
  }

  /** Whether remove(path, watcher, type) would remove anything. */
  hasMatching(path: string, watcher: Watcher | null, type: number): boolean {
    return this.tablesFor(type).some((t) => {
      const set = t.get(path);
      return !!set && (watcher === null || set.has(watcher));
    });
  }

  private tablesFor(type: number): Table[] {
    const tables: Table[] = [];
    if (type === WatcherType.Data || type === WatcherType.Any) tables.push(this.data, this.exist);
    if (type === WatcherType.Children || type === WatcherType.Any) tables.push(this.child);
    if (type === WatcherType.Any) tables.push(this.persistent, this.persistentRecursive);
    return tables;
  }

  /**
   * Removes a watcher (or all watchers when null) of the given type at path; returns whether
   * anything matched, so the caller can report NOWATCHER as ZooKeeper does.
   */
  remove(path: string, watcher: Watcher | null, type: number): boolean {
    let found = false;
    for (const t of this.tablesFor(type)) {
      const set = t.get(path);
      if (!set) continue;
      if (watcher === null) {
        found = true;
        t.delete(path);
      } else if (set.delete(watcher)) {
        found = true;
        if (set.size === 0) t.delete(path);
      }
    }
    return found;
  }
}

function parentPath(path: string): string | null {
  if (path === '/') return null;
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}
