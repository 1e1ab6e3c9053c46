// AdminServer commands against JSON captured from Apache ZooKeeper 3.8.0: same fields in the same
// order (values masked), readable by the client's admin parsers, values from the node's state.

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { adminBaseUrl, adminCommand as fetchAdminCommand } from '../../client/admin-http';
import { parseJsonExact, type JsonValue } from '../../client/admin-json';
import {
  toConnections, toEnvironment, toIsReadOnly, toLeaderInfo, toServerMetrics, toServerStats, toVotingView, toWatchSummary,
  type JsonObject,
} from '../../client/admin-responses';
import { AdminHttpServer } from '../net/admin-server';
import { jacksonPretty } from '../net/admin-json';
import { BufferStats, elapsedMs } from '../net/stats';
import { FakeCore } from '../net/test-support';
import type { AdminCommandResult } from '../net/types';
import { adminCommand, adminCommandNames } from './admin-commands';
import { zooKeeperFullVersion } from './environment';
import { NOT_SERVING } from './server-facts';
import {
  CAPTURED_SESSION_A, capturedStandaloneState, ENSEMBLE_SERVERS, nodesCleanedAfterEach, type TestNode, type TestNodeOptions,
} from './test-support';

const SAMPLES = new URL('../../client/testdata/admin-3.8/', import.meta.url);
const CAPTURED = new URL('./testdata/3.8-standalone/', import.meta.url);
const read = (dir: URL, name: string): string => readFileSync(new URL(name, dir), 'utf8');
const json = (text: string): JsonObject => parseJsonExact(text) as JsonObject;
const fail = (detail: string): Error => new Error(detail);

const node = nodesCleanedAfterEach();

/** What the admin HTTP shell writes for a result (net/admin-server.ts). */
const render = (r: AdminCommandResult): string => jacksonPretty({ ...r.data, command: r.command, error: r.error });

function run(n: TestNode, name: string, params: Record<string, string> = {}): JsonObject {
  const r = adminCommand(n, name, new URLSearchParams(params));
  if (!r) throw new Error(`unknown command ${name}`);
  return json(render(r));
}

/** Every field path with its JSON type, in order; ids and times as map keys are masked. */
function paths(v: JsonValue, at = ''): string[] {
  if (Array.isArray(v)) return v.length === 0 ? [`${at}[]`] : [`${at}[]`, ...paths(v[0], `${at}[0]`)];
  if (v !== null && typeof v === 'object') {
    return Object.entries(v).flatMap(([k, x]) => {
      const key = /^-?\d+$/.test(k) ? 'N' : k;
      return [`${at}.${key}`, ...paths(x, `${at}.${key}`)];
    });
  }
  return [`${at}:${v === null ? 'null' : typeof v === 'bigint' ? 'number' : typeof v}`];
}

/** ServerStats fields ZooLab does not count (admin-commands.ts). */
const UNCOUNTED = ['auth_failed_count', 'non_mtlsremote_conn_count', 'non_mtlslocal_conn_count'];
const withoutUncounted = (p: string[]): string[] => p.filter((x) => !UNCOUNTED.some((k) => x.includes(`.server_stats.${k}`)));

const leaderFacts = () => ({
  learners: 3, syncedFollowers: 2, syncedNonVotingFollowers: 0, syncedObservers: 1, pendingSyncs: 0,
  leadingSince: Date.now() - 1000, proposalSizes: new BufferStats(),
});

const ROLES: Record<string, TestNodeOptions> = {
  standalone: {},
  leader: { mode: 'leader', serverId: 3, extraConfig: ENSEMBLE_SERVERS, extras: { leader: leaderFacts() } },
  follower: { mode: 'follower', serverId: 1, extraConfig: ENSEMBLE_SERVERS, extras: { leaderId: 3 } },
  observer: { mode: 'observer', serverId: 4, extraConfig: ENSEMBLE_SERVERS, extras: { leaderId: 3 } },
  'read-only': { mode: 'read-only', serverId: 1, extraConfig: ENSEMBLE_SERVERS },
};

