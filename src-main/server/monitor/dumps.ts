// Sessions, ephemerals and watches as dump/wchc/wchp (text) and their admin commands (JSON) list
// them, in the iteration orders of the Java collections ZooKeeper 3.8 keeps them in.
// Like ZooKeeper, the watch listings show data watches only (DataTree.dumpWatches).

import type { ClientConnection } from '../net/types';
import { JavaStringSet } from '../tree/java-hash-set';
import { javaLongHashOrder } from './java-format';
import type { Monitored } from './types';

export interface ExpiryBucket {
  /** On the session tracker's clock (monotonic ms). */
  readonly expiresAt: number;
  readonly sessionIds: readonly bigint[];
}

/** SessionTrackerImpl's expiry buckets, earliest first; empty buckets stay until polled, as in Java. */
export function sessionExpiryBuckets(s: Monitored): ExpiryBucket[] {
  return [...s.sessions.getSessionExpiryMap()]
    .sort(([a], [b]) => a - b)
    .map(([expiresAt, sessionIds]) => ({ expiresAt, sessionIds }));
}

/** LearnerSessionTracker's committed sessions with their timeouts, by signed id (a TreeSet<Long>). */
export function globalSessions(s: Monitored): Array<[bigint, number]> {
  return [...s.sessions.sessionsWithTimeout]
    .sort(([a], [b]) => {
      const x = BigInt.asIntN(64, a);
      const y = BigInt.asIntN(64, b);
      return x < y ? -1 : x > y ? 1 : 0;
    });
}

/** DataTree.ephemerals (session → paths) in its own iteration order. */
export function ephemeralsBySession(s: Monitored): Array<[bigint, string[]]> {
  const entries = [...s.tree.ephemerals].map(([id, paths]): [bigint, string[]] => [id, paths.toArray()]);
  return javaLongHashOrder(entries, ([id]) => id);
}

/** DataTree.getEphemerals(): the same, each path set copied with new HashSet<>(set). */
export function ephemeralsCopy(s: Monitored): Array<[bigint, string[]]> {
  return ephemeralsBySession(s).map(([id, paths]) => [id, copiedSet(paths)]);
}

/** wchc: each watching connection's session and its data-watch paths. */
export function watchesByConnection(s: Monitored): Array<[bigint, string[]]> {
  return [...s.tree.dataWatches.byWatcher()].map(([c, paths]) => [c.sessionId, JavaStringSet.from(paths).toArray()]);
}

/** wchp: each data-watched path and the sessions watching it. */
export function watchesByPath(s: Monitored): Array<[string, bigint[]]> {
  const byPath = s.tree.dataWatches.byPath();
  return JavaStringSet.from(byPath.keys()).toArray()
    .map((path) => [path, (byPath.get(path) ?? []).map((c: ClientConnection) => c.sessionId)]);
}

/** WatchManager.getWatches(): a HashMap<Long, Set<String>> (a session watching from two connections keeps the last). */
export function watchReport(s: Monitored): Array<[bigint, string[]]> {
  const byId = new Map<bigint, string[]>();
  for (const [id, paths] of watchesByConnection(s)) byId.set(id, copiedSet(paths));
  return javaLongHashOrder([...byId], ([id]) => id);
}

/** WatchManager.getWatchesByPath(): each path's ids in a HashSet<Long> sized for them. */
export function watchPathReport(s: Monitored): Array<[string, bigint[]]> {
  return watchesByPath(s).map(([path, ids]) => {
    const unique = [...new Set(ids)];
    return [path, javaLongHashOrder(unique, (id) => id, unique.length)];
  });
}

/** new HashSet<>(collection): capacity max(size / .75 + 1, 16), then the elements in order. */
function copiedSet(items: readonly string[]): string[] {
  return JavaStringSet.from(items, Math.max(Math.trunc(items.length / 0.75) + 1, 16)).toArray();
}
