// PrepRequestProcessor.pRequest2Txn for one write op: validate against the tree plus outstanding
// changes, in exactly ZooKeeper's order (which error wins matters), record the changes the op
// will make, and return its txn record.

import type { ACL } from '../../protocol';
import { CreateMode, ErrorCode, OpCode, Perms, validatePath } from '../../protocol';
import { type AclPolicy, checkACL, fixupACL } from '../acl/acl';
import type { DataTree } from '../tree/data-tree';
import { DIGEST_VERSION } from '../tree/digest';
import {
  CONTAINER_EPHEMERAL_OWNER, EphemeralKind, ephemeralKind, InvalidEphemeralOwnerError, isValidTTL, ttlToEphemeralOwner,
} from '../tree/ephemeral-type';
import { formatSequence } from '../tree/java-text';
import { limitPath, StatsTrack, statPath } from '../tree/quota';
import { createStat } from '../tree/stat';
import { type ChangeRecord, DigestOp, duplicate, type OutstandingChanges, type PrecalculatedDigest } from './change-records';
import { MarshallingFailure, PrepFailure } from './prep-failure';
import type { TxnDigest, TxnRecord } from './records';
import type { PrepRequest, WriteRequest } from './write-request';

/** The session checks prep makes (SessionTracker); each returns an ErrorCode. */
export interface PrepSessions {
  checkSession(sessionId: bigint, owner: unknown): number;
  checkGlobalSession(sessionId: bigint, owner: unknown): number;
  trackSession(sessionId: bigint, timeout: number, now: number): boolean;
  setOwner(sessionId: bigint, owner: unknown): number;
  setSessionClosing(sessionId: bigint): void;
}

export interface PrepOptions {
  aclPolicy: AclPolicy;
  /** zookeeper.closeSessionTxn.enabled; default true. */
  closeSessionTxnEnabled?: boolean;
  /** zookeeper.enforceQuota; default false. */
  enforceQuota?: boolean;
  /** reconfigEnabled in zoo.cfg; default false. */
  reconfigEnabled?: boolean;
}

/** The state of one request being prepped (ZooKeeper keeps it on the Request object). */
export interface PrepContext {
  tree: DataTree<unknown>;
  changes: OutstandingChanges;
  sessions: PrepSessions;
  options: Required<PrepOptions>;
  req: PrepRequest;
  zxid: bigint;
  time: number;
  /** Elapsed (monotonic) ms, for session expiry bookkeeping. */
  now: number;
  /** Request.txnDigest: the last value set wins. */
  digest: TxnDigest | null;
}

const fail = (code: number, path?: string): never => {
  throw new PrepFailure(code, path);
};

function ok(code: number): void {
  if (code !== ErrorCode.OK) fail(code);
}

function requirePath(path: string | null | undefined): string {
  if (path == null) throw new MarshallingFailure('null path');
  return path;
}

/** PrepRequestProcessor.validatePath: any invalid path is BADARGUMENTS. */
function validate(path: string | null): string {
  if (path == null) return fail(ErrorCode.BADARGUMENTS);
  try {
    validatePath(path);
  } catch {
    fail(ErrorCode.BADARGUMENTS, path);
  }
  return path;
}

/** getParentPathAndValidate: no slash, a NUL, or one of the four built-in nodes is BADARGUMENTS. */
function parentForDelete(ctx: PrepContext, path: string): string {
  const slash = path.lastIndexOf('/');
  if (slash === -1 || path.includes('\0') || ctx.tree.isSpecialPath(path)) fail(ErrorCode.BADARGUMENTS, path);
  return path.slice(0, slash);
}

function kindOf(ctx: PrepContext, owner: bigint): string {
  try {
    return ephemeralKind(owner, ctx.tree.extendedTypesEnabled);
  } catch (e) {
    if (e instanceof InvalidEphemeralOwnerError) throw new MarshallingFailure(e.message);
    throw e;
  }
}

function checkAcl(ctx: PrepContext, acl: readonly ACL[] | null, perm: number, path: string): void {
  if (!checkACL(ctx.options.aclPolicy, acl, perm, ctx.req.authInfo)) fail(ErrorCode.NOAUTH, path);
}

function checkAndIncVersion(current: number, expected: number, path: string): number {
  if (expected !== -1 && expected !== current) fail(ErrorCode.BADVERSION, path);
  return (current + 1) | 0;
}