/** A node in the role with a session, a watch, an ephemeral and some traffic, as the samples had. */
function busyNode(role: string): TestNode {
  const n = node(ROLES[role]);
  const c = n.openSession();
  n.create('/zoolab');
  n.create('/zoolab/e', '', c.sessionId);
  n.tree.dataWatches.addWatch('/zoolab', c);
  c.requestCompleted('PING', -2, n.lastProcessedZxid, elapsedMs() - 1);
  n.net.stats.clientResponse.set(16);
  return n;
}

describe('the samples, field by field', () => {
  const samples = readdirSync(SAMPLES).filter((f) => f.endsWith('.json'));

  it.each(samples)('%s', (file) => {
    const [, role, cmd] = /^(standalone|leader|follower|observer|read-only)-(.*)\.json$/.exec(file) ?? [];
    const theirs = paths(json(read(SAMPLES, file)));
    const ours = paths(run(busyNode(role), cmd));
    if (cmd === 'monitor') {
      // Which metrics are left out, and why, is metrics.test.ts's business: here, order and types.
      expect(ours.filter((p) => !theirs.includes(p))).toEqual([]);
      expect(ours).toEqual(theirs.filter((p) => ours.includes(p)));
    } else {
      expect(ours).toEqual(cmd === 'server_stats' ? withoutUncounted(theirs) : theirs);
    }
  });

  it.each(['leader', 'is_read_only'])('%s: the values too, where the state is the same', (cmd) => {
    for (const role of ['leader', 'follower', 'observer', 'read-only', 'standalone']) {
      const file = `${role}-${cmd}.json`;
      if (!samples.includes(file)) continue;
      expect(run(busyNode(role), cmd)).toEqual(json(read(SAMPLES, file)));
    }
  });
});

describe('the captured standalone commands', () => {
  function captured(): TestNode {
    const n = node();
    capturedStandaloneState(n);
    return n;
  }
  const theirs = (name: string): JsonObject => json(read(CAPTURED, `admin-${name}.json`));

  it('dump, watches and watches_by_path: the same sessions, paths and Java orders', () => {
    const n = captured();
    const dump = run(n, 'dump');
    expect(paths(dump)).toEqual(paths(theirs('dump')));
    expect(dump.session_id_to_ephemeral_paths).toEqual(theirs('dump').session_id_to_ephemeral_paths);
    expect(Object.values(dump.expiry_time_to_session_ids as JsonObject)).toEqual(Object.values(theirs('dump').expiry_time_to_session_ids as JsonObject));
    expect(run(n, 'watches')).toEqual(theirs('watches'));
    expect(run(n, 'wchp')).toEqual(theirs('watches_by_path'));
    expect(render(adminCommand(n, 'watches', new URLSearchParams()) as AdminCommandResult)).toBe(read(CAPTURED, 'admin-watches.json'));
  });

  it('stats, dirs, initial_configuration, last_snapshot: the fields', () => {
    const n = captured();
    // This capture's JVM wrote ServerStats' getters in yet another order: compare those as a set.
    const ours = withoutUncounted(paths(run(n, 'stats')));
    const real = withoutUncounted(paths(theirs('stats')));
    const inStats = (p: string) => p.startsWith('.server_stats.');
    expect(ours.filter((p) => !inStats(p))).toEqual(real.filter((p) => !inStats(p)));
    expect(ours.filter(inStats).sort()).toEqual(real.filter(inStats).sort());
    expect(run(n, 'dirs')).toMatchObject({ datadir_size: 1234, logdir_size: 5678 });
    expect(paths(run(n, 'dirs'))).toEqual(paths(theirs('dirs')));
    expect(paths(run(n, 'initial_configuration'))).toEqual(paths(theirs('initial_configuration')));
    expect(run(n, 'icfg').initial_configuration).toBe(readFileSync(n.config.file, 'utf8'));
    expect(run(n, 'last_snapshot')).toEqual({ zxid: 'ffffffffffffffff', timestamp: -1, command: 'last_snapshot', error: null });
    n.lastSnapshot = { zxid: 0n, timestamp: 1795306731_000 };
    expect(run(n, 'lsnp')).toEqual(theirs('last_snapshot'));
  });

  it('leader on a standalone server, resets, ruok, trace masks: exactly', () => {
    const n = captured();
    for (const name of ['leader', 'ruok', 'get_trace_mask', 'connection_stat_reset', 'stat_reset']) {
      expect(render(adminCommand(n, name, new URLSearchParams()) as AdminCommandResult)).toBe(read(CAPTURED, `admin-${name}.json`));
    }
    expect(run(n, 'set_trace_mask')).toEqual(theirs('set_trace_mask-missing'));
    expect(run(n, 'set_trace_mask', { traceMask: 'abc' })).toEqual(theirs('set_trace_mask-bad'));
    expect(run(n, 'set_trace_mask', { traceMask: '9223372036854775808' }).error).toMatch(/got 9223372036854775808$/);
    expect(run(n, 'stmk', { traceMask: '306' })).toEqual(theirs('set_trace_mask-306'));
    run(n, 'stmk', { traceMask: '-1' });
    expect(run(n, 'gtmk').tracemask).toBe(-1);
  });

  it('the command listing is 3.8\'s but for the commands ZooLab does not have', () => {
    const listed = [...read(CAPTURED, 'admin-listing.html').matchAll(/>(\w+)<\/a>/g)].map((m) => m[1]);
    const missing = ['hash', 'observer_connection_stat_reset', 'observers'];
    expect([...adminCommandNames()].sort()).toEqual(listed.filter((x) => !missing.includes(x)));
  });
});

