// The monitoring half of the API: monitored ensembles in the store, one poller per started
// ensemble (shared by every window, running until stopped or the host closes), each poll stored
// and pushed as 'monitor.sample', each alert logged and pushed as 'monitor.alert'.
import { discoverMembers } from '../monitor/discovery';
import { EnsemblePoller, type PollResult } from '../monitor/ensemble-poller';
import type { DigestAuth } from '../monitor/latency-probe';
import { probeTlsOf } from '../monitor/monitor-tls';
import { validateTls } from '../store/ensembles';
import { isMetricName } from '../store/metrics';
import { exportCsv } from '../store/metrics-csv';
import { openMonitorStore, type MonitorStore } from '../store/metrics-db';
import type { Store } from '../store/store';
import { ApiFailure, badArguments } from './errors';
import type {
  AlertEvent, EnsembleDefinition, EnsembleTls, MetricSeries, MonitorApi, MonitorEvents, MonitoredMember, SaveEnsembleInput, ServerSample,
  TimelineMark,
} from './monitor-types';

export type MonitorPush = <E extends keyof MonitorEvents>(event: E, data: MonitorEvents[E]) => void;

export type MonitorHandlers = {
  [M in keyof MonitorApi]: (...params: unknown[]) => Promise<ReturnType<MonitorApi[M]>> | ReturnType<MonitorApi[M]>;
};

/** How often the retention job runs. */
const COMPACT_EVERY_MS = 60_000;

interface Running {
  poller: EnsemblePoller;
  latest: ServerSample[];
}

export class MonitorService {
  readonly db: MonitorStore;
  private readonly running = new Map<string, Running>();
  /** Starts under way, so two calls for one ensemble share one poller. */
  private readonly starting = new Map<string, Promise<void>>();
  private readonly alertListeners = new Set<(alert: AlertEvent) => void>();
  private readonly compactTimer: NodeJS.Timeout;

  constructor(
    private readonly store: Store,
    private readonly push: MonitorPush,
  ) {
    this.db = openMonitorStore(store.file);
    this.compactTimer = setInterval(() => this.compact(), COMPACT_EVERY_MS);
    this.compactTimer.unref();
    // What was being watched when ZooLab last closed is watched again.
    for (const def of this.db.ensembles.list()) {
      if (!def.running) continue;
      this.start(def.id).catch((err: unknown) => {
        process.emitWarning(`monitor "${def.name}": could not resume polling: ${(err as Error).message}`);
      });
    }
  }

  /** Every alert as it is raised (the Electron shell shows them as desktop notifications). */
  onAlert(listener: (alert: AlertEvent) => void): () => void {
    this.alertListeners.add(listener);
    return () => void this.alertListeners.delete(listener);
  }

  list(): EnsembleDefinition[] {
    return this.db.ensembles.list();
  }

  /** Saves; a running ensemble restarts with its new members, interval and thresholds. */
  async save(input: SaveEnsembleInput): Promise<EnsembleDefinition> {
    const def = this.db.ensembles.save(input);
    if (this.running.has(def.id) || this.starting.has(def.id)) {
      await this.pause(def.id);
      await this.start(def.id);
    }
    return def;
  }

  async remove(id: string): Promise<void> {
    this.definition(id);
    await this.pause(id);
    this.db.ensembles.remove(id);
    this.db.metrics.forget(id);
  }

  async discover(connectString: string, connectionId: string | null, tls: EnsembleTls | null = null): Promise<MonitoredMember[]> {
    const auth = await this.credentials(connectionId);
    return (await discoverMembers(connectString, { auth, tls: probeTlsOf(tls) })).members;
  }

  /** Starts polling (and remembers to resume it when ZooLab starts again); a running ensemble is left as it is. */
  start(id: string): Promise<void> {
    if (this.running.has(id)) return Promise.resolve();
    let starting = this.starting.get(id);
    if (!starting) {
      starting = this.startPoller(id).finally(() => this.starting.delete(id));
      this.starting.set(id, starting);
    }
    return starting;
  }

  async stop(id: string): Promise<void> {
    await this.pause(id);
    if (this.db.ensembles.get(id)) this.db.ensembles.setRunning(id, false);
  }

  /** Stops polling without changing what a restarted ZooLab resumes. */
  private async pause(id: string): Promise<void> {
    await this.starting.get(id)?.catch(() => undefined);
    const r = this.running.get(id);
    if (!r) return;
    this.running.delete(id);
    await r.poller.stop();
  }

  /** The last poll of a running ensemble; else each member's last stored sample. */
  latest(id: string): ServerSample[] {
    const def = this.definition(id);
    const r = this.running.get(id);
    if (r && r.latest.length > 0) return r.latest;
    return this.db.metrics.latest(id, def.members.map((m) => m.address));
  }

  history(id: string, metric: unknown, fromTs: unknown, toTs: unknown): MetricSeries[] {
    this.definition(id);
    if (!isMetricName(metric)) throw badArguments(`unknown metric ${JSON.stringify(metric)}`);
    const [from, to] = range(fromTs, toTs);
    return this.db.metrics.history(id, metric, from, to);
  }

  marks(id: string, fromTs: unknown, toTs: unknown): TimelineMark[] {
    this.definition(id);
    const [from, to] = range(fromTs, toTs);
    return this.db.events.marks(id, from, to);
  }

