// The metrics of mntr and the admin `monitor` command, in the order ZooKeeper 3.8 prints them (its
// metrics map's iteration order, as captured from real servers). Every 3.8 metric is listed here;
// each says where ZooLab's value comes from:
//   a function    - a real value (undefined when this node's role does not have the metric)
//   'zero'        - counts something ZooLab has no machinery for, so it is truly 0
//                   (Netty buffers, JVM pauses, dead-watcher cleaner, observer masters, throttling
//                   options that are off, ensemble auth, port unification)
//   'noQuorum'    - quorum/commit-processor machinery: truly 0 on a standalone server (3.8's
//                   standalone pipeline has no commit processor either); unknown in other modes
//   'untracked'   - ZooLab does not count it: left out rather than invented
// Not listed: 3.8's per-key metric sets (<ns>_read_per_namespace, <sid>_learner_handler_qp_size,
// quota gauges), which print one group per namespace or learner and which ZooLab does not keep.

import { readdirSync, readFileSync } from 'node:fs';
import { javaDouble, type JavaDouble } from '../net/admin-json';
import { zooKeeperFullVersion } from './environment';
import { isQuorumMode, peerState, quorumSize, uptimeMs } from './server-facts';
import type { Monitored } from './types';

export type MetricValue = number | string | JavaDouble;

type Shape = 'gauge' | 'summary' | 'percentiles';
type Fixed = 'zero' | 'noQuorum' | 'untracked';

/** AvgMinMaxCounter's view: avg is a double rounded half-up to 4 places, the rest longs. */
interface Summary {
  avg: number;
  min: number;
  max: number;
  cnt: number;
  sum: number;
}

interface Metric {
  readonly name: string;
  readonly shape: Shape;
  readonly source: Fixed | ((m: Monitored) => MetricValue | Summary | undefined);
}

const g = (name: string, source: Fixed | ((m: Monitored) => MetricValue | undefined)): Metric => ({ name, shape: 'gauge', source });
const s = (name: string, source: Fixed | ((m: Monitored) => Summary)): Metric => ({ name, shape: 'summary', source });
const p = (name: string, source: Fixed): Metric => ({ name, shape: 'percentiles', source });

const leaderOnly = <T>(pick: (l: NonNullable<Monitored['leader']>) => T) =>
  (m: Monitored): T | undefined => (m.mode === 'leader' && m.leader ? pick(m.leader) : undefined);

const stats = (m: Monitored) => m.net.stats;