describe('names, aliases and a node that is not serving', () => {
  const aliases: Record<string, string> = {
    crst: 'connection_stat_reset', conf: 'configuration', config: 'configuration', cons: 'connections', env: 'environment',
    envi: 'environment', gtmk: 'get_trace_mask', icfg: 'initial_configuration', isro: 'is_read_only', lsnp: 'last_snapshot',
    lead: 'leader', mntr: 'monitor', stmk: 'set_trace_mask', srvr: 'server_stats', stat: 'stats', srst: 'stat_reset',
    sysp: 'system_properties', wchc: 'watches', wchp: 'watches_by_path', wchs: 'watch_summary',
  };

  it('every alias answers as its command', () => {
    const n = node();
    for (const [alias, primary] of Object.entries(aliases)) expect(adminCommand(n, alias)?.command).toBe(primary);
    for (const name of adminCommandNames()) expect(adminCommand(n, name)?.command).toBe(name);
    expect(adminCommand(n, 'hash')).toBeNull();
    expect(adminCommand(n, 'nope')).toBeNull();
  });

  it('not serving: the asked name and 3.8\'s error, except for the commands that need no server', () => {
    const n = node({ mode: null });
    expect(adminCommand(n, 'srvr')).toEqual({ command: 'srvr', data: {}, error: NOT_SERVING });
    expect(adminCommand(n, 'mntr')).toEqual({ command: 'mntr', data: {}, error: NOT_SERVING });
    expect(adminCommand(n, 'envi')?.error).toBeNull();
    expect(adminCommand(n, 'gtmk')?.error).toBeNull();
    expect(adminCommand(n, 'sysp')?.data).toMatchObject({ 'file.separator': '/', 'java.version': `zoolab/node-${process.version}` });
  });
});