  alerts(id: string, limit: unknown): AlertEvent[] {
    this.definition(id);
    if (!Number.isInteger(limit) || (limit as number) < 1) throw badArguments('the alert limit must be a whole number above 0');
    return this.db.events.alerts(id, Math.min(limit as number, 10_000));
  }

  exportCsv(id: string, fromTs: unknown, toTs: unknown): string {
    this.definition(id);
    const [from, to] = range(fromTs, toTs);
    return exportCsv(this.db.metrics, id, from, to);
  }

  /** Runs the retention job now (the timer runs it every minute). */
  compact(now = Date.now()): void {
    try {
      this.db.metrics.compact(now);
    } catch (err) {
      process.emitWarning(`monitor history: the retention job failed: ${(err as Error).message}`);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.compactTimer);
    await Promise.all([...new Set([...this.running.keys(), ...this.starting.keys()])].map((id) => this.pause(id)));
    this.db.close();
  }

  private async startPoller(id: string): Promise<void> {
    const def = this.definition(id);
    const auth = await this.credentials(def.connectionId);
    // The PEM files are read now: one that cannot be used fails the start, in words.
    const tls = probeTlsOf(def.tls);
    const members = def.members.length > 0 ? def.members : (await discoverMembers(def.connectString, { auth, tls })).members;
    const running: Running = {
      latest: [],
      poller: new EnsemblePoller({
        ensembleId: id,
        members,
        intervalSec: def.intervalSec,
        thresholds: def.thresholds,
        auth,
        tls,
        onPoll: (result) => this.onPoll(id, running, result),
      }),
    };
    this.running.set(id, running);
    this.db.ensembles.setRunning(id, true);
    running.poller.start();
  }

  private onPoll(ensembleId: string, running: Running, result: PollResult): void {
    // A poll that finishes after stop() belongs to nobody.
    if (this.running.get(ensembleId) !== running) return;
    running.latest = result.samples;
    this.db.metrics.record(result.samples);
    if (result.marks.length > 0) this.db.events.addMarks(ensembleId, result.marks);
    this.push('monitor.sample', { ensembleId, samples: result.samples });
    for (const a of result.alerts) {
      const alert = this.db.events.addAlert(a);
      this.push('monitor.alert', alert);
      for (const listener of this.alertListeners) listener(alert);
    }
  }

  private definition(id: unknown): EnsembleDefinition {
    const def = typeof id === 'string' ? this.db.ensembles.get(id) : null;
    if (!def) throw new ApiFailure(`there is no monitored ensemble with id ${JSON.stringify(id)}`);
    return def;
  }

  /** The digest login of a saved connection, for the probes; null when there is none. */
  private async credentials(connectionId: string | null): Promise<DigestAuth | null> {
    if (connectionId === null) return null;
    const { profile, password } = await this.store.connections.credentials(connectionId);
    if (profile.authUser === null) return null;
    if (password === null) {
      throw new ApiFailure(`"${profile.name}" logs in as ${profile.authUser}, but no password is known: save it with the password`, null, 'PASSWORD_REQUIRED');
    }
    return { user: profile.authUser, password };
  }
}

/** The API's monitor.* calls; `monitor` is read per call, as the caller's fields may not be set up yet. */
export function monitorHandlers(monitor: () => MonitorService): MonitorHandlers {
  return {
    'monitor.list': () => monitor().list(),
    'monitor.save': (input) => monitor().save(input as SaveEnsembleInput),
    'monitor.remove': (id) => monitor().remove(text(id, 'ensemble id')),
    'monitor.discover': (connectString, connectionId, tls) =>
      monitor().discover(text(connectString, 'connect string'), connectionId === null || connectionId === undefined ? null : text(connectionId, 'connection id'),
        tlsArgument(tls)),
    'monitor.start': (id) => monitor().start(text(id, 'ensemble id')),
    'monitor.stop': (id) => monitor().stop(text(id, 'ensemble id')),
    'monitor.latest': (id) => monitor().latest(text(id, 'ensemble id')),
    'monitor.history': (id, metric, fromTs, toTs) => monitor().history(text(id, 'ensemble id'), metric, fromTs, toTs),
    'monitor.marks': (id, fromTs, toTs) => monitor().marks(text(id, 'ensemble id'), fromTs, toTs),
    'monitor.alerts': (id, limit) => monitor().alerts(text(id, 'ensemble id'), limit),
    'monitor.exportCsv': (id, fromTs, toTs) => monitor().exportCsv(text(id, 'ensemble id'), fromTs, toTs),
  };
}

function text(v: unknown, what: string): string {
  if (typeof v !== 'string' || v === '') throw badArguments(`the ${what} must be non-empty text`);
  return v;
}

function tlsArgument(v: unknown): EnsembleTls | null {
  try {
    return v === undefined ? null : validateTls(v);
  } catch (err) {
    throw badArguments((err as Error).message);
  }
}

function range(fromTs: unknown, toTs: unknown): [number, number] {
  if (!Number.isFinite(fromTs) || !Number.isFinite(toTs)) throw badArguments('a time range is two times in ms since the epoch');
  if ((fromTs as number) > (toTs as number)) throw badArguments('the range starts after it ends');
  return [fromTs as number, toTs as number];
}
