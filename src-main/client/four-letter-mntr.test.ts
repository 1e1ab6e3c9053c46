// mntr against answers captured once from Apache ZooKeeper 3.8.0 (Debian).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMntr } from './four-letter-mntr';

function sample(name: string): string {
  return readFileSync(new URL(`./testdata/4lw-3.8/${name}.txt`, import.meta.url), 'utf8');
}

describe('mntr', () => {
  it('keeps every key, numbers as numbers and text as text', () => {
    const text = sample('standalone-mntr');
    const metrics = parseMntr(text);
    const lineCount = text.split('\n').filter((line) => line !== '').length;
    expect(Object.keys(metrics.values)).toHaveLength(lineCount);
    expect(metrics.values.zk_version).toBe('3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC');
    expect(metrics.values.zk_server_state).toBe('standalone');
    expect(metrics.values.zk_avg_latency).toBe(2.75);
    expect(metrics.values.zk_connection_drop_probability).toBe(0);
    // Per-namespace metrics are named after the top-level znode ("/zoolab" here).
    expect(metrics.values.zk_sum_zoolab_write_per_namespace).toBe(34);
    expect(metrics.values.zk_p99_prep_processor_queue_time_ms).toBe(1);
  });

  it('gives typed fields for the common metrics of a standalone server', () => {
    const { values: _values, ...summary } = parseMntr(sample('standalone-mntr'));
    expect(summary).toEqual({
      version: '3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC',
      serverState: 'standalone',
      avgLatency: 2.75,
      minLatency: 0,
      maxLatency: 8,
      packetsReceived: 12,
      packetsSent: 11,
      numAliveConnections: 2,
      outstandingRequests: 0,
      znodeCount: 8,
      watchCount: 3,
      ephemeralsCount: 1,
      approximateDataSize: 78,
      openFileDescriptorCount: 50,
      maxFileDescriptorCount: 20000,
      uptime: 17308,
    });
  });

  it('reads the leader-only metrics; 3.8 reports learners as zk_learners', () => {
    const metrics = parseMntr(sample('leader-mntr'));
    expect(metrics.serverState).toBe('leader');
    expect(metrics.peerState).toBe('leading - broadcast');
    expect(metrics.values.zk_followers).toBeUndefined();
    expect(metrics.followers).toBe(3);
    expect(metrics.syncedFollowers).toBe(2);
    expect(metrics.syncedObservers).toBe(1);
    expect(metrics.pendingSyncs).toBe(0);
  });

  it('reads the 3.5 name zk_followers too', () => {
    const text = 'zk_version\t3.5.9\nzk_server_state\tleader\nzk_avg_latency\t0\nzk_min_latency\t0\nzk_max_latency\t0\n' +
      'zk_packets_received\t1\nzk_packets_sent\t0\nzk_num_alive_connections\t1\nzk_outstanding_requests\t0\n' +
      'zk_znode_count\t4\nzk_watch_count\t0\nzk_ephemerals_count\t0\nzk_approximate_data_size\t27\n' +
      'zk_followers\t2\nzk_synced_followers\t2\nzk_pending_syncs\t0\n';
    const metrics = parseMntr(text);
    expect(metrics.followers).toBe(2);
    expect(metrics.uptime).toBeUndefined();
    expect('uptime' in metrics).toBe(false);
  });

  it('reads follower, observer and read-only servers, which have no leader metrics', () => {
    for (const [name, state, peer] of [
      ['follower-mntr', 'follower', 'following - broadcast'],
      ['observer-mntr', 'observer', 'observing - broadcast'],
      ['read-only-mntr', 'read-only', undefined],
    ] as const) {
      const metrics = parseMntr(sample(name));
      expect(metrics.serverState).toBe(state);
      expect(metrics.peerState).toBe(peer);
      expect(metrics.followers).toBeUndefined();
      expect(metrics.syncedFollowers).toBeUndefined();
    }
  });

  it('refuses the whitelist answer with a typed error', () => {
    expect(() => parseMntr(sample('not-whitelisted-mntr'))).toThrow(
      expect.objectContaining({ name: 'FourLetterWordError', kind: 'not-whitelisted' }),
    );
  });

  it('names a metric that is missing or not a number', () => {
    const text = sample('standalone-mntr');
    expect(() => parseMntr(text.replace(/^zk_znode_count\t.*\n/m, ''))).toThrow(/no zk_znode_count/);
    expect(() => parseMntr(text.replace(/^zk_znode_count\t.*$/m, 'zk_znode_count\tmany'))).toThrow(/zk_znode_count is "many"/);
    expect(() => parseMntr(text.replace(/^zk_server_state\t.*$/m, 'zk_server_state\tlooking'))).toThrow(/"looking"/);
  });
});