describe('values, through the client\'s admin parsers', () => {
  it('monitor, server_stats, connections, watch_summary, environment', () => {
    const n = busyNode('standalone');
    n.net.stats.packetsReceived = 9;
    const metrics = toServerMetrics(run(n, 'monitor'), fail);
    expect(metrics).toMatchObject({ serverState: 'standalone', znodeCount: n.tree.nodeCount, ephemeralsCount: 1, watchCount: 1, packetsReceived: 9 });
    const stats = toServerStats(run(n, 'srvr'), fail);
    expect(stats).toMatchObject({ version: zooKeeperFullVersion(), mode: 'standalone', received: 9, zxid: n.lastProcessedZxid, nodeCount: n.tree.nodeCount });
    const cons = toConnections(run(n, 'cons'), fail);
    expect(cons).toHaveLength(1);
    expect(cons[0]).toMatchObject({ sid: n.net.all[0].sessionId, lop: 'PING', to: 30_000 });
    expect(toWatchSummary(run(n, 'wchs'), fail)).toEqual({ connections: 1, paths: 1, totalWatches: 1 });
    expect(toEnvironment(run(n, 'envi'))['zookeeper.version']).toBe(zooKeeperFullVersion());
    expect(toIsReadOnly(run(n, 'isro'), fail)).toBe(false);
  });

  it('configuration, voting_view and leader of an ensemble member', () => {
    const n = busyNode('follower');
    expect(run(n, 'conf')).toMatchObject({ client_port: 21881, data_dir: `${n.config.dataDir}/version-2`, tick_time: 2000, server_id: 1 });
    const view = toVotingView(run(n, 'voting_view'), fail);
    expect(view.map((s) => s.id)).toEqual([1, 2, 3]);
    expect(view[0].clientAddress).toEqual({ host: '0.0.0.0', port: 21881 });
    expect(view[1].clientAddress).toBeUndefined();
    expect(toLeaderInfo(run(n, 'lead'), fail)).toEqual({ isLeader: false, leaderId: 3, leaderIp: '127.0.0.1' });
    expect(run(busyNode('read-only'), 'leader').error).toBe('server is not initialized');
    expect(run(busyNode('read-only'), 'voting_view').current_config).toEqual({});
  });

  it('a follower whose leader is not known says so as 3.8 does', () => {
    const n = node({ mode: 'follower', serverId: 1, extraConfig: ENSEMBLE_SERVERS });
    expect(run(n, 'leader')).toMatchObject({ is_leader: false, leader_id: -1, leader_ip: '' });
  });

  it('dump on a follower has no expiry buckets, as a learner\'s tracker has none', () => {
    const n = busyNode('follower');
    expect(run(n, 'dump').expiry_time_to_session_ids).toEqual({});
    expect(Object.keys(run(n, 'dump').session_id_to_ephemeral_paths as JsonObject)).toHaveLength(1);
  });

  it('fsync_threshold_exceed_count only when it is known', () => {
    const n = busyNode('standalone');
    const count = () => (run(n, 'srvr').server_stats as JsonObject).fsync_threshold_exceed_count;
    expect(count()).toBe(0);
    n.fsyncStats = { count: 2, sumMs: 1500, minMs: 200, maxMs: 1300 };
    expect(count()).toBeUndefined();
    n.fsyncThresholdExceedCount = 1;
    expect(count()).toBe(1);
  });

  it('stat_reset and connection_stat_reset reset the counters', () => {
    const n = busyNode('standalone');
    n.net.stats.packetsReceived = 5;
    run(n, 'srst');
    expect(toServerStats(run(n, 'srvr'), fail).received).toBe(0);
    run(n, 'crst');
    expect(toConnections(run(n, 'cons'), fail)[0]).toMatchObject({ lop: 'NA', recved: 0 });
  });
});

describe('over the admin HTTP server', () => {
  class MonitoringCore extends FakeCore {
    constructor(private readonly n: TestNode) {
      super();
    }
    override admin(name: string, params?: URLSearchParams): AdminCommandResult | null {
      return adminCommand(this.n, name, params);
    }
    override adminCommands(): string[] {
      return adminCommandNames();
    }
  }

  it('the client reads the answers', async () => {
    const n = node();
    capturedStandaloneState(n);
    const http = new AdminHttpServer(new MonitoringCore(n), {
      enableServer: true, serverAddress: '127.0.0.1', serverPort: 0, commandURL: '/commands', idleTimeoutMs: 1000,
    });
    const port = await http.start();
    try {
      const base = adminBaseUrl('127.0.0.1', port as number);
      const watches = await fetchAdminCommand(base, 'wchc');
      expect(Object.keys(watches.session_id_to_watched_paths as JsonObject)).toContain(String(CAPTURED_SESSION_A));
      const srvr = await fetchAdminCommand(base, 'stmk', { params: { traceMask: '7' } });
      expect(srvr).toMatchObject({ tracemask: 7, command: 'set_trace_mask', error: null });
    } finally {
      await http.close();
    }
  });
});
