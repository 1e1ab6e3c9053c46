// Metric history of monitored ensembles: every sample as it was polled, rolled up into 1-minute and
// 10-minute buckets (average and maximum per metric), each kept for its own window so the database
// stays bounded however long an ensemble is watched.
import type Database from 'better-sqlite3';
import { metricNames, type Health, type MetricName, type MetricSeries, type ServerSample } from '../api/monitor-types';

export const MINUTE_MS = 60_000;
export const TEN_MINUTES_MS = 600_000;
const DAY_MS = 86_400_000;

export interface MetricsOptions {
  /** How long raw samples are kept; default one hour. */
  rawWindowMs?: number;
  /** How long 1-minute buckets are kept; default 24 hours. 10-minute buckets last the ensemble's retention. */
  minuteWindowMs?: number;
}

/** A downsampled bucket: samples polled in it, how many found the server down, and per metric avg and max. */
export interface RollupRow {
  address: string;
  ts: number;
  samples: number;
  down: number;
  avg: Record<MetricName, number | null>;
  max: Record<MetricName, number | null>;
}

export interface CompactionResult {
  rolledUp: number;
  deleted: number;
}

const COLUMN: Record<MetricName, string> = {
  latencyAvgMs: 'latency_avg',
  latencyMaxMs: 'latency_max',
  outstanding: 'outstanding',
  connections: 'connections',
  znodes: 'znodes',
  watches: 'watches',
  ephemerals: 'ephemerals',
  dataSizeBytes: 'data_size',
  openFds: 'open_fds',
  probeMs: 'probe_ms',
};

export function isMetricName(v: unknown): v is MetricName {
  return typeof v === 'string' && (metricNames as readonly string[]).includes(v);
}

// A poll's timestamp is its start; its row lands when the slowest server answers (a few seconds
// later), so a bucket is rolled up only once it has been closed this long.
const SETTLE_MS = 30_000;
// Clients and this process disagree on "now" by a little: a range starting up to this far before a
// window's edge still counts as inside it.
const EDGE_TOLERANCE_MS = 60_000;

interface SampleRow {
  address: string;
  ts: number;
  up: number;
  down_reason: string | null;
  note: string | null;
  role: string | null;
  zxid: string | null;
  epoch: number | null;
  latency_avg: number | null;
  latency_max: number | null;
  outstanding: number | null;
  connections: number | null;
  znodes: number | null;
  watches: number | null;
  ephemerals: number | null;
  data_size: number | null;
  open_fds: number | null;
  max_fds: number | null;
  synced_followers: number | null;
  probe_ms: number | null;
  source: '4lw' | 'admin' | null;
  health: Health;
}

// Bucket starts are `ts - ts % bucket`: JavaScript numbers are bound as REAL, so `ts / bucket`
// would not truncate, while `%` always works on integers.
const AGGREGATES = metricNames.map((m) => `AVG(${COLUMN[m]}) AS ${COLUMN[m]}_avg, MAX(${COLUMN[m]}) AS ${COLUMN[m]}_max`).join(', ');
const ROLLUP_COLUMNS = metricNames.map((m) => `${COLUMN[m]}_avg, ${COLUMN[m]}_max`).join(', ');

export class MetricsRepository {
  readonly rawWindowMs: number;
  readonly minuteWindowMs: number;
  private readonly serverIds = new Map<string, number>();
  private readonly insertSample: Database.Statement;

