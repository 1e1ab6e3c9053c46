// Facts several outputs derive the same way from a MonitoredServer: which ZooKeeperServer class
// 3.8 would be running, the ids and ports it reports, the directories it names.

import path from 'node:path';
import type { ServerEntry } from '../config';
import type { ServerMode } from '../core/monitored-server';
import type { Monitored } from './types';

export const NOT_SERVING = 'This ZooKeeper instance is not currently serving requests';

/** Leader, follower and observer run a QuorumZooKeeperServer; standalone and read-only do not. */
export function isQuorumMode(mode: ServerMode | null): mode is 'leader' | 'follower' | 'observer' {
  return mode === 'leader' || mode === 'follower' || mode === 'observer';
}

/** ZooKeeperServer.getServerId(): a standalone server says 0 whatever its myid. */
export function reportedServerId(s: Monitored): number {
  return s.mode === 'standalone' ? 0 : s.serverId;
}

export function ownServerEntry(s: Monitored): ServerEntry | undefined {
  return s.config.servers.find((e) => e.id === s.serverId);
}

/** QuorumPeer.getDetailedPeerState(): a serving peer is in the broadcast phase. */
export function peerState(mode: 'leader' | 'follower' | 'observer'): string {
  const state = mode === 'leader' ? 'leading' : mode === 'follower' ? 'following' : 'observing';
  return `${state} - broadcast`;
}

/** QuorumPeer.getQuorumSize(): the voting members. */
export function quorumSize(s: Monitored): number {
  return s.config.servers.filter((e) => e.role === 'participant').length;
}

/** FileTxnSnapLog keeps snapshots and logs in a version-2 directory under each. */
export const snapDir = (s: Monitored): string => path.join(s.config.dataDir, 'version-2');
export const logDir = (s: Monitored): string => path.join(s.config.dataLogDir, 'version-2');

/** getClientPort()/getSecureClientPort(): -1 without such a port. */
export function clientPort(s: Monitored): number {
  return s.config.clientPort ?? ownServerEntry(s)?.clientPort ?? -1;
}
export function secureClientPort(s: Monitored): number {
  return s.config.secureClientPort ?? -1;
}

export const uptimeMs = (s: Monitored): number => Math.max(0, Date.now() - s.startedAt);

/** QuorumServer.delimitedHostString: IPv6 literals in brackets. */
export const delimitedHost = (host: string): string => (host.includes(':') ? `[${host}]` : host);

/** BufferStats.toString(): "last/min/max". */
export function bufferStatsText(b: { last: number; min: number; max: number }): string {
  return `${b.last}/${b.min}/${b.max}`;
}

export function bufferStatsJson(b: { last: number; min: number; max: number }): Record<string, number> {
  return { last_buffer_size: b.last, min_buffer_size: b.min, max_buffer_size: b.max };
}

/** The srst word: ServerStats.reset, plus a leader's proposal sizes (the admin stat_reset leaves those). */
export function resetServerStats(s: Monitored): void {
  s.net.stats.reset();
  if (s.mode === 'leader') s.leader?.proposalSizes.reset();
}
