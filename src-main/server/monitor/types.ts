// What the monitoring outputs read: MonitoredServer, plus facts it does not carry yet. Each extra
// is optional, and an output that needs a missing one leaves that line or key out rather than
// guess it; once the core provides them they belong in MonitoredServer itself.

import type { MonitoredServer } from '../core/monitored-server';
import type { BufferStats } from '../net/stats';

export interface LeaderFacts {
  /** Connected learners (followers and observers): zk_learners. */
  readonly learners: number;
  /** Voting followers in the broadcast phase: zk_synced_followers. */
  readonly syncedFollowers: number;
  readonly syncedNonVotingFollowers: number;
  readonly syncedObservers: number;
  /** Sync requests from learners not yet answered: zk_pending_syncs. */
  readonly pendingSyncs: number;
  /** Wall-clock ms when this node started leading (zk_leader_uptime). */
  readonly leadingSince: number;
  /** Serialized proposal sizes: srvr's "Proposal sizes", server_stats' proposal_stats; srst resets them. */
  readonly proposalSizes: BufferStats;
}

export interface MonitorExtras {
  /** On a follower or observer: the leader's server id (admin `leader`, zk_observer_master_id). */
  readonly leaderId?: number | null;
  /** On the leader. */
  readonly leader?: LeaderFacts | null;
  /** QuorumPeer.ZabState in lower case: election, discovery, synchronization or broadcast. */
  readonly zabState?: string;
  /** The quorum configuration's version (conf's last line); needed only once reconfig can change it. */
  readonly configVersion?: bigint;
  /** Txn-log fsyncs slower than fsync.warningthresholdms (server_stats' fsync_threshold_exceed_count). */
  readonly fsyncThresholdExceedCount?: number;
  /** The clock the session tracker runs on (monotonic ms); performance.now() when not given, as the core uses. */
  monotonicNow?(): number;
}

export type Monitored = MonitoredServer & MonitorExtras;
