// DataTree.setWatches: what a server does with the watch lists a client re-sends after
// reconnecting (setWatches / setWatches2), relative to the last zxid the client saw.

import { EventType } from '../../protocol';
import { notification, type WatchNotification } from '../watch/notification';
import { WatcherMode } from '../watch/watch-manager';
import type { DataTree } from './data-tree';

/**
 * DataTree.setWatches after a reconnect: a watch whose event the client missed (relative to
 * the last zxid it saw) fires at once instead of being re-registered.
 */
export function setWatches<W>(
  tree: DataTree<W>,
  relativeZxid: bigint, dataWatches: readonly string[], existWatches: readonly string[], childWatches: readonly string[],
  persistentWatches: readonly string[], persistentRecursiveWatches: readonly string[], watcher: W,
): WatchNotification<W>[] {
  const out: WatchNotification<W>[] = [];
  for (const path of dataWatches) {
    const node = tree.nodes.get(path);
    if (!node) out.push(notification(watcher, EventType.NodeDeleted, path, null));
    else if (node.stat.mzxid > relativeZxid) out.push(notification(watcher, EventType.NodeDataChanged, path, null));
    else tree.dataWatches.addWatch(path, watcher);
  }
  for (const path of existWatches) {
    if (tree.nodes.has(path)) out.push(notification(watcher, EventType.NodeCreated, path, null));
    else tree.dataWatches.addWatch(path, watcher);
  }
  for (const path of childWatches) {
    const node = tree.nodes.get(path);
    if (!node) out.push(notification(watcher, EventType.NodeDeleted, path, null));
    else if (node.stat.pzxid > relativeZxid) out.push(notification(watcher, EventType.NodeChildrenChanged, path, null));
    else tree.childWatches.addWatch(path, watcher);
  }
  for (const path of persistentWatches) tree.addWatch(path, watcher, WatcherMode.PERSISTENT);
  for (const path of persistentRecursiveWatches) tree.addWatch(path, watcher, WatcherMode.PERSISTENT_RECURSIVE);
  return out;
}