  constructor(private readonly db: Database.Database, options: MetricsOptions = {}) {
    this.rawWindowMs = options.rawWindowMs ?? 3_600_000;
    this.minuteWindowMs = options.minuteWindowMs ?? DAY_MS;
    this.insertSample = db.prepare(
      `INSERT OR REPLACE INTO monitor_samples (server_id, ts, up, down_reason, note, role, zxid, epoch, latency_avg, latency_max,
         outstanding, connections, znodes, watches, ephemerals, data_size, open_fds, max_fds, synced_followers, probe_ms, source, health)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /** Stores one poll's samples in one transaction. */
  record(samples: ServerSample[]): void {
    this.db.transaction(() => {
      for (const s of samples) {
        this.insertSample.run(
          this.serverId(s.ensembleId, s.address), s.ts, s.up ? 1 : 0, s.downReason, s.note, s.role, s.zxid, s.epoch, s.latencyAvgMs,
          s.latencyMaxMs, s.outstanding, s.connections, s.znodes, s.watches, s.ephemerals, s.dataSizeBytes, s.openFds, s.maxFds,
          s.syncedFollowers, s.probeMs, s.source, s.health,
        );
      }
    })();
  }

  /** Each listed server's most recent sample, in the order given; servers never polled are left out. */
  latest(ensembleId: string, addresses: string[]): ServerSample[] {
    const stmt = this.db.prepare(
      `SELECT s.address, m.* FROM monitor_servers s JOIN monitor_samples m ON m.server_id = s.id
       WHERE s.ensemble_id = ? AND s.address = ? ORDER BY m.ts DESC LIMIT 1`,
    );
    return addresses.flatMap((a) => {
      const row = stmt.get(ensembleId, a) as SampleRow | undefined;
      return row ? [toSample(ensembleId, row)] : [];
    });
  }

  /**
   * The finest resolution that still covers `fromTs`: raw samples within the raw window (1 h),
   * 1-minute buckets within the minute window (24 h), else 10-minute buckets.
   */
  resolutionFor(fromTs: number, now = Date.now()): number {
    if (fromTs >= now - this.rawWindowMs - EDGE_TOLERANCE_MS) return 0;
    if (fromTs >= now - this.minuteWindowMs - EDGE_TOLERANCE_MS) return MINUTE_MS;
    return TEN_MINUTES_MS;
  }

  /** One series per server that has points in the range, at the resolution the range calls for. */
  history(ensembleId: string, metric: MetricName, fromTs: number, toTs: number, now = Date.now()): MetricSeries[] {
    const resolutionMs = this.resolutionFor(fromTs, now);
    const byAddress = new Map<string, Array<[number, number]>>();
    const add = (address: string, ts: number, v: number | null): void => {
      if (v === null) return;
      let points = byAddress.get(address);
      if (!points) byAddress.set(address, (points = []));
      points.push([ts, v]);
    };
    if (resolutionMs === 0) {
      const col = COLUMN[metric];
      const rows = this.db
        .prepare(
          `SELECT s.address, m.ts, m.${col} AS v FROM monitor_servers s JOIN monitor_samples m ON m.server_id = s.id
           WHERE s.ensemble_id = ? AND m.ts >= ? AND m.ts <= ? ORDER BY s.address, m.ts`,
        )
        .all(ensembleId, fromTs, toTs) as Array<{ address: string; ts: number; v: number | null }>;
      for (const r of rows) add(r.address, r.ts, r.v);
    } else {
      const pick = metric === 'latencyMaxMs' ? 'max' : 'avg';
      for (const r of this.rollups(ensembleId, resolutionMs, fromTs, toTs)) add(r.address, r.ts, r[pick][metric]);
    }
    return [...byAddress].map(([address, points]) => ({ address, points, resolutionMs }));
  }

  /** Raw samples in the range, oldest first per server. */
  samples(ensembleId: string, fromTs: number, toTs: number): ServerSample[] {
    const rows = this.db
      .prepare(
        `SELECT s.address, m.* FROM monitor_servers s JOIN monitor_samples m ON m.server_id = s.id
         WHERE s.ensemble_id = ? AND m.ts >= ? AND m.ts <= ? ORDER BY m.ts, s.address`,
      )
      .all(ensembleId, fromTs, toTs) as SampleRow[];
    return rows.map((r) => toSample(ensembleId, r));
  }

  /**
   * Buckets of `bucketMs` overlapping the range: stored rollups where the job has run, and the
   * newest, not yet rolled-up buckets computed from raw samples on the fly.
   */
  rollups(ensembleId: string, bucketMs: number, fromTs: number, toTs: number): RollupRow[] {
    const start = Math.floor(fromTs / bucketMs) * bucketMs;
    const doneUntil = this.progress(bucketMs) ?? start;
    const stored = this.db
      .prepare(
        `SELECT s.address, r.ts, r.samples, r.down, ${ROLLUP_COLUMNS} FROM monitor_servers s JOIN monitor_rollups r ON r.server_id = s.id
         WHERE s.ensemble_id = ? AND r.bucket_ms = ? AND r.ts >= ? AND r.ts <= ? AND r.ts < ?`,
      )
      .all(ensembleId, bucketMs, start, toTs, doneUntil) as Record<string, number | string | null>[];
    const fresh = this.db
      .prepare(
        `SELECT s.address, m.ts - m.ts % @bucket AS ts, COUNT(*) AS samples, SUM(m.up = 0) AS down, ${AGGREGATES}
         FROM monitor_servers s JOIN monitor_samples m ON m.server_id = s.id
         WHERE s.ensemble_id = @ensembleId AND m.ts >= @from AND m.ts <= @to GROUP BY s.address, m.ts - m.ts % @bucket`,
      )
      .all({ bucket: bucketMs, ensembleId, from: Math.max(start, doneUntil), to: toTs }) as Record<string, number | string | null>[];
    return [...stored, ...fresh].map(toRollup).sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : a.ts - b.ts));
  }

  /**
   * The retention job: rolls closed buckets up, then deletes raw samples past the raw window,
   * 1-minute buckets past the minute window, and everything of an ensemble past its retention.
   */
  compact(now = Date.now()): CompactionResult {
    return this.db.transaction(() => {
      let rolledUp = 0;
      let deleted = 0;
      for (const bucketMs of [MINUTE_MS, TEN_MINUTES_MS]) rolledUp += this.rollUp(bucketMs, now);
      // Never drop a raw sample before both rollups have taken it in.
      const rawCutoff = Math.min(now - this.rawWindowMs, this.progress(MINUTE_MS) ?? 0, this.progress(TEN_MINUTES_MS) ?? 0);
      const minuteCutoff = now - this.minuteWindowMs;
      // Per server, so every delete is a range of the (server, ...) primary keys rather than a scan.
      const deleteSamples = this.db.prepare('DELETE FROM monitor_samples WHERE server_id = ? AND ts < ?');
      const deleteRollups = this.db.prepare('DELETE FROM monitor_rollups WHERE server_id = ? AND bucket_ms = ? AND ts < ?');
      const servers = this.db
        .prepare('SELECT s.id, e.retention_days FROM monitor_servers s JOIN monitor_ensembles e ON e.id = s.ensemble_id')
        .all() as Array<{ id: number; retention_days: number }>;
      for (const { id, retention_days } of servers) {
        const retentionCutoff = now - retention_days * DAY_MS;
        deleted += deleteSamples.run(id, Math.max(rawCutoff, retentionCutoff)).changes;
        deleted += deleteRollups.run(id, MINUTE_MS, Math.max(minuteCutoff, retentionCutoff)).changes;
        deleted += deleteRollups.run(id, TEN_MINUTES_MS, retentionCutoff).changes;
      }
      const ensembles = this.db.prepare('SELECT id, retention_days FROM monitor_ensembles').all() as Array<{ id: string; retention_days: number }>;
      for (const { id, retention_days } of ensembles) {
        const cutoff = now - retention_days * DAY_MS;
        deleted += this.db.prepare('DELETE FROM monitor_marks WHERE ensemble_id = ? AND ts < ?').run(id, cutoff).changes;
        deleted += this.db.prepare('DELETE FROM monitor_alerts WHERE ensemble_id = ? AND ts < ?').run(id, cutoff).changes;
      }
      return { rolledUp, deleted };
    })();
  }

  /** Row counts per table, for tests and diagnostics. */
  counts(): { samples: number; minuteBuckets: number; tenMinuteBuckets: number } {
    const count = (sql: string, ...p: unknown[]): number => this.db.prepare(sql).pluck().get(...p) as number;
    return {
      samples: count('SELECT COUNT(*) FROM monitor_samples'),
      minuteBuckets: count('SELECT COUNT(*) FROM monitor_rollups WHERE bucket_ms = ?', MINUTE_MS),
      tenMinuteBuckets: count('SELECT COUNT(*) FROM monitor_rollups WHERE bucket_ms = ?', TEN_MINUTES_MS),
    };
  }

  private rollUp(bucketMs: number, now: number): number {
    const end = Math.floor((now - SETTLE_MS) / bucketMs) * bucketMs;
    let from = this.progress(bucketMs);
    if (from === null) {
      const oldest = this.db.prepare('SELECT MIN(ts) FROM monitor_samples').pluck().get() as number | null;
      if (oldest === null) return 0;
      from = Math.floor(oldest / bucketMs) * bucketMs;
    }
    if (end <= from) return 0;
    const { changes } = this.db
      .prepare(
        `INSERT OR REPLACE INTO monitor_rollups (server_id, bucket_ms, ts, samples, down, ${ROLLUP_COLUMNS})
         SELECT server_id, @bucket, ts - ts % @bucket AS bucket, COUNT(*), SUM(up = 0), ${AGGREGATES}
         FROM monitor_samples WHERE ts >= @from AND ts < @end GROUP BY server_id, bucket`,
      )
      .run({ bucket: bucketMs, from, end });
    this.db.prepare('INSERT OR REPLACE INTO monitor_rollup_progress (bucket_ms, done_until) VALUES (?, ?)').run(bucketMs, end);
    return changes;
  }

  private progress(bucketMs: number): number | null {
    const v = this.db.prepare('SELECT done_until FROM monitor_rollup_progress WHERE bucket_ms = ?').pluck().get(bucketMs);
    return typeof v === 'number' ? v : null;
  }

  private serverId(ensembleId: string, address: string): number {
    const key = `${ensembleId}\n${address}`;
    let id = this.serverIds.get(key);
    if (id === undefined) {
      this.db.prepare('INSERT OR IGNORE INTO monitor_servers (ensemble_id, address) VALUES (?, ?)').run(ensembleId, address);
      id = this.db.prepare('SELECT id FROM monitor_servers WHERE ensemble_id = ? AND address = ?').pluck().get(ensembleId, address) as number;
      this.serverIds.set(key, id);
    }
    return id;
  }

  /** Forgets cached server ids of an ensemble whose rows were deleted (the ensemble was removed). */
  forget(ensembleId: string): void {
    for (const key of this.serverIds.keys()) if (key.startsWith(`${ensembleId}\n`)) this.serverIds.delete(key);
  }
}

function toSample(ensembleId: string, r: SampleRow): ServerSample {
  return {
    ensembleId,
    address: r.address,
    ts: r.ts,
    up: r.up === 1,
    downReason: r.down_reason,
    note: r.note,
    role: r.role,
    zxid: r.zxid,
    epoch: r.epoch,
    latencyAvgMs: r.latency_avg,
    latencyMaxMs: r.latency_max,
    outstanding: r.outstanding,
    connections: r.connections,
    znodes: r.znodes,
    watches: r.watches,
    ephemerals: r.ephemerals,
    dataSizeBytes: r.data_size,
    openFds: r.open_fds,
    maxFds: r.max_fds,
    syncedFollowers: r.synced_followers,
    probeMs: r.probe_ms,
    source: r.source,
    health: r.health,
  };
}

function toRollup(r: Record<string, number | string | null>): RollupRow {
  const avg = {} as Record<MetricName, number | null>;
  const max = {} as Record<MetricName, number | null>;
  for (const m of metricNames) {
    avg[m] = r[`${COLUMN[m]}_avg`] as number | null;
    max[m] = r[`${COLUMN[m]}_max`] as number | null;
  }
  return { address: r.address as string, ts: r.ts as number, samples: r.samples as number, down: r.down as number, avg, max };
}
