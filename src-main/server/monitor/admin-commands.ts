// The AdminServer's commands (ZooKeeper 3.8's org.apache.zookeeper.server.admin.Commands): names,
// aliases, which need a serving node, and each one's fields in the order Jackson writes them.
// Not here: hash (needs the tree's digest log), observers and observer_connection_stat_reset (need
// the leader's learner handlers); they answer "Unknown command".

import { readFileSync } from 'node:fs';
import { javaDouble } from '../net/admin-json';
import type { AdminCommandResult, ClientConnection } from '../net/types';
import {
  ephemeralsCopy, sessionExpiryBuckets, watchPathReport, watchReport,
} from './dumps';
import { environmentEntries, systemProperties, zooKeeperFullVersion } from './environment';
import { javaLongHashOrder, signedLong } from './java-format';
import { monitorValues } from './metrics';
import {
  bufferStatsJson, clientPort, delimitedHost, isQuorumMode, logDir, NOT_SERVING, ownServerEntry, reportedServerId, snapDir,
  uptimeMs,
} from './server-facts';
import { setTraceMask, traceMask } from './trace-mask';
import type { Monitored } from './types';

type Data = Record<string, unknown>;

interface Command {
  readonly names: readonly string[];
  /** CommandBase.isServerRequired: answered "not serving" while the node is not serving. */
  readonly serverRequired: boolean;
  run(s: Monitored, params: URLSearchParams): Data;
}

const command = (names: string[], run: Command['run'], serverRequired = true): Command => ({ names, run, serverRequired });

const COMMANDS: readonly Command[] = [
  command(['connection_stat_reset', 'crst'], (s) => {
    s.net.resetConnectionStats();
    return {};
  }),
  command(['configuration', 'conf', 'config'], (s) => ({
    client_port: clientPort(s),
    data_dir: snapDir(s),
    data_log_dir: logDir(s),
    tick_time: s.config.tickTime,
    max_client_cnxns: s.config.maxClientCnxns,
    min_session_timeout: s.config.minSessionTimeout,
    max_session_timeout: s.config.maxSessionTimeout,
    server_id: reportedServerId(s),
    client_port_listen_backlog: -1,
  })),
  command(['connections', 'cons'], (s) => connectionLists(s, false)),
  command(['dirs'], (s) => ({ datadir_size: s.dataDirSize(), logdir_size: s.logDirSize() })),
  command(['dump'], (s) => ({
    // A learner's tracker has no expiry queue: LearnerSessionTracker.getSessionExpiryMap() is empty.
    expiry_time_to_session_ids: new Map(s.mode === 'follower' || s.mode === 'observer' ? [] : sessionExpiryBuckets(s)
      .map((b) => [String(b.expiresAt), javaLongHashOrder([...b.sessionIds], (id) => id).map(signedLong)])),
    session_id_to_ephemeral_paths: new Map(ephemeralsCopy(s).map(([id, paths]) => [String(signedLong(id)), paths])),
  })),
  command(['environment', 'env', 'envi'], () => Object.fromEntries(environmentEntries()), false),
  command(['get_trace_mask', 'gtmk'], (s) => ({ tracemask: traceMask(s) }), false),
  command(['initial_configuration', 'icfg'], (s) => ({ initial_configuration: initialConfiguration(s) })),
  command(['is_read_only', 'isro'], (s) => ({ read_only: s.mode === 'read-only' })),
  command(['last_snapshot', 'lsnp'], (s) => ({
    // SnapshotInfo: the zxid in hex (-1 before the first snapshot), the file's time in seconds.
    zxid: BigInt.asUintN(64, s.lastSnapshot?.zxid ?? -1n).toString(16),
    timestamp: s.lastSnapshot ? Math.floor(s.lastSnapshot.timestamp / 1000) : -1,
  })),
  command(['leader', 'lead'], leader),
  command(['monitor', 'mntr'], (s) => Object.fromEntries(monitorValues(s))),
  command(['ruok'], () => ({})),
  command(['set_trace_mask', 'stmk'], setTraceMaskCommand, false),
  command(['server_stats', 'srvr'], serverStats),
  command(['stats', 'stat'], (s) => ({ ...serverStats(s), ...connectionLists(s, true) })),
  command(['stat_reset', 'srst'], (s) => {
    s.net.stats.reset();
    return {};
  }),
  command(['system_properties', 'sysp'], (s) => Object.fromEntries(systemProperties(s.config.properties)), false),
  command(['voting_view'], (s) => ({ current_config: votingView(s) })),
  command(['watches', 'wchc'], (s) => ({ session_id_to_watched_paths: new Map(watchReport(s).map(([id, paths]) => [String(signedLong(id)), paths])) })),
  command(['watches_by_path', 'wchp'], (s) => ({ path_to_session_ids: new Map(watchPathReport(s).map(([path, ids]) => [path, ids.map(signedLong)])) })),
  command(['zabstate'], zabState, false),
  command(['watch_summary', 'wchs'], (s) => {
    const w = s.tree.dataWatches.summary();
    return { num_connections: w.numConnections, num_paths: w.numPaths, num_total_watches: w.totalWatches };
  }),
];

