// DataTree.processTxn: applies one committed txn to the tree. Errors at this stage (a node that
// turned out missing or present) become the result's err; they do not stop later txns.

import type { Stat } from '../../protocol';
import { ErrorCode, OpCode, ZooKeeperError } from '../../protocol';
import type { TxnDigest, TxnHeader, TxnRecord } from '../txn/records';
import type { WatchNotification } from '../watch/notification';
import { type DataTree, parentPathOf } from './data-tree';
import { DIGEST_VERSION } from './digest';
import { CONTAINER_EPHEMERAL_OWNER, isValidTTL, ttlToEphemeralOwner } from './ephemeral-type';

export interface ProcessTxnResult {
  clientId: bigint;
  cxid: number;
  zxid: bigint;
  /** The header's type: OpCode.error for a txn that failed in prep. */
  type: number;
  err: number;
  path: string | null;
  /** Set for create2/createTTL/createContainer, setData and setACL. */
  stat: Stat | null;
  multiResult: ProcessTxnResult[] | null;
}

export interface ApplyResult<W> extends ProcessTxnResult {
  /** Watch events to deliver, each still subject to the receiver's READ permission. */
  events: WatchNotification<W>[];
  /** Whether the tree digest after applying matches the txn's digest; null when not compared. */
  digestMatches: boolean | null;
}

/** The record types DataTree accepts inside a multi (3.8.0 has no create2 there). */
const MULTI_SUB_TYPES: ReadonlySet<number> = new Set([
  OpCode.create, OpCode.createTTL, OpCode.createContainer, OpCode.delete, OpCode.deleteContainer,
  OpCode.setData, OpCode.error, OpCode.check,
]);

export function processTxn<W>(tree: DataTree<W>, header: TxnHeader, txn: TxnRecord, digest: TxnDigest | null = null): ApplyResult<W> {
  const rc = apply(tree, header, txn, false);
  let digestMatches: boolean | null = null;
  if (tree.digestEnabled && digest && digest.version === DIGEST_VERSION) digestMatches = digest.treeDigest === tree.treeDigest;
  return { ...rc, events: tree.takeEvents(), digestMatches };
}

function apply<W>(tree: DataTree<W>, header: TxnHeader, txn: TxnRecord, isSubTxn: boolean): ProcessTxnResult {
  const rc: ProcessTxnResult = {
    clientId: header.clientId, cxid: header.cxid, zxid: header.zxid, type: header.type, err: 0, path: null, stat: null, multiResult: null,
  };
  try {
    switch (txn.type) {
      case OpCode.create:
      case OpCode.create2: {
        rc.path = txn.path;
        const stat = tree.createNode(txn.path, txn.data, txn.acl, txn.ephemeral ? header.clientId : 0n, txn.parentCVersion, header.zxid, header.time);
        if (txn.type === OpCode.create2) rc.stat = stat;
        break;
      }
      case OpCode.createTTL:
        rc.path = txn.path;
        // Java throws an unchecked exception here and the server stops; we refuse the txn instead.
        if (!isValidTTL(txn.ttl)) throw new ZooKeeperError(ErrorCode.BADARGUMENTS, txn.path);
        rc.stat = tree.createNode(txn.path, txn.data, txn.acl, ttlToEphemeralOwner(txn.ttl), txn.parentCVersion, header.zxid, header.time);
        break;
      case OpCode.createContainer:
        rc.path = txn.path;
        rc.stat = tree.createNode(txn.path, txn.data, txn.acl, CONTAINER_EPHEMERAL_OWNER, txn.parentCVersion, header.zxid, header.time);
        break;
      case OpCode.delete:
      case OpCode.deleteContainer:
        rc.path = txn.path;
        tree.deleteNode(txn.path, header.zxid);
        break;
      case OpCode.setData:
      case OpCode.reconfig:
        rc.path = txn.path;
        rc.stat = tree.setData(txn.path, txn.data, txn.version, header.zxid, header.time);
        break;
      case OpCode.setACL:
        rc.path = txn.path;
        rc.stat = tree.setACL(txn.path, txn.acl, txn.version);
        break;
      case OpCode.closeSession:
        tree.killSession(header.clientId, header.zxid, txn.paths2Delete);
        break;
      case OpCode.error:
        rc.err = txn.err;
        break;
      case OpCode.check:
        rc.path = txn.path;
        break;
      case OpCode.multi:
        applyMulti(tree, header, txn.txns, rc);
        break;
      case OpCode.createSession:
        break;
    }
  } catch (e) {
    if (!(e instanceof ZooKeeperError)) throw e;
    rc.err = e.code;
  }
  // A create replayed over an existing node (fuzzy snapshot) still advances the parent.
  if (header.type === OpCode.create && rc.err === ErrorCode.NODEEXISTS && txn.type === OpCode.create && rc.path !== null) {
    try {
      tree.setCversionPzxid(parentPathOf(rc.path).parent, txn.parentCVersion, header.zxid);
    } catch (e) {
      if (!(e instanceof ZooKeeperError)) throw e;
      rc.err = e.code;
    }
  }
  if (!isSubTxn) tree.recordProcessedZxid(rc.zxid);
  return rc;
}

/**
 * A multi whose prep failed carries one ErrorTxn for the failing op and RUNTIMEINCONSISTENCY
 * ErrorTxns after it; the ops before it are applied as ErrorTxn(OK), so nothing changes.
 */
function applyMulti<W>(tree: DataTree<W>, header: TxnHeader, txns: readonly TxnRecord[], rc: ProcessTxnResult): void {
  rc.multiResult = [];
  const failed = txns.some((t) => t.type === OpCode.error);
  let postFailed = false;
  for (const sub of txns) {
    // Java aborts the rest of the multi on an unknown sub-type (IOException, swallowed).
    if (!MULTI_SUB_TYPES.has(sub.type)) return;
    if (sub.type === OpCode.error) postFailed = true;
    const record: TxnRecord = failed && sub.type !== OpCode.error
      ? { type: OpCode.error, err: postFailed ? ErrorCode.RUNTIMEINCONSISTENCY : ErrorCode.OK }
      : sub;
    const subRc = apply(tree, { ...header, type: record.type }, record, true);
    rc.multiResult.push(subRc);
    if (subRc.err !== 0 && rc.err === 0) rc.err = subRc.err;
  }
}
