// What `zoolab monitor` prints: a per-server table for people, one JSON object per poll for scripts.
import type { ServerSample } from '../api/monitor-types';
import type { MetricValue } from '../client/four-letter-mntr';
import type { NewAlert } from '../store/metrics-events';
import type { PollResult } from './ensemble-poller';
import { mntrFigures } from './sample';

export interface JsonPoll {
  ts: number;
  servers: Array<{
    address: string;
    state: 'up' | 'down';
    reason: string | null;
    role: string | null;
    zxid: string | null;
    probeMs: number | null;
    /** Every mntr figure under mntr's names (zk_...); null when neither mntr nor the AdminServer answered. */
    mntr: Record<string, MetricValue> | null;
  }>;
  alerts: Array<Pick<NewAlert, 'ts' | 'address' | 'kind' | 'severity' | 'message'>>;
}

export function jsonPoll(result: PollResult): JsonPoll {
  return {
    ts: result.ts,
    servers: result.samples.map((s, i) => ({
      address: s.address,
      state: s.up ? 'up' : 'down',
      reason: s.up ? s.note : s.downReason,
      role: s.role,
      zxid: s.zxid,
      probeMs: s.probeMs === null ? null : round(s.probeMs, 3),
      mntr: mntrFigures(result.readings[i]),
    })),
    alerts: result.alerts.map(({ ts, address, kind, severity, message }) => ({ ts, address, kind, severity, message })),
  };
}

const COLUMNS: Array<[string, (s: ServerSample) => string]> = [
  ['SERVER', (s) => s.address],
  ['STATE', (s) => (s.up ? 'up' : 'DOWN')],
  ['ROLE', (s) => s.role ?? '-'],
  ['ZXID', (s) => s.zxid ?? '-'],
  ['LAT avg/max', (s) => (s.latencyAvgMs === null ? '-' : `${round(s.latencyAvgMs, 1)}/${s.latencyMaxMs ?? '?'} ms`)],
  ['PROBE', (s) => (s.probeMs === null ? '-' : `${round(s.probeMs, 1)} ms`)],
  ['OUTST', (s) => num(s.outstanding)],
  ['CONNS', (s) => num(s.connections)],
  ['ZNODES', (s) => num(s.znodes)],
  ['WATCHES', (s) => num(s.watches)],
  ['EPHEM', (s) => num(s.ephemerals)],
  ['DATA', (s) => (s.dataSizeBytes === null ? '-' : bytes(s.dataSizeBytes))],
  ['FDS', (s) => (s.openFds === null ? '-' : `${s.openFds}/${s.maxFds ?? '?'}`)],
  ['SYNCED', (s) => num(s.syncedFollowers)],
  ['HEALTH', (s) => s.health],
  ['NOTE', (s) => (s.up ? (s.note ?? '') : (s.downReason ?? ''))],
];

/** The table of one poll, a header line first; every line ends in \n. */
export function formatTable(result: PollResult, connectString: string): string {
  const rows = [COLUMNS.map(([title]) => title), ...result.samples.map((s) => COLUMNS.map(([, cell]) => cell(s)))];
  const widths = COLUMNS.map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const up = result.samples.filter((s) => s.up).length;
  const lines = [
    `${new Date(result.ts).toISOString()}  ${connectString}  ${up}/${result.samples.length} up`,
    ...rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ').trimEnd()),
  ];
  return `${lines.join('\n')}\n`;
}

export function formatAlert(a: NewAlert): string {
  return `${new Date(a.ts).toISOString()}  ${a.severity.toUpperCase().padEnd(8)}  ${a.message}\n`;
}

function num(v: number | null): string {
  return v === null ? '-' : String(v);
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${round(n / 1024, 1)} KiB`;
  return `${round(n / 1024 / 1024, 1)} MiB`;
}