function setDigest(ctx: PrepContext, d: PrecalculatedDigest | null): void {
  if (d) ctx.digest = { version: DIGEST_VERSION, treeDigest: d.treeDigest };
}

/** pRequest2Txn. Throws PrepFailure or MarshallingFailure. */
export function prepOp(ctx: PrepContext, r: WriteRequest): TxnRecord {
  const txn = prepOpInner(ctx, r);
  // A txn that changes nothing (check, createSession) carries the current digest.
  if (ctx.digest === null && ctx.tree.digestEnabled) ctx.digest = { version: DIGEST_VERSION, treeDigest: ctx.changes.currentTreeDigest() };
  return txn;
}

function prepOpInner(ctx: PrepContext, r: WriteRequest): TxnRecord {
  const { changes, req } = ctx;
  switch (r.type) {
    case OpCode.create: case OpCode.create2: case OpCode.createTTL: case OpCode.createContainer:
      return prepCreate(ctx, r);
    case OpCode.deleteContainer: {
      const path = requirePath(r.path);
      const parentPath = parentForDelete(ctx, path);
      const node = changes.getRecordForPath(path);
      if (node.childCount > 0) fail(ErrorCode.NOTEMPTY, path);
      // Only a plain ephemeral is refused; a persistent node of the same name would be deleted.
      if (kindOf(ctx, node.stat.ephemeralOwner) === EphemeralKind.NORMAL) fail(ErrorCode.BADVERSION, path);
      recordDeletion(ctx, parentPath, path);
      return { type: OpCode.deleteContainer, path };
    }
    case OpCode.delete: {
      ok(ctx.sessions.checkSession(req.sessionId, req.owner));
      const path = requirePath(r.path);
      const parentPath = parentForDelete(ctx, path);
      const parent = changes.getRecordForPath(parentPath);
      checkAcl(ctx, parent.acl, Perms.DELETE, path);
      const node = changes.getRecordForPath(path);
      checkAndIncVersion(node.stat.version, r.version, path);
      if (node.childCount > 0) fail(ErrorCode.NOTEMPTY, path);
      recordDeletion(ctx, parentPath, path);
      return { type: OpCode.delete, path };
    }
    case OpCode.setData: {
      ok(ctx.sessions.checkSession(req.sessionId, req.owner));
      const path = validate(r.path);
      const node = changes.getRecordForPath(path);
      checkAcl(ctx, node.acl, Perms.WRITE, path);
      checkQuota(ctx, path, node.data, r.data, false);
      const stat = node.stat;
      const newVersion = checkAndIncVersion(stat.version, r.version, path);
      const rec = duplicate(node, ctx.zxid);
      const s = rec.stat;
      s.version = newVersion;
      s.mtime = ctx.time;
      s.mzxid = ctx.zxid;
      rec.data = r.data;
      rec.digest = changes.precalculate(DigestOp.UPDATE, path, rec.data, s);
      setDigest(ctx, rec.digest);
      changes.add(rec);
      return { type: OpCode.setData, path, data: r.data, version: newVersion };
    }
    case OpCode.setACL: {
      ok(ctx.sessions.checkSession(req.sessionId, req.owner));
      const path = validate(r.path);
      const acl = fixupAcl(ctx, r.acl, path);
      const node = changes.getRecordForPath(path);
      checkAcl(ctx, node.acl, Perms.ADMIN, path);
      const newVersion = checkAndIncVersion(node.stat.aversion, r.version, path);
      // The record keeps the old ACL list: pipelined requests still check against it.
      const rec = duplicate(node, ctx.zxid);
      rec.stat.aversion = newVersion;
      rec.digest = changes.precalculate(DigestOp.UPDATE, path, rec.data, rec.stat);
      setDigest(ctx, rec.digest);
      changes.add(rec);
      return { type: OpCode.setACL, path, acl, version: newVersion };
    }
    case OpCode.check: {
      ok(ctx.sessions.checkSession(req.sessionId, req.owner));
      const path = validate(r.path);
      const node = changes.getRecordForPath(path);
      checkAcl(ctx, node.acl, Perms.READ, path);
      return { type: OpCode.check, path, version: checkAndIncVersion(node.stat.version, r.version, path) };
    }
    case OpCode.reconfig:
      if (!ctx.options.reconfigEnabled) fail(ErrorCode.RECONFIGDISABLED);
      ok(ctx.sessions.checkSession(req.sessionId, req.owner));
      // Dynamic reconfiguration is not implemented: what a standalone ZooKeeper answers.
      return fail(ErrorCode.UNIMPLEMENTED);
    case OpCode.createSession:
      ctx.sessions.trackSession(req.sessionId, r.timeOut, ctx.now);
      ok(ctx.sessions.setOwner(req.sessionId, req.owner));
      return { type: OpCode.createSession, timeOut: r.timeOut };
    case OpCode.closeSession:
      return prepCloseSession(ctx);
    case OpCode.multi:
      throw new MarshallingFailure('nested multi');
  }
}

