// Converters against AdminServer answers captured once from Apache ZooKeeper 3.8.0 (Debian): a
// standalone server and a 3-participant + 1-observer ensemble.

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseJsonExact } from './admin-json';
import {
  isObject,
  toConnections,
  toEnvironment,
  toIsReadOnly,
  toLeaderInfo,
  toServerMetrics,
  toServerStats,
  toVotingView,
  toWatchSummary,
  withoutEnvelope,
  type JsonObject,
} from './admin-responses';

function sample(name: string): JsonObject {
  const value = parseJsonExact(readFileSync(new URL(`./testdata/admin-3.8/${name}.json`, import.meta.url), 'utf8'));
  if (!isObject(value)) throw new Error(`${name} is not a JSON object`);
  return value;
}

const fail = (detail: string) => new Error(detail);
const VERSION = '3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC';

describe('monitor', () => {
  it('keeps every metric and gives the same typed fields as mntr', () => {
    const metrics = toServerMetrics(sample('standalone-monitor'), fail);
    expect(metrics.values.command).toBeUndefined();
    expect(metrics.values.error).toBeUndefined();
    expect(metrics.values.connection_drop_probability).toBe(0);
    expect(metrics).toMatchObject({
      version: VERSION,
      serverState: 'standalone',
      avgLatency: 1,
      numAliveConnections: 1,
      znodeCount: 8,
      watchCount: 3,
      ephemeralsCount: 1,
      approximateDataSize: 78,
      maxFileDescriptorCount: 20000,
    });
  });

  it('reads leader metrics', () => {
    const metrics = toServerMetrics(sample('leader-monitor'), fail);
    expect(metrics).toMatchObject({ serverState: 'leader', peerState: 'leading - broadcast', followers: 3, syncedFollowers: 2, syncedObservers: 1 });
  });
});

describe('server_stats', () => {
  it('has the shape srvr gives', () => {
    expect(toServerStats(sample('standalone-server_stats'), fail)).toEqual({
      version: VERSION,
      readOnly: false,
      latency: { min: 1, avg: 1, max: 1 },
      received: 3,
      sent: 4,
      connections: 1,
      outstanding: 0,
      zxid: 4n,
      zxidHex: '0x4',
      mode: 'standalone',
      nodeCount: 8,
    });
  });

  it('reads a leader: zxid with the epoch, and proposal sizes', () => {
    const stats = toServerStats(sample('leader-server_stats'), fail);
    expect(stats.mode).toBe('leader');
    expect(stats.zxid).toBe(0x1_0000_0000n);
    expect(stats.zxidHex).toBe('0x100000000');
    expect(stats.proposalSizes).toEqual({ last: -1, min: -1, max: -1 });
    expect(toServerStats(sample('follower-server_stats'), fail).proposalSizes).toBeUndefined();
  });

  it('names a missing field', () => {
    const body = sample('standalone-server_stats');
    const { server_stats: _dropped, ...rest } = body;
    expect(() => toServerStats(rest, fail)).toThrow('no server_stats');
  });
});

describe('connections', () => {
  it('has the shape cons gives; the session id is exact', () => {
    expect(toConnections(sample('standalone-connections'), fail)).toEqual([
      {
        address: '127.0.0.1',
        port: 35946,
        interestOps: 1,
        queued: 0,
        recved: 1,
        sent: 1,
        sid: 0x1000004d0850000n,
        lop: 'PING',
        est: 1795305436892,
        to: 30000,
        // last_cxid is -1 after a PING; cons leaves lcxid out then, and so does this.
        lzxid: 4n,
        lresp: 335263,
        llat: 1,
        minlat: 1,
        avglat: 1,
        maxlat: 1,
      },
    ]);
  });
});

describe('the small commands', () => {
  it('reads watch_summary, environment and is_read_only', () => {
    expect(toWatchSummary(sample('standalone-watch_summary'), fail)).toEqual({ connections: 1, paths: 2, totalWatches: 2 });
    const env = toEnvironment(sample('standalone-environment'));
    expect(env['zookeeper.version']).toBe(VERSION);
    expect(env.command).toBeUndefined();
    expect(toIsReadOnly(sample('standalone-is_read_only'), fail)).toBe(false);
    expect(toIsReadOnly(sample('read-only-is_read_only'), fail)).toBe(true);
  });

  it('reads configuration without the envelope', () => {
    const conf = withoutEnvelope(sample('standalone-configuration'));
    expect(conf).toMatchObject({ client_port: 21881, tick_time: 2000, server_id: 0 });
    expect(Object.keys(conf)).not.toContain('command');
  });

  it('reads leader on each role', () => {
    expect(toLeaderInfo(sample('leader-leader'), fail)).toEqual({ isLeader: true, leaderId: 3, leaderIp: '127.0.0.1' });
    expect(toLeaderInfo(sample('follower-leader'), fail)).toEqual({ isLeader: false, leaderId: 3, leaderIp: '127.0.0.1' });
    expect(toLeaderInfo(sample('observer-leader'), fail).isLeader).toBe(false);
  });

  it('reads voting_view as server.N entries; a server knows only its own client address', () => {
    const view = toVotingView(sample('leader-voting_view'), fail);
    expect(view.map((s) => s.id)).toEqual([1, 2, 3]);
    expect(view[0]).toEqual({ id: 1, addresses: [{ host: '127.0.0.1', quorumPort: 32891, electionPort: 33891 }], role: 'participant' });
    expect(view[2].clientAddress).toEqual({ host: '0.0.0.0', port: 21893 });
    expect(toVotingView(sample('standalone-voting_view'), fail)).toEqual([]);
  });
});

describe('every captured answer', () => {
  const converters: Record<string, (body: JsonObject) => unknown> = {
    monitor: (body) => toServerMetrics(body, fail),
    server_stats: (body) => toServerStats(body, fail),
    connections: (body) => toConnections(body, fail),
    watch_summary: (body) => toWatchSummary(body, fail),
    configuration: withoutEnvelope,
    environment: toEnvironment,
    is_read_only: (body) => toIsReadOnly(body, fail),
    leader: (body) => toLeaderInfo(body, fail),
    voting_view: (body) => toVotingView(body, fail),
  };
  const files = readdirSync(new URL('./testdata/admin-3.8/', import.meta.url));

  it.each(files)('%s converts', (file) => {
    const match = /^(standalone|leader|follower|observer|read-only)-([a-z_]+)\.json$/.exec(file);
    expect(match, 'samples are named <role>-<command>.json').not.toBeNull();
    const [, , command] = match ?? [];
    expect(converters[command], `a converter for ${command}`).toBeDefined();
    expect(() => converters[command](sample(file.replace(/\.json$/, '')))).not.toThrow();
  });
});
