// What a server loads at startup. Snapshots are fuzzy in ZooKeeper (taken while txns keep being
// applied), so recovery replays every logged txn after the snapshot's zxid; a txn already in the
// snapshot can come again, and applying it must be idempotent, as in ZooKeeper.

import type { LoadedSnapshot, SnapshotStore } from './snapshot-store';
import type { LoggedTxn, TxnLog } from './txn-log';

export interface RestorePlan {
  /** The newest valid snapshot, or null to start from an empty tree. */
  snapshot: LoadedSnapshot | null;
  /** Txns with zxid > the snapshot's, starting in the log file that began before it. */
  txns: AsyncGenerator<LoggedTxn>;
}

export async function restore(snapshots: SnapshotStore, log: TxnLog): Promise<RestorePlan> {
  const snapshot = await snapshots.newestValid();
  return { snapshot, txns: log.read((snapshot?.zxid ?? 0n) + 1n) };
}
