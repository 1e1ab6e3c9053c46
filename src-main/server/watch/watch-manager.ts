// WatchManager of ZooKeeper 3.8: one instance holds data watches, another child watches. A watcher
// is whatever identifies a client connection (W); it has one mode per path: standard (one-shot),
// persistent, or persistent-recursive (fires for the path and everything below it).

import { EventType } from '../../protocol';

export const WatcherMode = {
  STANDARD: 'STANDARD',
  PERSISTENT: 'PERSISTENT',
  PERSISTENT_RECURSIVE: 'PERSISTENT_RECURSIVE',
} as const;
export type WatcherModeValue = (typeof WatcherMode)[keyof typeof WatcherMode];

export const isPersistent = (m: WatcherModeValue): boolean => m !== WatcherMode.STANDARD;
export const isRecursive = (m: WatcherModeValue): boolean => m === WatcherMode.PERSISTENT_RECURSIVE;

/** WatcherMode.fromZooDef; null for a mode ZooKeeper rejects (IllegalArgumentException). */
export function watcherModeFromAddWatchMode(mode: number): WatcherModeValue | null {
  if (mode === 0) return WatcherMode.PERSISTENT;
  if (mode === 1) return WatcherMode.PERSISTENT_RECURSIVE;
  return null;
}

/** PathParentIterator: the path itself, then each parent up to "/". */
export function* pathAndParents(path: string): Generator<string> {
  let p = path;
  while (p.length > 0) {
    yield p;
    if (p === '/') return;
    const i = p.lastIndexOf('/');
    p = i <= 0 ? '/' : p.slice(0, i);
  }
}

export interface TriggerResult<W> {
  /** Every watcher the event matched; one-shot ones are already removed. */
  matched: Set<W>;
  /** The matched watchers not in the suppress set: these get the event. */
  notify: W[];
}

/** Shared result for the common case of nobody watching; never mutated. */
const NOTHING: TriggerResult<never> = Object.freeze({ matched: new Set<never>(), notify: [] as never[] });

export interface WatchesSummary {
  numConnections: number;
  numPaths: number;
  totalWatches: number;
}

export class WatchManager<W> {
  private readonly watchTable = new Map<string, Set<W>>();
  private readonly watch2Paths = new Map<W, Set<string>>();
  /** Only non-standard modes are stored (WatcherModeManager). */
  private readonly modes = new Map<W, Map<string, WatcherModeValue>>();
  private recursiveQty = 0;

  /** Adding a watch replaces the watcher's mode on that path, even a persistent one. */
  addWatch(path: string, watcher: W, mode: WatcherModeValue = WatcherMode.STANDARD): boolean {
    let set = this.watchTable.get(path);
    if (!set) this.watchTable.set(path, (set = new Set()));
    set.add(watcher);
    let paths = this.watch2Paths.get(watcher);
    if (!paths) this.watch2Paths.set(watcher, (paths = new Set()));
    this.setMode(watcher, path, mode);
    if (paths.has(path)) return false;
    paths.add(path);
    return true;
  }

  /** Drops every watch of a watcher (its connection closed). */
  removeWatcher(watcher: W): void {
    const paths = this.watch2Paths.get(watcher);
    if (!paths) return;
    this.watch2Paths.delete(watcher);
    for (const p of paths) {
      const set = this.watchTable.get(p);
      if (set) {
        set.delete(watcher);
        if (set.size === 0) this.watchTable.delete(p);
      }
      this.setMode(watcher, p, WatcherMode.STANDARD);
    }
  }

  /** removeWatcher(path, watcher): false when the watcher had no watch on exactly this path. */
  removeWatch(path: string, watcher: W): boolean {
    const paths = this.watch2Paths.get(watcher);
    if (!paths || !paths.delete(path)) return false;
    const set = this.watchTable.get(path);
    if (!set || !set.delete(watcher)) return false;
    if (set.size === 0) this.watchTable.delete(path);
    this.setMode(watcher, path, WatcherMode.STANDARD);
    return true;
  }

  /**
   * containsWatcher as ZooKeeper 3.8.0 implements it: true when *any* watcher watches exactly this
   * path (the check never looks at which one), or when this watcher's mode here is recursive.
   */
  containsWatcher(path: string, watcher: W): boolean {
    if (this.watchTable.has(path)) return true;
    return isRecursive(this.modeOf(watcher, path));
  }

  /**
   * triggerWatch: standard and persistent watches on the path itself fire; recursive watches on
   * the path or any parent fire for every event type except NodeChildrenChanged.
   */
  triggerWatch(path: string, type: number, suppress?: ReadonlySet<W>): TriggerResult<W> {
    if (this.watchTable.size === 0) return NOTHING as TriggerResult<W>;
    const matched = new Set<W>();
    let atParent = false;
    for (const local of this.recursiveQty === 0 ? [path] : pathAndParents(path)) {
      const set = this.watchTable.get(local);
      if (set && set.size > 0) {
        for (const w of [...set]) {
          const mode = this.modeOf(w, local);
          if (isRecursive(mode)) {
            if (type !== EventType.NodeChildrenChanged) matched.add(w);
          } else if (!atParent) {
            matched.add(w);
            if (!isPersistent(mode)) {
              set.delete(w);
              this.watch2Paths.get(w)?.delete(local);
            }
          }
        }
        if (set.size === 0) this.watchTable.delete(local);
      }
      atParent = true;
    }
    const notify = suppress ? [...matched].filter((w) => !suppress.has(w)) : [...matched];
    return { matched, notify };
  }

  /** The number of (path, watcher) pairs: IWatchManager.size. */
  get size(): number {
    let n = 0;
    for (const s of this.watchTable.values()) n += s.size;
    return n;
  }

  /** Watchers whose one-shot watches all fired still count as connections here, as in ZooKeeper. */
  summary(): WatchesSummary {
    let totalWatches = 0;
    for (const p of this.watch2Paths.values()) totalWatches += p.size;
    return { numConnections: this.watch2Paths.size, numPaths: this.watchTable.size, totalWatches };
  }

  /** wchc: paths per watcher. */
  byWatcher(): Map<W, string[]> {
    return new Map([...this.watch2Paths].map(([w, p]) => [w, [...p]]));
  }

  /** wchp: watchers per path. */
  byPath(): Map<string, W[]> {
    return new Map([...this.watchTable].map(([p, s]) => [p, [...s]]));
  }

  get recursiveWatchCount(): number {
    return this.recursiveQty;
  }

  modeOf(watcher: W, path: string): WatcherModeValue {
    return this.modes.get(watcher)?.get(path) ?? WatcherMode.STANDARD;
  }

  private setMode(watcher: W, path: string, mode: WatcherModeValue): void {
    const old = this.modeOf(watcher, path);
    if (mode === WatcherMode.STANDARD) {
      const m = this.modes.get(watcher);
      if (m) {
        m.delete(path);
        if (m.size === 0) this.modes.delete(watcher);
      }
    } else {
      let m = this.modes.get(watcher);
      if (!m) this.modes.set(watcher, (m = new Map()));
      m.set(path, mode);
    }
    if (isRecursive(old) !== isRecursive(mode)) this.recursiveQty += isRecursive(mode) ? 1 : -1;
  }
}