const byName = new Map<string, Command>(COMMANDS.flatMap((c) => c.names.map((n): [string, Command] => [n, c])));

/** Commands.runCommand: the answer to a command asked by any of its names, or null for an unknown name. */
export function adminCommand(server: Monitored, name: string, params: URLSearchParams = new URLSearchParams()): AdminCommandResult | null {
  const cmd = byName.get(name);
  if (!cmd) return null;
  // monitor does not require a serving server in 3.8, but without one it has no state to report.
  if (server.mode === null && (cmd.serverRequired || cmd.names[0] === 'monitor')) {
    return { command: name, data: {}, error: NOT_SERVING };
  }
  const data = cmd.run(server, params);
  // CommandResponse.toMap lets a command's own "error" field stand as the error.
  const error = typeof data.error === 'string' ? data.error : null;
  return { command: cmd.names[0], data, error };
}

/** The primary names, for the command listing. */
export function adminCommandNames(): string[] {
  return COMMANDS.map((c) => c.names[0]);
}

function leader(s: Monitored): Data {
  if (!isQuorumMode(s.mode)) return { error: 'server is not initialized' };
  // QuorumPeer's leaderId/leaderAddress: -1 and "" until known.
  const id = s.mode === 'leader' ? s.serverId : s.leaderId ?? -1;
  const entry = s.config.servers.find((e) => e.id === id);
  return { is_leader: s.mode === 'leader', leader_id: id, leader_ip: entry?.host ?? '' };
}

/** Long.parseLong's grammar and range. */
function setTraceMaskCommand(s: Monitored, params: URLSearchParams): Data {
  const text = params.get('traceMask');
  if (text === null) return { error: 'setTraceMask requires long traceMask argument' };
  const mask = /^[+-]?\d+$/.test(text) ? BigInt(text) : null;
  if (mask === null || mask !== BigInt.asIntN(64, mask)) {
    return { error: `setTraceMask requires long traceMask argument, got ${text}` };
  }
  setTraceMask(s, mask);
  return { tracemask: mask };
}

// Jackson writes ServerStats' getters in reflection order, which differs between JVM runs; these
// are the orders captured from a standalone server and from an ensemble.
const STANDALONE_STATS_ORDER = [
  'packets_sent', 'packets_received', 'fsync_threshold_exceed_count', 'client_response_stats', 'uptime', 'data_dir_size',
  'log_dir_size', 'provider_null', 'server_state', 'last_processed_zxid', 'outstanding_requests', 'avg_latency', 'max_latency',
  'min_latency', 'num_alive_client_connections',
];
const QUORUM_STATS_ORDER = [
  'packets_sent', 'packets_received', 'fsync_threshold_exceed_count', 'client_response_stats', 'provider_null', 'server_state',
  'outstanding_requests', 'min_latency', 'avg_latency', 'max_latency', 'data_dir_size', 'log_dir_size', 'last_processed_zxid',
  'num_alive_client_connections', 'uptime',
];

/** SrvrCommand. ServerStats' auth_failed_count and non_mtls*_conn_count are not counted by ZooLab and left out. */
function serverStats(s: Monitored): Data {
  const st = s.net.stats;
  const fields: Data = {
    packets_sent: st.packetsSent,
    packets_received: st.packetsReceived,
    fsync_threshold_exceed_count: fsyncThresholdExceedCount(s),
    client_response_stats: bufferStatsJson(st.clientResponse),
    uptime: uptimeMs(s),
    data_dir_size: s.dataDirSize(),
    log_dir_size: s.logDirSize(),
    provider_null: false,
    server_state: s.mode,
    last_processed_zxid: signedLong(s.lastProcessedZxid),
    outstanding_requests: s.net.outstandingRequests,
    avg_latency: javaDouble(st.latency.avg),
    max_latency: st.latency.max,
    min_latency: st.latency.min,
    num_alive_client_connections: s.net.numAliveConnections,
  };
  const order = isQuorumMode(s.mode) ? QUORUM_STATS_ORDER : STANDALONE_STATS_ORDER;
  const data: Data = {
    version: zooKeeperFullVersion(),
    read_only: s.mode === 'read-only',
    server_stats: Object.fromEntries(order.filter((k) => fields[k] !== undefined).map((k) => [k, fields[k]])),
    client_response: bufferStatsJson(st.clientResponse),
  };
  if (s.mode === 'leader' && s.leader) data.proposal_stats = bufferStatsJson(s.leader.proposalSizes);
  data.node_count = s.tree.nodeCount;
  return data;
}

