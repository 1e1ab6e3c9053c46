// What the data tree hands to the connection layer when a watch fires: which watcher, which
// event, and the ACL of the znode the event is about. Since the CVE-2024-23944 fix (in Debian's
// 3.8.0 and upstream 3.8.4+) a connection drops an event unless that ACL grants it READ.

import type { ACL, Id, WatcherEvent } from '../../protocol';
import { KeeperState, Perms } from '../../protocol';
import { checkACL, type AclPolicy } from '../acl/acl';

export interface WatchNotification<W> {
  watcher: W;
  event: WatcherEvent;
  /** null for events that are not about a znode's content (setWatches' immediate replies). */
  acl: readonly ACL[] | null;
}

export function notification<W>(watcher: W, type: number, path: string, acl: readonly ACL[] | null): WatchNotification<W> {
  return { watcher, event: { type, state: KeeperState.SyncConnected, path }, acl };
}

/** ServerCnxn.process(event, acl): may this connection, with these ids, receive the event? */
export function mayDeliver(policy: AclPolicy, n: WatchNotification<unknown>, authInfo: readonly Id[]): boolean {
  return checkACL(policy, n.acl, Perms.READ, authInfo);
}
