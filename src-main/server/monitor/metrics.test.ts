// mntr and the metrics behind the admin `monitor`: every key printed is one of 3.8's, in 3.8's
// order; every 3.8 key left out is left out for a stated reason (metrics.ts); values are real.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMntr } from '../../client/four-letter-mntr';
import { BufferStats } from '../net/stats';
import { fourLetterWord } from './four-letter-words';
import { METRICS } from './metrics';
import { ENSEMBLE_SERVERS, nodesCleanedAfterEach, type TestNode, type TestNodeOptions } from './test-support';

const sampleKeys = (role: string): string[] =>
  readFileSync(new URL(`../../client/testdata/4lw-3.8/${role}-mntr.txt`, import.meta.url), 'utf8')
    .split('\n').filter(Boolean).map((l) => l.split('\t')[0]);

const node = nodesCleanedAfterEach();

/** mntr as asked by the node's one probing connection. */
const mntr = (n: TestNode): string => fourLetterWord(n, 'mntr', n.net.all.find((c) => c.sessionId === 0n) ?? n.probe());
const keysOf = (text: string): string[] => text.split('\n').filter(Boolean).map((l) => l.split('\t')[0]);

/** The zk_ keys a metric prints. */
function printed(name: string, shape: string): string[] {
  if (shape === 'gauge') return [`zk_${name}`];
  const parts = ['avg', 'min', 'max', 'cnt', 'sum', ...(shape === 'percentiles' ? ['p50', 'p95', 'p99', 'p999'] : [])];
  return parts.map((q) => `zk_${q}_${name}`);
}

/** Keys 3.8 prints per namespace or per learner, which ZooLab does not keep. */
const PER_KEY_SET = /^zk_(avg|min|max|cnt|sum|p50|p95|p99|p999)_(\d+_learner_handler_qp_(size|time_ms)|\w+_(read|write)_per_namespace)$/;

const leaderFacts = () => ({
  learners: 3, syncedFollowers: 2, syncedNonVotingFollowers: 0, syncedObservers: 1, pendingSyncs: 0,
  leadingSince: Date.now() - 1000, proposalSizes: new BufferStats(),
});

const roles: Array<[string, TestNodeOptions]> = [
  ['standalone', {}],
  ['leader', { mode: 'leader', serverId: 3, extraConfig: ENSEMBLE_SERVERS, extras: { leader: leaderFacts() } }],
  ['follower', { mode: 'follower', serverId: 1, extraConfig: ENSEMBLE_SERVERS, extras: { leaderId: 3 } }],
  ['observer', { mode: 'observer', serverId: 4, extraConfig: ENSEMBLE_SERVERS, extras: { leaderId: 3 } }],
  ['read-only', { mode: 'read-only', serverId: 1, extraConfig: ENSEMBLE_SERVERS }],
];

describe('mntr keys against the samples', () => {
  it.each(roles)('%s: a subsequence of 3.8\'s keys, leaving out only what metrics.ts says', (role, opts) => {
    const ours = keysOf(mntr(node(opts)));
    const theirs = sampleKeys(role);
    // The read-only capture's map iterated two keys the other way round; order is checked against standalone's.
    const order = role === 'read-only' ? sampleKeys('standalone') : theirs;
    expect(ours.filter((k) => !theirs.includes(k))).toEqual([]);
    expect(ours).toEqual(order.filter((k) => ours.includes(k)));

    const reasons = new Map<string, string>();
    for (const m of METRICS) {
      const why = m.source === 'untracked' ? 'untracked' : m.source === 'noQuorum' && role !== 'standalone' ? 'noQuorum' : null;
      if (why) for (const k of printed(m.name, m.shape)) reasons.set(k, why);
    }
    const left = theirs.filter((k) => !ours.includes(k));
    expect(left.filter((k) => !reasons.has(k) && !PER_KEY_SET.test(k))).toEqual([]);
    expect(ours.filter((k) => reasons.has(k))).toEqual([]);
  });

  it('lists every 3.8 metric once, and prints the keys that matter', () => {
    const all = METRICS.flatMap((m) => printed(m.name, m.shape));
    expect(new Set(all).size).toBe(all.length);
    const known = new Set([...sampleKeys('standalone'), ...sampleKeys('leader'), ...sampleKeys('observer')]);
    expect(all.filter((k) => !known.has(k))).toEqual([]);
    expect([...known].filter((k) => !all.includes(k) && !PER_KEY_SET.test(k))).toEqual([]);
    const ours = keysOf(mntr(node()));
    for (const k of ['zk_version', 'zk_server_state', 'zk_znode_count', 'zk_watch_count', 'zk_ephemerals_count',
      'zk_approximate_data_size', 'zk_avg_latency', 'zk_min_latency', 'zk_max_latency', 'zk_packets_received',
      'zk_packets_sent', 'zk_num_alive_connections', 'zk_outstanding_requests', 'zk_uptime', 'zk_avg_fsynctime',
      'zk_cnt_fsynctime', 'zk_last_client_response_size', 'zk_global_sessions', 'zk_bytes_received_count']) {
      expect(ours).toContain(k);
    }
    if (process.platform === 'linux') expect(ours).toEqual(expect.arrayContaining(['zk_open_file_descriptor_count', 'zk_max_file_descriptor_count']));
  });
});

