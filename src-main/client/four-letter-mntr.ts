// The `mntr` word (and the AdminServer's `monitor` command, which carries the same metrics as
// JSON without the zk_ prefix): every metric kept, plus typed fields for the ones monitors chart.

import { isServerMode, JAVA_NUMBER, lines, malformed, rejectRefusal, type ServerMode } from './four-letter-parse';

export type MetricValue = number | string;

/** Metrics whose values are text, even if a build ever prints one that looks like a number. */
const TEXT_METRICS = new Set(['version', 'server_state', 'peer_state']);

export interface MetricsSummary {
  version: string;
  serverState: ServerMode;
  /** 3.6+: e.g. "leading - broadcast", "following - broadcast". */
  peerState?: string;
  avgLatency: number;
  minLatency: number;
  maxLatency: number;
  packetsReceived: number;
  packetsSent: number;
  numAliveConnections: number;
  outstandingRequests: number;
  znodeCount: number;
  watchCount: number;
  ephemeralsCount: number;
  approximateDataSize: number;
  /** Only where the JVM can count file descriptors (Unix). */
  openFileDescriptorCount?: number;
  maxFileDescriptorCount?: number;
  /**
   * Leader only: connected learners (followers and observers). 3.5 calls it zk_followers, 3.6+
   * zk_learners; either is read.
   */
  followers?: number;
  /** Leader only: voting followers in sync. */
  syncedFollowers?: number;
  /** Leader only, 3.6+. */
  syncedObservers?: number;
  /** Leader only. */
  pendingSyncs?: number;
  /** 3.6+: ms since the server started. */
  uptime?: number;
}

export interface ServerMetrics extends MetricsSummary {
  /** Every metric the server sent, keyed as sent: mntr's keys start with zk_, monitor's do not. */
  values: Record<string, MetricValue>;
}

export function parseMntr(text: string): ServerMetrics {
  rejectRefusal('mntr', text);
  const entries: [string, MetricValue][] = [];
  for (const line of lines(text)) {
    if (line.trim() === '') continue;
    const tab = line.indexOf('\t');
    if (tab <= 0) throw malformed('mntr', `expected "key<TAB>value", got "${line.slice(0, 80)}"`);
    const key = line.slice(0, tab);
    const raw = line.slice(tab + 1).trim();
    const isText = TEXT_METRICS.has(key.replace(/^zk_/, '')) || !JAVA_NUMBER.test(raw);
    entries.push([key, isText ? raw : Number(raw)]);
  }
  return summarizeMetrics(Object.fromEntries(entries), 'zk_', (detail) => malformed('mntr', detail));
}

/**
 * Reads the typed fields out of a metrics map. `prefix` is 'zk_' for mntr and '' for the
 * AdminServer's monitor; `fail` builds the error the caller's transport uses.
 */
export function summarizeMetrics(
  values: Record<string, MetricValue>,
  prefix: string,
  fail: (detail: string) => Error,
): ServerMetrics {
  const get = (name: string): MetricValue | undefined =>
    Object.hasOwn(values, prefix + name) ? values[prefix + name] : undefined;
  const optionalNumber = (name: string): number | undefined => {
    const value = get(name);
    if (value === undefined) return undefined;
    if (typeof value !== 'number') throw fail(`${prefix}${name} is "${value}", not a number`);
    return value;
  };
  const number = (name: string): number => {
    const value = optionalNumber(name);
    if (value === undefined) throw fail(`no ${prefix}${name}`);
    return value;
  };
  const text = (name: string): string | undefined => {
    const value = get(name);
    return value === undefined ? undefined : String(value);
  };

  const version = text('version');
  if (version === undefined) throw fail(`no ${prefix}version`);
  const serverState = text('server_state');
  if (serverState === undefined || !isServerMode(serverState)) {
    throw fail(`${prefix}server_state is ${serverState === undefined ? 'missing' : `"${serverState}"`}`);
  }
  const metrics: ServerMetrics = {
    values,
    version,
    serverState,
    avgLatency: number('avg_latency'),
    minLatency: number('min_latency'),
    maxLatency: number('max_latency'),
    packetsReceived: number('packets_received'),
    packetsSent: number('packets_sent'),
    numAliveConnections: number('num_alive_connections'),
    outstandingRequests: number('outstanding_requests'),
    znodeCount: number('znode_count'),
    watchCount: number('watch_count'),
    ephemeralsCount: number('ephemerals_count'),
    approximateDataSize: number('approximate_data_size'),
  };
  const optional = {
    peerState: text('peer_state'),
    openFileDescriptorCount: optionalNumber('open_file_descriptor_count'),
    maxFileDescriptorCount: optionalNumber('max_file_descriptor_count'),
    followers: optionalNumber('followers') ?? optionalNumber('learners'),
    syncedFollowers: optionalNumber('synced_followers'),
    syncedObservers: optionalNumber('synced_observers'),
    pendingSyncs: optionalNumber('pending_syncs'),
    uptime: optionalNumber('uptime'),
  };
  // Absent metrics stay absent rather than present-but-undefined, so results compare and serialize cleanly.
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(metrics, { [key]: value });
  }
  return metrics;
}
