// The requests a server answers from its own tree (FinalRequestProcessor): reads, watch
// management and whoAmI. Checks follow ZooKeeper 3.8.0 exactly — e.g. exists needs no permission,
// getData/getChildren register their watch only after the READ check passes, exists before.

import type { ACL, ClientInfo, Id, MultiOp, MultiResult, Stat } from '../../protocol';
import { ErrorCode, OpCode, Perms } from '../../protocol';
import { type AclPolicy, checkACL, clientInfos, maskDigestAcls } from '../acl/acl';
import type { WatchNotification } from '../watch/notification';
import { watcherModeFromAddWatchMode } from '../watch/watch-manager';
import type { DataTree } from './data-tree';
import { setWatches } from './set-watches';

export type ReadRequest =
  | { type: typeof OpCode.exists | typeof OpCode.getData | typeof OpCode.getChildren | typeof OpCode.getChildren2; path: string; watch: boolean }
  | { type: typeof OpCode.getACL | typeof OpCode.getAllChildrenNumber | typeof OpCode.sync; path: string }
  | { type: typeof OpCode.getEphemerals; prefixPath: string | null }
  | { type: typeof OpCode.checkWatches | typeof OpCode.removeWatches; path: string; watcherType: number }
  | { type: typeof OpCode.addWatch; path: string; mode: number }
  | {
    type: typeof OpCode.setWatches | typeof OpCode.setWatches2; relativeZxid: bigint; dataWatches: string[]; existWatches: string[];
    childWatches: string[]; persistentWatches?: string[]; persistentRecursiveWatches?: string[];
  }
  | { type: typeof OpCode.whoAmI }
  | { type: typeof OpCode.multiRead; ops: MultiOp[] };

export type ReadBody =
  | { kind: 'stat'; stat: Stat }
  | { kind: 'getData'; data: Buffer | null; stat: Stat }
  | { kind: 'getChildren'; children: string[] }
  | { kind: 'getChildren2'; children: string[]; stat: Stat }
  | { kind: 'getACL'; acl: ACL[]; stat: Stat }
  | { kind: 'getAllChildrenNumber'; totalNumber: number }
  | { kind: 'getEphemerals'; ephemerals: string[] }
  | { kind: 'whoAmI'; clientInfo: ClientInfo[] }
  /** sync's reply: the path. */
  | { kind: 'path'; path: string }
  /** addWatch answers an ErrorResponse(0) body. */
  | { kind: 'errorResponse'; err: number }
  | { kind: 'multi'; results: MultiResult[] };

export interface ReadReply<W> {
  err: number;
  body: ReadBody | null;
  /** setWatches: events for watches that fired while the client was away (no ACL filtering). */
  events: WatchNotification<W>[];
}

export interface ReadContext<W> {
  /** The connection (watches are per connection). */
  watcher: W;
  sessionId: bigint;
  authInfo: readonly Id[];
  policy: AclPolicy;
}

const reply = <W>(err: number, body: ReadBody | null = null, events: WatchNotification<W>[] = []): ReadReply<W> => ({ err, body, events });

