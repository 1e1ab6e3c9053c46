// What the monitoring outputs (4-letter words, AdminServer commands, the event log's gauges) read
// from a running server node. The core implements it; monitoring code only reads.

import type { ServerConfig } from '../config';
import type { ClientConnection, NetServer } from '../net/types';
import type { SessionTracker } from '../session/session-tracker';
import type { DataTree } from '../tree/data-tree';

export type ServerMode = 'standalone' | 'leader' | 'follower' | 'observer' | 'read-only';

export interface MonitoredServer {
  readonly config: ServerConfig;
  readonly serverId: number;
  /** What srvr prints as Mode; null while the node is not serving (no quorum, starting). */
  readonly mode: ServerMode | null;
  /** Wall-clock ms when the node started (for uptime). */
  readonly startedAt: number;
  readonly tree: DataTree<ClientConnection>;
  readonly sessions: SessionTracker;
  readonly net: NetServer;
  /** The zxid of the last txn applied to the tree. */
  readonly lastProcessedZxid: bigint;
  /** Size in bytes of the snapshot and log directories (dirs, mntr). */
  dataDirSize(): number;
  logDirSize(): number;
  /** The newest snapshot written: its zxid and wall-clock time, or null before the first. */
  readonly lastSnapshot: { zxid: bigint; timestamp: number } | null;
  /** fsync timing of the txn log, ms (mntr's fsynctime summary). */
  readonly fsyncStats: { count: number; sumMs: number; minMs: number; maxMs: number };
}