describe('mntr values', () => {
  it('follow the tree, the sessions, the connections and the counters', () => {
    const n = node();
    const c = n.openSession();
    const base = parseMntr(mntr(n));
    n.create('/app', 'abcdef');
    n.create('/app/lock', '', c.sessionId);
    n.tree.dataWatches.addWatch('/app', c);
    n.tree.childWatches.addWatch('/app', c);
    n.net.stats.packetsReceived = 40;
    n.net.stats.packetsSent = 39;
    n.net.stats.latency.add(1);
    n.net.stats.latency.add(4);
    n.net.stats.clientResponse.set(16);
    n.net.stats.bytesReceived = 352;
    n.net.all[0].outstanding = 2;
    const m = parseMntr(mntr(n));
    expect(m.znodeCount).toBe(base.znodeCount + 2);
    expect(m).toMatchObject({
      serverState: 'standalone', watchCount: 2, ephemeralsCount: 1, packetsReceived: 40, packetsSent: 39,
      minLatency: 1, avgLatency: 2.5, maxLatency: 4, outstandingRequests: 2, numAliveConnections: 2,
      approximateDataSize: n.tree.approximateDataSize(),
    });
    expect(m.values).toMatchObject({
      zk_global_sessions: 1, zk_local_sessions: 0, zk_last_client_response_size: 16, zk_min_client_response_size: 16,
      zk_bytes_received_count: 352, zk_connection_drop_probability: 0, zk_looking_count: 0, zk_cnt_election_time: 0,
    });
    expect(m.uptime).toBeGreaterThanOrEqual(5000);
    expect(mntr(n)).toContain('zk_avg_latency\t2.5\n');
    expect(mntr(n)).toContain('zk_connection_drop_probability\t0.0\n');
  });

  it('fsynctime is the txn log\'s fsync summary', () => {
    const n = node();
    expect(mntr(n)).toContain('zk_avg_fsynctime\t0.0\nzk_min_fsynctime\t0\nzk_max_fsynctime\t0\nzk_cnt_fsynctime\t0\nzk_sum_fsynctime\t0\n');
    n.fsyncStats = { count: 3, sumMs: 7.9, minMs: 0.4, maxMs: 5.2 };
    expect(mntr(n)).toContain('zk_avg_fsynctime\t2.6333\nzk_min_fsynctime\t0\nzk_max_fsynctime\t5\nzk_cnt_fsynctime\t3\nzk_sum_fsynctime\t7\n');
  });

  it.runIf(process.platform === 'linux')('file descriptors come from /proc', () => {
    const m = parseMntr(mntr(node()));
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const soft = /^Max open files\s+(\d+)/m.exec(limits)?.[1];
    expect(m.maxFileDescriptorCount).toBe(Number(soft));
    expect(m.openFileDescriptorCount).toBeGreaterThan(2);
  });

  it('a leader reports its learners and proposals; an observer its leader', () => {
    const leader = node(roles[1][1]);
    leader.leader?.proposalSizes.set(210);
    const m = parseMntr(mntr(leader));
    expect(m).toMatchObject({ serverState: 'leader', peerState: 'leading - broadcast', followers: 3, syncedFollowers: 2, syncedObservers: 1, pendingSyncs: 0 });
    expect(m.values).toMatchObject({ zk_quorum_size: 3, zk_last_proposal_size: 210, zk_min_proposal_size: 210 });
    expect(m.values.zk_leader_uptime).toBeGreaterThanOrEqual(1000);
    const observer = parseMntr(mntr(node(roles[3][1])));
    expect(observer.values).toMatchObject({ zk_peer_state: 'observing - broadcast', zk_observer_master_id: 3, zk_quorum_size: 3 });
  });

  it('a node whose role-specific facts are missing leaves those keys out', () => {
    const ours = keysOf(mntr(node({ mode: 'leader', serverId: 3, extraConfig: ENSEMBLE_SERVERS })));
    expect(ours).not.toContain('zk_learners');
    expect(ours).toContain('zk_peer_state');
    expect(keysOf(mntr(node({ mode: 'observer', serverId: 4, extraConfig: ENSEMBLE_SERVERS })))).not.toContain('zk_observer_master_id');
  });
});
