// Turns a stream of polls into alerts and timeline marks. A condition (a server down, a threshold
// crossed, too few synced followers) raises one alert when it starts and one 'info' when it clears;
// a leader change is an event and raises one alert. Pure: samples in, alerts and marks out.
import type { AlertKind, AlertThresholds, ServerSample, TimelineMark } from '../api/monitor-types';
import type { NewAlert } from '../store/metrics-events';
import { fdPercent, quorumOf, thresholdLevels, type Level } from './health';

export interface Observation {
  alerts: NewAlert[];
  marks: TimelineMark[];
}

interface ServerState {
  up: boolean;
  /** The last role seen while up, kept across an outage to mark a changed role on return. */
  role: string | null;
}

const ms = (v: number | null): string => (v === null ? '?' : `${Math.round(v * 10) / 10} ms`);

export class AlertTracker {
  private readonly servers = new Map<string, ServerState>();
  /** `${kind} ${address}` of every raised, not yet cleared condition, with its severity. */
  private readonly active = new Map<string, 'warn' | 'critical'>();
  private leader: { address: string; epoch: number | null } | null = null;

  constructor(
    private readonly ensembleId: string,
    private readonly thresholds: AlertThresholds,
  ) {}

  /** One poll's samples (one per server); `voters` is the number of voting members. */
  observe(samples: ServerSample[], voters: number): Observation {
    const out: Observation = { alerts: [], marks: [] };
    for (const s of samples) this.observeServer(s, voters, out);
    this.observeLeader(samples, out);
    return out;
  }

  private observeServer(s: ServerSample, voters: number, out: Observation): void {
    const prev = this.servers.get(s.address);
    const { ts, address } = s;
    if (!s.up) {
      if (!prev || prev.up) {
        const reason = s.downReason ?? 'no answer';
        out.alerts.push(this.alert(ts, address, 'down', 'critical', `${address} is down: ${reason}`));
        out.marks.push({ ts, address, kind: 'down', label: `down: ${reason}` });
      }
      // Threshold conditions stay as they were: a down server has no figures to judge.
      this.servers.set(address, { up: false, role: prev?.role ?? null });
      return;
    }
    if (prev && !prev.up) {
      out.alerts.push(this.alert(ts, address, 'up', 'info', `${address} is back up${s.role ? ` as ${s.role}` : ''}`));
      out.marks.push({ ts, address, kind: 'up', label: `up${s.role ? ` (${s.role})` : ''}` });
    }
    if (prev?.role && s.role && prev.role !== s.role) out.marks.push({ ts, address, kind: 'role', label: `${prev.role} → ${s.role}` });
    this.servers.set(address, { up: true, role: s.role ?? prev?.role ?? null });

    const t = this.thresholds;
    const levels = thresholdLevels(s, t, voters);
    const outstandingLimit = levels.outstanding === 'critical' ? t.outstandingCritical : t.outstandingWarn;
    this.condition(out, ts, address, 'outstanding', levels.outstanding,
      `${address}: ${s.outstanding} outstanding requests (${levels.outstanding} at ${outstandingLimit})`,
      `${address}: outstanding requests back to ${s.outstanding}`);
    this.condition(out, ts, address, 'latencyAvg', levels.latencyAvg,
      `${address}: average latency ${ms(s.latencyAvgMs)} (threshold ${t.avgLatencyMs} ms)`,
      `${address}: average latency back to ${ms(s.latencyAvgMs)}`);
    this.condition(out, ts, address, 'latencyMax', levels.latencyMax,
      `${address}: maximum latency ${ms(s.latencyMaxMs)} (threshold ${t.maxLatencyMs} ms)`,
      `${address}: maximum latency back to ${ms(s.latencyMaxMs)}`);
    const pct = Math.round(fdPercent(s) ?? 0);
    this.condition(out, ts, address, 'fds', levels.fds,
      `${address}: ${s.openFds} of ${s.maxFds} file descriptors open (${pct}%, threshold ${t.fdPercent}%)`,
      `${address}: file descriptors back to ${pct}% of the maximum`);
    // Only the leader reports synced followers; a follower's sample neither raises nor clears this.
    if (s.role === 'leader' || this.active.has(`quorumSync ${address}`)) {
      this.condition(out, ts, address, 'quorumSync', levels.quorumSync,
        `${address} (leader): ${s.syncedFollowers} synced followers; a quorum of ${voters} voters needs ${quorumOf(voters) - 1}`,
        `${address}: enough followers synced again`);
    }
  }

  private observeLeader(samples: ServerSample[], out: Observation): void {
    const leaders = samples.filter((s) => s.up && s.role === 'leader');
    // No leader (an election under way) or two (a stale view): wait for a settled answer.
    if (leaders.length !== 1) return;
    const [now] = leaders;
    const before = this.leader;
    this.leader = { address: now.address, epoch: now.epoch };
    if (!before) return;
    if (before.address !== now.address) {
      out.alerts.push(this.alert(now.ts, now.address, 'leaderChange', 'warn', `leader changed: ${before.address} → ${now.address}`));
    } else if (before.epoch !== null && now.epoch !== null && now.epoch > before.epoch) {
      out.alerts.push(this.alert(now.ts, now.address, 'leaderChange', 'warn',
        `${now.address} was elected leader again (epoch ${before.epoch} → ${now.epoch})`));
      out.marks.push({ ts: now.ts, address: now.address, kind: 'role', label: `re-elected leader (epoch ${now.epoch})` });
    }
  }

  private condition(out: Observation, ts: number, address: string, kind: AlertKind, level: Level, raised: string, cleared: string): void {
    const key = `${kind} ${address}`;
    const prev = this.active.get(key);
    if (level === null) {
      if (prev) {
        this.active.delete(key);
        out.alerts.push(this.alert(ts, address, kind, 'info', cleared));
      }
      return;
    }
    this.active.set(key, level);
    // A condition that worsens is raised again; one that eases from critical to warn is not.
    if (prev === undefined || (prev === 'warn' && level === 'critical')) out.alerts.push(this.alert(ts, address, kind, level, raised));
  }

  private alert(ts: number, address: string | null, kind: AlertKind, severity: NewAlert['severity'], message: string): NewAlert {
    return { ensembleId: this.ensembleId, ts, address, kind, severity, message };
  }
}
