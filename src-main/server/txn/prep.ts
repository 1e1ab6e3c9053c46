// PrepRequestProcessor.pRequest for writes: every write request becomes exactly one txn with the
// zxid the caller allotted — an ErrorTxn when validation fails, so failed writes consume a zxid
// and are logged like any other txn, as in ZooKeeper.

import { ErrorCode, type MultiOp, OpCode } from '../../protocol';
import type { DataTree } from '../tree/data-tree';
import { DIGEST_VERSION } from '../tree/digest';
import { OutstandingChanges } from './change-records';
import { MarshallingFailure, PrepFailure } from './prep-failure';
import { type PrepContext, prepOp, type PrepOptions, type PrepSessions } from './prep-ops';
import type { TxnEntry, TxnRecord } from './records';
import { normalizeMultiOp, type PrepRequest } from './write-request';

export class RequestPreparer {
  readonly changes: OutstandingChanges;
  private readonly options: Required<PrepOptions>;

  constructor(
    readonly tree: DataTree<unknown>,
    readonly sessions: PrepSessions,
    options: PrepOptions,
  ) {
    this.changes = new OutstandingChanges(tree);
    this.options = { closeSessionTxnEnabled: true, enforceQuota: false, reconfigEnabled: false, ...options };
  }

  /**
   * The txn for a write request (needsTxn(req.type)). zxid is the next zxid, time the wall clock
   * (ms) for the header and node times, now the monotonic clock (ms) for session expiry.
   */
  prepare(req: PrepRequest, zxid: bigint, time: number, now: number): TxnEntry {
    const header = { clientId: req.sessionId, cxid: req.cxid, zxid, time, type: req.type };
    const ctx: PrepContext = {
      tree: this.tree, changes: this.changes, sessions: this.sessions, options: this.options, req, zxid, time, now, digest: null,
    };
    try {
      if (req.request === null) throw new MarshallingFailure('undecodable request');
      const txn = req.request.type === OpCode.multi ? this.prepMulti(ctx, req.request.ops) : prepOp(ctx, req.request);
      return { header, txn, digest: ctx.digest };
    } catch (e) {
      let err: number;
      if (e instanceof PrepFailure) err = e.code;
      else if (e instanceof MarshallingFailure) err = ErrorCode.MARSHALLINGERROR;
      else throw e;
      return { header: { ...header, type: OpCode.error }, txn: { type: OpCode.error, err }, digest: ctx.digest };
    }
  }

  /** Call once the txn with this zxid has been applied to the tree. */
  applied(zxid: bigint): void {
    this.changes.applied(zxid);
  }

  /**
   * A multi: ops share one zxid; the first failing op gets its own error, later ops
   * RUNTIMEINCONSISTENCY, and the changes recorded by earlier ops are rolled back.
   */
  private prepMulti(ctx: PrepContext, ops: readonly MultiOp[]): TxnRecord {
    const normalized = ops.map(normalizeMultiOp);
    // MultiOperationRecord refuses to decode read ops mixed with writes.
    if (normalized.some((o) => o.kind === 'read') && normalized.some((o) => o.kind !== 'read')) {
      throw new MarshallingFailure('Mixing different kind of ops');
    }
    const pending = this.changes.pendingFor(ops.map((o) => o.path));
    const txns: TxnRecord[] = [];
    let failed = false;
    for (const op of normalized) {
      if (failed) {
        txns.push({ type: OpCode.error, err: ErrorCode.RUNTIMEINCONSISTENCY });
        continue;
      }
      try {
        if (op.kind === 'read') {
          // Java preps a read op to no txn, sets the digest, then fails serializing the null txn.
          this.setCurrentDigest(ctx);
          throw new MarshallingFailure('read op in a multi');
        }
        if (op.kind === 'ttlWithoutTtl') throw new MarshallingFailure('TTL create without a ttl');
        txns.push(prepOp(ctx, op.request));
      } catch (e) {
        if (!(e instanceof PrepFailure)) throw e;
        failed = true;
        txns.push({ type: OpCode.error, err: e.code });
        this.changes.rollback(ctx.zxid, pending);
      }
    }
    ctx.digest = null;
    this.setCurrentDigest(ctx);
    return { type: OpCode.multi, txns };
  }

  private setCurrentDigest(ctx: PrepContext): void {
    if (this.tree.digestEnabled && ctx.digest === null) ctx.digest = { version: DIGEST_VERSION, treeDigest: this.changes.currentTreeDigest() };
  }
}
