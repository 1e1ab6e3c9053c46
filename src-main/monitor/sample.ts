// A poll's readings as the samples the API, the store and the command line share.
import type { AlertThresholds, ServerSample } from '../api/monitor-types';
import type { MetricValue } from '../client/four-letter-mntr';
import { healthOf } from './health';
import type { ServerReading } from './server-poller';

export function toSample(ensembleId: string, ts: number, r: ServerReading, thresholds: AlertThresholds, voters: number): ServerSample {
  const m = r.metrics;
  const s = r.stats;
  const zxid = s ? BigInt.asUintN(64, s.zxid) : null;
  const role = !r.up ? null : s?.readOnly ? 'read-only' : (m?.serverState ?? s?.mode ?? null);
  const figures = {
    up: r.up,
    role,
    outstanding: m?.outstandingRequests ?? s?.outstanding ?? null,
    latencyAvgMs: m?.avgLatency ?? s?.latency.avg ?? null,
    latencyMaxMs: m?.maxLatency ?? s?.latency.max ?? null,
    openFds: m?.openFileDescriptorCount ?? null,
    maxFds: m?.maxFileDescriptorCount ?? null,
    syncedFollowers: role === 'leader' ? (m?.syncedFollowers ?? null) : null,
  };
  return {
    ensembleId,
    address: r.address,
    ts,
    downReason: r.downReason,
    note: r.note,
    zxid: zxid === null ? null : `0x${zxid.toString(16)}`,
    // -1 ("no zxid yet") prints as all ones: no epoch to show.
    epoch: zxid === null || s!.zxid < 0n ? null : Number(zxid >> 32n),
    connections: r.connectionCount ?? m?.numAliveConnections ?? s?.connections ?? null,
    znodes: m?.znodeCount ?? s?.nodeCount ?? null,
    watches: m?.watchCount ?? null,
    ephemerals: m?.ephemeralsCount ?? null,
    dataSizeBytes: m?.approximateDataSize ?? null,
    probeMs: r.probeMs,
    source: r.source,
    ...figures,
    health: healthOf(figures, thresholds, voters),
  };
}

/** Voting members: what the leader reports (zk_quorum_size), else every member. */
export function votersOf(readings: ServerReading[]): number {
  for (const r of readings) {
    const size = r.metrics?.values.zk_quorum_size ?? r.metrics?.values.quorum_size;
    if (r.metrics?.serverState === 'leader' && typeof size === 'number' && size > 0) return size;
  }
  return readings.length;
}

/** mntr's figures under mntr's own names (the AdminServer's monitor drops the zk_ prefix). */
export function mntrFigures(r: ServerReading): Record<string, MetricValue> | null {
  if (!r.metrics) return null;
  if (r.source === '4lw') return r.metrics.values;
  return Object.fromEntries(Object.entries(r.metrics.values).map(([k, v]) => [k.startsWith('zk_') ? k : `zk_${k}`, v]));
}
