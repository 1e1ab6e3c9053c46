// How a leader brings one learner to its history (LearnerHandler.syncFollower and
// queueCommittedProposals), from the learner's last zxid and the leader's kept log:
//   DIFF   the learner's last zxid is in the leader's history: send the committed txns after it;
//   TRUNC  the learner has txns the leader does not: cut it back to the leader's history, then DIFF;
//   SNAP   the learner is behind the kept log, or its history cannot be cut back safely.
// Two logs agree up to any zxid they share within one epoch (one leader wrote that epoch, in
// order), which is why cutting back to the leader's last zxid of the learner's epoch is safe and
// cutting across an epoch is not: that is ZooKeeper's rule too ("cannot send TRUNC across epochs").

import type { ZabStore } from './store';
import { epochOf } from './zxid';

export type SyncPlan =
  /** Send the kept entries in (after, zxid] as PROPOSAL + COMMIT pairs; DIFF carries zxid. */
  | { mode: 'DIFF'; zxid: bigint; after: bigint }
  /** TRUNC to zxid, then the entries in (zxid, upTo] as with DIFF. */
  | { mode: 'TRUNC'; zxid: bigint; upTo: bigint }
  /** A snapshot of the state at zxid. */
  | { mode: 'SNAP'; zxid: bigint };

export type SyncLog = Pick<ZabStore, 'base' | 'has' | 'before'>;

/**
 * @param log the leader's kept log
 * @param committed the leader's last committed zxid: its history for this purpose ends there
 *   (proposals still in flight follow through startForwarding)
 * @param peer the learner's last logged zxid, from its ACKEPOCH
 */
export function planSync(log: SyncLog, committed: bigint, peer: bigint): SyncPlan {
  if (peer === committed) return { mode: 'DIFF', zxid: committed, after: peer };
  if (peer > committed) return { mode: 'TRUNC', zxid: committed, upTo: committed };
  if (peer < log.base) return { mode: 'SNAP', zxid: committed };
  if (peer === log.base || log.has(peer)) return { mode: 'DIFF', zxid: committed, after: peer };
  const prev = log.before(peer);
  if (epochOf(prev) === epochOf(peer)) return { mode: 'TRUNC', zxid: prev, upTo: committed };
  return { mode: 'SNAP', zxid: committed };
}
