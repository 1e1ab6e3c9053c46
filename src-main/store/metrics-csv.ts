// CSV export of a monitored ensemble's history over a time range, at the resolution the range
// calls for (raw samples for the last hour, else 1-minute or 10-minute buckets). One header for all
// resolutions so spreadsheets need no special cases; a bucket row leaves role, zxid and the like empty.
import { metricNames, type MetricName } from '../api/monitor-types';
import type { MetricsRepository } from './metrics';

const HEADER = [
  'time', 'ts', 'address', 'resolution', 'samples', 'down_samples', 'role', 'zxid', 'epoch', 'source', 'health', 'down_reason', 'note',
  ...metricNames, 'maxFds', 'syncedFollowers',
];

type Cell = string | number | null;

export function exportCsv(metrics: MetricsRepository, ensembleId: string, fromTs: number, toTs: number, now = Date.now()): string {
  const resolutionMs = metrics.resolutionFor(fromTs, now);
  const rows: Cell[][] = [];
  if (resolutionMs === 0) {
    for (const s of metrics.samples(ensembleId, fromTs, toTs)) {
      rows.push([
        new Date(s.ts).toISOString(), s.ts, s.address, 'raw', 1, s.up ? 0 : 1, s.role, s.zxid, s.epoch, s.source, s.health, s.downReason, s.note,
        ...metricNames.map((m) => s[m]), s.maxFds, s.syncedFollowers,
      ]);
    }
  } else {
    const label = resolutionMs === 60_000 ? '1m' : '10m';
    const buckets = metrics.rollups(ensembleId, resolutionMs, fromTs, toTs).sort((a, b) => a.ts - b.ts || (a.address < b.address ? -1 : 1));
    for (const r of buckets) {
      const value = (m: MetricName): number | null => (m === 'latencyMaxMs' ? r.max[m] : r.avg[m]);
      rows.push([
        new Date(r.ts).toISOString(), r.ts, r.address, label, r.samples, r.down, null, null, null, null, null, null, null,
        ...metricNames.map(value), null, null,
      ]);
    }
  }
  return [HEADER, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/**
 * RFC 4180: quote a cell holding a comma, quote or line break, doubling its quotes. Text from a
 * server that starts like a formula gets a leading apostrophe, so a spreadsheet shows it as text.
 */
function csvCell(v: Cell): string {
  if (v === null) return '';
  const text = typeof v === 'number' ? String(Math.round(v * 1000) / 1000) : /^[=+\-@]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
