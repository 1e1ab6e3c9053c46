// Applying a committed txn (ZooKeeperServer.processTxn) and the reply a write gets
// (FinalRequestProcessor). Session bookkeeping follows the txn: createSession commits the
// session, closeSession removes it.

import type { MultiResult, Stat } from '../../protocol';
import { ErrorCode, OpCode } from '../../protocol';
import type { DataTree } from '../tree/data-tree';
import { type ApplyResult, type ProcessTxnResult, processTxn } from '../tree/process-txn';
import type { OutstandingChanges } from './change-records';
import type { TxnEntry } from './records';

export interface SessionCommits {
  commitSession(sessionId: bigint, timeout: number): boolean;
  removeSession(sessionId: bigint): void;
}

/**
 * processTxnForSessionEvents + processTxnInDB + dropping the txn's outstanding changes.
 * requestType is the original request's op code when known (a failed closeSession still
 * removes its session); replay from a log leaves it out and the header's type decides.
 */
export function applyTxn<W>(
  tree: DataTree<W>, entry: TxnEntry,
  opts: { sessions?: SessionCommits; changes?: OutstandingChanges; requestType?: number } = {},
): ApplyResult<W> {
  const { header, txn } = entry;
  const op = opts.requestType ?? header.type;
  if (op === OpCode.createSession && txn.type === OpCode.createSession) opts.sessions?.commitSession(header.clientId, txn.timeOut);
  else if (op === OpCode.closeSession) opts.sessions?.removeSession(header.clientId);
  const result = processTxn(tree, header, txn, entry.digest);
  opts.changes?.applied(header.zxid);
  return result;
}

export type WriteReply =
  | { kind: 'none'; err: number }
  | { kind: 'create'; err: number; path: string }
  | { kind: 'create2'; err: number; path: string; stat: Stat }
  | { kind: 'stat'; err: number; stat: Stat }
  | { kind: 'multi'; err: number; results: MultiResult[] }
  /** A sub-op failed with SESSIONMOVED: ZooKeeper closes the connection instead of replying. */
  | { kind: 'sessionMoved' };

/**
 * FinalRequestProcessor's reply to a write. A failed multi still answers err 0, with per-op
 * results: ErrorResult(0) before the failing op, its code, RUNTIMEINCONSISTENCY after.
 */
export function writeReply(requestType: number, rc: ProcessTxnResult, entry: TxnEntry): WriteReply {
  if (entry.header.type === OpCode.error) {
    const err = entry.txn.type === OpCode.error ? entry.txn.err : ErrorCode.SYSTEMERROR;
    return err === ErrorCode.SESSIONMOVED ? { kind: 'sessionMoved' } : { kind: 'none', err };
  }
  const err = rc.err;
  switch (requestType) {
    case OpCode.multi: {
      const results: MultiResult[] = [];
      for (const sub of rc.multiResult ?? []) {
        const r = multiResultOf(sub);
        if (r === null) return { kind: 'sessionMoved' };
        results.push(r);
      }
      return { kind: 'multi', err: 0, results };
    }
    case OpCode.create:
      return rc.path !== null ? { kind: 'create', err, path: rc.path } : { kind: 'none', err };
    case OpCode.create2: case OpCode.createTTL: case OpCode.createContainer:
      return rc.stat && rc.path !== null ? { kind: 'create2', err, path: rc.path, stat: rc.stat } : { kind: 'none', err };
    case OpCode.setData: case OpCode.setACL:
      return rc.stat ? { kind: 'stat', err, stat: rc.stat } : { kind: 'none', err };
    default:
      return { kind: 'none', err };
  }
}

/** OpResult for one sub-result; null for SESSIONMOVED. Created nodes with a stat report create2. */
function multiResultOf(sub: ProcessTxnResult): MultiResult | null {
  switch (sub.type) {
    case OpCode.check: return { type: OpCode.check };
    case OpCode.create: return { type: OpCode.create, path: sub.path ?? '' };
    case OpCode.create2: case OpCode.createTTL: case OpCode.createContainer:
      return sub.stat ? { type: OpCode.create2, path: sub.path ?? '', stat: sub.stat } : { type: OpCode.error, err: sub.err };
    case OpCode.delete: case OpCode.deleteContainer: return { type: OpCode.delete };
    case OpCode.setData:
      return sub.stat ? { type: OpCode.setData, stat: sub.stat } : { type: OpCode.error, err: sub.err };
    default:
      return sub.err === ErrorCode.SESSIONMOVED ? null : { type: OpCode.error, err: sub.err };
  }
}