export const METRICS: readonly Metric[] = [
  g('version', () => zooKeeperFullVersion()),
  g('server_state', (m) => m.mode ?? undefined),
  g('peer_state', (m) => (isQuorumMode(m.mode) ? peerState(m.mode) : undefined)),
  g('observer_master_id', (m) => (m.mode === 'observer' && m.leaderId != null ? m.leaderId : undefined)),
  g('ephemerals_count', (m) => m.tree.ephemeralsCount),
  g('num_alive_connections', (m) => m.net.numAliveConnections),
  g('avg_latency', (m) => javaDouble(stats(m).latency.avg)),
  g('min_proposal_size', leaderOnly((l) => l.proposalSizes.min)),
  g('outstanding_requests', (m) => m.net.outstandingRequests),
  g('znode_count', (m) => m.tree.nodeCount),
  g('global_sessions', (m) => m.sessions.sessionsWithTimeout.size),
  g('non_mtls_remote_conn_count', 'untracked'),
  g('last_client_response_size', (m) => stats(m).clientResponse.last),
  g('packets_sent', (m) => stats(m).packetsSent),
  g('packets_received', (m) => stats(m).packetsReceived),
  g('max_proposal_size', leaderOnly((l) => l.proposalSizes.max)),
  g('max_client_response_size', (m) => stats(m).clientResponse.max),
  g('synced_followers', leaderOnly((l) => l.syncedFollowers)),
  // ZooLab has no connection throttle (BlueThrottle), so it never drops on purpose.
  g('connection_drop_probability', () => javaDouble(0)),
  g('watch_count', (m) => m.tree.watchCount),
  g('synced_non_voting_followers', leaderOnly((l) => l.syncedNonVotingFollowers)),
  g('synced_observers', leaderOnly((l) => l.syncedObservers)),
  g('auth_failed_count', 'untracked'),
  g('min_latency', (m) => stats(m).latency.min),
  g('max_file_descriptor_count', () => maxFileDescriptors()),
  g('approximate_data_size', (m) => m.tree.cachedApproximateDataSize),
  g('open_file_descriptor_count', () => openFileDescriptors()),
  g('last_proposal_size', leaderOnly((l) => l.proposalSizes.last)),
  g('pending_syncs', leaderOnly((l) => l.pendingSyncs)),
  g('leader_uptime', leaderOnly((l) => Math.max(0, Date.now() - l.leadingSince))),
  // ZooLab has no local sessions: every session is global.
  g('local_sessions', 'zero'),
  g('uptime', (m) => uptimeMs(m)),
  g('max_latency', (m) => stats(m).latency.max),
  g('outstanding_tls_handshake', 'untracked'),
  g('learners', leaderOnly((l) => l.learners)),
  g('min_client_response_size', (m) => stats(m).clientResponse.min),
  g('non_mtls_local_conn_count', 'untracked'),
  g('quorum_size', (m) => (isQuorumMode(m.mode) ? quorumSize(m) : undefined)),
  g('proposal_count', 'noQuorum'),
  g('watch_bytes', 'untracked'),
  g('outstanding_changes_removed', 'untracked'),
  g('throttled_ops', 'zero'),
  g('stale_requests_dropped', 'zero'),
  g('large_requests_rejected', 'zero'),
  g('insecure_admin_count', 'zero'),
  g('connection_rejected', (m) => stats(m).connectionRejected),
  g('cnxn_closed_without_zk_server_running', 'untracked'),
  g('sessionless_connections_expired', (m) => stats(m).sessionlessConnectionsExpired),
  g('looking_count', 'noQuorum'),
  g('dead_watchers_queued', 'zero'),
  g('stale_requests', 'untracked'),
  g('connection_drop_count', (m) => stats(m).connectionDropCount),
  g('learner_proposal_received_count', 'noQuorum'),
  g('digest_mismatches_count', 'untracked'),
  g('dead_watchers_cleared', 'zero'),
  g('response_packet_cache_hits', 'untracked'),
  g('bytes_received_count', (m) => stats(m).bytesReceived),
  g('add_dead_watcher_stall_time', 'zero'),
  g('request_throttle_wait_count', 'zero'),
  g('requests_not_forwarded_to_commit_processor', 'zero'),
  g('response_packet_cache_misses', 'untracked'),
  g('ensemble_auth_success', 'zero'),
  g('prep_processor_request_queued', 'untracked'),
  g('learner_commit_received_count', 'noQuorum'),
  g('stale_replies', 'untracked'),
  g('connection_request_count', 'untracked'),
  g('response_bytes', 'untracked'),
  g('ensemble_auth_fail', 'zero'),
  g('diff_count', 'noQuorum'),
  g('response_packet_get_children_cache_misses', 'untracked'),
  g('connection_revalidate_count', 'untracked'),
  g('quit_leading_due_to_disloyal_voter', 'noQuorum'),
  g('snap_count', 'noQuorum'),
  g('unrecoverable_error_count', 'untracked'),
  g('unsuccessful_handshake', 'untracked'),
  g('commit_count', 'noQuorum'),
  g('stale_sessions_expired', 'untracked'),
  g('response_packet_get_children_cache_hits', 'untracked'),
  g('sync_processor_request_queued', 'untracked'),
  g('outstanding_changes_queued', 'untracked'),
  g('request_commit_queued', 'noQuorum'),
  g('ensemble_auth_skip', 'zero'),
  g('skip_learner_request_to_next_processor_count', 'zero'),
  g('tls_handshake_exceeded', 'zero'),
  g('revalidate_count', 'noQuorum'),
  s('socket_closing_time', 'noQuorum'),
  s('proposal_process_time', 'untracked'),
  s('leader_unavailable_time', 'noQuorum'),
  s('node_created_watch_count', 'untracked'),
  s('session_queues_drained', 'noQuorum'),
  s('write_commit_proc_req_queued', 'noQuorum'),
  s('connection_token_deficit', 'untracked'),
  s('read_commit_proc_req_queued', 'noQuorum'),
  s('node_deleted_watch_count', 'untracked'),
  s('startup_txns_load_time', 'untracked'),
  s('sync_processor_queue_size', 'untracked'),
  s('follower_sync_time', 'noQuorum'),
  s('prep_processor_queue_size', 'untracked'),
  s('fsynctime', (m) => fsyncSummary(m)),
  s('inflight_snap_count', 'noQuorum'),
  s('reads_issued_from_session_queue', 'noQuorum'),
  s('learner_request_processor_queue_size', 'noQuorum'),
  s('snapshottime', 'untracked'),
  s('unavailable_time', 'noQuorum'),
  s('startup_txns_loaded', 'untracked'),
  s('reads_after_write_in_session_queue', 'noQuorum'),
  s('requests_in_session_queue', 'noQuorum'),
  s('write_commit_proc_issued', 'noQuorum'),
  s('prep_process_time', 'untracked'),
  s('pending_session_queue_size', 'noQuorum'),
  s('time_waiting_empty_pool_in_commit_processor_read_ms', 'noQuorum'),
  s('commit_process_time', 'noQuorum'),
  s('dbinittime', 'untracked'),
  s('inflight_diff_count', 'noQuorum'),
  s('netty_queued_buffer_capacity', 'zero'),
  s('election_time', 'noQuorum'),
  s('commit_commit_proc_req_queued', 'noQuorum'),
  s('sync_processor_batch_size', 'untracked'),
  s('node_children_watch_count', 'untracked'),
  s('write_batch_time_in_commit_processor', 'noQuorum'),
  s('read_commit_proc_issued', 'noQuorum'),
  s('concurrent_request_processing_in_commit_processor', 'noQuorum'),
  s('observer_sync_time', 'noQuorum'),
  s('node_changed_watch_count', 'untracked'),
  s('sync_process_time', 'untracked'),
  s('startup_snap_load_time', 'untracked'),
  p('prep_processor_queue_time_ms', 'untracked'),
  p('jvm_pause_time_ms', 'zero'),
  p('close_session_prep_time', 'untracked'),
  p('read_commitproc_time_ms', 'noQuorum'),
  p('updatelatency', 'untracked'),
  p('local_write_committed_time_ms', 'noQuorum'),
  p('request_throttle_queue_time_ms', 'untracked'),
  p('readlatency', 'untracked'),
  p('quorum_ack_latency', 'noQuorum'),
  p('om_commit_process_time_ms', 'zero'),
  p('read_final_proc_time_ms', 'noQuorum'),
  p('commit_propagation_latency', 'noQuorum'),
  p('dead_watchers_cleaner_latency', 'zero'),
  p('write_final_proc_time_ms', 'noQuorum'),
  p('proposal_ack_creation_latency', 'noQuorum'),
  p('proposal_latency', 'noQuorum'),
  p('om_proposal_process_time_ms', 'zero'),
  p('sync_processor_queue_and_flush_time_ms', 'untracked'),
  p('propagation_latency', 'untracked'),
  p('server_write_committed_time_ms', 'noQuorum'),
  p('sync_processor_queue_time_ms', 'untracked'),
  p('sync_processor_queue_flush_time_ms', 'untracked'),
  p('write_commitproc_time_ms', 'noQuorum'),
];

