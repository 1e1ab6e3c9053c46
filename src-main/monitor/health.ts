// Which thresholds a sample crosses, and the colour of its card. Pure: the alert tracker and the
// sample builder read the same levels, so a card is never red without an alert saying why.
import type { AlertThresholds, Health, ServerSample } from '../api/monitor-types';

export type Level = 'warn' | 'critical' | null;

export type Figures = Pick<ServerSample, 'up' | 'role' | 'outstanding' | 'latencyAvgMs' | 'latencyMaxMs' | 'openFds' | 'maxFds' | 'syncedFollowers'>;

export interface ThresholdLevels {
  outstanding: Level;
  latencyAvg: Level;
  latencyMax: Level;
  fds: Level;
  /** A leader whose synced followers and itself fall short of a quorum of the voters. */
  quorumSync: Level;
}

/** Votes needed among `voters` voting members. */
export function quorumOf(voters: number): number {
  return Math.floor(voters / 2) + 1;
}

export function fdPercent(f: Pick<Figures, 'openFds' | 'maxFds'>): number | null {
  return f.openFds !== null && f.maxFds !== null && f.maxFds > 0 ? (f.openFds / f.maxFds) * 100 : null;
}

export function thresholdLevels(f: Figures, t: AlertThresholds, voters: number): ThresholdLevels {
  const at = (v: number | null, limit: number): boolean => v !== null && v >= limit;
  const fds = fdPercent(f);
  return {
    outstanding: at(f.outstanding, t.outstandingCritical) ? 'critical' : at(f.outstanding, t.outstandingWarn) ? 'warn' : null,
    latencyAvg: at(f.latencyAvgMs, t.avgLatencyMs) ? 'warn' : null,
    latencyMax: at(f.latencyMaxMs, t.maxLatencyMs) ? 'warn' : null,
    fds: at(fds, t.fdPercent) ? 'warn' : null,
    quorumSync: f.role === 'leader' && f.syncedFollowers !== null && f.syncedFollowers + 1 < quorumOf(voters) ? 'critical' : null,
  };
}

export function healthOf(f: Figures, t: AlertThresholds, voters: number): Health {
  if (!f.up) return 'down';
  const levels = Object.values(thresholdLevels(f, t, voters));
  if (levels.includes('critical')) return 'critical';
  return levels.includes('warn') ? 'warn' : 'ok';
}