/** The parent loses a child (pzxid moves, cversion does not) and the node is marked deleted. */
function recordDeletion(ctx: PrepContext, parentPath: string, path: string): void {
  const { changes } = ctx;
  const parent = duplicate(changes.getRecordForPath(parentPath), ctx.zxid);
  parent.childCount--;
  parent.stat.pzxid = ctx.zxid;
  parent.digest = changes.precalculate(DigestOp.UPDATE, parentPath, parent.data, parent.stat);
  changes.add(parent);
  const node: ChangeRecord = { zxid: ctx.zxid, path, stat: null, childCount: -1, acl: null, data: null, digest: null };
  node.digest = changes.precalculate(DigestOp.REMOVE, path);
  setDigest(ctx, node.digest);
  changes.add(node);
}

function fixupAcl(ctx: PrepContext, acl: readonly ACL[] | null, path: string): ACL[] {
  const fixed = fixupACL(ctx.options.aclPolicy, ctx.req.authInfo, acl);
  if (fixed === ErrorCode.MARSHALLINGERROR) throw new MarshallingFailure('null ACL id');
  if (typeof fixed === 'number') return fail(fixed, path);
  return fixed;
}

const CREATE_MODES: ReadonlySet<number> = new Set(Object.values(CreateMode));

/** pRequest2TxnCreate. */
function prepCreate(ctx: PrepContext, r: Extract<WriteRequest, { path: string; flags: number }>): TxnRecord {
  const { changes, req } = ctx;
  const ttl = r.type === OpCode.createTTL ? r.ttl : -1;
  if (!CREATE_MODES.has(r.flags)) fail(ErrorCode.BADARGUMENTS, r.path);
  const mode = r.flags;
  const ttlMode = mode === CreateMode.PERSISTENT_WITH_TTL || mode === CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL;
  const ephemeral = mode === CreateMode.EPHEMERAL || mode === CreateMode.EPHEMERAL_SEQUENTIAL;
  // validateCreateRequest
  if (ttlMode && !ctx.tree.extendedTypesEnabled) fail(ErrorCode.UNIMPLEMENTED, r.path);
  if (ttlMode ? !isValidTTL(ttl) : ttl >= 0) fail(ErrorCode.BADARGUMENTS, r.path);
  ok(ephemeral ? ctx.sessions.checkGlobalSession(req.sessionId, req.owner) : ctx.sessions.checkSession(req.sessionId, req.owner));
  // validatePathForCreate
  let path = requirePath(r.path);
  const slash = path.lastIndexOf('/');
  if (slash === -1 || path.includes('\0')) fail(ErrorCode.BADARGUMENTS, path);
  const parentPath = path.slice(0, slash);
  const acl = fixupAcl(ctx, r.acl, path);
  let parent = changes.getRecordForPath(parentPath);
  checkAcl(ctx, parent.acl, Perms.CREATE, path);
  const parentStat = parent.stat;
  if (mode === CreateMode.PERSISTENT_SEQUENTIAL || mode === CreateMode.EPHEMERAL_SEQUENTIAL || mode === CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL) {
    path += formatSequence(parentStat.cversion);
  }
  validate(path);
  try {
    changes.getRecordForPath(path);
    fail(ErrorCode.NODEEXISTS, path);
  } catch (e) {
    if (!(e instanceof PrepFailure && e.code === ErrorCode.NONODE)) throw e;
  }
  if (kindOf(ctx, parentStat.ephemeralOwner) === EphemeralKind.NORMAL) fail(ErrorCode.NOCHILDRENFOREPHEMERALS, path);
  const newCversion = (parentStat.cversion + 1) | 0;
  checkQuota(ctx, path, null, r.data, true);
  let txn: TxnRecord;
  if (r.type === OpCode.createContainer) txn = { type: r.type, path, data: r.data, acl, parentCVersion: newCversion };
  else if (r.type === OpCode.createTTL) txn = { type: r.type, path, data: r.data, acl, parentCVersion: newCversion, ttl };
  else txn = { type: r.type, path, data: r.data, acl, ephemeral, parentCVersion: newCversion };
  // The change record follows the flags; the tree follows the txn type. They can disagree
  // (createContainer with PERSISTENT flags), exactly as in ZooKeeper.
  let owner = 0n;
  if (mode === CreateMode.CONTAINER) owner = CONTAINER_EPHEMERAL_OWNER;
  else if (ttlMode) owner = ttlToEphemeralOwner(ttl);
  else if (ephemeral) owner = req.sessionId;
  const s = createStat(ctx.zxid, ctx.time, owner);
  parent = duplicate(parent, ctx.zxid);
  parent.childCount++;
  const ps = parent.stat;
  ps.cversion = newCversion;
  ps.pzxid = ctx.zxid;
  parent.digest = changes.precalculate(DigestOp.UPDATE, parentPath, parent.data, ps);
  changes.add(parent);
  const node: ChangeRecord = { zxid: ctx.zxid, path, stat: s, childCount: 0, acl, data: r.data, digest: null };
  node.digest = changes.precalculate(DigestOp.ADD, path, node.data, s);
  setDigest(ctx, node.digest);
  changes.add(node);
  return txn;
}