const ZERO_SUMMARY: Summary = { avg: 0, min: 0, max: 0, cnt: 0, sum: 0 };

/**
 * The metrics as (name, value) pairs in print order: ZooKeeperServer.dumpMonitorValues, then the
 * metrics provider's dump. Metrics without a value for this node are left out.
 */
export function monitorValues(m: Monitored): Array<[string, MetricValue]> {
  const out: Array<[string, MetricValue]> = [];
  for (const metric of METRICS) {
    const value = typeof metric.source === 'string' ? fixedValue(metric.source, m) : metric.source(m);
    if (value === undefined) continue;
    if (metric.shape === 'gauge') {
      out.push([metric.name, value as MetricValue]);
      continue;
    }
    const sum = value === 0 ? ZERO_SUMMARY : (value as Summary);
    out.push(
      [`avg_${metric.name}`, javaDouble(sum.avg)], [`min_${metric.name}`, sum.min], [`max_${metric.name}`, sum.max],
      [`cnt_${metric.name}`, sum.cnt], [`sum_${metric.name}`, sum.sum],
    );
    // Only zero sources have percentiles here, and an all-zero sample's percentiles are 0.
    if (metric.shape === 'percentiles') {
      for (const q of ['p50', 'p95', 'p99', 'p999']) out.push([`${q}_${metric.name}`, 0]);
    }
  }
  return out;
}

function fixedValue(source: Fixed, m: Monitored): 0 | undefined {
  if (source === 'zero') return 0;
  return source === 'noQuorum' && m.mode === 'standalone' ? 0 : undefined;
}

/** mntr's zk_*_fsynctime: whole milliseconds, as ZooKeeper times its fsyncs. */
function fsyncSummary(m: Monitored): Summary {
  const f = m.fsyncStats;
  if (f.count === 0) return ZERO_SUMMARY;
  return {
    avg: Number((f.sumMs / f.count).toFixed(4)),
    min: Math.floor(f.minMs),
    max: Math.floor(f.maxMs),
    cnt: f.count,
    sum: Math.floor(f.sumMs),
  };
}

/** UnixOperatingSystemMXBean.getOpenFileDescriptorCount; undefined where there is no /proc. */
function openFileDescriptors(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return undefined;
  }
}

/** getMaxFileDescriptorCount: the soft RLIMIT_NOFILE, from /proc/self/limits. */
function maxFileDescriptors(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
    return soft !== undefined && /^\d+$/.test(soft) ? Number(soft) : undefined;
  } catch {
    return undefined;
  }
}
