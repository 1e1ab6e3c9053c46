// The monitoring part of the renderer's API: remote ensembles polled for health over time.
// JSON-safe like the rest of the API (zxids as 0x hex strings, times as ms since the epoch).

export interface MonitoredMember {
  /** host:clientPort */
  address: string;
  /** http://host:8080 — used when 4-letter words are not whitelisted. */
  adminUrl: string | null;
}

export interface AlertThresholds {
  outstandingWarn: number;
  outstandingCritical: number;
  avgLatencyMs: number;
  maxLatencyMs: number;
  /** Open file descriptors as a percentage of the maximum. */
  fdPercent: number;
}

export const defaultThresholds: AlertThresholds = {
  outstandingWarn: 20,
  outstandingCritical: 50,
  avgLatencyMs: 100,
  maxLatencyMs: 1000,
  fdPercent: 80,
};

/**
 * TLS to the servers' secure client ports (ZooKeeper's secureClientPort): discovery, 4-letter words
 * and the latency probe use it, and so do https:// AdminServer URLs.
 */
export interface EnsembleTls {
  /** The secure client port on every member's host; null when the addresses given are secure ports already. */
  securePort: number | null;
  /** PEM file of the CA certificates to trust; null: the system's CAs. */
  caFile: string | null;
  /** PEM client certificate and its (unencrypted) key, for servers with ssl.clientAuth=need. */
  certFile: string | null;
  keyFile: string | null;
  /** Check that each server's certificate names the host it is reached at. */
  verifyHostname: boolean;
}

export interface EnsembleDefinition {
  id: string;
  name: string;
  /** Client connect string (host:port,...[/chroot]) used for discovery and latency probes. */
  connectString: string;
  /** A saved connection whose digest credentials the probes use, if any. */
  connectionId: string | null;
  members: MonitoredMember[];
  intervalSec: number;
  retentionDays: number;
  thresholds: AlertThresholds;
  /** null: plain TCP. */
  tls: EnsembleTls | null;
  /** Being polled: started and not stopped since (ZooLab resumes it when it starts again). */
  running: boolean;
}

export type SaveEnsembleInput = Omit<EnsembleDefinition, 'id' | 'thresholds' | 'intervalSec' | 'retentionDays' | 'tls' | 'running'> & {
  id?: string;
  thresholds?: Partial<AlertThresholds>;
  intervalSec?: number;
  retentionDays?: number;
  /** Omitted: keep what is stored (none for a new ensemble). */
  tls?: EnsembleTls | null;
};

export type Health = 'ok' | 'warn' | 'critical' | 'down';

export interface ServerSample {
  ensembleId: string;
  address: string;
  ts: number;
  up: boolean;
  /** refused, timeout, 4lw not whitelisted, auth, not serving, ... in words. */
  downReason: string | null;
  /** Something worth saying about an up server, e.g. mntr not whitelisted and no AdminServer URL, or a failed latency probe. */
  note: string | null;
  /** leader, follower, observer, standalone, read-only; null when down. */
  role: string | null;
  zxid: string | null;
  epoch: number | null;
  latencyAvgMs: number | null;
  latencyMaxMs: number | null;
  outstanding: number | null;
  connections: number | null;
  znodes: number | null;
  watches: number | null;
  ephemerals: number | null;
  dataSizeBytes: number | null;
  openFds: number | null;
  maxFds: number | null;
  /** Leader only. */
  syncedFollowers: number | null;
  /** Client-side round trip of a timed exists against this server, ms. */
  probeMs: number | null;
  /** Where the figures came from. */
  source: '4lw' | 'admin' | null;
  health: Health;
}

/** The numeric sample fields that can be charted over time. */
export type MetricName =
  | 'latencyAvgMs' | 'latencyMaxMs' | 'outstanding' | 'connections' | 'znodes' | 'watches' | 'ephemerals'
  | 'dataSizeBytes' | 'openFds' | 'probeMs';

export const metricNames: readonly MetricName[] = [
  'latencyAvgMs', 'latencyMaxMs', 'outstanding', 'connections', 'znodes', 'watches', 'ephemerals', 'dataSizeBytes', 'openFds', 'probeMs',
];

export interface MetricSeries {
  address: string;
  /**
   * [ts, value] pairs, oldest first. Downsampled points (older ranges) sit at their bucket's start and
   * hold the bucket's average, except latencyMaxMs, which holds the bucket's maximum.
   */
  points: Array<[number, number]>;
  /** 0 for raw samples, else the bucket size: 60000 (24 h ranges) or 600000 (7 d ranges). */
  resolutionMs: number;
}

export type AlertKind = 'down' | 'up' | 'leaderChange' | 'outstanding' | 'latencyAvg' | 'latencyMax' | 'fds' | 'quorumSync';

export interface AlertEvent {
  id: number;
  ensembleId: string;
  ts: number;
  address: string | null;
  kind: AlertKind;
  severity: 'info' | 'warn' | 'critical';
  message: string;
}

/** Role changes and outages, for marking the time axis. */
export interface TimelineMark {
  ts: number;
  address: string;
  kind: 'role' | 'down' | 'up';
  label: string;
}

export interface MonitorApi {
  'monitor.list': () => EnsembleDefinition[];
  'monitor.save': (input: SaveEnsembleInput) => EnsembleDefinition;
  'monitor.remove': (id: string) => void;
  /** Members from /zookeeper/config or `conf`, falling back to the connect string's hosts. */
  'monitor.discover': (connectString: string, connectionId: string | null, tls?: EnsembleTls | null) => MonitoredMember[];
  'monitor.start': (id: string) => void;
  'monitor.stop': (id: string) => void;
  'monitor.latest': (id: string) => ServerSample[];
  'monitor.history': (id: string, metric: MetricName, fromTs: number, toTs: number) => MetricSeries[];
  'monitor.marks': (id: string, fromTs: number, toTs: number) => TimelineMark[];
  'monitor.alerts': (id: string, limit: number) => AlertEvent[];
  'monitor.exportCsv': (id: string, fromTs: number, toTs: number) => string;
}

export interface MonitorEvents {
  'monitor.sample': { ensembleId: string; samples: ServerSample[] };
  'monitor.alert': AlertEvent;
}