/** closeSession: delete the session's ephemerals, counting those still in outstanding changes. */
function prepCloseSession(ctx: PrepContext): TxnRecord {
  const { changes, req } = ctx;
  const es = ctx.tree.getEphemerals(req.sessionId);
  for (const c of changes.records()) {
    if (c.stat === null) es.delete(c.path);
    else if (c.stat.ephemeralOwner === req.sessionId) es.add(c.path);
  }
  const paths = es.toArray();
  for (const path of paths) {
    if (ctx.tree.digestEnabled) {
      // Only with digests on does the parent get a record — with pzxid moved but childCount kept.
      const parentPath = parentForDelete(ctx, path);
      const parent = duplicate(changes.getRecordForPath(parentPath), ctx.zxid);
      parent.stat.pzxid = ctx.zxid;
      parent.digest = changes.precalculate(DigestOp.UPDATE, parentPath, parent.data, parent.stat);
      changes.add(parent);
    }
    const node: ChangeRecord = { zxid: ctx.zxid, path, stat: null, childCount: 0, acl: null, data: null, digest: null };
    node.digest = changes.precalculate(DigestOp.REMOVE, path);
    changes.add(node);
  }
  ctx.sessions.setSessionClosing(req.sessionId);
  return { type: OpCode.closeSession, paths2Delete: ctx.options.closeSessionTxnEnabled ? paths : null };
}

/** ZooKeeperServer.checkQuota: only hard limits fail a request; reads the tree, not pending changes. */
function checkQuota(ctx: PrepContext, path: string, lastData: Buffer | null, data: Buffer | null, isCreate: boolean): void {
  if (!ctx.options.enforceQuota) return;
  const tree = ctx.tree;
  const lastPrefix = tree.getMaxPrefixWithQuota(path);
  if (lastPrefix === null) return;
  const dataBytes = data ? data.length : 0;
  const bytesDiff = isCreate ? dataBytes : dataBytes - (lastData ? lastData.length : 0);
  const countDiff = isCreate ? 1 : 0;
  const limitNode = tree.getNode(limitPath(lastPrefix));
  if (!limitNode) return;
  const limits = StatsTrack.fromBytes(limitNode.data);
  const checkCount = countDiff !== 0 && (limits.count > -1 || limits.countHardLimit > -1);
  const checkBytes = bytesDiff !== 0 && (limits.bytes > -1 || limits.byteHardLimit > -1);
  if (!checkCount && !checkBytes) return;
  const statNode = tree.getNode(statPath(lastPrefix));
  if (!statNode) return;
  const current = StatsTrack.fromBytes(statNode.data);
  if (checkCount && limits.countHardLimit > -1 && current.count + countDiff > limits.countHardLimit) fail(ErrorCode.QUOTAEXCEEDED, lastPrefix);
  if (checkBytes && limits.byteHardLimit > -1 && current.bytes + bytesDiff > limits.byteHardLimit) fail(ErrorCode.QUOTAEXCEEDED, lastPrefix);
}