/**
 * Known exactly when given, or when no fsync was slower than the threshold (FileTxnLog counts
 * those above zookeeper.fsync.warningthresholdms, default 1000); otherwise left out.
 */
function fsyncThresholdExceedCount(s: Monitored): number | undefined {
  if (s.fsyncThresholdExceedCount !== undefined) return s.fsyncThresholdExceedCount;
  const props = s.config.properties;
  const threshold = Number(props.get('zookeeper.fsync.warningthresholdms') ?? props.get('fsync.warningthresholdms') ?? 1000);
  return s.fsyncStats.count === 0 || s.fsyncStats.maxMs <= threshold ? 0 : undefined;
}

function connectionLists(s: Monitored, brief: boolean): Data {
  const info = (c: ClientConnection) => c.connectionInfo(brief);
  const all = s.net.connections();
  return {
    connections: all.filter((c) => !c.secure).map(info),
    secure_connections: all.filter((c) => c.secure).map(info),
  };
}

/** The voting members (participants) by id; only a quorum server has a view. */
function votingView(s: Monitored): Map<string, Data> {
  if (!isQuorumMode(s.mode)) return new Map();
  const self = ownServerEntry(s);
  const voters = javaLongHashOrder(s.config.servers.filter((e) => e.role === 'participant'), (e) => BigInt(e.id));
  return new Map(voters.map((e) => {
    // A static clientPort is this node's own client address; others are known only from their server line.
    let client = e.clientPort === null ? '' : `${delimitedHost(e.clientHost ?? '0.0.0.0')}:${e.clientPort}`;
    if (e === self && s.config.clientPort !== null) client = `${delimitedHost(s.config.clientPortAddress)}:${s.config.clientPort}`;
    return [String(e.id), {
      server_addresses: [`${delimitedHost(e.host)}:${e.quorumPort}`],
      election_addresses: [`${delimitedHost(e.host)}:${e.electionPort}`],
      client_address: client,
      learner_type: e.role,
    }];
  }));
}

/** ZabStateCommand: only a serving quorum member has a ZooKeeperServer to ask; others say "". */
function zabState(s: Monitored): Data {
  const self = ownServerEntry(s);
  if (!isQuorumMode(s.mode) || !self) return { voting: false, zabstate: '' };
  const zxid = s.lastProcessedZxid;
  const client = s.config.clientPort === null ? '' : `${delimitedHost(s.config.clientPortAddress)}:${s.config.clientPort}`;
  return {
    myid: s.serverId,
    is_leader: s.mode === 'leader',
    quorum_address: multipleAddresses(self.host, self.quorumPort),
    election_address: multipleAddresses(self.host, self.electionPort),
    client_address: client,
    voting: self.role === 'participant',
    last_zxid: `0x${zxid.toString(16)}`,
    zab_epoch: Number(zxid >> 32n),
    zab_counter: Number(zxid & 0xffffffffn),
    zabstate: s.zabState ?? 'broadcast',
  };
}

/** Jackson's rendering of a one-address MultipleAddresses (its bean getters, in their order). */
function multipleAddresses(host: string, port: number): Data {
  const address = `${delimitedHost(host)}:${port}`;
  return {
    empty: false, all_addresses: [address], all_reachable_addresses: [address], one: address, reachable_address: address,
    wildcard_addresses: [`0.0.0.0:${port}`], all_ports: [port], all_host_strings: [host], all_reachable_addresses_or_all: [address],
    reachable_or_one: address,
  };
}

/** The config file as read at start; re-read here, so an edit since then shows. */
function initialConfiguration(s: Monitored): string | null {
  try {
    return readFileSync(s.config.file, 'utf8');
  } catch {
    return null;
  }
}