export function processRead<W>(tree: DataTree<W>, req: ReadRequest, ctx: ReadContext<W>): ReadReply<W> {
  const canRead = (acl: readonly ACL[]) => checkACL(ctx.policy, acl, Perms.READ, ctx.authInfo);
  switch (req.type) {
    case OpCode.exists: {
      if (req.path.includes('\0')) return reply(ErrorCode.BADARGUMENTS);
      // The watch is set whether or not the node exists: that is how exists watches creation.
      if (req.watch) tree.dataWatches.addWatch(req.path, ctx.watcher);
      const n = tree.getNode(req.path);
      return n ? reply(ErrorCode.OK, { kind: 'stat', stat: tree.clientStat(n) }) : reply(ErrorCode.NONODE);
    }
    case OpCode.getData: {
      const r = getData(tree, req.path, req.watch ? ctx.watcher : null, canRead);
      return 'err' in r ? reply(r.err) : reply(ErrorCode.OK, { kind: 'getData', ...r });
    }
    case OpCode.getChildren:
    case OpCode.getChildren2: {
      const r = getChildren(tree, req.path, req.watch ? ctx.watcher : null, canRead);
      if ('err' in r) return reply(r.err);
      return reply(ErrorCode.OK, req.type === OpCode.getChildren ? { kind: 'getChildren', children: r.children } : { kind: 'getChildren2', ...r });
    }
    case OpCode.getACL: {
      const n = tree.getNode(req.path);
      if (!n) return reply(ErrorCode.NONODE);
      const acl = tree.aclOf(n);
      if (!checkACL(ctx.policy, acl, Perms.READ | Perms.ADMIN, ctx.authInfo)) return reply(ErrorCode.NOAUTH);
      const stat = tree.clientStat(n);
      // Without ADMIN the digest hashes are hidden (they can be brute-forced offline).
      const shown = checkACL(ctx.policy, acl, Perms.ADMIN, ctx.authInfo) ? [...acl] : maskDigestAcls(acl);
      return reply(ErrorCode.OK, { kind: 'getACL', acl: shown, stat });
    }
    case OpCode.getAllChildrenNumber: {
      const n = tree.getNode(req.path);
      if (!n) return reply(ErrorCode.NONODE);
      if (!canRead(tree.aclOf(n))) return reply(ErrorCode.NOAUTH);
      return reply(ErrorCode.OK, { kind: 'getAllChildrenNumber', totalNumber: tree.getAllChildrenNumber(req.path) });
    }
    case OpCode.sync:
      return reply(ErrorCode.OK, { kind: 'path', path: req.path });
    case OpCode.getEphemerals: {
      const all = tree.getEphemerals(ctx.sessionId).toArray();
      const prefix = req.prefixPath;
      const trimmed = prefix?.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');
      const ephemerals = prefix == null || trimmed === '' || trimmed === '/' ? all : all.filter((p) => p.startsWith(prefix));
      return reply(ErrorCode.OK, { kind: 'getEphemerals', ephemerals });
    }
    case OpCode.checkWatches:
    case OpCode.removeWatches: {
      // WatcherType.fromInt throws for anything but 1..3: the server answers MARSHALLINGERROR.
      if (req.watcherType < 1 || req.watcherType > 3) return reply(ErrorCode.MARSHALLINGERROR);
      const found = req.type === OpCode.checkWatches
        ? tree.containsWatcher(req.path, req.watcherType, ctx.watcher)
        : tree.removeWatch(req.path, req.watcherType, ctx.watcher);
      return reply(found ? ErrorCode.OK : ErrorCode.NOWATCHER);
    }
    case OpCode.addWatch: {
      const mode = watcherModeFromAddWatchMode(req.mode);
      if (mode === null) return reply(ErrorCode.MARSHALLINGERROR);
      tree.addWatch(req.path, ctx.watcher, mode);
      return reply(ErrorCode.OK, { kind: 'errorResponse', err: 0 });
    }
    case OpCode.setWatches:
    case OpCode.setWatches2: {
      const events = setWatches(
        tree, req.relativeZxid, req.dataWatches, req.existWatches, req.childWatches,
        req.type === OpCode.setWatches2 ? (req.persistentWatches ?? []) : [],
        req.type === OpCode.setWatches2 ? (req.persistentRecursiveWatches ?? []) : [],
        ctx.watcher,
      );
      return reply(ErrorCode.OK, null, events);
    }
    case OpCode.whoAmI:
      return reply(ErrorCode.OK, { kind: 'whoAmI', clientInfo: clientInfos(ctx.policy, ctx.authInfo) });
    case OpCode.multiRead:
      return multiRead(tree, req.ops, canRead);
  }
}

type Checked<T> = T | { err: number };

function getData<W>(tree: DataTree<W>, path: string, watcher: W | null, canRead: (acl: readonly ACL[]) => boolean): Checked<{ data: Buffer | null; stat: Stat }> {
  const n = tree.getNode(path);
  if (!n) return { err: ErrorCode.NONODE };
  if (!canRead(tree.aclOf(n))) return { err: ErrorCode.NOAUTH };
  if (watcher !== null) tree.dataWatches.addWatch(path, watcher);
  return { data: n.data, stat: tree.clientStat(n) };
}

function getChildren<W>(tree: DataTree<W>, path: string, watcher: W | null, canRead: (acl: readonly ACL[]) => boolean): Checked<{ children: string[]; stat: Stat }> {
  const n = tree.getNode(path);
  if (!n) return { err: ErrorCode.NONODE };
  if (!canRead(tree.aclOf(n))) return { err: ErrorCode.NOAUTH };
  if (watcher !== null) tree.childWatches.addWatch(path, watcher);
  return { children: n.children ? n.children.toArray() : [], stat: tree.clientStat(n) };
}

/** multiRead: per-op errors; any non-read op fails the whole request (MARSHALLINGERROR). */
function multiRead<W>(tree: DataTree<W>, ops: readonly MultiOp[], canRead: (acl: readonly ACL[]) => boolean): ReadReply<W> {
  if (ops.some((op) => op.type !== OpCode.getData && op.type !== OpCode.getChildren)) return reply(ErrorCode.MARSHALLINGERROR);
  const results: MultiResult[] = ops.map((op) => {
    if (op.type === OpCode.getData) {
      const r = getData(tree, op.path, null, canRead);
      return 'err' in r ? { type: OpCode.error, err: r.err } : { type: OpCode.getData, ...r };
    }
    const r = getChildren(tree, op.path, null, canRead);
    return 'err' in r ? { type: OpCode.error, err: r.err } : { type: OpCode.getChildren, children: r.children };
  });
  return reply(ErrorCode.OK, { kind: 'multi', results });
}
